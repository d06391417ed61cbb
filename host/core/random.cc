#include "hil/core/random.h"

namespace hil {

std::vector<uint8_t> RandomInputBytes(uint64_t seed, uint64_t index, size_t bytes) {
  SplitMix64 rng(seed * 0x100000001B3ull ^ (index + 1) * 0x9E3779B97F4A7C15ull);
  std::vector<uint8_t> out(bytes);
  for (size_t i = 0; i < bytes; i += 8) {
    const uint64_t v = rng.Next();
    for (size_t k = 0; k < 8 && i + k < bytes; ++k) out[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  return out;
}

}  // namespace hil
