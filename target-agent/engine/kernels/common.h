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

}  // namespace hil::agent::engine
