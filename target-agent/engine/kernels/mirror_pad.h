// MIRROR_PAD for any element size: up to 5 dims (right-aligned), the border a mirror image of the
// input. REFLECT (offset 1) leaves the edge element out of the image, SYMMETRIC (offset 0) repeats
// it: padding [1, 2] of {a, b, c} is {b, a, b, c, b, a} reflected and {a, a, b, c, c, b} symmetric.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct MirrorPadParams {
  int32_t in_dims[5];
  int32_t before[5];  // 0 <= before, after <= in_dims - offset
  int32_t after[5];
  int32_t offset;     // 1 REFLECT, 0 SYMMETRIC
  uint32_t elem_bytes;
};

// Returns kOk.
Status MirrorPad(const MirrorPadParams& p, const void* input, void* scratch, void* output);

}  // namespace hil::agent::engine
