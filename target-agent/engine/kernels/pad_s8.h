#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// PAD of up to 5 dims (right-aligned); the padding value is the output zero point.
struct PadParams {
  int32_t in_dims[5];
  int32_t before[5];
  int32_t after[5];
  int32_t pad_value;
};

size_t PadS8ScratchBytes(const PadParams& p);
Status PadS8(const PadParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
