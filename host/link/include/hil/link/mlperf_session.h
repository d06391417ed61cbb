// The host side of MLPerf Tiny's device-under-test text protocol (the one its EEMBC runner speaks):
// drives any DUT firmware that implements it, a third party's MLPerf Tiny submission or our agent's
// MLPerf personality (agent/mlperf_dut.h), over a Link (a serial port or a pty).
//
// Each command is sent with its '%' and answered by lines ending in "m-ready". Replies are read
// line by line; "e-[...]" lines become errors (kBadState, quoting the DUT), a missing m-ready by
// the deadline kTimeout naming the command and the link.
//
// Through an interface board (MLPerf Tiny's energy setup: the host talks to an EEMBC IO manager,
// which talks to the DUT's UART at 9600 baud): `dut <command>%` is sent instead, the interface
// acknowledges with m-dut-passthrough(<command>) and its own m-ready, then relays the DUT's lines
// prefixed "[dut]: " up to the DUT's m-ready. DUT lines relayed before the acknowledgement (a
// banner after reset) are skipped; an unprefixed e-[...] after it is the interface's own error.
//
// Thread: one thread per session.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"
#include "hil/link/link.h"

namespace hil::link {

struct MlperfInference {
  uint64_t runs = 0;
  // Between the two m-lap-us lines around the timed runs; absent from energy-mode firmware, which
  // prints none (its timestamps are GPIO pulses for the power monitor).
  std::optional<uint64_t> lap_us;
  std::vector<double> results; // m-results-[...]: output 0 as the DUT prints it (dequantized)
  double us_per_inference() const { return runs && lap_us ? static_cast<double>(*lap_us) / static_cast<double>(runs) : 0.0; }
};

class MlperfSession {
 public:
  MlperfSession(Link& link, std::string who, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000))
      : link_(link), who_(std::move(who)), timeout_(timeout) {}

  // Waits for the DUT's first m-ready (after reset it prints its banner); kTimeout without one.
  Result<void> WaitReady();
  // m-name-dut-[...]; also skips a banner (ending in m-ready) the DUT printed at reset. Call first.
  Result<std::string> Name();
  Result<std::string> ModelId();  // profile%: m-model-[...]
  // db load + db <hex> in chunks of `chunk_bytes`; kBadState unless the DUT says m-load-done.
  Result<void> LoadInput(std::span<const uint8_t> input, size_t chunk_bytes = 128);
  // infer <runs> <warmup>.
  Result<MlperfInference> Infer(uint64_t runs, uint64_t warmup);
  Result<std::vector<double>> Results();

  // From now on, reach the DUT through an interface board's `dut` passthrough (top of the file).
  void UseInterfaceBoard() { via_interface_ = true; }
  bool via_interface() const { return via_interface_; }
  // A command to the interface board itself (name, version, ...), never passed through.
  Result<std::vector<std::string>> InterfaceCommand(const std::string& command);

  // The reply lines of one command, m-ready excluded. Errors as at the top of this file.
  Result<std::vector<std::string>> Command(const std::string& command);

 private:
  Link& link_;
  std::string who_;
  std::chrono::milliseconds timeout_;
  // The next reply line (CR and trailing spaces removed, blank lines skipped) by `deadline`.
  Result<std::string> ReadLine(const std::string& command, Deadline deadline);
  Result<std::vector<std::string>> Direct(const std::string& command);
  Result<std::vector<std::string>> Passthrough(const std::string& command);

  std::string pending_;  // bytes read past the last m-ready
  bool via_interface_ = false;
};

// How MLPerf Tiny's runner sends each benchmark's input, by the DUT's model id (profile%): kws01 and
// unknown ids int8 tensor bytes; vww01 and ic01 uint8 pixels (the DUT subtracts 128); ad01 float32
// features, little-endian (the DUT quantizes them, and prints one value: the anomaly score).
enum class MlperfInputFormat { kInt8, kUint8Pixels, kFloat32 };
MlperfInputFormat MlperfInputFormatFor(const std::string& model_id);
// Our int8 input tensor as the runner would send it; kFloat32 dequantizes with scale and zero_point
// (which the DUT's quantization turns back into the same int8 values).
std::vector<uint8_t> MlperfWireInput(MlperfInputFormat format, std::span<const uint8_t> tensor, float scale, int zero_point);

// "m-results-[0.039,-1.250]" -> {0.039, -1.25}; kBadFrame for anything else.
Result<std::vector<double>> ParseMlperfResults(const std::string& line);

}  // namespace hil::link
