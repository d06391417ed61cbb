#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// MEAN over a set of axes of an int8 tensor of up to 5 dims (right-aligned): TFLite's integer mean
// (sum of input - zero point, requantise by input/output scale, rounded divide by the count).
struct MeanParams {
  int32_t in_dims[5];
  uint8_t reduce[5];  // 1 where the axis is reduced
  int32_t input_zero_point, output_zero_point, multiplier, shift;
};

// Scratch: one int32 accumulator per output element.
size_t MeanS8ScratchBytes(const MeanParams& p);
Status MeanS8(const MeanParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
