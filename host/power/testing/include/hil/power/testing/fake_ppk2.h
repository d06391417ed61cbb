// A Nordic PPK2 on a pty: answers GetMetadata with calibration text ending in "END", records the
// binary commands, and between AverageStart and AverageStop streams a known trace of 4-byte
// little-endian sample words, then an idle word until AverageStop.
//
// Live mode (Trace::live; LiveStream in fake_device.h): instead of a fixed trace, logic-port bit
// gpio_bit follows a board's timestamp GPIO as the POSIX agent writes it to a FIFO (the pin idles
// high and each mark is a low pulse; hil-agent-posix --timestamp-gpio). Each falling edge opens or
// closes a window; the current is window_adc inside windows and idle_adc outside (range 0), at
// samples_per_ms samples a millisecond of wall time (not 100 kHz: the monitor's clock is the sample
// count). Every level change yields at least one sample of that level, so no pulse is too short to
// be seen. live_stats() says what was played, from which the exact energy of every window follows.
#pragma once

#include <cstdint>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hil/power/testing/fake_device.h"

namespace hil::power::testing {

// A sample word: ADC value (14 bits), measurement range (3 bits), logic port D0..D7.
constexpr uint32_t Ppk2Word(uint32_t adc, uint32_t range, uint8_t logic) {
  return (adc & 0x3FFF) | (range & 0x7) << 14 | uint32_t{logic} << 24;
}

class FakePpk2 final : public FakeDevice {
 public:
  struct Live {
    std::string gpio_fifo;   // created by Start (mkfifo) and opened for reading; removed on teardown
    int gpio_bit = 0;        // logic-port bit D0..D7 the pin is wired to
    uint32_t window_adc = 0; // range-0 ADC values inside / outside the windows
    uint32_t idle_adc = 0;
    int samples_per_ms = 10; // pace of the stream in wall time
  };
  struct Trace {
    std::string metadata;  // GetMetadata's answer, "END" included
    std::vector<uint32_t> words;
    uint32_t idle_word = 0;
    std::optional<Live> live;
  };
  // What live mode streamed while capturing (between AverageStart and AverageStop).
  using LiveStats = LiveStream::Stats;
  using Faults = DeviceFaults;

  // Metadata text for calibration where range 0 reads 1 uA per ADC count and range 1 10 uA per
  // count (R0 = 43.9453125, R1 = 4.39453125; GS 0, GI 1, O 0, S 0, I 0, UG 1), with the other
  // ranges plausible. In the format of the firmware: "key: value" lines, then "END".
  static std::string SimpleMetadata();

  static Result<std::unique_ptr<FakePpk2>> Start(Trace trace, Faults faults);
  static Result<std::unique_ptr<FakePpk2>> Start(Trace trace) { return Start(std::move(trace), Faults{}); }
  ~FakePpk2() override { Stop(); }

  // Commands received, each as its bytes (opcode first).
  std::vector<std::vector<uint8_t>> commands() const;
  LiveStats live_stats() const;

 private:
  FakePpk2(PtyPair pty, Trace trace, Faults faults);
  void OnInput(std::string_view bytes) override;
  size_t Produce() override;
  size_t trace_size() const override { return trace_.words.size(); }
  void Append(uint32_t word);

  Trace trace_;
  std::string in_;
  mutable std::mutex mu_;
  std::vector<std::vector<uint8_t>> commands_;
  bool streaming_ = false;
  size_t next_ = 0;
  std::chrono::steady_clock::time_point last_idle_;
};

}  // namespace hil::power::testing
