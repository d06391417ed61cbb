// A Link through a SEGGER-RTT control block in target RAM (target-agent/agent/include/hil/agent/rtt.h),
// reached with a GDB remote-protocol memory client: the host writes requests into the down ring and
// reads responses from the up ring.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "hil/link/gdb_remote.h"
#include "hil/link/link.h"

namespace hil::link {

struct RttSearch {
  uint32_t address = 0;     // the control block (symbol _SEGGER_RTT), or 0 to scan for its ID
  uint32_t ram_start = 0;   // where to scan when address is 0
  uint32_t ram_bytes = 0;
};

class RttLink final : public Link {
 public:
  // Waits until the control block carries its ID (the firmware writes it last, after the rings are
  // set up), then checks both rings. Errors: kTimeout (no control block by the deadline, naming the
  // address or range searched), kModelInvalid (a ring with an impossible size or pointer).
  static Result<std::unique_ptr<RttLink>> Attach(std::unique_ptr<GdbRemoteClient> gdb, RttSearch where,
                                                 Deadline deadline);

  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override;
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

  uint32_t control_block() const { return block_; }

 private:
  struct Ring {
    uint32_t buffer = 0;
    uint32_t size = 0;
    uint32_t write_offset = 0;
    uint32_t read_offset = 0;
  };
  RttLink(std::unique_ptr<GdbRemoteClient> gdb, uint32_t block);
  Result<Ring> ReadRing(uint32_t ring_address, Deadline deadline);

  std::unique_ptr<GdbRemoteClient> gdb_;
  uint32_t block_;
  std::string description_;
  std::chrono::microseconds idle_wait_{200};
};

}  // namespace hil::link
