#pragma once

#include "kernels/pool_s8.h"

namespace hil::agent::engine {

// AVERAGE_POOL_2D on int16 (PoolParams; input and output share scale and zero point): the sum of the
// valid (unpadded) window in int32 (wrapping), divided by the valid count rounding half away from
// zero, clamped to [act_min, act_max]. No scratch. Returns kKernelFailed when a window holds no input
// element (as TFLite's reference does), else kOk.
size_t AveragePool2dS16ScratchBytes(const PoolParams& p);
Status AveragePool2dS16(const PoolParams& p, const int16_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
