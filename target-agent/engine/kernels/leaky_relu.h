// LEAKY_RELU for int8 and int16 (TFLite's reference_ops::QuantizeLeakyRelu): a = q - zp_in, then
//   a >= 0: zp_out + MultiplyByQuantizedMultiplier(a, identity multiplier),
//   a < 0:  zp_out +/- MultiplyByQuantizedMultiplier(a, |alpha multiplier|) (minus for alpha < 0),
// clamped to the type. The multipliers are input_scale / output_scale and
// (float)(input_scale * alpha / output_scale) (the product and quotient in float, as TFLite).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct LeakyReluParams {
  int32_t count;
  int32_t input_offset;   // input zero point
  int32_t output_offset;  // output zero point
  int32_t identity_multiplier, identity_shift;
  int32_t alpha_multiplier, alpha_shift;  // of |alpha multiplier|
  int32_t alpha_negative;                 // 1 when alpha < 0: the alpha branch's product is negated
};

// Instantiated for int8_t and int16_t.
template <typename T>
Status LeakyRelu(const LeakyReluParams& p, const T* input, void* scratch, T* output);

}  // namespace hil::agent::engine
