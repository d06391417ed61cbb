#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// MEAN over a set of axes of an int8 tensor of up to 5 dims (right-aligned), as TFLite Micro's
// reference does it: the int32 sum of the raw values, then
// - same input and output quantisation: sum / count (C++ division, truncating);
// - otherwise TFLite's float step: round(float(sum) / float(count) * scale + bias) + output zero point,
//   clamped, with scale = input_scale / output_scale and bias = -input_zero_point * scale (float).
//   This float arithmetic is the reference's own; it needs IEEE single precision without contraction
//   into fused multiply-add (the build uses -std=c++17, where GCC does not contract).
struct MeanParams {
  int32_t in_dims[5];
  uint8_t reduce[5];  // 1 where the axis is reduced
  uint8_t same_quantization;
  int32_t output_zero_point;
  float scale;
  float bias;
};

// Scratch: one int32 accumulator per output element.
size_t MeanS8ScratchBytes(const MeanParams& p);
Status MeanS8(const MeanParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
