// Ppk2Monitor against FakePpk2 on a pty: the exact command bytes, calibration, the energy of a
// known trace with the GPIO on a logic-port bit, and the faults of its own (metadata, garbage
// samples) as clear errors. The faults both instruments share (silence, stall, vanished port,
// window left open, missing port, settings out of range) are in power_monitor_contract_test.cc.
#include "hil/power/ppk2_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hil/power/testing/fake_ppk2.h"
#include "testing/instrument_bench.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ExpectWindowEnergies;
using testing::FakePpk2;
using testing::Ppk2Word;

using Bytes = std::vector<uint8_t>;
constexpr int64_t kUs = 1000;

// With SimpleMetadata: range 0 reads 1 uA per ADC count, range 1 10 uA per count. At 100 kHz, with
// D0 (the timestamp GPIO) idling high and pulsed low for one sample at each mark:
//   100 idle samples of 50 uA (range 1, ADC 5),
//   window 1: 300 samples of 1000 uA (range 0, ADC 1000), the first with D0 low (the opening mark),
//   50 idle, the first with D0 low (the closing mark),
//   window 2: 200 samples of 2000 uA (range 1, ADC 200), opened the same way, with D3 toggling
//   (another channel: must not matter), 100 idle, the first closing it.
FakePpk2::Trace KnownTrace() {
  FakePpk2::Trace t;
  t.metadata = FakePpk2::SimpleMetadata();
  const uint32_t idle = Ppk2Word(5, 1, 0x01);
  for (int i = 0; i < 100; ++i) t.words.push_back(idle);
  for (int i = 0; i < 300; ++i) t.words.push_back(Ppk2Word(1000, 0, i == 0 ? 0x00 : 0x01));
  for (int i = 0; i < 50; ++i) t.words.push_back(i == 0 ? Ppk2Word(5, 1, 0x00) : idle);
  for (int i = 0; i < 200; ++i) t.words.push_back(Ppk2Word(200, 1, static_cast<uint8_t>((i == 0 ? 0x00 : 0x01) | (i % 2 ? 0x08 : 0x00))));
  for (int i = 0; i < 100; ++i) t.words.push_back(i == 0 ? Ppk2Word(5, 1, 0x00) : idle);
  t.idle_word = idle;
  return t;
}

CaptureConfig Config() { return CaptureConfig{.voltage_v = 3.0, .sample_rate_hz = 100000, .gpio_channel = 0}; }

using Bench = testing::Bench<FakePpk2, Ppk2Monitor>;
// The emulator playing `trace`, and the monitor on it with a 300 ms stall timeout.
Bench Start(FakePpk2::Trace trace, FakePpk2::Faults faults = {}) {
  return Bench::Start(std::move(trace), faults, {.source_meter = true, .stall_timeout = 300ms});
}

TEST(Ppk2Monitor, RegulatorBytesEncodeMillivolts) {
  // mV - 800 + 32 = (hi - 3) x 256 + lo.
  EXPECT_EQ(Ppk2Monitor::RegulatorBytes(800), (std::array<uint8_t, 2>{3, 32}));
  EXPECT_EQ(Ppk2Monitor::RegulatorBytes(1800), (std::array<uint8_t, 2>{7, 8}));
  EXPECT_EQ(Ppk2Monitor::RegulatorBytes(3000), (std::array<uint8_t, 2>{11, 184}));
  EXPECT_EQ(Ppk2Monitor::RegulatorBytes(3300), (std::array<uint8_t, 2>{12, 228}));
  EXPECT_EQ(Ppk2Monitor::RegulatorBytes(5000), (std::array<uint8_t, 2>{19, 136}));
}

TEST(Ppk2Monitor, ConvertsWithEveryCalibrationTerm) {
  Ppk2Calibration cal;
  cal.r = {1, 1, 10, 1, 1};
  cal.o = {0, 0, 96, 0, 0};
  cal.gs = {0, 0, 0.5, 0, 0};
  cal.gi = {1, 1, 2, 1, 1};
  cal.s = {0, 0, 0.001, 0, 0};
  cal.i = {0, 0, -0.0001, 0, 0};
  cal.ug = {1, 1, 1.5, 1, 1};
  // Range 2, ADC 1024: adc = 4096; x = (4096 - 96) x 1.8/163840 / 10 = 9/2048 A;
  // I = 1.5 x (x (0.5 x + 2) + 0.001 x 3 V - 0.0001) = 0.01754807767868042 A.
  auto ua = Ppk2Monitor::ConvertToUa(Ppk2Word(1024, 2, 0xFF), cal, 3.0);
  ASSERT_TRUE(ua);
  EXPECT_DOUBLE_EQ(*ua, 17548.07767868042);
  auto bad = Ppk2Monitor::ConvertToUa(Ppk2Word(1, 5, 0), cal, 3.0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Status::kBadFrame);
  EXPECT_THAT(bad.error().message, HasSubstr("measurement range 5 is not 0..4"));
}

