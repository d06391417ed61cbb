// A small seeded PRNG (SplitMix64): the same seed gives the same bytes on every host, so random model
// inputs and fault injection are reproducible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hil {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double NextUnit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

// `bytes` pseudo-random bytes for input `index` of a suite whose inputs have `seed`.
std::vector<uint8_t> RandomInputBytes(uint64_t seed, uint64_t index, size_t bytes);

}  // namespace hil
