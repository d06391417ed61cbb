#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

struct MulParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, output_offset;
  int32_t output_multiplier, output_shift, act_min, act_max;
};

size_t MulS8ScratchBytes(const MulParams& p);
Status MulS8(const MulParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
