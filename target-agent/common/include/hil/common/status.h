// Status codes shared by the target agent and the host. They are also the wire codes of the
// protocol's ERROR message (docs/protocol.md): append only, never renumber.
#pragma once

#include <cstdint>

namespace hil {

enum class Status : uint16_t {
  kOk = 0,
  kBadFrame = 1,
  kUnknownMessage = 2,
  kBadLength = 3,
  kBadArgument = 4,
  kBadState = 5,
  kOutOfRange = 6,
  kCrcMismatch = 7,
  kModelInvalid = 8,
  kUnsupportedOperator = 9,
  kArenaTooSmall = 10,
  kTooLarge = 11,
  kInternal = 12,
  kTimeout = 13,
  kBusy = 14,
  kNotFound = 15,
  kKernelFailed = 16,
};

// A short lowercase name ("crc mismatch"); never null.
const char* StatusName(Status status);

}  // namespace hil