TEST(Ppk2Monitor, ParsesMetadataAndNamesWhatIsMissing) {
  auto cal = Ppk2Monitor::ParseMetadata(FakePpk2::SimpleMetadata());
  ASSERT_TRUE(cal) << cal.error().message;
  EXPECT_EQ(cal->r[0], 43.9453125);
  EXPECT_EQ(cal->r[4], 0.043);
  EXPECT_EQ(cal->gi[2], 1.0);
  std::string no_o3 = FakePpk2::SimpleMetadata();
  no_o3.erase(no_o3.find("O3: 0\n"), 6);
  auto missing = Ppk2Monitor::ParseMetadata(no_o3);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("lacks O3"));
  auto nan = Ppk2Monitor::ParseMetadata("R0: fish\nEND\n");
  ASSERT_FALSE(nan);
  EXPECT_THAT(nan.error().message, HasSubstr("R0 is not a number: 'fish'"));
  auto no_end = Ppk2Monitor::ParseMetadata("R0: 1\n");
  ASSERT_FALSE(no_end);
  EXPECT_THAT(no_end.error().message, HasSubstr("'END'"));
}

TEST(Ppk2Monitor, SendsTheCommandBytesAndMeasuresTheKnownTrace) {
  auto b = Start(KnownTrace());
  ASSERT_TRUE(b);
  EXPECT_EQ(b.monitor->Describe(), "ppk2:tty:" + b.fake->slave_path() + "@115200");
  auto c = b.PlayAndCollect(Config());
  ASSERT_TRUE(c) << c.error().message;
  // GetMetadata; SetPowerMode source meter; RegulatorSet 3000 mV; DeviceRunningSet on;
  // AverageStart; AverageStop.
  EXPECT_THAT(b.fake->commands(),
              ElementsAre(Bytes{0x19}, Bytes{0x11, 2}, Bytes{0x0D, 11, 184}, Bytes{0x0C, 1}, Bytes{0x06}, Bytes{0x07}));

  EXPECT_EQ(c->source, "energy:ppk2");
  EXPECT_FALSE(c->estimate);
  EXPECT_EQ(c->sample_period_ns, 10 * kUs);
  ASSERT_GE(c->samples.size(), 750u);
  EXPECT_DOUBLE_EQ(c->samples[0].current_ua, 50.0);
  EXPECT_DOUBLE_EQ(c->samples[100].current_ua, 1000.0);
  EXPECT_DOUBLE_EQ(c->samples[450].current_ua, 2000.0);
  // Window 1: 1000 uA x 3 V x 3 ms = 9 uJ over 3 inferences = 3 uJ each.
  // Window 2: 2000 uA x 3 V x 2 ms = 12 uJ over 4 inferences = 3 uJ each. Overall 21 / 7 = 3 uJ.
  ExpectWindowEnergies(*c, {{1000 * kUs, 4000 * kUs, 3, 9.0}, {4500 * kUs, 6500 * kUs, 4, 12.0}});
}

TEST(Ppk2Monitor, TheGpioChannelIsSelectable) {
  // D3 is high on every other sample of window 2: its falling edges at samples 452, 454, ... 650 pair
  // up into 50 windows of two samples.
  auto b = Start(KnownTrace());
  ASSERT_TRUE(b);
  auto cfg = Config();
  cfg.gpio_channel = 3;
  auto c = b.PlayAndCollect(cfg);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->windows.size(), 50u);
  EXPECT_EQ(c->windows[0].start_ns, 4520 * kUs);
  EXPECT_EQ(c->windows[0].end_ns, 4540 * kUs);
}

TEST(Ppk2Monitor, MalformedMetadataIsABadFrame) {
  auto t = KnownTrace();
  t.metadata = "R0: 1\nGS0: x\nEND\n";
  auto b = Start(t);
  ASSERT_TRUE(b);
  auto r = b.monitor->Configure(Config(), Deadline::After(1s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kBadFrame);
  EXPECT_THAT(r.error().message, HasSubstr("GS0 is not a number"));
}

TEST(Ppk2Monitor, GarbageSamplesAreABadFrameNamingTheSample) {
  auto t = KnownTrace();
  t.words[123] = 0xDEADBEEF;  // range field 7
  auto b = Start(t);
  ASSERT_TRUE(b);
  auto c = b.PlayAndCollect(Config());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kBadFrame);
  EXPECT_THAT(c.error().message, HasSubstr("sample 123: sample 0xdeadbeef: measurement range 6"));
}

}  // namespace
}  // namespace hil::power
