// RESIZE_BILINEAR on int8 NHWC tensors with TFLite's integer arithmetic: source coordinates in Q10,
// the four corner weights multiplied into a Q20 int64 sum, rounded half away from zero. No
// requantization: the output has the input's quantization.
#pragma once

#include "kernels/common.h"
#include "kernels/resize_nearest_neighbor.h"  // ResizeParams

namespace hil::agent::engine {

// The Q10 scale of one axis: round(1024 * in / out) with integer division (with align_corners and
// out > 1: (in - 1) / (out - 1)).
int32_t BilinearScaleQ10(int32_t in_size, int32_t out_size, bool align_corners);

// Source position (Q10) of output index `out` and the two input indices it lies between. lo may
// exceed hi (never below 0, hi never above in_size - 1): callers check lo < in_size.
void BilinearSourceQ10(int32_t out, int32_t scale_q10, bool half_pixel_centers, int32_t in_size, int32_t* pos,
                       int32_t* lo, int32_t* hi);

// Returns kOk. Prepare guarantees every lo of both axes is below the input size.
Status ResizeBilinearS8(const ResizeParams& p, const int8_t* input, int8_t* output);

}  // namespace hil::agent::engine
