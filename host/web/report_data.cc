#include "hil/web/report_data.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "hil/board/board_kind.h"
#include "hil/core/sha256.h"
#include "hil/core/stats.h"
#include "hil/core/suite.h"
#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"
#include "hil/report/kernels.h"

namespace hil::web {
namespace {

using nlohmann::json;

bool Keep(const store::RunRow& r, const ReportFilter& f) {
  if (!f.suite.empty() && r.suite_name != f.suite) return false;
  // ISO 8601 UTC text compares in time order; a date alone keeps that whole day.
  if (!f.since.empty() && r.started_at < f.since) return false;
  return true;
}

// Median per inference in microseconds at the board's clock; nullopt when the unit has no time.
// Instructions (QEMU -icount) are converted as if one instruction took one cycle.
std::optional<double> ToMicroseconds(double value, const std::string& unit, uint64_t clock_hz) {
  if (unit == "ns") return value / 1000.0;
  if (unit == "us") return value;
  if ((unit == "cycles" || unit == "instructions") && clock_hz > 0) return value * 1e6 / static_cast<double>(clock_hz);
  return std::nullopt;
}

// MACs per model, by sha256: the store keeps each job's model hash, not its bytes, so the bytes are
// rebuilt from the run's suite (zoo models regenerate bit for bit from name and seed; files are
// read where the suite points) and counted only when the hash matches what was run.
class MacCounter {
 public:
  struct Count {
    uint64_t macs = 0;
    std::string source;
  };

  // `source_dir`: where a relative suite path is also tried (the checkout the runs came from).
  explicit MacCounter(std::string source_dir) : source_dir_(std::move(source_dir)) {}

  std::optional<Count> Find(const std::string& suite_path, const std::string& model_name, const std::string& sha256) {
    if (auto it = by_sha_.find(sha256); it != by_sha_.end()) return it->second;
    if (!suite_path.empty() && loaded_suites_.insert(suite_path).second) {
      auto suite = LoadSuite(suite_path);
      if (!suite && !source_dir_.empty() && std::filesystem::path(suite_path).is_relative())
        suite = LoadSuite((std::filesystem::path(source_dir_) / suite_path).string());
      if (suite) {
        for (const auto& m : suite->models) {
          if (m.source == ModelSpec::Source::kGenerate) {
            Add(model::GenerateModel(m.generator, m.seed), "model_stats from zoo " + m.generator + " seed " + std::to_string(m.seed));
          } else {
            Add(model::ReadFileBytes(m.resolved), "model_stats from " + m.resolved);
          }
        }
      }
    }
    if (auto it = by_sha_.find(sha256); it != by_sha_.end()) return it->second;
    // A zoo name as the suite derives it ("kws-s1") when the suite file has moved.
    if (auto dash = model_name.rfind("-s"); dash != std::string::npos && dash > 0) {
      try {
        const uint64_t seed = std::stoull(model_name.substr(dash + 2));
        const std::string gen = model_name.substr(0, dash);
        Add(model::GenerateModel(gen, seed), "model_stats from zoo " + gen + " seed " + std::to_string(seed));
      } catch (const std::exception&) {
      }
    }
    if (auto it = by_sha_.find(sha256); it != by_sha_.end()) return it->second;
    return std::nullopt;
  }

 private:
  void Add(const std::expected<std::vector<uint8_t>, std::string>& bytes, const std::string& source) {
    if (!bytes) return;
    const std::string sha = Sha256Hex(*bytes);
    if (by_sha_.contains(sha)) return;
    if (auto stats = model::AnalyzeTflite(*bytes)) by_sha_[sha] = Count{stats->total_macs, source};
  }

