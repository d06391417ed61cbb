// QUANTIZE between integer types (TFLite's reference_ops::Requantize):
//   out = clamp(MultiplyByQuantizedMultiplier(q - zp_in, M, shift) + zp_out) to the output type,
// with (M, shift) = QuantizeMultiplier(input_scale / output_scale). TFLite's shortcut for int8 <-> uint8
// with equal scales and zero points 128 apart (q XOR 0x80) gives the same bytes, so it is not separate here.
// The subtraction, the left shift and the final addition wrap where the reference's int32 arithmetic
// would overflow (int32 inputs, int32 outputs).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct RequantizeParams {
  int32_t count;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;  // -31 <= shift <= 30
  int32_t shift;
};

// Instantiated for the pairs TFLite Micro runs: int8 -> int8/uint8/int16/int32, int16 -> int8/int16/int32,
// int32 -> int8/int16, uint8 -> int8.
template <typename In, typename Out>
Status Requantize(const RequantizeParams& p, const In* input, void* scratch, Out* output);

}  // namespace hil::agent::engine
