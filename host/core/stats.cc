#include "hil/core/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace hil {
namespace {

// log of the Binomial(n, 1/2) probability of k.
double LogPmfHalf(size_t n, size_t k) {
  return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) -
         std::lgamma(static_cast<double>(n - k) + 1) - static_cast<double>(n) * std::log(2.0);
}

std::string Fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

}  // namespace

MedianCiRanks MedianConfidenceRanks(size_t n, double confidence) {
  MedianCiRanks r;
  if (n == 0) return r;
  const double tail = (1.0 - confidence) / 2.0;
  // cdf = P(B <= l - 1); grow l while the next rank still keeps both tails within `tail`.
  size_t l = 1;
  double cdf = std::exp(LogPmfHalf(n, 0));  // P(B <= 0)
  if (cdf > tail) {
    r.lower = 1;
    r.upper = n;
    r.coverage = std::max(0.0, 1.0 - 2.0 * cdf);
    if (n == 1) r.coverage = 0;
    return r;
  }
  while (l + 1 <= (n + 1) / 2) {
    const double next = cdf + std::exp(LogPmfHalf(n, l));  // P(B <= l)
    if (next > tail) break;
    cdf = next;
    ++l;
  }
  r.lower = l;
  r.upper = n + 1 - l;
  r.coverage = 1.0 - 2.0 * cdf;
  return r;
}

std::optional<double> RocAuc(std::span<const double> scores, std::span<const bool> positive) {
  if (scores.size() != positive.size()) return std::nullopt;
  // Rank-sum form: sort once, give tied scores their average rank, sum the positives' ranks.
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  size_t n_pos = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // ranks i+1..j averaged
    for (size_t k = i; k < j; ++k)
      if (positive[order[k]]) {
        rank_sum += rank;
        ++n_pos;
      }
    i = j;
  }
  const size_t n_neg = scores.size() - n_pos;
  if (n_pos == 0 || n_neg == 0) return std::nullopt;
  const double np = static_cast<double>(n_pos), nn = static_cast<double>(n_neg);
  return (rank_sum - np * (np + 1) / 2.0) / (np * nn);
}

Summary Summarize(std::span<const uint64_t> samples, double confidence) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<uint64_t> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.count = sorted.size();
  s.min = sorted.front();
  s.max = sorted.back();
  const size_t mid = s.count / 2;
  s.median = (s.count % 2 == 1) ? static_cast<double>(sorted[mid])
                                 : (static_cast<double>(sorted[mid - 1]) + static_cast<double>(sorted[mid])) / 2.0;
  long double sum = 0;
  for (uint64_t v : sorted) sum += static_cast<long double>(v);
  s.mean = static_cast<double>(sum / static_cast<long double>(s.count));
  const size_t rank90 = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(s.count)));
  s.p90 = sorted[std::clamp<size_t>(rank90, 1, s.count) - 1];
  const MedianCiRanks ci = MedianConfidenceRanks(s.count, confidence);
  s.ci_low = sorted[ci.lower - 1];
  s.ci_high = sorted[ci.upper - 1];
  s.ci_confidence = ci.coverage;
  return s;
}

bool IsDeterministic(const std::string& unit, const std::string& source) {
  return (unit == "instructions" || unit == "cycles") && (source == "qemu-icount" || source == "dwt");
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kNoise: return "noise";
    case Verdict::kRegression: return "regression";
    case Verdict::kImprovement: return "improvement";
    case Verdict::kIncomparable: return "incomparable";
  }
  return "?";
}

Comparison CompareSamples(std::span<const uint64_t> base, const std::string& base_unit, const std::string& base_source,
                          std::span<const uint64_t> candidate, const std::string& candidate_unit,
                          const std::string& candidate_source, double threshold_pct, double confidence) {
  Comparison c;
  c.base = Summarize(base, confidence);
  c.candidate = Summarize(candidate, confidence);
  if (base.empty() || candidate.empty()) {
    c.reason = base.empty() ? "no samples in the base" : "no samples in the candidate";
    return c;
  }
  if (base_unit != candidate_unit || base_source != candidate_source) {
    c.reason = "measured differently: " + base_unit + ":" + base_source + " against " + candidate_unit + ":" + candidate_source;
    return c;
  }
  c.delta_pct = c.base.median == 0 ? (c.candidate.median == 0 ? 0.0 : INFINITY)
                                   : (c.candidate.median - c.base.median) / c.base.median * 100.0;
  c.deterministic = IsDeterministic(base_unit, base_source) && IsDeterministic(candidate_unit, candidate_source);
  const bool beyond_threshold = std::fabs(c.delta_pct) > threshold_pct;
  if (c.deterministic) {
    if (c.candidate.median == c.base.median) {
      c.verdict = Verdict::kUnchanged;
      c.reason = "identical count (deterministic source)";
    } else if (!beyond_threshold) {
      c.verdict = Verdict::kUnchanged;
      c.reason = Fmt("%+.3f%% is within the %.3g%% threshold (deterministic source)", c.delta_pct, threshold_pct);
    } else {
      c.verdict = c.delta_pct > 0 ? Verdict::kRegression : Verdict::kImprovement;
      c.reason = Fmt("%+.3f%% exceeds the %.3g%% threshold (deterministic source: compared exactly)", c.delta_pct, threshold_pct);
    }
    return c;
  }
  if (!beyond_threshold) {
    c.verdict = Verdict::kUnchanged;
    c.reason = Fmt("%+.2f%% is within the %.3g%% threshold", c.delta_pct, threshold_pct);
    return c;
  }
  const bool disjoint = c.candidate.ci_low > c.base.ci_high || c.candidate.ci_high < c.base.ci_low;
  if (!disjoint) {
    c.verdict = Verdict::kNoise;
    c.reason = Fmt("%+.2f%% exceeds the %.3g%% threshold but the medians' confidence intervals overlap", c.delta_pct,
                   threshold_pct);
    return c;
  }
  c.verdict = c.delta_pct > 0 ? Verdict::kRegression : Verdict::kImprovement;
  c.reason = Fmt("%+.2f%% exceeds the %.3g%% threshold and the medians' %.0f%% confidence intervals do not overlap",
                 c.delta_pct, threshold_pct, 100.0 * std::min(c.base.ci_confidence, c.candidate.ci_confidence));
  return c;
}

}  // namespace hil
