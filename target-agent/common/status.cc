#include "hil/common/status.h"

namespace hil {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kBadFrame: return "bad frame";
    case Status::kUnknownMessage: return "unknown message";
    case Status::kBadLength: return "bad length";
    case Status::kBadArgument: return "bad argument";
    case Status::kBadState: return "bad state";
    case Status::kOutOfRange: return "out of range";
    case Status::kCrcMismatch: return "crc mismatch";
    case Status::kModelInvalid: return "model invalid";
    case Status::kUnsupportedOperator: return "unsupported operator";
    case Status::kArenaTooSmall: return "arena too small";
    case Status::kTooLarge: return "too large";
    case Status::kInternal: return "internal error";
    case Status::kTimeout: return "timeout";
    case Status::kBusy: return "busy";
    case Status::kNotFound: return "not found";
    case Status::kKernelFailed: return "kernel failed";
  }
  return "unknown status";
}

}  // namespace hil
