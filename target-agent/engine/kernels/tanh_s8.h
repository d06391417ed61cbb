#pragma once

#include "kernels/sigmoid_s8.h"

namespace hil::agent::engine {

// Output Q0.7 with zero point 0.
size_t TanhS8ScratchBytes(const SigmoidParams& p);
Status TanhS8(const SigmoidParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
