// A byte pipe to one agent; owned by one board session. Blocking, with deadlines.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "hil/core/deadline.h"
#include "hil/core/error.h"

namespace hil::link {

class Link {
 public:
  virtual ~Link() = default;
  // Waits until at least one byte is available or `deadline` passes, then reads what is there (up to
  // into.size()). Returns the count (>= 1). Errors: kTimeout (nothing arrived by the deadline),
  // kBadState (the peer closed or hung up: the agent is gone), kInternal (OS error). Each message
  // names the link.
  virtual std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) = 0;
  // Writes every byte or fails. Errors: kTimeout (not all written by the deadline), kBadState,
  // kInternal.
  virtual std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) = 0;
  // "serial:/dev/ttyACM0@921600", "unix:/tmp/agent.sock".
  virtual std::string_view Describe() const = 0;
};

}  // namespace hil::link
