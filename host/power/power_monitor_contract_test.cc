// The PowerMonitor contract, run against every implementation (the two instruments through their
// emulators, and the estimate): one window of 2 inferences that costs 12 uJ must come back as
// 6 uJ per inference, labelled with the monitor's source; calls out of order are kBadState.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "hil/power/energy.h"
#include "hil/power/estimate_monitor.h"
#include "hil/power/lpm01a_monitor.h"
#include "hil/power/ppk2_monitor.h"
#include "hil/power/testing/fake_lpm01a.h"
#include "hil/power/testing/fake_ppk2.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;

// A monitor, and what stands in for the agent running the timed inferences between Arm and Collect.
struct Subject {
  std::unique_ptr<testing::FakeDevice> device;
  std::unique_ptr<PowerMonitor> monitor;
  CaptureConfig config;
  std::function<void()> run_inferences;
  std::string source;
  bool estimate = false;
};

struct Case {
  const char* name;
  std::function<Subject()> make;
};

// 12 uJ in one window on each: LPM01A 1000 uA x 3 V x 4 ms (4 values at 1 kHz); PPK2 1000 uA x
// 3 V x 4 ms (400 samples at 100 kHz, range 0, 1 uA per count); estimate 1e6 instructions x
// 4 uA/MHz x 3 V / 1e6.
Subject Lpm01a() {
  testing::FakeLpm01a::Trace t;
  t.values = {"0100-06", "0100-06", "1000-06", "1000-06", "1000-06", "1000-06", "0100-06", "0100-06"};
  t.events = {{2, "fal"}, {6, "fal"}};  // the two marks of the timestamp GPIO (falling edges)
  Subject s;
  auto fake = testing::FakeLpm01a::Start(t);
  EXPECT_TRUE(fake);
  auto m = Lpm01aMonitor::Open((*fake)->slave_path());
  EXPECT_TRUE(m);
  auto* raw = fake->get();
  s.run_inferences = [raw] { EXPECT_TRUE(raw->WaitPlayed(5s)); };
  s.device = std::move(*fake);
  s.monitor = std::move(*m);
  s.config = {.voltage_v = 3.0, .sample_rate_hz = 1000};
  s.source = "energy:lpm01a";
  return s;
}

Subject Ppk2() {
  testing::FakePpk2::Trace t;
  t.metadata = testing::FakePpk2::SimpleMetadata();
  // D2 idles high; a one-sample low pulse opens the window and another closes it.
  for (int i = 0; i < 10; ++i) t.words.push_back(testing::Ppk2Word(100, 0, 0x04));
  for (int i = 0; i < 400; ++i) t.words.push_back(testing::Ppk2Word(1000, 0, i == 0 ? 0x00 : 0x04));
  for (int i = 0; i < 10; ++i) t.words.push_back(testing::Ppk2Word(100, 0, i == 0 ? 0x00 : 0x04));
  t.idle_word = testing::Ppk2Word(100, 0, 0x04);
  Subject s;
  auto fake = testing::FakePpk2::Start(t);
  EXPECT_TRUE(fake);
  auto m = Ppk2Monitor::Open((*fake)->slave_path());
  EXPECT_TRUE(m);
  auto* raw = fake->get();
  s.run_inferences = [raw] { EXPECT_TRUE(raw->WaitPlayed(5s)); };
  s.device = std::move(*fake);
  s.monitor = std::move(*m);
  s.config = {.voltage_v = 3.0, .sample_rate_hz = 100000, .gpio_channel = 2};
  s.source = "energy:ppk2";
  return s;
}

Subject Estimate() {
  Subject s;
  auto m = std::make_unique<EstimateMonitor>(EnergyModel{.current_ua_per_mhz = 4, .voltage_v = 3.0, .reference = ""});
  auto* raw = m.get();
  s.run_inferences = [raw] { EXPECT_TRUE(raw->RecordWindow(1'000'000)); };
  s.monitor = std::move(m);
  s.source = "energy:estimate";
  s.estimate = true;
  return s;
}

class PowerMonitorContract : public ::testing::TestWithParam<Case> {};

TEST_P(PowerMonitorContract, OneWindowOfTwoInferencesCostsSixMicrojoulesEach) {
  Subject s = GetParam().make();
  ASSERT_TRUE(s.monitor);
  auto cfg = s.monitor->Configure(s.config, Deadline::After(2s));
  ASSERT_TRUE(cfg) << cfg.error().message;
  auto arm = s.monitor->Arm(Deadline::After(2s));
  ASSERT_TRUE(arm) << arm.error().message;
  s.run_inferences();
  auto c = s.monitor->Collect(Deadline::After(2s));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->source, s.source);
  EXPECT_EQ(c->estimate, s.estimate);
  ASSERT_EQ(c->windows.size(), 1u);
  c->windows[0].inferences = 2;
  auto e = EnergyPerInferenceUj(*c, c->windows);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_DOUBLE_EQ(*e, 6.0);
}

TEST_P(PowerMonitorContract, CallsOutOfOrderAreBadState) {
  Subject s = GetParam().make();
  ASSERT_TRUE(s.monitor);
  auto c = s.monitor->Collect(Deadline::After(1s));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadState);
  ASSERT_TRUE(s.monitor->Configure(s.config, Deadline::After(2s)));
  ASSERT_TRUE(s.monitor->Arm(Deadline::After(2s)));
  auto again = s.monitor->Arm(Deadline::After(1s));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Status::kBadState);
  auto reconf = s.monitor->Configure(s.config, Deadline::After(1s));
  ASSERT_FALSE(reconf);
  EXPECT_EQ(reconf.error().code, Status::kBadState);
  s.run_inferences();
  EXPECT_TRUE(s.monitor->Collect(Deadline::After(2s)));
}

INSTANTIATE_TEST_SUITE_P(AllMonitors, PowerMonitorContract,
                         ::testing::Values(Case{"Lpm01a", Lpm01a}, Case{"Ppk2", Ppk2}, Case{"Estimate", Estimate}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hil::power
