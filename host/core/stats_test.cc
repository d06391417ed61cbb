#include "hil/core/stats.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include <cmath>
#include <random>
#include <vector>

namespace hil {
namespace {

TEST(Summarize, OddCountMedianIsMiddleValue) {
  const std::vector<uint64_t> v = {9, 1, 5, 3, 7};
  const Summary s = Summarize(v);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.min, 1u);
  EXPECT_EQ(s.max, 9u);
  EXPECT_DOUBLE_EQ(s.median, 5.0);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
}

TEST(Summarize, EvenCountMedianAveragesTheMiddlePair) {
  const std::vector<uint64_t> v = {10, 2, 4, 100};
  const Summary s = Summarize(v);
  EXPECT_DOUBLE_EQ(s.median, 7.0);
  EXPECT_DOUBLE_EQ(s.mean, 29.0);
  EXPECT_EQ(s.min, 2u);
  EXPECT_EQ(s.max, 100u);
}

TEST(Summarize, EmptyIsAllZero) {
  const Summary s = Summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.max, 0u);
  EXPECT_DOUBLE_EQ(s.median, 0.0);
}

TEST(Summarize, LargeValuesDoNotOverflowTheMean) {
  const std::vector<uint64_t> v = {UINT64_MAX, UINT64_MAX};
  const Summary s = Summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, static_cast<double>(UINT64_MAX));
}

}  // namespace
}  // namespace hil

namespace hil {
namespace {

TEST(Summarize, PercentileAndIntervalOfKnownSamples) {
  std::vector<uint64_t> v;
  for (uint64_t i = 10; i >= 1; --i) v.push_back(i * 10);  // 100, 90, ..., 10
  const Summary s = Summarize(v);
  EXPECT_EQ(s.p90, 90u);  // 9th of 10
  EXPECT_DOUBLE_EQ(s.median, 55.0);
  // n = 10 at 95%: ranks 2 and 9, coverage 1 - 2 x 11/1024.
  EXPECT_EQ(s.ci_low, 20u);
  EXPECT_EQ(s.ci_high, 90u);
  EXPECT_NEAR(s.ci_confidence, 1.0 - 2.0 * 11.0 / 1024.0, 1e-12);
}

TEST(MedianConfidenceRanks, MatchesBinomialTables) {
  // Classic tables of distribution-free 95% intervals for the median.
  EXPECT_EQ(MedianConfidenceRanks(6).lower, 1u);
  EXPECT_EQ(MedianConfidenceRanks(6).upper, 6u);
  EXPECT_NEAR(MedianConfidenceRanks(6).coverage, 1.0 - 2.0 / 64.0, 1e-12);
  EXPECT_EQ(MedianConfidenceRanks(20).lower, 6u);
  EXPECT_EQ(MedianConfidenceRanks(20).upper, 15u);
  EXPECT_EQ(MedianConfidenceRanks(100).lower, 40u);
  EXPECT_EQ(MedianConfidenceRanks(100).upper, 61u);
  for (size_t n : {6, 7, 10, 20, 50, 100, 1000, 100000}) EXPECT_GE(MedianConfidenceRanks(n).coverage, 0.95) << n;
  // Too few samples for 95%: the whole range, with what it really covers.
  EXPECT_EQ(MedianConfidenceRanks(5).lower, 1u);
  EXPECT_EQ(MedianConfidenceRanks(5).upper, 5u);
  EXPECT_NEAR(MedianConfidenceRanks(5).coverage, 1.0 - 2.0 / 32.0, 1e-12);
  EXPECT_DOUBLE_EQ(MedianConfidenceRanks(1).coverage, 0.0);
}

TEST(Summarize, IntervalCoversTheTrueMedianAsOftenAsItClaims) {
  // Synthetic noise: 2000 batches of 25 samples of an exponential (skewed, like latency tails)
  // around a known median; the 95% interval must cover it in about 95%+ of batches.
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> noise(1.0 / 50.0);
  const double true_median = 1000.0 + 50.0 * std::log(2.0);
  int covered = 0;
  const int batches = 2000;
  for (int b = 0; b < batches; ++b) {
    std::vector<uint64_t> v;
    for (int i = 0; i < 25; ++i) v.push_back(static_cast<uint64_t>(std::llround(1000.0 + noise(rng))));
    const Summary s = Summarize(v);
    if (s.ci_low <= true_median && true_median <= s.ci_high) ++covered;
  }
  EXPECT_GE(covered, batches * 94 / 100);
}

std::vector<uint64_t> Noisy(uint64_t seed, double center, double spread, int n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(center, spread);
  std::vector<uint64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<uint64_t>(std::max(0.0, std::round(d(rng)))));
  return v;
}

TEST(CompareSamples, NoisySlowdownBeyondThresholdAndNoiseIsARegression) {
  const auto a = Noisy(1, 10000, 50, 50), b = Noisy(2, 10800, 50, 50);  // +8%
  const Comparison c = CompareSamples(a, "ns", "host-monotonic", b, "ns", "host-monotonic", 5.0);
  EXPECT_EQ(c.verdict, Verdict::kRegression) << c.reason;
  EXPECT_FALSE(c.deterministic);
  EXPECT_NEAR(c.delta_pct, 8.0, 0.5);
  // The same data read the other way round is an improvement.
  EXPECT_EQ(CompareSamples(b, "ns", "host-monotonic", a, "ns", "host-monotonic", 5.0).verdict, Verdict::kImprovement);
}

TEST(CompareSamples, NoisyChangeBelowThresholdIsUnchanged) {
  const auto a = Noisy(3, 10000, 5, 200), b = Noisy(4, 10300, 5, 200);  // +3%, clearly outside the noise
  EXPECT_EQ(CompareSamples(a, "ns", "host-monotonic", b, "ns", "host-monotonic", 5.0).verdict, Verdict::kUnchanged);
}

TEST(CompareSamples, NoisyChangeWithinTheNoiseIsNotFlagged) {
  // Medians 10% apart, but with so much spread and so few samples the intervals overlap.
  const std::vector<uint64_t> a = {5000, 9000, 10000, 14000, 20000, 7000, 12000};
  const std::vector<uint64_t> b = {6000, 10000, 11000, 15000, 21000, 8000, 13000};
  const Comparison c = CompareSamples(a, "ns", "host-monotonic", b, "ns", "host-monotonic", 5.0);
  EXPECT_GT(c.delta_pct, 5.0);
  EXPECT_EQ(c.verdict, Verdict::kNoise) << c.reason;
}

TEST(CompareSamples, DeterministicCountsCompareExactly) {
  const std::vector<uint64_t> a(5, 40154080), same(5, 40154080), up(5, 40154120), way_up(5, 42000000);
  EXPECT_TRUE(IsDeterministic("instructions", "qemu-icount"));
  EXPECT_TRUE(IsDeterministic("cycles", "dwt"));
  EXPECT_FALSE(IsDeterministic("ns", "host-monotonic"));
  EXPECT_FALSE(IsDeterministic("cycles", "systick"));
  auto cmp = [&](const std::vector<uint64_t>& b, double threshold) {
    return CompareSamples(a, "instructions", "qemu-icount", b, "instructions", "qemu-icount", threshold);
  };
  EXPECT_EQ(cmp(same, 0).verdict, Verdict::kUnchanged);
  EXPECT_TRUE(cmp(same, 0).deterministic);
  // 40 instructions more: flagged at a zero threshold, even though the samples have no spread and
  // a single sample would do, and not at 1%.
  EXPECT_EQ(cmp(up, 0).verdict, Verdict::kRegression) << cmp(up, 0).reason;
  EXPECT_EQ(cmp(up, 1.0).verdict, Verdict::kUnchanged);
  EXPECT_EQ(cmp(way_up, 1.0).verdict, Verdict::kRegression);
  const std::vector<uint64_t> one = {42000000};
  EXPECT_EQ(CompareSamples(a, "instructions", "qemu-icount", one, "instructions", "qemu-icount", 1.0).verdict,
            Verdict::kRegression);
}

TEST(CompareSamples, DifferentUnitsOrEmptySidesAreIncomparable) {
  const std::vector<uint64_t> a = {1, 2, 3};
  EXPECT_EQ(CompareSamples(a, "ns", "host-monotonic", a, "instructions", "qemu-icount", 5).verdict, Verdict::kIncomparable);
  EXPECT_EQ(CompareSamples({}, "ns", "host-monotonic", a, "ns", "host-monotonic", 5).verdict, Verdict::kIncomparable);
  EXPECT_STREQ(VerdictName(Verdict::kRegression), "regression");
}

}  // namespace
}  // namespace hil

