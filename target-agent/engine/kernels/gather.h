// GATHER: copies slices of the params tensor picked by an index tensor along one axis, for any
// element size, with int32 or int64 indices (read at run time, so they are checked here).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// params viewed as [batch, outer, axis_size, inner] and indices as [batch, coords]; output
// [batch, outer, coords, inner] with output[b, o, k, :] = params[b, o, indices[b, k], :].
struct GatherParams {
  uint32_t elem_bytes = 1;   // of params and output
  uint32_t index_bytes = 4;  // 4 (int32) or 8 (int64)
  int32_t batch = 1;
  int32_t outer = 1;
  int32_t axis_size = 1;
  int32_t inner = 1;
  int32_t coords = 1;
};

// The index element i of an int32 (index_bytes 4) or int64 (8) index tensor at `indices`.
int64_t LoadIndex(const void* indices, uint32_t index_bytes, int32_t i);

// Returns kOk, or kKernelFailed when an index lies outside [0, axis_size) (nothing is read outside
// params; the output is then incomplete).
Status Gather(const GatherParams& p, const void* params, const void* indices, void* output);

}  // namespace hil::agent::engine
