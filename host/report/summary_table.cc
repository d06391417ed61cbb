#include "hil/report/summary_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "columns.h"
#include "hil/core/stats.h"

namespace hil::report {
namespace {

std::string Num(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

}  // namespace

double ToMicroseconds(double value, const std::string& unit, uint64_t clock_hz) {
  if (unit == "ns") return value / 1000.0;
  if ((unit == "cycles" || unit == "instructions") && clock_hz > 0) return value * 1e6 / static_cast<double>(clock_hz);
  return -1;
}

std::string Bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.2f} MiB", bytes / (1024.0 * 1024.0));
}

// Energy in a readable unit; estimates carry a '~' so they are never read as measurements.
std::string Energy(const store::JobRow& j) {
  if (!j.energy_uj) return "-";
  const bool estimate = j.energy_source.rfind("estimate", 0) == 0;
  const double uj = *j.energy_uj;
  const std::string v = uj >= 1000 ? Num(uj / 1000) + " mJ" : uj >= 1 ? Num(uj) + " uJ" : Num(uj * 1000) + " nJ";
  return (estimate ? "~" : "") + v;
}

std::string SummaryTable(const std::vector<store::JobRow>& jobs, const TableOptions& options) {
  std::vector<std::vector<std::string>> rows = {{"MODEL", "BOARD", "STATUS", "MEDIAN", "MIN", "MAX", "UNIT", "MEDIAN us",
                                                 "ARENA", "STACK", "RAM PEAK", "FLASH", "ENERGY/INF", "CHECK"}};
  std::vector<std::string> notes = {""};
  bool any_estimate = false;
  for (const auto& j : jobs) {
    const Summary s = Summarize(j.samples);
    std::string status = j.status;
    if (options.color) {
      const char* c = j.status == store::kPass ? "\x1b[32m" : j.status == store::kFail ? "\x1b[31m" : "\x1b[33m";
      status = std::string(c) + j.status + "\x1b[0m";
    }
    // The engine and kernel variant go with the board when they are not our reference kernels:
    // "mps2-an386#1 [dsp]", "mps2-an386#1 [tflm dsp]".
    const bool tflm = store::EngineOf(j.info) == "tflm";
    const bool ref = j.info.kernel.empty() || j.info.kernel == "ref";
    const std::string tag = tflm ? (ref ? "tflm" : "tflm " + j.info.kernel) : (ref ? "" : j.info.kernel);
    const std::string board = j.info.board_instance + (tag.empty() ? "" : " [" + tag + "]");
    std::vector<std::string> r = {j.info.model_name, board, status};
    if (s.count > 0) {
      r.push_back(fmt::format("{:.0f}", s.median));
      r.push_back(fmt::format("{}", s.min));
      r.push_back(fmt::format("{}", s.max));
      r.push_back(j.unit + (j.source.empty() ? "" : ":" + j.source));
      const double med = ToMicroseconds(s.median, j.unit, j.info.clock_hz);
      r.push_back(med >= 0 ? Num(med) : "-");
    } else {
      r.insert(r.end(), {"-", "-", "-", "-", "-"});
    }
    if (j.memory) {
      r.push_back(Bytes(j.memory->arena_used));
      r.push_back(j.memory->stack_bytes ? Bytes(j.memory->stack_used) : "-");
      // What the board needs in RAM for this model: the arena's plan, the deepest stack, and the
      // agent's own static data (frames, engine bookkeeping; not its model and arena buffers).
      r.push_back(Bytes(uint64_t{j.memory->arena_used} + j.memory->stack_used + j.memory->static_bytes));
    } else {
      r.insert(r.end(), {"-", "-", "-"});
    }
    r.push_back(j.flash_bytes ? Bytes(j.flash_bytes + j.info.model_bytes) : "-");
    r.push_back(Energy(j));
    any_estimate = any_estimate || (j.energy_uj && j.energy_source.rfind("estimate", 0) == 0);
    r.push_back(j.check.empty() ? "-" : j.check);
    rows.push_back(r);
    std::string note;
    if (!j.error.empty()) note = "error: " + j.error;
    else if (!j.check_detail.empty()) note = j.check_detail;
    if (!j.regression.empty()) note += (note.empty() ? "" : "; ") + std::string("regression: ") + j.regression;
    notes.push_back(note);
  }
  std::string out = Columns(rows, notes, {false, false, false, true, true, true, false, true, true, true, true, true, true, false});
  if (any_estimate) {
    out += "~ energy is an estimate from the board kind's energy model (instructions x current per MHz x voltage), "
           "not a measurement\n";
  }
  if (std::any_of(jobs.begin(), jobs.end(), [](const store::JobRow& j) { return j.flash_bytes != 0; })) {
    out += "FLASH = agent firmware image + model; RAM PEAK = arena used + stack high-water mark + agent static data\n";
  }
  return out;
}

std::string SummaryLine(const std::vector<store::JobRow>& jobs) {
  int pass = 0, fail = 0, error = 0, other = 0;
  for (const auto& j : jobs) {
    if (j.status == store::kPass) ++pass;
    else if (j.status == store::kFail) ++fail;
    else if (j.status == store::kError) ++error;
    else ++other;
  }
  std::string line = fmt::format("{} job{}: {} pass, {} fail, {} error", jobs.size(), jobs.size() == 1 ? "" : "s", pass, fail, error);
  if (other) line += fmt::format(", {} unfinished", other);
  return line;
}

std::string OpProfileTable(const std::vector<store::OpProfileRow>& ops, const std::string& unit) {
  uint64_t total = 0;
  for (const auto& o : ops) total += o.value;
  std::vector<std::vector<std::string>> rows = {{"#", "OPERATOR", "CALLS", "TOTAL " + unit, "PER CALL", "SHARE"}};
  for (const auto& o : ops) {
    rows.push_back({std::to_string(o.op_index), o.op_name, std::to_string(o.calls), std::to_string(o.value),
                    o.calls ? fmt::format("{:.0f}", static_cast<double>(o.value) / o.calls) : "-",
                    total ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(o.value) / static_cast<double>(total)) : "-"});
  }
  return Columns(rows, {}, {true, false, true, true, true, true});
}

std::string RunsTable(const std::vector<store::RunRow>& runs) {
  std::vector<std::vector<std::string>> rows = {{"RUN", "SUITE", "STATUS", "JOBS", "STARTED", "FINISHED", "FILE"}};
  for (const auto& r : runs)
    rows.push_back({std::to_string(r.id), r.suite_name, r.status, std::to_string(r.job_count), r.started_at,
                    r.finished_at.empty() ? "-" : r.finished_at, r.suite_path});
  return Columns(rows, {}, {true, false, false, true, false, false, false});
}

}  // namespace hil::report
