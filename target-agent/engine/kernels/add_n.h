#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// ADD_N: the sum of n_inputs same-shaped tensors of `count` elements.
// int8 (every input shares one quantization): each input rescaled as in ADD (left_shift 20, input
// multiplier 1/2), summed in int32 (wrapping), rescaled to the output (no fused activation). As TFLite
// Micro's reference does, the sum starts from the rescaled input offset (-zp), not from 0, so a non-zero
// input zero point adds one extra -zp term.
// float32: a running float sum from 0.0f in input order.
struct AddNParams {
  int32_t count, n_inputs;
  int32_t input_offset, input_multiplier, input_shift, left_shift;
  int32_t output_offset, output_multiplier, output_shift, act_min, act_max;
};

Status AddNS8(const AddNParams& p, const int8_t* const* inputs, int8_t* output);
Status AddNF32(const AddNParams& p, const float* const* inputs, float* output);

}  // namespace hil::agent::engine
