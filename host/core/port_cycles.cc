// The host's cycle counter for the engine compiled as the host reference: CLOCK_MONOTONIC in ns,
// the same source the POSIX agent uses. Linked as an object into every host binary that links
// hil_engine (exactly one definition per program).
#include <time.h>

#include <cstdint>

namespace hil::agent::engine {

uint64_t PortCycles() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace hil::agent::engine
