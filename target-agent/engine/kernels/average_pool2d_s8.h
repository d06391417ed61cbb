#pragma once

#include "kernels/pool_s8.h"

namespace hil::agent::engine {

size_t AveragePool2dS8ScratchBytes(const PoolParams& p);
// Returns kKernelFailed when a window holds no input element (as TFLite's reference does).
Status AveragePool2dS8(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
