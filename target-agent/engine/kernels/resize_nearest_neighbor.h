// RESIZE_NEAREST_NEIGHBOR on NHWC tensors for any element size, with TFLite's float index
// arithmetic (align_corners, half_pixel_centers).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct ResizeParams {
  uint32_t elem_bytes = 1;
  int32_t batches = 1, depth = 1;
  int32_t in_h = 1, in_w = 1;
  int32_t out_h = 1, out_w = 1;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// The input row (or column) output position `out` of `out_size` reads: scale = in/out (or
// (in-1)/(out-1) with align_corners and out > 1) in float; floor((out + offset) * scale), or
// round-half-away with align_corners; at most in-1, and at least 0 with half_pixel_centers
// (offset 0.5). Always inside [0, in_size) for 0 <= out < out_size.
int32_t NearestNeighborIndex(int32_t out, int32_t in_size, int32_t out_size, bool align_corners,
                             bool half_pixel_centers);

// Returns kOk.
Status ResizeNearestNeighbor(const ResizeParams& p, const void* input, void* output);

}  // namespace hil::agent::engine
