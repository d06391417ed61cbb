#pragma once

#include "kernels/pool_s8.h"

namespace hil::agent::engine {

// MAX_POOL_2D on int16 (PoolParams): the maximum of the valid window (-32768 for an empty one),
// clamped to [act_min, act_max]. No scratch. Returns kOk.
size_t MaxPool2dS16ScratchBytes(const PoolParams& p);
Status MaxPool2dS16(const PoolParams& p, const int16_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
