#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// TFLite's int8 softmax (gemmlowp fixed-point exp and reciprocal); output scale 1/256, zero point -128.
struct SoftmaxParams {
  int32_t outer, depth;
  int32_t input_multiplier, input_left_shift, diff_min;
};

size_t SoftmaxS8ScratchBytes(const SoftmaxParams& p);
Status SoftmaxS8(const SoftmaxParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
