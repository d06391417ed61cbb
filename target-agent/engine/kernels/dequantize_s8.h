#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// DEQUANTIZE int8 -> float.
struct DequantizeParams {
  int32_t count, zero_point;
  float scale;
};
size_t DequantizeS8ScratchBytes(const DequantizeParams& p);
Status DequantizeS8(const DequantizeParams& p, const int8_t* input, void* scratch, float* output);

}  // namespace hil::agent::engine
