// One element of SQUARED_DIFFERENCE (kernels/squared_difference_s8.h), shared by the int8 and int16
// kernels. With |input + offset| <= 255 shifted by 7, or |input| <= 32768 unshifted, each rescaled input
// is at most 2^14 (multipliers <= 1/2), so the difference squared stays below 2^31; the output
// multiplier may shift left, which wraps as TFLite's x * (1 << shift) does on every target.
#pragma once

#include "kernels/quant.h"
#include "kernels/squared_difference_s8.h"

namespace hil::agent::engine {

inline int32_t SquaredDifferenceElement(const SquaredDifferenceParams& p, int32_t input1, int32_t input2) {
  const int32_t shifted1 = WrapShl(p.input1_offset + input1, p.left_shift);
  const int32_t shifted2 = WrapShl(p.input2_offset + input2, p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.input1_shift);
  const int32_t scaled2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.input2_shift);
  const int32_t diff = WrapSub(scaled1, scaled2);
  const int32_t squared = static_cast<int32_t>(static_cast<uint32_t>(diff) * static_cast<uint32_t>(diff));
  const int32_t out = WrapAdd(MultiplyByQuantizedMultiplier(squared, p.output_multiplier, p.output_shift), p.output_offset);
  return Clamp(out, p.act_min, p.act_max);
}

}  // namespace hil::agent::engine
