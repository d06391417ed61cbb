// TFLite's int8 LOG_SOFTMAX (reference_ops::LogSoftmaxQuantized; beta 1): output scale 16/256, zero
// point 127. Per row: the sum of exp(d) over d = q - max (as SOFTMAX, Q12), its log in Q5.26, and
// out = RoundingDivideByPOT(d_Q5.26 - log_sum, 22) + 127 for d above adjusted_diff_min, else -128.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct LogSoftmaxParams {
  int32_t outer, depth;
  int32_t input_multiplier, input_left_shift;      // beta * s_in * 2^26 (> 1)
  int32_t reverse_scaling_divisor, reverse_scaling_left_shift;  // 2^(31 - shift) / M, shift <= 0
  int32_t diff_min;
};

size_t LogSoftmaxS8ScratchBytes(const LogSoftmaxParams& p);
Status LogSoftmaxS8(const LogSoftmaxParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
