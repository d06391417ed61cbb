#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// TFLite's int8 ADD: inputs rescaled to a common scale with 20 bits of headroom, summed, rescaled.
struct AddParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, output_offset, left_shift;
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift, act_min, act_max;
};

size_t AddS8ScratchBytes(const AddParams& p);
Status AddS8(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
