// AVERAGE_POOL_2D's rounded division by the window size without a divide instruction, for the
// Helium/MVE variant (average_pool2d_s8_mve.cc, which has no vector divide); portable so kernels_test
// compares it with the reference's division for every sum a window can hold.
//
// The reference computes (acc > 0 ? acc + count/2 : acc - count/2) / count (C division, toward
// zero): |acc| + count/2 divided by count, floored, with acc's sign (acc = 0 gives 0 either way). With
// R = ceil(2^31 / count) = (2^31 + r) / count, 0 <= r < count, and u = q * count + t (0 <= t < count):
// u * R / 2^31 = q + (t + u * r / 2^31) / count, whose floor is q whenever u * r < 2^31, which holds for
// u <= 128 * count + count / 2 (the largest a window of int8 values reaches) and count <= 4088. So
// floor(2u * R / 2^32), the high word of one unsigned 32 x 32 multiply, is the quotient.
#pragma once

#include <cstdint>

namespace hil::agent::engine::avgpool_fast {

inline constexpr int32_t kMaxCount = 4088;

// ceil(2^31 / count) for count in [1, kMaxCount], with one 32-bit division (no 64-bit library call):
// ceil(a / b) = floor((a - 1) / b) + 1 for a >= 1.
inline uint32_t Reciprocal(int32_t count) { return UINT32_C(0x7FFFFFFF) / static_cast<uint32_t>(count) + 1; }

// The reference's average of a window sum `acc` over `count` values (|acc| <= 128 * count), given
// half = count / 2 and reciprocal = Reciprocal(count): what the MVE variant computes per lane.
inline int32_t Average(int32_t acc, int32_t half, uint32_t reciprocal) {
  const uint32_t u = static_cast<uint32_t>(acc < 0 ? -acc : acc) + static_cast<uint32_t>(half);
  const int32_t q = static_cast<int32_t>((static_cast<uint64_t>(u * 2) * reciprocal) >> 32);
  return acc < 0 ? -q : q;
}

}  // namespace hil::agent::engine::avgpool_fast