namespace hil {
namespace {

TEST(RocAuc, CountsOrderedPairsAndHalvesTies) {
  // Pairs (positive, negative): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes: 3/4.
  const std::vector<double> scores = {0.1, 0.4, 0.35, 0.8};
  const bool positive[] = {false, false, true, true};
  EXPECT_DOUBLE_EQ(*RocAuc(scores, positive), 0.75);
  // A tie between a positive and a negative counts one half: (1 + 0.5) / 2.
  const std::vector<double> tied = {1.0, 2.0, 2.0};
  const bool tied_positive[] = {false, false, true};
  EXPECT_DOUBLE_EQ(*RocAuc(tied, tied_positive), 0.75);
  // Perfectly separated, and perfectly inverted.
  const std::vector<double> s = {1, 2, 3, 4};
  const bool up[] = {false, false, true, true};
  const bool down[] = {true, true, false, false};
  EXPECT_DOUBLE_EQ(*RocAuc(s, up), 1.0);
  EXPECT_DOUBLE_EQ(*RocAuc(s, down), 0.0);
}

TEST(RocAuc, AgreesWithThePairCountOnRandomData) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> score(0, 20);  // many ties
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> scores(37);
    std::unique_ptr<bool[]> positive(new bool[37]);
    for (size_t i = 0; i < scores.size(); ++i) {
      scores[i] = score(rng);
      positive[i] = rng() % 3 == 0;
    }
    positive[0] = true;
    positive[1] = false;
    double pairs = 0, wins = 0;
    for (size_t i = 0; i < scores.size(); ++i)
      for (size_t j = 0; j < scores.size(); ++j)
        if (positive[i] && !positive[j]) {
          pairs += 1;
          wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
        }
    EXPECT_NEAR(*RocAuc(scores, std::span<const bool>(positive.get(), 37)), wins / pairs, 1e-12) << trial;
  }
}

TEST(RocAuc, NeedsBothClasses) {
  const std::vector<double> s = {1, 2};
  const bool all[] = {true, true};
  EXPECT_FALSE(RocAuc(s, all));
  const bool one[] = {true};
  EXPECT_FALSE(RocAuc(s, one));
}

}  // namespace
}  // namespace hil
