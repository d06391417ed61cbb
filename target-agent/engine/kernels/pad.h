// PAD and PADV2 for any element size: up to 5 dims (right-aligned; leading dims of size 1 and no
// padding), the border filled with one value.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct ConstantPadParams {
  int32_t in_dims[5];
  int32_t before[5];  // >= 0
  int32_t after[5];   // >= 0
  uint32_t elem_bytes;
};

// Writes the padded tensor; the border elements are copies of the element at pad_value (may be
// unaligned, as may the input). Returns kOk.
Status ConstantPad(const ConstantPadParams& p, const void* input, const void* pad_value, void* output);

}  // namespace hil::agent::engine
