// EstimateMonitor: the board kind's per-MHz model through the same interface and arithmetic,
// always labelled an estimate.
#include "hil/power/estimate_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hil/power/energy.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(EstimateMonitor, ReadsTheBoardKindsEnergyModel) {
  // boards/mps2-an386.yaml's model.
  auto m = EstimateMonitor::ModelFromBoardEnergy(
      {{"model", "per-mhz"}, {"current_ua_per_mhz", "52"}, {"voltage_v", "3.0"}, {"reference", "nRF52840 PS"}});
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->current_ua_per_mhz, 52.0);
  EXPECT_EQ(m->voltage_v, 3.0);
  EXPECT_EQ(m->reference, "nRF52840 PS");

  auto none = EstimateMonitor::ModelFromBoardEnergy({{"model", "none"}});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Status::kNotFound);
  auto bad = EstimateMonitor::ModelFromBoardEnergy({{"model", "per-mhz"}, {"current_ua_per_mhz", "lots"}, {"voltage_v", "3"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Status::kBadArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("current_ua_per_mhz: expected a positive number, got 'lots'"));
  auto missing = EstimateMonitor::ModelFromBoardEnergy({{"model", "per-mhz"}, {"current_ua_per_mhz", "52"}});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("voltage_v is missing"));
}

TEST(EstimateMonitor, MatchesTheReadmeFigureForKwsOnMps2An386) {
  // README: kws-s1 on mps2-an386, 40154080 instructions per inference, 52 uA/MHz at 3.0 V:
  // 40154080 x 52 x 3.0 / 1e6 = 6264.03648 uJ (~6.26 mJ). Two timed loops of 5 and 3 inferences.
  EstimateMonitor m({.current_ua_per_mhz = 52, .voltage_v = 3.0, .reference = ""});
  EXPECT_EQ(m.Describe(), "estimate:52uA/MHz@3V");
  ASSERT_TRUE(m.Configure({}, Deadline::After(1s)));
  ASSERT_TRUE(m.Arm(Deadline::After(1s)));
  ASSERT_TRUE(m.RecordWindow(5 * 40154080ULL));
  ASSERT_TRUE(m.RecordWindow(3 * 40154080ULL));
  auto c = m.Collect(Deadline::After(1s));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->estimate);
  EXPECT_EQ(c->source, "energy:estimate");
  EXPECT_EQ(c->voltage_v, 3.0);
  ASSERT_EQ(c->windows.size(), 2u);
  c->windows[0].inferences = 5;
  c->windows[1].inferences = 3;
  auto e = IntegrateWindows(*c, c->windows);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ((*e)[0].energy_uj, 5 * 6264.03648);
  EXPECT_DOUBLE_EQ((*e)[0].energy_per_inference_uj, 6264.03648);
  EXPECT_DOUBLE_EQ((*e)[1].energy_per_inference_uj, 6264.03648);
  EXPECT_DOUBLE_EQ(*EnergyPerInferenceUj(*c, c->windows), 6264.03648);
}

TEST(EstimateMonitor, StatesAreChecked) {
  EstimateMonitor m({.current_ua_per_mhz = 20.3, .voltage_v = 3.0, .reference = ""});
  EXPECT_EQ(m.RecordWindow(10).error().code, Status::kBadState);
  EXPECT_EQ(m.Collect(Deadline::After(1s)).error().code, Status::kBadState);
  ASSERT_TRUE(m.Arm(Deadline::After(1s)));
  EXPECT_EQ(m.Arm(Deadline::After(1s)).error().code, Status::kBadState);
  EXPECT_EQ(m.RecordWindow(0).error().code, Status::kBadArgument);
  // mps2-an505: 40349200 instructions x 20.3 uA/MHz x 3 V / 1e6 = 2457.26628 uJ.
  ASSERT_TRUE(m.RecordWindow(40349200));
  auto c = m.Collect(Deadline::After(1s));
  ASSERT_TRUE(c);
  c->windows[0].inferences = 1;
  EXPECT_DOUBLE_EQ(*EnergyPerInferenceUj(*c, c->windows), 2457.26628);
}

}  // namespace
}  // namespace hil::power
