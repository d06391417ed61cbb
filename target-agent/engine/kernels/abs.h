// ABS for int8 and int16 (TFLite Micro's AbsEvalQuantized / AbsHelper): a = |q - zp_in|, then
// clamp(a + zp_out) when the scales are equal, else clamp(MultiplyByQuantizedMultiplier(a, M) + zp_out)
// with M = s_in / s_out (quotient in float). An unquantized int16 tensor takes the plain C++ abs
// narrowed back to int16 (so -32768 stays -32768).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct AbsParams {
  int32_t count;
  int32_t input_zero_point, output_zero_point;
  int32_t rescale;  // 0: equal scales, no multiplier
  int32_t multiplier, shift;
  int32_t plain;    // 1: unquantized int16, out = (int16_t)abs(q)
};

// Instantiated for int8_t and int16_t.
template <typename T>
Status Abs(const AbsParams& p, const T* input, void* scratch, T* output);

}  // namespace hil::agent::engine
