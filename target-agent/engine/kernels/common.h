// Shared shapes of the int8 reference kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/common/status.h"

namespace hil::agent::engine {

// Per-channel (or per-tensor, count 1) requantisation: int32 multiplier and shift per output channel.
struct QuantParams {
  const int32_t* multiplier = nullptr;
  const int32_t* shift = nullptr;
};

inline int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// The filter taps [*first, *end) of one dimension that fall inside the input, for a window whose
// first tap is at input position `in0` (negative inside the padding) and whose taps are `dilation`
// apart: the fast kernels skip the padding instead of testing every tap.
inline void TapsInside(int32_t in0, int32_t dilation, int32_t filter, int32_t in_size, int32_t* first, int32_t* end) {
  int32_t f0 = 0, f1 = filter;
  while (f0 < f1 && in0 + dilation * f0 < 0) ++f0;
  while (f1 > f0 && in0 + dilation * (f1 - 1) >= in_size) --f1;
  *first = f0;
  *end = f1;
}

}  // namespace hil::agent::engine
