// RESHAPE, SQUEEZE and EXPAND_DIMS: the bytes unchanged, in a tensor of another shape. Any element
// type (the count of bytes is all that matters).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct CopyParams {
  uint32_t bytes;
};

// Copies p.bytes from input to output (overlap allowed; nothing to do when they are the same
// memory). Returns kOk.
Status CopyBytes(const CopyParams& p, const void* input, void* scratch, void* output);

}  // namespace hil::agent::engine
