#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// TFLite's quantized SQUARED_DIFFERENCE: both inputs rescaled to twice the larger input scale as in
// ADD (left_shift 7 for int8, 0 for int16), subtracted, squared in int32 and rescaled to the output
// with a general multiplier ((2 max scale)^2 / (2^(2 left_shift) output scale)), clamped to the type.
struct SquaredDifferenceParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, output_offset, left_shift;
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift, act_min, act_max;
};

size_t SquaredDifferenceS8ScratchBytes(const SquaredDifferenceParams& p);
Status SquaredDifferenceS8(const SquaredDifferenceParams& p, const int8_t* input1, const int8_t* input2, void* scratch,
                           int8_t* output);

}  // namespace hil::agent::engine
