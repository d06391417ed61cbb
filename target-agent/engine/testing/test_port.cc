// PortCycles() for host test binaries: the monotonic clock in nanoseconds.
#include <time.h>

#include "hil/engine/interpreter.h"

namespace hil::agent::engine {

uint64_t PortCycles() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace hil::agent::engine
