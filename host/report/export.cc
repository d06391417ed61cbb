#include "hil/report/export.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "hil/core/stats.h"
#include "hil/report/summary_table.h"

namespace hil::report {
namespace {

using nlohmann::json;

uint64_t RamPeak(const store::MemoryRow& m) { return uint64_t{m.arena_used} + m.stack_used + m.static_bytes; }

json JobJson(const store::JobRow& j) {
  const Summary s = Summarize(j.samples);
  json o = {{"id", j.id},
            {"ordinal", j.info.ordinal},
            {"model", j.info.model_name},
            {"model_sha256", j.info.model_sha256},
            {"model_bytes", j.info.model_bytes},
            {"board_kind", j.info.board_kind},
            {"board_instance", j.info.board_instance},
            // The variant in effect ("ref", "dsp", "mve"); null in stores from before it was recorded.
            {"kernel", j.info.kernel.empty() ? json(nullptr) : json(j.info.kernel)},
            {"engine", store::EngineOf(j.info)},
            {"clock_hz", j.info.clock_hz},
            {"settings", {{"warmup", j.info.warmup}, {"iterations", j.info.iterations}, {"repetitions", j.info.repetitions}}},
            {"status", j.status},
            {"check", j.check},
            {"unit", j.unit},
            {"source", j.source},
            {"deterministic", IsDeterministic(j.unit, j.source)},
            {"samples", j.samples}};
  if (!j.error.empty()) o["error"] = j.error;
  if (!j.check_detail.empty()) o["check_detail"] = j.check_detail;
  if (!j.regression.empty()) o["regression"] = j.regression;
  if (s.count) {
    o["stats"] = {{"count", s.count},   {"min", s.min},         {"median", s.median},   {"mean", s.mean},
                  {"p90", s.p90},       {"max", s.max},         {"median_ci", {s.ci_low, s.ci_high}},
                  {"median_ci_confidence", s.ci_confidence}};
    const double us = ToMicroseconds(s.median, j.unit, j.info.clock_hz);
    if (us >= 0) o["median_us"] = us;
  }
  if (j.memory) {
    o["memory"] = {{"arena_bytes", j.memory->arena_bytes}, {"arena_used", j.memory->arena_used},
                   {"stack_bytes", j.memory->stack_bytes}, {"stack_used", j.memory->stack_used},
                   {"static_bytes", j.memory->static_bytes}, {"ram_peak_bytes", RamPeak(*j.memory)}};
  }
  if (j.flash_bytes) o["flash_bytes"] = j.flash_bytes + j.info.model_bytes;
  if (j.energy_uj) o["energy"] = {{"uj_per_inference", *j.energy_uj}, {"source", j.energy_source}};
  return o;
}

struct Counts {
  int pass = 0, fail = 0, error = 0, other = 0;
};
Counts Count(const std::vector<store::JobRow>& jobs) {
  Counts c;
  for (const auto& j : jobs) {
    if (j.status == store::kPass) ++c.pass;
    else if (j.status == store::kFail) ++c.fail;
    else if (j.status == store::kError) ++c.error;
    else ++c.other;
  }
  return c;
}

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char ch : field) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string Xml(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') out += '?';
        else out += static_cast<char>(ch);
    }
  }
  return out;
}

}  // namespace

std::string RunJson(const store::RunRow& run, const Environment& env, const std::vector<store::JobRow>& jobs) {
  json environment = json::object();
  for (const auto& [k, v] : env) environment[k] = v;
  json job_list = json::array();
  for (const auto& j : jobs) job_list.push_back(JobJson(j));
  const Counts c = Count(jobs);
  json doc = {{"format", "tinyhil-run/1"},
              {"run",
               {{"id", run.id},
                {"suite", run.suite_name},
                {"suite_path", run.suite_path},
                {"status", run.status},
                {"started_at", run.started_at},
                {"finished_at", run.finished_at}}},
              {"environment", environment},
              {"summary", {{"jobs", jobs.size()}, {"pass", c.pass}, {"fail", c.fail}, {"error", c.error}, {"unfinished", c.other}}},
              {"jobs", job_list}};
  return doc.dump(2) + "\n";
}

