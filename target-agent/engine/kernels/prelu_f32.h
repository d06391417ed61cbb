// float32 PRELU with a float32 alpha broadcast against the input: x >= 0 ? x : x * alpha.
#pragma once

#include "kernels/prelu.h"

namespace hil::agent::engine {

size_t PreluF32ScratchBytes(const PreluParams& p);
Status PreluF32(const PreluParams& p, const float* input, const float* alpha, void* scratch, float* output);

}  // namespace hil::agent::engine
