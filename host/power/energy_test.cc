// IntegrateWindows on synthetic traces whose energies are worked out by hand (rectangle rule:
// each sample holds until the next).
#include "hil/power/energy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hil::power {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMs = 1'000'000;

Capture Uniform(std::vector<double> ua, int64_t period_ns, double volts) {
  Capture c;
  c.voltage_v = volts;
  c.sample_period_ns = period_ns;
  for (size_t i = 0; i < ua.size(); ++i) c.samples.push_back({static_cast<int64_t>(i) * period_ns, ua[i]});
  return c;
}

TEST(IntegrateWindows, ConstantCurrentOnSampleBoundaries) {
  // 1000 uA at 3 V for 5 ms = 15 uJ; 5 inferences -> 3 uJ each.
  const Capture c = Uniform(std::vector<double>(10, 1000), kMs, 3.0);
  const Window w{2 * kMs, 7 * kMs, 5};
  auto e = IntegrateWindows(c, std::span(&w, 1));
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_EQ(e->size(), 1u);
  EXPECT_DOUBLE_EQ((*e)[0].energy_uj, 15.0);
  EXPECT_DOUBLE_EQ((*e)[0].energy_per_inference_uj, 3.0);
  EXPECT_DOUBLE_EQ((*e)[0].mean_current_ua, 1000.0);
}

TEST(IntegrateWindows, EdgesInsideSamplesTakeTheCoveredFraction) {
  // 100, 200, 400, 800 uA, 1 ms each, 2 V; window [0.5 ms, 3.25 ms):
  // 0.5 x 100 + 200 + 400 + 0.25 x 800 = 850 uA.ms = 850e-6 uA.s... = 0.85 mC x 2 V = 1.7 uJ.
  const Capture c = Uniform({100, 200, 400, 800}, kMs, 2.0);
  const Window w{kMs / 2, 3 * kMs + kMs / 4, 2};
  auto e = IntegrateWindows(c, std::span(&w, 1));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ((*e)[0].energy_uj, 1.7);
  EXPECT_DOUBLE_EQ((*e)[0].energy_per_inference_uj, 0.85);
  EXPECT_DOUBLE_EQ((*e)[0].mean_current_ua, 850.0 / 2.75);
}

TEST(IntegrateWindows, LastSampleLastsOnePeriod) {
  // The window ends at the end of the last sample: 3 samples x 10 us x 50 uA at 1.5 V.
  const Capture c = Uniform({50, 50, 50}, 10'000, 1.5);
  const Window w{0, 30'000, 1};
  auto e = IntegrateWindows(c, std::span(&w, 1));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ((*e)[0].energy_uj, 50 * 1.5 * 30e-6);  // 2.25e-3 uJ
}

TEST(IntegrateWindows, UnevenTimestamps) {
  // Samples at 0, 1, 4, 5 ms (a gap: 20 uA holds for 3 ms), window [0, 6 ms) at 1 V:
  // 10 x 1 + 20 x 3 + 30 x 1 + 40 x 1 (period 1 ms) = 140 uA.ms = 0.14 uJ.
  Capture c;
  c.voltage_v = 1.0;
  c.sample_period_ns = kMs;
  c.samples = {{0, 10}, {kMs, 20}, {4 * kMs, 30}, {5 * kMs, 40}};
  const Window w{0, 6 * kMs, 7};
  auto e = IntegrateWindows(c, std::span(&w, 1));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ((*e)[0].energy_uj, 0.14);
  EXPECT_DOUBLE_EQ((*e)[0].energy_per_inference_uj, 0.02);
}

TEST(EnergyPerInferenceUj, SumOfEnergiesOverSumOfInferences) {
  // Window A: 1000 uA x 2 ms x 3 V = 6 uJ over 2 inferences; window B: 3000 uA x 1 ms x 3 V = 9 uJ
  // over 1. (6 + 9) / 3 = 5 uJ, not the mean of 3 and 9.
  const Capture c = Uniform({0, 1000, 1000, 0, 3000, 0}, kMs, 3.0);
  const Window w[] = {{kMs, 3 * kMs, 2}, {4 * kMs, 5 * kMs, 1}};
  auto e = EnergyPerInferenceUj(c, w);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ(*e, 5.0);
  auto each = IntegrateWindows(c, w);
  ASSERT_TRUE(each);
  EXPECT_DOUBLE_EQ((*each)[0].energy_uj, 6.0);
  EXPECT_DOUBLE_EQ((*each)[1].energy_uj, 9.0);
}

TEST(IntegrateWindows, RefusesWhatCannotBeIntegrated) {
  const Capture c = Uniform({1, 2, 3}, kMs, 3.0);
  const Window no_inferences{0, kMs, 0};
  auto e = IntegrateWindows(c, std::span(&no_inferences, 1));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Status::kBadArgument);
  EXPECT_THAT(e.error().message, HasSubstr("window 0"));
  EXPECT_THAT(e.error().message, HasSubstr("no inferences"));

  const Window outside{kMs, 4 * kMs, 1};
  e = IntegrateWindows(c, std::span(&outside, 1));
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("outside the trace"));

  const Window empty{kMs, kMs, 1};
  e = IntegrateWindows(c, std::span(&empty, 1));
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("empty"));

  Capture unsorted = c;
  unsorted.samples[2].time_ns = kMs;
  const Window ok{0, kMs, 1};
  e = IntegrateWindows(unsorted, std::span(&ok, 1));
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("sample 2"));

  EXPECT_FALSE(IntegrateWindows(Capture{}, std::span(&ok, 1)));
  EXPECT_FALSE(EnergyPerInferenceUj(c, {}));
}

}  // namespace
}  // namespace hil::power
