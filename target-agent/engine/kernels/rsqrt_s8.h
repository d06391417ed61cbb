// int8 RSQRT (TFLite Micro's RsqrtEvalQuantized): a = q - zp_in must be >= 0 (else the kernel fails,
// as TFLite's Eval does); a == 0 gives 127; otherwise t = MultiplyByQuantizedMultiplier(1, 1/sqrt(a)
// multiplier, its shift + 20) ~ 2^20 / sqrt(a), and out = clamp(MultiplyByQuantizedMultiplier(t, M,
// shift - 20) + zp_out) with M = 1 / (sqrt(s_in) * s_out).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct RsqrtParams {
  int32_t count;
  int32_t input_zero_point, output_zero_point;
  int32_t multiplier, shift;  // -11 <= shift <= 30 (shift - 20 stays a valid right shift)
};

size_t RsqrtS8ScratchBytes(const RsqrtParams& p);
// kKernelFailed when an input is below the input zero point (a negative real value).
Status RsqrtS8(const RsqrtParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
