// A DebugProbe with no hardware: a sparse byte-addressed memory, flash writes that land in it, a reset
// counter and an injectable failure. For tests of code that drives probes (board sessions, the
// scheduler) and for the DebugProbe contract test. `on_reset` lets a test act as the target on a
// reset (restart a POSIX agent standing in for the board's firmware).
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "hil/board/debug_probe.h"

namespace hil::board::testing {

class FakeProbe final : public DebugProbe {
 public:
  Result<void> Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) override;
  Result<void> Reset(Deadline deadline) override;
  Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline) override;
  Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) override;
  Result<ProbeEndpoint> StartGdbServer(int port, Deadline deadline) override;
  Result<ProbeEndpoint> StartRtt(uint32_t control_block, int port, Deadline deadline) override;
  void StopServers() override { servers_ = 0; }
  std::string Describe() const override { return "fake probe"; }

  // The next call fails with `error` (once).
  void FailNext(Error error) { fail_next_ = std::move(error); }
  // Memory outside [ram_start, ram_start + ram_bytes) is refused with kOutOfRange.
  uint32_t ram_start = 0x20000000;
  uint32_t ram_bytes = 0x40000;
  uint32_t flash_start = 0x08000000;
  int resets = 0;
  int servers_ = 0;
  std::vector<std::string> flashed;
  // Called after every successful Reset and Flash (a flash ends with a reset), on the caller's thread.
  std::function<void()> on_reset;
  // What StartRtt returns when asked for port 0 (with a port, that port); the control block it was
  // given is kept in rtt_control_block.
  ProbeEndpoint rtt_endpoint{ProbeEndpoint::Kind::kRttTcp, "127.0.0.1", 19021};
  uint32_t rtt_control_block = 0;

 private:
  std::optional<Error> TakeFailure();
  std::map<uint32_t, uint8_t> memory_;
  std::optional<Error> fail_next_;
};

}  // namespace hil::board::testing
