#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// QUANTIZE int8 -> int8 (requantise) and float -> int8.
struct QuantizeParams {
  int32_t count, input_zero_point, output_zero_point, multiplier, shift;
  float output_scale;
};
size_t QuantizeS8ScratchBytes(const QuantizeParams& p);
Status RequantizeS8(const QuantizeParams& p, const int8_t* input, void* scratch, int8_t* output);
Status QuantizeF32ToS8(const QuantizeParams& p, const float* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
