// A small seeded generator whose output is the same on every platform and standard library
// (std::uniform_int_distribution's is implementation-defined, so it is not used for weights).
#pragma once

#include <cstdint>

namespace hil::model {

// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, each step adds a constant and mixes.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform integer in [lo, hi] (inclusive), by the multiply-high method (bias below 2^-32 here).
  int64_t Uniform(int64_t lo, int64_t hi) {
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    const unsigned __int128 wide = static_cast<unsigned __int128>(Next()) * range;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(wide >> 64));
  }
  // Uniform double in [0, 1) with 53 random bits; exact, so identical everywhere.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }

 private:
  uint64_t state_;
};

}  // namespace hil::model
