// Statistics of latency samples, and the regression detector built on them.
//
// Medians come with a distribution-free confidence interval from order statistics: for n samples
// sorted x(1) <= ... <= x(n), the number of samples below the true median is Binomial(n, 1/2), so
// [x(l), x(n+1-l)] covers the median with probability 1 - 2 P(B <= l-1). l is the largest rank that
// keeps that probability at or above the level asked for; with too few samples for the level (n < 6
// at 95%) the interval is [min, max] and `ci_confidence` says what it achieves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace hil {

struct Summary {
  size_t count = 0;
  uint64_t min = 0;
  uint64_t max = 0;
  double median = 0;  // mean of the two middle values for an even count
  double mean = 0;
  uint64_t p90 = 0;   // nearest rank: the ceil(0.9 n)-th smallest sample
  uint64_t ci_low = 0;    // confidence interval of the median (order statistics)
  uint64_t ci_high = 0;
  double ci_confidence = 0;  // achieved coverage of [ci_low, ci_high], e.g. 0.9785 for n = 10 (ranks 2 and 9)
};

// Summary of `samples` (any order); all zero for an empty span. `confidence` in (0, 1).
Summary Summarize(std::span<const uint64_t> samples, double confidence = 0.95);

// Area under the ROC curve of `scores` for the positives (`positive[i]`): the probability that a
// positive scores higher than a negative, ties counting one half (the Mann-Whitney statistic).
// nullopt when either class is empty or the sizes differ.
std::optional<double> RocAuc(std::span<const double> scores, std::span<const bool> positive);

// Ranks (1-based) l and u = n + 1 - l of the median's confidence interval for n samples, and the
// achieved coverage. n >= 1.
struct MedianCiRanks {
  size_t lower = 1;
  size_t upper = 1;
  double coverage = 0;
};
MedianCiRanks MedianConfidenceRanks(size_t n, double confidence = 0.95);

// True for figures that repeat exactly run after run: instructions or cycles counted by QEMU's
// -icount or by DWT CYCCNT ("instructions"/"qemu-icount", "cycles"/"dwt").
bool IsDeterministic(const std::string& unit, const std::string& source);

enum class Verdict {
  kUnchanged,     // within the threshold
  kNoise,         // beyond the threshold, but the confidence intervals overlap
  kRegression,    // slower beyond the threshold and beyond the noise
  kImprovement,   // faster beyond the threshold and beyond the noise
  kIncomparable,  // different units or sources, or a side without samples
};
const char* VerdictName(Verdict v);  // "unchanged", "noise", "regression", "improvement", "incomparable"

struct Comparison {
  Summary base;
  Summary candidate;
  double delta_pct = 0;        // (candidate median - base median) / base median x 100
  bool deterministic = false;  // compared exactly, without intervals
  Verdict verdict = Verdict::kIncomparable;
  std::string reason;          // one sentence: why this verdict
};

// Compares two sample sets of one measurement (lower is better). A change is flagged only when it
// exceeds `threshold_pct` of the base median and, for noisy sources, the two medians' confidence
// intervals do not overlap. Deterministic sources (IsDeterministic on both sides) compare exactly:
// any change beyond the threshold counts.
Comparison CompareSamples(std::span<const uint64_t> base, const std::string& base_unit, const std::string& base_source,
                          std::span<const uint64_t> candidate, const std::string& candidate_unit,
                          const std::string& candidate_source, double threshold_pct, double confidence = 0.95);

}  // namespace hil
