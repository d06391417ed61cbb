// The per-element arithmetic TFLite's quantized ADD and SUB share for int8 and int16 (reference
// AddElementwise, SubElementwise and their broadcast twins; TFLite Micro always takes this general
// path, never the int16 power-of-two one): both inputs offset, shifted left by left_shift (20 for int8,
// 15 for int16), rescaled to twice the larger input scale, added or subtracted, then rescaled to the
// output and clamped to the activation range.
#pragma once

#include "kernels/add_s8.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

// Valid for the parameters PrepareAdd and PrepareSub store: |input + offset| <= 65535, left_shift <= 15
// for int16 (<= 20 for |input + offset| <= 255), shifts in [-31, 0]; nothing overflows (each rescaled
// input is at most half the shifted one), the wrapping helpers only make that explicit.
template <bool kSubtract>
inline int32_t AddSubElement(const AddParams& p, int32_t input1, int32_t input2) {
  const int32_t shifted1 = WrapShl(p.input1_offset + input1, p.left_shift);
  const int32_t shifted2 = WrapShl(p.input2_offset + input2, p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.input1_shift);
  const int32_t scaled2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.input2_shift);
  const int32_t raw = kSubtract ? WrapSub(scaled1, scaled2) : WrapAdd(scaled1, scaled2);
  const int32_t out =
      WrapAdd(MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output_multiplier, p.output_shift), p.output_offset);
  return Clamp(out, p.act_min, p.act_max);
}

}  // namespace hil::agent::engine