  std::string source_dir_;
  std::map<std::string, Count> by_sha_;
  std::set<std::string> loaded_suites_;
};

// The stored verdict of the suite's regression rule, where this store's JobRow has one (issue 5).
template <class Row>
void AddStoredRegression(json& o, const Row& j) {
  if constexpr (requires { j.regression; }) {
    if (!j.regression.empty()) o["regression"] = j.regression;
  }
}

class Collector {
 public:
  explicit Collector(const ReportOptions& options)
      : options_(options),
        macs_(options.boards_dir.empty() ? std::string() : std::filesystem::path(options.boards_dir).parent_path().string()) {
    if (!options.boards_dir.empty()) {
      std::vector<Error> broken;
      if (auto kinds = board::LoadBoardKinds(options.boards_dir, &broken)) {
        for (const auto& [name, k] : *kinds) {
          cores_[name] = k.core;
          protocols_[name] = k.protocol;
        }
      }
    }
  }

  Result<std::vector<store::RunRow>> Runs(store::Store& store) {
    auto runs = store.ListRuns();
    if (!runs) return std::unexpected(runs.error());
    std::vector<store::RunRow> kept;
    for (auto& r : *runs)
      if (Keep(r, options_.filter)) kept.push_back(std::move(r));
    return kept;
  }

  static json RunJson(const store::RunRow& r) {
    return {{"id", r.id},         {"suite", r.suite_name},          {"suite_path", r.suite_path}, {"started_at", r.started_at},
            {"finished_at", r.finished_at}, {"status", r.status}, {"job_count", r.job_count}};
  }

  // A run's jobs as JSON, and its kernel variants side by side (hil/report/kernels.h).
  struct RunJobs {
    json jobs = json::array();
    json kernels = json::array();
  };
  Result<RunJobs> JobsOf(store::Store& store, const store::RunRow& run) {
    auto jobs = store.ListJobs(run.id);
    if (!jobs) return std::unexpected(jobs.error());
    RunJobs out;
    std::map<int64_t, std::vector<store::OpProfileRow>> ops;
    for (const auto& j : *jobs) {
      auto rows = store.OpProfile(j.id);
      if (!rows) return std::unexpected(rows.error());
      out.jobs.push_back(JobJson(run, j, *rows));
      ops[j.id] = std::move(*rows);
    }
    for (const auto& g : report::CompareKernels(*jobs, ops, KernelContextOf(run, *jobs))) out.kernels.push_back(KernelGroupJson(g));
    return out;
  }

  // Cores of the board kinds and MACs of the run's models, for the kernel comparison.
  report::KernelContext KernelContextOf(const store::RunRow& run, const std::vector<store::JobRow>& jobs) {
    report::KernelContext context;
    context.core_by_board = cores_;
    for (const auto& j : jobs) {
      if (auto macs = macs_.Find(run.suite_path, j.info.model_name, j.info.model_sha256))
        context.macs_by_sha256[j.info.model_sha256] = macs->macs;
    }
    return context;
  }

  static json KernelGroupJson(const report::KernelGroup& g) {
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    json variants = json::array(), ops = json::array();
    for (const auto& v : g.variants) {
      variants.push_back({{"engine", v.engine},
                          {"kernel", v.kernel},
                          {"job_id", v.job_id},
                          {"status", v.status},
                          {"unit", v.unit},
                          {"source", v.source},
                          {"median", v.median},
                          {"per_mac", opt(v.per_mac)},
                          {"speedup", opt(v.speedup)},
                          {"peak_pct", opt(v.peak_pct)},
                          {"vs_tflm", opt(v.vs_tflm)},
                          {"arena_used", v.arena_used ? json(*v.arena_used) : json(nullptr)},
                          {"flash_bytes", v.flash_bytes}});
    }
    for (const auto& o : g.ops) {
      ops.push_back({{"index", o.op_index}, {"name", o.op_name}, {"engine", o.engine}, {"kernel", o.kernel}, {"ref", opt(o.ref_per_call)},
                     {"value", opt(o.per_call)}, {"speedup", opt(o.speedup)}});
    }
    return {{"run_id", g.run_id},
            {"model", g.model_name},
            {"board", g.board_kind},
            {"core", g.core},
            {"peak_macs_per_cycle", g.peak_macs_per_cycle},
            {"macs", g.macs ? json(*g.macs) : json(nullptr)},
            {"variants", std::move(variants)},
            {"op_base", g.op_base},
            {"ops", std::move(ops)}};
  }

