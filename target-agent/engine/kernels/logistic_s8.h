#pragma once

#include "kernels/sigmoid_s8.h"

namespace hil::agent::engine {

// Output Q0.8 with zero point -128.
size_t LogisticS8ScratchBytes(const SigmoidParams& p);
Status LogisticS8(const SigmoidParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
