// DEQUANTIZE int8 / int16 / uint8 -> float32 (TFLite's reference_ops::Dequantize):
//   out = (float)((double)scale * (q - zero_point)),
// multiplied in double and rounded once to float, as the reference does.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct AffineDequantizeParams {
  int32_t count;
  int32_t zero_point;
  float scale;
};

Status AffineDequantizeS8(const AffineDequantizeParams& p, const int8_t* input, void* scratch, float* output);
Status AffineDequantizeS16(const AffineDequantizeParams& p, const int16_t* input, void* scratch, float* output);
Status AffineDequantizeU8(const AffineDequantizeParams& p, const uint8_t* input, void* scratch, float* output);

}  // namespace hil::agent::engine