std::string JobsCsv(const store::RunRow& run, const std::vector<store::JobRow>& jobs) {
  std::string out =
      "run_id,job_id,model,model_sha256,board_kind,board_instance,kernel,engine,status,unit,source,count,min,median,mean,p90,max,"
      "median_ci_low,median_ci_high,median_us,arena_used,stack_used,ram_peak_bytes,flash_bytes,energy_uj,energy_source,check,"
      "regression,error\n";
  for (const auto& j : jobs) {
    const Summary s = Summarize(j.samples);
    const double us = s.count ? ToMicroseconds(s.median, j.unit, j.info.clock_hz) : -1;
    std::vector<std::string> f = {std::to_string(run.id), std::to_string(j.id), j.info.model_name, j.info.model_sha256,
                                  j.info.board_kind, j.info.board_instance, j.info.kernel, store::EngineOf(j.info), j.status, j.unit, j.source};
    if (s.count) {
      f.insert(f.end(), {std::to_string(s.count), std::to_string(s.min), fmt::format("{}", s.median), fmt::format("{:.3f}", s.mean),
                         std::to_string(s.p90), std::to_string(s.max), std::to_string(s.ci_low), std::to_string(s.ci_high)});
    } else {
      f.insert(f.end(), {"0", "", "", "", "", "", "", ""});
    }
    f.push_back(us >= 0 ? fmt::format("{:.3f}", us) : "");
    if (j.memory) f.insert(f.end(), {std::to_string(j.memory->arena_used), std::to_string(j.memory->stack_used), std::to_string(RamPeak(*j.memory))});
    else f.insert(f.end(), {"", "", ""});
    f.push_back(j.flash_bytes ? std::to_string(j.flash_bytes + j.info.model_bytes) : "");
    f.push_back(j.energy_uj ? fmt::format("{}", *j.energy_uj) : "");
    f.push_back(j.energy_uj ? j.energy_source : "");
    f.insert(f.end(), {j.check, j.regression, j.error});
    std::string line;
    for (size_t i = 0; i < f.size(); ++i) line += (i ? "," : "") + Csv(f[i]);
    out += line + "\n";
  }
  return out;
}

std::string JUnitXml(const store::RunRow& run, const Environment& env, const std::vector<store::JobRow>& jobs) {
  // A job is a testcase (error when it could not run); each check it carries is one more testcase
  // (failure when it failed): the outputs check, and the regression check when there was a base.
  struct Case {
    std::string name, classname, kind, message, detail;  // kind: "", "failure", "error", "skipped"
    double seconds = 0;
  };
  std::vector<Case> cases;
  for (const auto& j : jobs) {
    const std::string cls = run.suite_name + "." + j.info.board_kind;
    const std::string who = j.info.model_name + " on " + (j.info.board_instance.empty() ? j.info.board_kind : j.info.board_instance);
    Case job{who, cls, "", "", "", 0};
    if (j.status == store::kError) {
      job.kind = "error";
      job.message = j.error.empty() ? "job did not run" : j.error;
    } else if (j.status != store::kPass && j.status != store::kFail) {
      job.kind = "error";
      job.message = "job unfinished (" + j.status + ")";
    }
    const Summary s = Summarize(j.samples);
    if (s.count) {
      const double us = ToMicroseconds(s.median, j.unit, j.info.clock_hz);
      job.detail = fmt::format("median {:.0f} {}:{} [{}..{}], {} samples{}", s.median, j.unit, j.source, s.ci_low, s.ci_high, s.count,
                               us >= 0 ? fmt::format(", {:.1f} us", us) : "");
      if (us >= 0) job.seconds = us * 1e-6 * static_cast<double>(s.count);
    }
    cases.push_back(job);
    if (j.status == store::kError) continue;  // its checks never ran
    // The job's checks, "; "-separated: "outputs==host-reference: pass (2 compared); budget: FAIL ...".
    for (size_t at = 0; at < j.check.size();) {
      size_t end = j.check.find("; ", at);
      if (end == std::string::npos) end = j.check.size();
      const std::string check = j.check.substr(at, end - at);
      at = end + 2;
      if (check.empty() || check == "none") continue;
      const std::string name = check.substr(0, check.find(':'));
      Case c{who + ": " + name, cls, "", "", "", 0};
      if (check.find("FAIL") != std::string::npos) {
        c.kind = "failure";
        c.message = check;
        c.detail = name.rfind("outputs", 0) == 0 ? j.check_detail : check;
      }
      cases.push_back(c);
    }
    if (!j.regression.empty()) cases.push_back({who + ": regression", cls, "failure", j.regression, j.regression, 0});
  }
  int failures = 0, errors = 0;
  for (const auto& c : cases) {
    failures += c.kind == "failure";
    errors += c.kind == "error";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", Xml("hil run " + std::to_string(run.id)),
                     cases.size(), failures, errors);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" timestamp=\"{}\"",
                     Xml(run.suite_name), cases.size(), failures, errors, Xml(run.started_at.empty() ? "1970-01-01T00:00:00Z" : run.started_at));
  std::string host;
  for (const auto& [k, v] : env)
    if (k == "host") host = v;
  out += fmt::format(" hostname=\"{}\">\n", Xml(host.empty() ? "unknown" : host));
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"run_id\" value=\"{}\"/>\n", run.id);
  out += fmt::format("      <property name=\"suite_path\" value=\"{}\"/>\n", Xml(run.suite_path));
  for (const auto& [k, v] : env) out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", Xml(k), Xml(v));
  out += "    </properties>\n";
  for (const auto& c : cases) {
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.6f}\"", Xml(c.name), Xml(c.classname), c.seconds);
    if (c.kind.empty() && c.detail.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (!c.kind.empty())
      out += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", c.kind, Xml(c.message), c.kind == "error" ? "hil.error" : "hil.check",
                         Xml(c.detail.empty() ? c.message : c.detail), c.kind);
    else
      out += fmt::format("      <system-out>{}</system-out>\n", Xml(c.detail));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace hil::report
