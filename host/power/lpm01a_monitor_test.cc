// Lpm01aMonitor against FakeLpm01a on a pty: the exact commands, the energy of a known trace, and
// the faults of its own (refusal, no completion, garbage, malformed events) as clear errors. The
// faults both instruments share (silence, stall, vanished port, window left open, missing port,
// settings out of range) are in power_monitor_contract_test.cc.
#include "hil/power/lpm01a_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hil/power/testing/fake_lpm01a.h"
#include "testing/instrument_bench.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ExpectWindowEnergies;
using testing::FakeLpm01a;

constexpr int64_t kMs = 1'000'000;

// At 1 kHz: 20 idle values of 500 uA; window 1 over values 20..29 at 2500 uA ("2500-06");
// 5 values of 125 uA ("1250-07"); window 2 over values 35..39 at 12 mA ("1200-05"); 10 idle.
FakeLpm01a::Trace KnownTrace() {
  FakeLpm01a::Trace t;
  for (int i = 0; i < 20; ++i) t.values.push_back("0500-06");
  for (int i = 0; i < 10; ++i) t.values.push_back("2500-06");
  for (int i = 0; i < 5; ++i) t.values.push_back("1250-07");
  for (int i = 0; i < 5; ++i) t.values.push_back("1200-05");
  for (int i = 0; i < 10; ++i) t.values.push_back("0500-06");
  t.events = {{20, "ris"}, {30, "fal"}, {35, "ris"}, {40, "fal"}};
  t.timestamp_every = 16;
  return t;
}

CaptureConfig Config() { return CaptureConfig{.voltage_v = 3.0, .sample_rate_hz = 1000}; }

using Bench = testing::Bench<FakeLpm01a, Lpm01aMonitor>;
// The emulator playing `trace`, and the monitor on it with a 300 ms stall timeout.
Bench Start(FakeLpm01a::Trace trace, FakeLpm01a::Faults faults = {}) {
  return Bench::Start(std::move(trace), std::move(faults), {.stall_timeout = 300ms});
}

TEST(Lpm01aMonitor, ParsesAsciiDecValues) {
  EXPECT_EQ(*Lpm01aMonitor::ParseCurrentUa("6409-07"), 640.9);  // UM2269's own example
  EXPECT_EQ(*Lpm01aMonitor::ParseCurrentUa("2500-06"), 2500.0);
  EXPECT_EQ(*Lpm01aMonitor::ParseCurrentUa("1200-05"), 12000.0);
  EXPECT_EQ(*Lpm01aMonitor::ParseCurrentUa("0002-09"), 0.002);
  EXPECT_EQ(*Lpm01aMonitor::ParseCurrentUa("0001+00"), 1e6);
  for (const char* bad : {"", "640-07", "6409*07", "64a9-07", "6409-7", "6409-070", "ack start"}) {
    auto v = Lpm01aMonitor::ParseCurrentUa(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, Status::kBadFrame);
  }
  EXPECT_EQ(Lpm01aMonitor::FreqArgument(1000), "1k");
  EXPECT_EQ(Lpm01aMonitor::FreqArgument(500), "500");
  EXPECT_EQ(Lpm01aMonitor::FreqArgument(100000), "");  // ascii_dec cannot stream 100 kHz
}

TEST(Lpm01aMonitor, SendsTheEnergyRunnerSetupAndMeasuresTheKnownTrace) {
  auto b = Start(KnownTrace());
  ASSERT_TRUE(b);
  EXPECT_EQ(b.monitor->Describe(), "lpm01a:tty:" + b.fake->slave_path() + "@3686400");
  auto c = b.PlayAndCollect(Config());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_THAT(b.fake->commands(), ElementsAre("htc", "volt 3000m", "freq 1k", "acqtime 0", "output current",
                                              "format ascii_dec", "trigsrc sw", "eventsrc d7 fal", "start", "stop"));

  EXPECT_EQ(c->source, "energy:lpm01a");
  EXPECT_FALSE(c->estimate);
  EXPECT_EQ(c->voltage_v, 3.0);
  EXPECT_EQ(c->sample_period_ns, kMs);
  ASSERT_GE(c->samples.size(), 50u);  // plus the idle tail until stop
  EXPECT_EQ(c->samples[20].time_ns, 20 * kMs);
  EXPECT_EQ(c->samples[20].current_ua, 2500.0);
  EXPECT_EQ(c->samples[30].current_ua, 125.0);
  // Window 1: 2500 uA x 3 V x 10 ms = 75 uJ over 5 inferences = 15 uJ each.
  // Window 2: 12000 uA x 3 V x 5 ms = 180 uJ over 2 inferences = 90 uJ each. Overall 255 / 7.
  ExpectWindowEnergies(*c, {{20 * kMs, 30 * kMs, 5, 75.0}, {35 * kMs, 40 * kMs, 2, 180.0}});

  // A second capture on the same session.
  ASSERT_TRUE(b.monitor->Arm(Deadline::After(2s)));
  auto again = b.monitor->Collect(Deadline::After(2s));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->windows.size(), 2u);
}

