// int16 RELU and RELU6 as TFLite Micro runs them, with the parameters of the int8 kernels
// (kernels/relu_s8.h): RELU requantises (zero points 0, act_min 0, act_max 32767); RELU6 clamps the
// raw input to [act_min, act_max] = [zero point, quantized 6] of the input's quantisation.
#pragma once

#include "kernels/relu_s8.h"

namespace hil::agent::engine {

size_t ReluS16ScratchBytes(const ReluParams& p);
Status ReluS16(const ReluParams& p, const int16_t* input, void* scratch, int16_t* output);

size_t Relu6S16ScratchBytes(const ReluParams& p);
Status Relu6S16(const ReluParams& p, const int16_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
