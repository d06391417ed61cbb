// CUMSUM of an int8 tensor along one axis with TFLite Micro's arithmetic (reference_ops::CumSum for int8,
// ADD_N-style scaling): each value becomes y = MBQM_smaller((q - zp_in) * 2^20, input multiplier) (the
// multiplier is 0.5, so y = (q - zp_in) * 2^19); a running int32 sum of the y along the axis (forward, or
// backward with `reverse`; with `exclusive` each output takes the sum before its own value is added) is
// requantised as MBQM_smaller(sum, output multiplier) + zp_out and clamped to int8.
//
// As in TFLite Micro the running sum does not start at 0 but at MBQM_smaller(-zp_in * 2^20, input
// multiplier), i.e. the scaled value of a raw 0: outputs carry an offset of -zp_in * s_in in real terms
// when zp_in != 0. Reproduced for byte-exactness. The sums wrap where the reference's int32 additions
// would overflow (more than about 16 values of 255 along the axis).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct CumsumS8Params {
  int32_t outer;      // product of the dimensions before the axis
  int32_t axis_size;
  int32_t inner;      // product of the dimensions after the axis
  uint8_t exclusive;
  uint8_t reverse;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t left_shift;         // 20
  int32_t input_multiplier;   // MultiplyByQuantizedMultiplierSmallerThanOneExp form (shift <= 0)
  int32_t input_shift;
  int32_t output_multiplier;
  int32_t output_shift;
};

Status CumsumS8(const CumsumS8Params& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
