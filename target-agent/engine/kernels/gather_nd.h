// GATHER_ND: copies slices of the params tensor addressed by index tuples (int32), for any element
// size. Indices are read at run time and checked here.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

constexpr int kGatherNdMaxDepth = 5;

// indices viewed as [slices, depth]; slice i of the output (slice_size elements) is params from
// element sum_j indices[i, j] * dim_step[j] on.
struct GatherNdParams {
  uint32_t elem_bytes = 1;
  int32_t slices = 1;
  int32_t depth = 0;       // 0..kGatherNdMaxDepth
  int32_t slice_size = 1;  // elements
  int32_t params_count = 1;
  int32_t dim_step[kGatherNdMaxDepth] = {};
};

// Returns kOk, or kKernelFailed when a slice would start before params or end after it. As in
// TFLite Micro only the flat position is checked: an index past its own dimension that still
// addresses a slice inside params is accepted.
Status GatherNd(const GatherNdParams& p, const void* params, const int32_t* indices, void* output);

}  // namespace hil::agent::engine