  json JobJson(const store::RunRow& run, const store::JobRow& j, const std::vector<store::OpProfileRow>& ops) {
    json o;
    o["id"] = j.id;
    o["run_id"] = j.run_id;
    o["ordinal"] = j.info.ordinal;
    o["model"] = j.info.model_name;
    o["model_sha256"] = j.info.model_sha256;
    o["model_bytes"] = j.info.model_bytes;
    o["board"] = j.info.board_kind;
    o["board_instance"] = j.info.board_instance;
    o["kernel"] = j.info.kernel.empty() ? json(nullptr) : json(j.info.kernel);  // the variant in effect
    o["engine"] = store::EngineOf(j.info);
    auto core = cores_.find(j.info.board_kind);
    o["core"] = core == cores_.end() ? "" : core->second;
    o["clock_hz"] = j.info.clock_hz;
    // Whose firmware produced the figures: our agent, or firmware speaking MLPerf Tiny's DUT
    // protocol (a third party's stack; the cross-chip table sets the two side by side). Without the
    // kind file, the latency source still tells an MLPerf DUT.
    auto protocol = protocols_.find(j.info.board_kind);
    const bool mlperf = protocol != protocols_.end() ? protocol->second == "mlperf-tiny" : j.source.starts_with("mlperf-");
    o["firmware"] = mlperf ? "MLPerf Tiny DUT" : "TinyHIL agent";
    o["settings"] = {{"warmup", j.info.warmup}, {"iterations", j.info.iterations}, {"repetitions", j.info.repetitions}};
    o["status"] = j.status;
    o["error"] = j.error;
    o["check"] = j.check;
    o["check_detail"] = j.check_detail;
    o["unit"] = j.unit;
    o["source"] = j.source;
    const Summary s = Summarize(j.samples);
    o["n"] = s.count;
    if (s.count > 0) {
      o["median"] = s.median;
      o["min"] = s.min;
      o["max"] = s.max;
      o["mean"] = s.mean;
      if (auto us = ToMicroseconds(s.median, j.unit, j.info.clock_hz)) {
        o["median_us"] = *us;
        o["time_source"] = j.unit == "ns" ? j.unit + ":" + j.source
                                          : j.unit + ":" + j.source + " / clock " + std::to_string(j.info.clock_hz) + " Hz" +
                                                (j.unit == "instructions" ? " (1 instruction = 1 cycle)" : "");
      }
    }
    if (j.memory) {
      const auto& m = *j.memory;
      o["memory"] = {{"arena_bytes", m.arena_bytes}, {"arena_used", m.arena_used}, {"stack_bytes", m.stack_bytes},
                     {"stack_used", m.stack_used},   {"static_bytes", m.static_bytes}};
      o["ram_peak_bytes"] = uint64_t{m.arena_used} + m.stack_used + m.static_bytes;
    }
    o["flash_bytes"] = j.flash_bytes;
    if (j.energy_uj) {
      o["energy_uj"] = *j.energy_uj;
      o["energy_source"] = j.energy_source;
      o["energy_estimate"] = j.energy_source.starts_with("estimate");
    }
    if (auto macs = macs_.Find(run.suite_path, j.info.model_name, j.info.model_sha256)) {
      o["macs"] = macs->macs;
      o["macs_source"] = macs->source;
    }
    json ops_json = json::array();
    for (const auto& op : ops)
      ops_json.push_back({{"index", op.op_index}, {"name", op.op_name}, {"calls", op.calls}, {"value", op.value}});
    o["ops"] = std::move(ops_json);
    AddStoredRegression(o, j);
    return o;
  }

