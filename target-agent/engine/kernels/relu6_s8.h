#pragma once

#include "kernels/relu_s8.h"

namespace hil::agent::engine {

// RELU6 as TFLite Micro: a clamp to [act_min, act_max] = [zero point, quantized 6] of the input's
// quantisation, without rescaling (input_offset, output_offset, multiplier, shift unused).
size_t Relu6S8ScratchBytes(const ReluParams& p);
Status Relu6S8(const ReluParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
