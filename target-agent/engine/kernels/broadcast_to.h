// BROADCAST_TO for any element size: up to 5 dims (right-aligned); an input dim of size 1 is
// repeated along the output's.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct BroadcastToParams {
  int32_t out_dims[5];
  int32_t in_step[5];  // input elements per index of each output dim; 0 where the input dim is 1
  uint32_t elem_bytes;
};

// Returns kOk. The input may be unaligned.
Status BroadcastTo(const BroadcastToParams& p, const void* input, void* scratch, void* output);

}  // namespace hil::agent::engine
