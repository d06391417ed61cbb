#include "hil/report/compare.h"

#include <fmt/format.h>

#include <map>
#include <tuple>
#include <utility>

namespace hil::report {
namespace {

std::string Median(const Summary& s) { return s.count ? fmt::format("{:.0f}", s.median) : "-"; }
std::string Ci(const Summary& s) { return s.count ? fmt::format("[{}..{}]", s.ci_low, s.ci_high) : "-"; }

}  // namespace

std::vector<JobComparison> CompareJobs(const std::vector<store::JobRow>& base, const std::vector<store::JobRow>& candidate,
                                       double threshold_pct) {
  // Jobs pair by model, board kind and engine (one engine's figures never stand for another's), in
  // order within those.
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, std::vector<const store::JobRow*>> by_key;
  for (const auto& j : base) by_key[{j.info.model_name, j.info.board_kind, store::EngineOf(j.info)}].push_back(&j);
  std::map<Key, size_t> used;
  std::vector<JobComparison> out;
  for (const auto& c : candidate) {
    const Key key{c.info.model_name, c.info.board_kind, store::EngineOf(c.info)};
    JobComparison row;
    row.model_name = c.info.model_name;
    row.board_kind = c.info.board_kind;
    row.candidate = &c;
    auto it = by_key.find(key);
    size_t& n = used[key];
    if (it != by_key.end() && n < it->second.size()) row.base = it->second[n++];
    if (row.base) {
      row.comparison = CompareSamples(row.base->samples, row.base->unit, row.base->source, c.samples, c.unit, c.source, threshold_pct);
    } else {
      row.comparison.candidate = Summarize(c.samples);
      row.comparison.reason = "not in the base run";
    }
    out.push_back(std::move(row));
  }
  for (const auto& [key, jobs] : by_key) {
    for (size_t k = used[key]; k < jobs.size(); ++k) {
      JobComparison row;
      row.model_name = std::get<0>(key);
      row.board_kind = std::get<1>(key);
      row.base = jobs[k];
      row.comparison.base = Summarize(jobs[k]->samples);
      row.comparison.reason = "not in the candidate run";
      out.push_back(std::move(row));
    }
  }
  return out;
}

std::string RegressionDetail(const JobComparison& row, const std::string& against) {
  const Comparison& c = row.comparison;
  const std::string unit = row.candidate ? row.candidate->unit : "";
  return fmt::format("median {} -> {} {} ({:+.2f}%) against {}: {}", Median(c.base), Median(c.candidate), unit, c.delta_pct, against,
                     c.reason);
}

std::string CompareTable(const std::vector<JobComparison>& rows, int64_t base_run, int64_t candidate_run, double threshold_pct) {
  std::vector<std::vector<std::string>> table = {{"MODEL", "BOARD", fmt::format("MEDIAN A (run {})", base_run),
                                                  fmt::format("MEDIAN B (run {})", candidate_run), "UNIT", "DELTA", "CI A", "CI B",
                                                  "VERDICT"}};
  int regressions = 0, improvements = 0;
  std::string reasons;
  for (const auto& r : rows) {
    const Comparison& c = r.comparison;
    const store::JobRow* any = r.candidate ? r.candidate : r.base;
    const bool paired = r.base && r.candidate;
    std::string verdict = paired ? VerdictName(c.verdict) : (r.base ? "only in A" : "only in B");
    if (paired && c.deterministic && c.verdict != Verdict::kIncomparable) verdict += " (exact)";
    table.push_back({r.model_name, r.board_kind, Median(c.base), Median(c.candidate),
                     any->unit + (any->source.empty() ? "" : ":" + any->source),
                     paired && c.verdict != Verdict::kIncomparable ? fmt::format("{:+.2f}%", c.delta_pct) : "-", Ci(c.base), Ci(c.candidate),
                     verdict});
    if (paired && c.verdict == Verdict::kRegression) {
      ++regressions;
      reasons += fmt::format("  {} on {}: {}\n", r.model_name, r.board_kind, c.reason);
    }
    if (paired && c.verdict == Verdict::kImprovement) ++improvements;
  }
  std::vector<size_t> width;
  for (const auto& t : table)
    for (size_t i = 0; i < t.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], t[i].size());
    }
  std::string out;
  for (const auto& t : table) {
    std::string line;
    for (size_t i = 0; i < t.size(); ++i) {
      const bool right = i >= 2 && i != 4 && i != 8;
      line += right ? fmt::format("{:>{}}", t[i], width[i]) : fmt::format("{:<{}}", t[i], width[i]);
      if (i + 1 < t.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out += fmt::format("{} regression{}, {} improvement{} (threshold {}%; medians' 95% confidence intervals from order statistics; "
                     "instruction and DWT cycle counts compared exactly)\n",
                     regressions, regressions == 1 ? "" : "s", improvements, improvements == 1 ? "" : "s", threshold_pct);
  out += reasons;
  return out;
}

}  // namespace hil::report
