// A Nordic PPK2 on a pty: answers GetMetadata with calibration text ending in "END", records the
// binary commands, and between AverageStart and AverageStop streams a known trace of 4-byte
// little-endian sample words, then an idle word until AverageStop.
#pragma once

#include <cstdint>
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
  struct Trace {
    std::string metadata;  // GetMetadata's answer, "END" included
    std::vector<uint32_t> words;
    uint32_t idle_word = 0;
  };
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

 private:
  FakePpk2(PtyPair pty, Trace trace, Faults faults) : FakeDevice(std::move(pty), faults), trace_(std::move(trace)) {}
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
