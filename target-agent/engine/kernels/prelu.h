// PRELU for int8 and int16 inputs with an int8 alpha (TFLite's reference_ops::BroadcastPrelu4DSlow),
// alpha broadcast against the input (shapes right-aligned, up to 5-D here): a = q - zp_in,
//   a >= 0: MultiplyByQuantizedMultiplier(a, M1),  M1 = s_in / s_out,
//   a < 0:  MultiplyByQuantizedMultiplier(a * (alpha - zp_alpha), M2),  M2 = s_in * s_alpha / s_out,
// plus zp_out, clamped to the type.
#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

struct PreluParams {
  Broadcast5 bc;  // input 1: the input, input 2: alpha
  int32_t input_zero_point, alpha_zero_point, output_zero_point;
  int32_t multiplier1, shift1;
  int32_t multiplier2, shift2;
};

// Instantiated for int8_t and int16_t inputs (alpha is int8 for both).
template <typename T>
Status Prelu(const PreluParams& p, const T* input, const int8_t* alpha, void* scratch, T* output);

}  // namespace hil::agent::engine