 private:
  const ReportOptions& options_;
  std::map<std::string, std::string> cores_;
  std::map<std::string, std::string> protocols_;  // board kind -> its firmware's protocol
  MacCounter macs_;
};

Result<std::string> Dump(const json& j) {
  // Replacement keeps bad UTF-8 in error text from throwing; "</" is escaped so the blob can sit
  // inside a <script> element.
  std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<std::string> ReportJson(store::Store& store, const ReportOptions& options) {
  Collector c(options);
  auto runs = c.Runs(store);
  if (!runs) return std::unexpected(runs.error());
  std::reverse(runs->begin(), runs->end());  // oldest first: the order of the trend charts
  json runs_json = json::array(), jobs_json = json::array(), kernels_json = json::array();
  for (const auto& r : *runs) {
    json rj = Collector::RunJson(r);
    json env = json::object();
    if (auto facts = store.Environment(r.id)) {
      for (const auto& [k, v] : *facts) env[k] = v;
    }
    rj["environment"] = std::move(env);
    runs_json.push_back(std::move(rj));
    auto jobs = c.JobsOf(store, r);
    if (!jobs) return std::unexpected(jobs.error());
    for (auto& j : jobs->jobs) jobs_json.push_back(std::move(j));
    for (auto& k : jobs->kernels) kernels_json.push_back(std::move(k));
  }
  json meta = {{"db", options.db_path},
               {"since", options.filter.since},
               {"suite", options.filter.suite},
               {"generator", "hil report " HIL_VERSION}};
  return Dump({{"meta", meta}, {"runs", runs_json}, {"jobs", jobs_json}, {"kernels", kernels_json}});
}

Result<std::string> RunsJson(store::Store& store, const ReportFilter& filter) {
  ReportOptions options;
  options.filter = filter;
  Collector c(options);
  auto runs = c.Runs(store);
  if (!runs) return std::unexpected(runs.error());
  json out = json::array();
  for (const auto& r : *runs) out.push_back(Collector::RunJson(r));
  return Dump({{"runs", out}});
}

Result<std::string> JobsJson(store::Store& store, int64_t run_id, const ReportOptions& options) {
  auto runs = store.ListRuns();
  if (!runs) return std::unexpected(runs.error());
  auto run = std::find_if(runs->begin(), runs->end(), [&](const store::RunRow& r) { return r.id == run_id; });
  if (run == runs->end()) return Fail(Status::kNotFound, "run " + std::to_string(run_id) + ": no such run");
  Collector c(options);
  auto jobs = c.JobsOf(store, *run);
  if (!jobs) return std::unexpected(jobs.error());
  return Dump({{"run", Collector::RunJson(*run)}, {"jobs", jobs->jobs}, {"kernels", jobs->kernels}});
}

Result<std::vector<report::KernelGroup>> KernelGroups(store::Store& store, int64_t run_id, const ReportOptions& options) {
  auto runs = store.ListRuns();
  if (!runs) return std::unexpected(runs.error());
  auto run = std::find_if(runs->begin(), runs->end(), [&](const store::RunRow& r) { return r.id == run_id; });
  if (run == runs->end()) return Fail(Status::kNotFound, "run " + std::to_string(run_id) + ": no such run");
  auto jobs = store.ListJobs(run_id);
  if (!jobs) return std::unexpected(jobs.error());
  Collector c(options);
  return report::CompareKernels(store, run_id, c.KernelContextOf(*run, *jobs));
}

Result<std::string> SeriesJson(store::Store& store, const std::string& model, const std::string& board,
                               const ReportOptions& options) {
  Collector c(options);
  auto runs = c.Runs(store);
  if (!runs) return std::unexpected(runs.error());
  std::reverse(runs->begin(), runs->end());
  std::map<std::pair<std::string, std::string>, json> series;
  for (const auto& r : *runs) {
    auto jobs = store.ListJobs(r.id);
    if (!jobs) return std::unexpected(jobs.error());
    for (const auto& j : *jobs) {
      if ((!model.empty() && j.info.model_name != model) || (!board.empty() && j.info.board_kind != board)) continue;
      json p = c.JobJson(r, j, {});
      p.erase("ops");
      p["run_started_at"] = r.started_at;
      auto& s = series[{j.info.model_name, j.info.board_kind}];
      if (s.is_null()) s = {{"model", j.info.model_name}, {"board", j.info.board_kind}, {"points", json::array()}};
      s["points"].push_back(std::move(p));
    }
  }
  json out = json::array();
  for (auto& [key, s] : series) out.push_back(std::move(s));
  return Dump({{"series", out}});
}

}  // namespace hil::web
