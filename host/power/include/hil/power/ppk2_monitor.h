// Nordic Power Profiler Kit II over its USB CDC serial protocol, as Nordic's nRF Connect Power
// Profiler (pc-nrfconnect-ppk) speaks it. Binary commands, one opcode byte and arguments:
//   0x19 GetMetadata        answered with text "key: value" lines ending in "END": the
//                           calibration R0..R4, GS0..4, GI0..4, O0..4, S0..4, I0..4, UG0..4
//   0x11 SetPowerMode m     1 ampere meter (the board has its own supply), 2 source meter
//   0x0D RegulatorSet hi lo source voltage: mV - 800 + 32 = (hi - 3) * 256 + lo
//   0x0C DeviceRunningSet b 1 powers the board from the PPK2 (source meter)
//   0x06 AverageStart       streams 100 000 samples/s until
//   0x07 AverageStop
// Each sample is 4 bytes little-endian: bits 0..13 ADC value, 14..16 measurement range (0..4),
// 24..31 the logic port D0..D7 (the timestamp GPIO is wired to one of them; a window runs from one
// falling edge of it to the next, as the agent marks start and end with short low pulses).
// Current for range r, adc = 4 x ADC value, Vdd in volts (ConvertAdcToAmps below):
//   x = (adc - O_r) * (1.8 / 163840) / R_r
//   I = UG_r * (x * (GS_r * x + GI_r) + S_r * Vdd + I_r)    [A]
// nRF Connect additionally smooths the samples around range switches (a display filter); this
// driver reports the calibrated value of every sample unfiltered.
//
// Checked against FakePpk2 only; opcodes, metadata keys, sample layout and the conversion are as
// the public PPK2 client libraries (derived from pc-nrfconnect-ppk) use them, not yet verified on
// an instrument.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hil/link/link.h"
#include "hil/power/power_monitor.h"

namespace hil::power {

struct Ppk2Calibration {
  std::array<double, 5> r{}, gs{}, gi{}, o{}, s{}, i{};
  std::array<double, 5> ug{1, 1, 1, 1, 1};
};

class Ppk2Monitor final : public PowerMonitor {
 public:
  static constexpr uint32_t kSampleRateHz = 100'000;
  static constexpr int kBaudRate = 115200;  // USB CDC: the rate is not used by the device

  enum Opcode : uint8_t {
    kAverageStart = 0x06,
    kAverageStop = 0x07,
    kDeviceRunningSet = 0x0C,
    kRegulatorSet = 0x0D,
    kSetPowerMode = 0x11,
    kGetMetadata = 0x19,
  };

  struct Options {
    bool source_meter = true;  // false: ampere meter, the board powered from elsewhere at voltage_v
    std::chrono::milliseconds stall_timeout{1000};
    // The PPK2 streams without pause while capturing, so a silence this long when Collect is called
    // means it stopped, even in a capture shorter than stall_timeout.
    std::chrono::milliseconds end_silence{200};
  };

  static Result<std::unique_ptr<Ppk2Monitor>> Open(const std::string& tty_path, Options options);
  static Result<std::unique_ptr<Ppk2Monitor>> Open(const std::string& tty_path) { return Open(tty_path, Options{}); }
  Ppk2Monitor(std::unique_ptr<link::Link> link, Options options);
  ~Ppk2Monitor() override;

  Result<void> Configure(const CaptureConfig& config, Deadline deadline) override;
  Result<void> Arm(Deadline deadline) override;
  Result<Capture> Collect(Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

  const Ppk2Calibration& calibration() const { return calibration_; }

  // Parses GetMetadata's text. Errors: kBadFrame naming a missing or malformed key.
  static Result<Ppk2Calibration> ParseMetadata(std::string_view text);
  // The two RegulatorSet argument bytes for `mv` (800..5000).
  static std::array<uint8_t, 2> RegulatorBytes(int mv);
  // Current in microamps of one raw sample word. Errors: kBadFrame for a range field above 4.
  static Result<double> ConvertToUa(uint32_t word, const Ppk2Calibration& cal, double vdd_v);

 private:
  Result<void> Send(std::initializer_list<uint8_t> bytes, Deadline deadline);
  Error Named(const Error& e) const;
  void ReaderLoop();
  void StopReader();

  std::unique_ptr<link::Link> link_;
  Options options_;
  std::string description_;
  CaptureConfig config_;
  Ppk2Calibration calibration_;
  bool configured_ = false;
  bool armed_ = false;
  std::vector<uint8_t> raw_;  // the reader thread's until joined
  std::optional<Error> reader_error_;
  std::thread reader_;
  std::atomic<bool> stop_reader_{false};
  std::atomic<std::chrono::steady_clock::rep> last_rx_{0};  // when the reader last got bytes
};

}  // namespace hil::power
