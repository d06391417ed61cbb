#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// RELU, requantising as TFLite Micro does (act_min is the output zero point, act_max 127).
// RELU6 uses the same parameters (kernels/relu6_s8.h).
struct ReluParams {
  int32_t count, input_offset, output_offset, multiplier, shift, act_min, act_max;
};
size_t ReluS8ScratchBytes(const ReluParams& p);
Status ReluS8(const ReluParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
