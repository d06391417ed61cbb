// The PowerMonitor contract, run against every implementation (the two instruments through their
// emulators, and the estimate): one window of 2 inferences that costs 12 uJ must come back as
// 6 uJ per inference, labelled with the monitor's source; calls out of order are kBadState.
// Then what both instruments must do alike on their serial ports: refuse settings before sending
// any, and report a missing port, silence, a stream that stops, a port that vanishes and a window
// left open as clear errors naming the device and its port, within deadlines. What is particular
// to one instrument (its commands, its stream's format) is in lpm01a_monitor_test.cc and
// ppk2_monitor_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "hil/power/energy.h"
#include "hil/power/estimate_monitor.h"
#include "hil/power/lpm01a_monitor.h"
#include "hil/power/ppk2_monitor.h"
#include "hil/power/testing/fake_lpm01a.h"
#include "hil/power/testing/fake_ppk2.h"
#include "testing/instrument_bench.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// The two instruments, each emulated playing one window of 4 ms at 1000 uA between two marks of
// the timestamp GPIO (12 uJ at 3 V). Each says: its name in sources and errors (kKind); the capture
// settings; that trace (OneWindow) and a sample inside its window; the trace ending with the window
// open, and what Collect says of it; what its Configure waits for first (kNoAnswer); settings it
// cannot take, each with what the error names; monitor options with a 300 ms stall timeout.
template <typename FakeT, typename MonitorT>
struct InstrumentTypes {
  using Fake = FakeT;
  using Monitor = MonitorT;
  using Bench = testing::Bench<Fake, Monitor>;
};

struct Lpm01a : InstrumentTypes<testing::FakeLpm01a, Lpm01aMonitor> {
  static constexpr const char* kKind = "lpm01a";
  static CaptureConfig Config() { return {.voltage_v = 3.0, .sample_rate_hz = 1000}; }
  // 4 values at 1 kHz between the marks (falling edges on D7), 100 uA on either side.
  static Fake::Trace OneWindow() {
    Fake::Trace t;
    t.values = {"0100-06", "0100-06", "1000-06", "1000-06", "1000-06", "1000-06", "0100-06", "0100-06"};
    t.events = {{2, "fal"}, {6, "fal"}};
    return t;
  }
  static constexpr size_t kInsideWindow = 4;
  static Fake::Trace WindowLeftOpen() {
    auto t = OneWindow();
    t.events.pop_back();
    return t;
  }
  static constexpr const char* kLeftOpen = "(D7) window opened at 2000000 ns never closed";
  static constexpr const char* kNoAnswer = "no ack for 'htc'";
  static std::vector<std::pair<CaptureConfig, std::string>> Refused() {
    return {{{.voltage_v = 5.0, .sample_rate_hz = 1000}, "1.8..3.3 V"},
            {{.voltage_v = 3.0, .sample_rate_hz = 100000}, "100000 Hz"}};
  }
  static Monitor::Options Fast() { return {.stall_timeout = 300ms}; }
};

struct Ppk2 : InstrumentTypes<testing::FakePpk2, Ppk2Monitor> {
  static constexpr const char* kKind = "ppk2";
  static CaptureConfig Config() { return {.voltage_v = 3.0, .sample_rate_hz = 100000, .gpio_channel = 2}; }
  // 400 samples at 100 kHz between the marks (one-sample low pulses on D2, which idles high),
  // range 0 at 1 uA per count; 100 uA on either side.
  static Fake::Trace OneWindow() {
    Fake::Trace t;
    t.metadata = Fake::SimpleMetadata();
    for (int i = 0; i < 10; ++i) t.words.push_back(testing::Ppk2Word(100, 0, 0x04));
    for (int i = 0; i < 400; ++i) t.words.push_back(testing::Ppk2Word(1000, 0, i == 0 ? 0x00 : 0x04));
    for (int i = 0; i < 10; ++i) t.words.push_back(testing::Ppk2Word(100, 0, i == 0 ? 0x00 : 0x04));
    t.idle_word = testing::Ppk2Word(100, 0, 0x04);
    return t;
  }
  static constexpr size_t kInsideWindow = 250;
  static Fake::Trace WindowLeftOpen() {
    auto t = OneWindow();
    t.words.resize(200);
    t.idle_word = testing::Ppk2Word(1000, 0, 0x04);
    return t;
  }
  static constexpr const char* kLeftOpen = "(D2) window opened at 100000 ns never closed";
  static constexpr const char* kNoAnswer = "no metadata ending in 'END'";
  static std::vector<std::pair<CaptureConfig, std::string>> Refused() {
    return {{{.voltage_v = 5.5, .sample_rate_hz = 100000}, "0.8..5 V"},
            {{.voltage_v = 3.0, .sample_rate_hz = 1000}, "100000 Hz only"},
            {{.voltage_v = 3.0, .sample_rate_hz = 100000, .gpio_channel = 8}, "D0..D7"}};
  }
  static Monitor::Options Fast() { return {.source_meter = true, .stall_timeout = 300ms}; }
};

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

template <typename Instrument>
Subject OneWindowOn() {
  Subject s;
  auto bench = Instrument::Bench::Start(Instrument::OneWindow(), {}, {});
  if (!bench) return s;
  auto* fake = bench.fake.get();
  s.run_inferences = [fake] { EXPECT_TRUE(fake->WaitPlayed(5s)); };
  s.device = std::move(bench.fake);
  s.monitor = std::move(bench.monitor);
  s.config = Instrument::Config();
  s.source = std::string("energy:") + Instrument::kKind;
  return s;
}

