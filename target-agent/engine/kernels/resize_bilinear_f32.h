// RESIZE_BILINEAR on float32 NHWC tensors with TFLite's reference float arithmetic.
#pragma once

#include "kernels/common.h"
#include "kernels/resize_nearest_neighbor.h"  // ResizeParams

namespace hil::agent::engine {

// The float scale of one axis: in / out (with align_corners and out > 1: (in - 1) / (out - 1)).
float BilinearScaleF32(int32_t in_size, int32_t out_size, bool align_corners);

// Source position of output index `out` and the input indices around it (lo = max(floor, 0),
// hi = min(ceil, in_size - 1)); callers check lo < in_size.
void BilinearSourceF32(int32_t out, float scale, bool half_pixel_centers, int32_t in_size, float* pos, int32_t* lo,
                       int32_t* hi);

// Returns kOk. Prepare guarantees every lo of both axes is below the input size.
Status ResizeBilinearF32(const ResizeParams& p, const float* input, float* output);

}  // namespace hil::agent::engine
