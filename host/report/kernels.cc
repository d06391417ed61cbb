#include "hil/report/kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "columns.h"
#include "hil/core/stats.h"

namespace hil::report {
namespace {

constexpr std::string_view kRef = "ref";
constexpr std::string_view kTflm = "tflm";

struct CorePeak {
  std::string_view core;
  double macs_per_cycle;
};
// The DSP extension's SMLAD does two 16-bit MACs in one cycle (int8 operands are widened first); the
// M55 runs Helium at two 32-bit beats per cycle, eight int8 lanes.
constexpr CorePeak kPeaks[] = {
    {"cortex-m4", 2}, {"cortex-m7", 2}, {"cortex-m33", 2}, {"cortex-m55", 8},
};

bool CountsCycles(const std::string& unit) { return unit == "cycles" || unit == "instructions"; }

std::string Fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }
std::string Speedup(const std::optional<double>& s) { return s ? Fixed(*s, 2) + "x" : "-"; }

}  // namespace

double PeakMacsPerCycle(std::string_view core) {
  for (const auto& p : kPeaks)
    if (p.core == core) return p.macs_per_cycle;
  return 1;
}

std::vector<KernelGroup> CompareKernels(const std::vector<store::JobRow>& jobs,
                                        const std::map<int64_t, std::vector<store::OpProfileRow>>& ops,
                                        const KernelContext& context) {
  // (model, board) -> (engine, variant) -> first usable job, and the order in which models first
  // appear. Ours sorts before TFLM ("tinyhil" > "tflm" by name, so the engine is ranked explicitly).
  using Variant = std::pair<int, std::string>;  // (0 ours / 1 tflm, kernel)
  std::map<std::pair<std::string, std::string>, std::map<Variant, const store::JobRow*>> by_pair;
  std::map<std::string, size_t> model_order;
  for (const auto& j : jobs) {
    model_order.emplace(j.info.model_name, model_order.size());
    if (j.info.kernel.empty() || j.samples.empty()) continue;
    const int engine = store::EngineOf(j.info) == kTflm ? 1 : 0;
    by_pair[{j.info.model_name, j.info.board_kind}].emplace(Variant{engine, j.info.kernel}, &j);
  }
  std::vector<std::pair<std::pair<std::string, std::string>, std::map<Variant, const store::JobRow*>*>> pairs;
  for (auto& [key, variants] : by_pair)
    if (variants.size() > 1) pairs.push_back({key, &variants});
  std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
    return std::tie(model_order[a.first.first], a.first.second) < std::tie(model_order[b.first.first], b.first.second);
  });

  std::vector<KernelGroup> out;
  for (const auto& [key, variants] : pairs) {
    KernelGroup g;
    g.model_name = key.first;
    g.board_kind = key.second;
    if (auto it = context.core_by_board.find(g.board_kind); it != context.core_by_board.end()) g.core = it->second;
    g.peak_macs_per_cycle = PeakMacsPerCycle(g.core);
    std::vector<const store::JobRow*> ordered;
    const Variant our_ref{0, std::string(kRef)};
    if (auto ref = variants->find(our_ref); ref != variants->end()) ordered.push_back(ref->second);
    for (const auto& [variant, job] : *variants)
      if (variant != our_ref) ordered.push_back(job);
    g.run_id = ordered.front()->run_id;
    for (const auto* j : ordered) {
      if (auto m = context.macs_by_sha256.find(j->info.model_sha256); m != context.macs_by_sha256.end() && m->second > 0) {
        g.macs = m->second;
        break;
      }
    }
    const store::JobRow* ref = variants->contains(our_ref) ? ordered.front() : nullptr;
    const double ref_median = ref ? Summarize(ref->samples).median : 0;
    // TFLM's job (the first, if it ran with several variants) is what each row is set against.
    const store::JobRow* tflm = nullptr;
    for (const auto* j : ordered)
      if (!tflm && store::EngineOf(j->info) == kTflm) tflm = j;
    const double tflm_median = tflm ? Summarize(tflm->samples).median : 0;
    for (const auto* j : ordered) {
      KernelVariantRow v;
      v.engine = store::EngineOf(j->info);
      v.kernel = j->info.kernel;
      if (j->memory) v.arena_used = j->memory->arena_used;
      v.flash_bytes = j->flash_bytes;
      v.job_id = j->id;
      v.status = j->status;
      v.unit = j->unit;
      v.source = j->source;
      v.median = Summarize(j->samples).median;
      if (g.macs && CountsCycles(j->unit) && v.median > 0) {
        v.per_mac = v.median / static_cast<double>(*g.macs);
        v.peak_pct = 100.0 / (*v.per_mac * g.peak_macs_per_cycle);
      }
      if (ref && ref->unit == j->unit && v.median > 0) v.speedup = ref_median / v.median;
      if (tflm && tflm->unit == j->unit && v.median > 0) v.vs_tflm = tflm_median / v.median;
      g.variants.push_back(std::move(v));
    }
    // Per operator, each variant against ref, matched by op index.
    static const std::vector<store::OpProfileRow> kNone;
    auto ops_of = [&](const store::JobRow* j) -> const std::vector<store::OpProfileRow>& {
      auto it = ops.find(j->id);
      return it == ops.end() ? kNone : it->second;
    };
    auto per_call = [](const store::OpProfileRow& o) -> std::optional<double> {
      if (o.calls == 0) return std::nullopt;
      return static_cast<double>(o.value) / o.calls;
    };
    // Per operator, each other job against the base: ours with ref kernels, or (a comparison of
    // engines without it) TFLM's job.
    const store::JobRow* base = ref ? ref : tflm;
    if (base) g.op_base = store::EngineOf(base->info) + " " + base->info.kernel;
    for (const auto* j : ordered) {
      if (!base || j == base) continue;
      std::map<int, const store::OpProfileRow*> ref_ops, var_ops;
      for (const auto& o : ops_of(base)) ref_ops.emplace(o.op_index, &o);
      for (const auto& o : ops_of(j)) var_ops.emplace(o.op_index, &o);
      std::set<int> indices;
      for (const auto& [i, o] : ref_ops) indices.insert(i);
      for (const auto& [i, o] : var_ops) indices.insert(i);
      for (int i : indices) {
        KernelOpRow r;
        r.op_index = i;
        r.engine = store::EngineOf(j->info);
        r.kernel = j->info.kernel;
        const auto* a = ref_ops.contains(i) ? ref_ops[i] : nullptr;
        const auto* b = var_ops.contains(i) ? var_ops[i] : nullptr;
        r.op_name = a ? a->op_name : b->op_name;
        if (a) r.ref_per_call = per_call(*a);
        if (b) r.per_call = per_call(*b);
        if (r.ref_per_call && r.per_call && *r.per_call > 0 && base->unit == j->unit) r.speedup = *r.ref_per_call / *r.per_call;
        g.ops.push_back(std::move(r));
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<KernelGroup>> CompareKernels(store::Store& store, int64_t run_id, const KernelContext& context) {
  auto jobs = store.ListJobs(run_id);
  if (!jobs) return std::unexpected(jobs.error());
  std::map<int64_t, std::vector<store::OpProfileRow>> ops;
  for (const auto& j : *jobs) {
    auto rows = store.OpProfile(j.id);
    if (!rows) return std::unexpected(rows.error());
    ops[j.id] = std::move(*rows);
  }
  return CompareKernels(*jobs, ops, context);
}

std::string KernelTable(const std::vector<KernelGroup>& groups, bool ops) {
  if (groups.empty()) return "no model ran with more than one engine or kernel variant on a board kind in this run\n";
  bool any_tflm = false;
  for (const auto& g : groups)
    for (const auto& v : g.variants) any_tflm = any_tflm || v.engine == kTflm;
  std::vector<std::vector<std::string>> rows = {{"MODEL", "BOARD", "CORE", "ENGINE", "KERNEL", "MEDIAN", "UNIT", "MACS", "PER MAC",
                                                 "SPEED-UP", "% PEAK", "ARENA", "STATUS"}};
  if (any_tflm) rows[0].insert(rows[0].begin() + 11, "VS TFLM");
  std::set<std::string> units;
  std::map<std::string, double> peaks;
  for (const auto& g : groups) {
    peaks[g.core.empty() ? "unknown core" : g.core] = g.peak_macs_per_cycle;
    for (const auto& v : g.variants) {
      units.insert(v.unit);
      std::vector<std::string> r = {g.model_name, g.board_kind, g.core.empty() ? "-" : g.core, v.engine, v.kernel, Fixed(v.median, 0),
                                    v.unit + (v.source.empty() ? "" : ":" + v.source), g.macs ? std::to_string(*g.macs) : "-",
                                    v.per_mac ? Fixed(*v.per_mac, 2) : "-", Speedup(v.speedup),
                                    v.peak_pct ? Fixed(*v.peak_pct, 1) + "%" : "-",
                                    v.arena_used ? std::to_string(*v.arena_used) : "-", v.status};
      if (any_tflm) r.insert(r.begin() + 11, Speedup(v.vs_tflm));
      rows.push_back(std::move(r));
    }
  }
  std::vector<bool> right = {false, false, false, false, false, true, false, true, true, true, true, true, false};
  if (any_tflm) right.insert(right.begin() + 11, true);
  std::string out = Columns(rows, {}, right);
  std::string peak_list;
  for (const auto& [core, peak] : peaks) peak_list += fmt::format("{}{} {}", peak_list.empty() ? "" : ", ", core, peak);
  out += "SPEED-UP = median of ours with ref kernels / this median; PER MAC = median / MACs; % PEAK = MACs / (median x the core's peak int8 "
         "MACs per cycle: " + peak_list + "); ARENA = arena bytes the engine used\n";
  if (any_tflm) out += "VS TFLM = TFLM's median / this median (above 1: faster than TensorFlow Lite Micro on this board)\n";
  if (units.contains("instructions"))
    out += "under QEMU (-icount) the counts are instructions, not cycles: PER MAC is instructions per MAC and % PEAK takes "
           "one instruction for one cycle\n";
  if (!ops) return out;

  std::vector<std::vector<std::string>> op_rows = {
      {"MODEL", "BOARD", "#", "OPERATOR", "ENGINE", "KERNEL", "BASE", "BASE PER CALL", "PER CALL", "SPEED-UP"}};
  for (const auto& g : groups)
    for (const auto& o : g.ops)
      op_rows.push_back({g.model_name, g.board_kind, std::to_string(o.op_index), o.op_name, o.engine, o.kernel, g.op_base,
                         o.ref_per_call ? Fixed(*o.ref_per_call, 0) : "-", o.per_call ? Fixed(*o.per_call, 0) : "-",
                         Speedup(o.speedup)});
  out += "\nper operator (matched by op index; counts per call, in the job's unit; BASE: ours with ref kernels, else TFLM):\n";
  if (op_rows.size() == 1) return out + "no per-operator profiles with a ref or TFLM job to compare with\n";
  out += Columns(op_rows, {}, {false, false, true, false, false, false, false, true, true, true});
  return out;
}

}  // namespace hil::report