TEST(Lpm01aMonitor, AnErrorAnswerIsReportedWithItsDetail) {
  FakeLpm01a::Faults f;
  f.refuse = "volt 3000m";
  auto b = Start(KnownTrace(), f);
  ASSERT_TRUE(b);
  auto r = b.monitor->Configure(Config(), Deadline::After(2s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kBadArgument);
  EXPECT_THAT(r.error().message, HasSubstr("lpm01a on tty:" + b.fake->slave_path()));
  EXPECT_THAT(r.error().message, HasSubstr("'volt 3000m' refused"));
  EXPECT_THAT(r.error().message, HasSubstr("Error detail: parameter out of range"));
}

TEST(Lpm01aMonitor, StopNeverConfirmedIsATimeoutWithinTheDeadline) {
  FakeLpm01a::Faults f;
  f.no_completion = true;
  auto b = Start(KnownTrace(), f);
  ASSERT_TRUE(b);
  ASSERT_NO_FATAL_FAILURE(b.Play(Config()));
  auto c = testing::ReturnsWithin(2s, [&] { return b.monitor->Collect(Deadline::After(400ms)); });
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kTimeout);
  EXPECT_THAT(c.error().message, HasSubstr("no 'Acquisition completed'"));
}

TEST(Lpm01aMonitor, GarbageInTheStreamIsABadFrameQuotingTheLine) {
  for (const std::string& garbage : std::vector<std::string>{"12#4-07", "PowerShield v1.0.2 ready", "\x01\x02junk"}) {
    FakeLpm01a::Faults f;
    f.inject = {{12, garbage}};
    auto b = Start(KnownTrace(), f);
    ASSERT_TRUE(b);
    auto c = b.PlayAndCollect(Config());
    ASSERT_FALSE(c) << garbage;
    EXPECT_EQ(c.error().code, Status::kBadFrame) << c.error().message;
    EXPECT_THAT(c.error().message, HasSubstr("lpm01a on tty:"));
    if (garbage[0] != '\x01') {
      EXPECT_THAT(c.error().message, HasSubstr("'" + garbage + "'"));
    } else {
      EXPECT_THAT(c.error().message, HasSubstr("non-text byte 0x01"));
    }
  }
}

TEST(Lpm01aMonitor, SeveralValuesOnOneLineAreSeveralSamples) {
  // Values 20..29 of the known trace as three lines of 4, 3 and 3 values (run together, spaced).
  auto t = KnownTrace();
  std::vector<std::string> values(t.values.begin(), t.values.begin() + 20);
  values.push_back("2500-062500-062500-062500-06");
  values.push_back("2500-06 2500-06 2500-06");
  values.push_back("2500-062500-06 2500-06");
  values.insert(values.end(), t.values.begin() + 30, t.values.end());
  t.values = values;  // 20 + 3 lines + 20
  t.events = {{20, "ris"}, {23, "fal"}};
  t.timestamp_every = 0;
  auto b = Start(t);
  ASSERT_TRUE(b);
  auto c = b.PlayAndCollect(Config());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->samples[29].current_ua, 2500.0);
  EXPECT_EQ(c->samples[30].current_ua, 125.0);
  ExpectWindowEnergies(*c, {{20 * kMs, 30 * kMs, 5, 75.0}});  // 2500 uA x 3 V x 10 ms, 15 uJ each
}

TEST(Lpm01aMonitor, AMalformedEventLineIsABadFrame) {
  FakeLpm01a::Faults f;
  f.inject = {{5, "event x up"}};
  auto b = Start(KnownTrace(), f);
  ASSERT_TRUE(b);
  auto c = b.PlayAndCollect(Config());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadFrame);
  EXPECT_THAT(c.error().message, HasSubstr("malformed event line 'event x up'"));
}

TEST(Lpm01aMonitor, EventsPairInOrderWhateverTheirEdge) {
  // The EnergyRunner's convention: the DUT pulses D7 low at the start and at the end of its timed
  // loop and the instrument reports falling edges only ("eventsrc d7 fal").
  auto t = KnownTrace();
  t.events = {{20, "fal"}, {30, "fal"}};
  auto b = Start(t);
  ASSERT_TRUE(b);
  auto c = b.PlayAndCollect(Config());
  ASSERT_TRUE(c) << c.error().message;
  ExpectWindowEnergies(*c, {{20 * kMs, 30 * kMs, 1, 75.0}});  // 2500 uA x 3 V x 10 ms
}

}  // namespace
}  // namespace hil::power