// 1e6 instructions x 4 uA/MHz x 3 V / 1e6 = 12 uJ.
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
                         ::testing::Values(Case{"Lpm01a", OneWindowOn<Lpm01a>}, Case{"Ppk2", OneWindowOn<Ppk2>},
                                           Case{"Estimate", Estimate}),
                         [](const auto& info) { return std::string(info.param.name); });

// The instruments' own faults, each monitor opened with a 300 ms stall timeout.
template <typename Instrument>
class InstrumentContract : public ::testing::Test {
 protected:
  using Bench = typename Instrument::Bench;
  static Bench Start(typename Instrument::Fake::Trace trace, typename Instrument::Fake::Faults faults = {}) {
    return Bench::Start(std::move(trace), std::move(faults), Instrument::Fast());
  }
  static Bench Start(typename Instrument::Fake::Faults faults = {}) { return Start(Instrument::OneWindow(), faults); }
  // The one-window trace with `faults`, configured, armed and played; empty if any of it failed.
  static Bench Played(typename Instrument::Fake::Faults faults) {
    auto b = Start(faults);
    if (b) b.Play(Instrument::Config());
    if (::testing::Test::HasFailure()) return {};
    return b;
  }
  // How errors name the device and its port: "ppk2 on tty:/dev/pts/7".
  static std::string Named(const Bench& b) { return std::string(Instrument::kKind) + " on tty:" + b.fake->slave_path(); }
};

// gtest names the cases InstrumentContract/0 (Lpm01a) and /1 (Ppk2): CMake 3.25's test discovery
// reads typed suites with numbered suffixes only.
using Instruments = ::testing::Types<Lpm01a, Ppk2>;
TYPED_TEST_SUITE(InstrumentContract, Instruments);

TYPED_TEST(InstrumentContract, OpeningAMissingPortNamesIt) {
  auto m = TypeParam::Monitor::Open("/dev/does-not-exist-power-monitor");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Status::kNotFound);
  EXPECT_THAT(m.error().message, HasSubstr("/dev/does-not-exist-power-monitor"));
}

TYPED_TEST(InstrumentContract, RefusesSettingsItCannotTakeBeforeSendingThem) {
  auto b = this->Start();
  ASSERT_TRUE(b);
  for (const auto& [config, why] : TypeParam::Refused()) {
    auto r = b.monitor->Configure(config, Deadline::After(1s));
    ASSERT_FALSE(r) << why;
    EXPECT_EQ(r.error().code, Status::kBadArgument) << r.error().message;
    EXPECT_THAT(r.error().message, HasSubstr(why));
  }
  EXPECT_TRUE(b.fake->commands().empty());
  auto a = b.monitor->Arm(Deadline::After(1s));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Status::kBadState);
  auto c = b.monitor->Collect(Deadline::After(1s));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadState);
}

TYPED_TEST(InstrumentContract, NoAnswerIsATimeoutNamingWhatItAwaitedAndThePort) {
  typename TypeParam::Fake::Faults f;
  f.mute = true;
  auto b = this->Start(f);
  ASSERT_TRUE(b);
  auto r = testing::ReturnsWithin(2s, [&] { return b.monitor->Configure(TypeParam::Config(), Deadline::After(300ms)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kTimeout);
  EXPECT_THAT(r.error().message, HasSubstr(this->Named(b)));
  EXPECT_THAT(r.error().message, HasSubstr(TypeParam::kNoAnswer));
}

TYPED_TEST(InstrumentContract, StreamStoppingMidCaptureIsATimeoutNamingDeviceAndPort) {
  typename TypeParam::Fake::Faults f;
  f.stall_after_samples = TypeParam::kInsideWindow;
  auto b = this->Played(f);
  ASSERT_TRUE(b);
  std::this_thread::sleep_for(500ms);  // longer than the 300 ms stall timeout
  auto c = testing::ReturnsWithin(1s, [&] { return b.monitor->Collect(Deadline::After(2s)); });
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kTimeout);
  EXPECT_THAT(c.error().message, HasSubstr(this->Named(b)));
  EXPECT_THAT(c.error().message, HasSubstr("no data for 300 ms while capturing (after " +
                                           std::to_string(TypeParam::kInsideWindow) + " samples)"));
}

TYPED_TEST(InstrumentContract, APortThatVanishesIsABadStateNamingThePort) {
  typename TypeParam::Fake::Faults f;
  f.close_after_samples = TypeParam::kInsideWindow;
  auto b = this->Played(f);
  ASSERT_TRUE(b);
  auto c = testing::ReturnsWithin(1s, [&] { return b.monitor->Collect(Deadline::After(2s)); });
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadState) << c.error().message;
  EXPECT_THAT(c.error().message, HasSubstr(this->Named(b)));
  EXPECT_THAT(c.error().message, HasSubstr("the port went away during capture"));
}

TYPED_TEST(InstrumentContract, AWindowThatNeverClosesIsAnError) {
  auto b = this->Start(TypeParam::WindowLeftOpen());
  ASSERT_TRUE(b);
  auto c = b.PlayAndCollect(TypeParam::Config());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadState);
  EXPECT_THAT(c.error().message, HasSubstr(this->Named(b)));
  EXPECT_THAT(c.error().message, HasSubstr(TypeParam::kLeftOpen));
}

}  // namespace
}  // namespace hil::power
