#pragma once

#include "kernels/softmax_s8.h"

namespace hil::agent::engine {

// TFLite's int8 softmax with an int16 output (scale 1/65536, zero point -32768): the int8 kernel's
// arithmetic (kernels/softmax_s8.h, same parameters) with the final shift taken for 16 output bits.
size_t SoftmaxS8S16ScratchBytes(const SoftmaxParams& p);
Status SoftmaxS8S16(const SoftmaxParams& p, const int8_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
