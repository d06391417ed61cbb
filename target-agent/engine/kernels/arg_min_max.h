// ARG_MAX and ARG_MIN along one axis (TFLite's reference_ops::ArgMinMax), int32 indices out. The input is
// viewed as [outer, axis_size, inner]; each output element is the index of the first value that no later
// value beats with a strict comparison, so ties go to the lowest index. Raw int8 values are compared (the
// quantization is monotonic). float32 uses the same plain comparison, as TFLite Micro does (its GreaterFn /
// LessFn, not the NaN-aware comparator of TensorFlow): a NaN later in a line never wins, and a NaN at index
// 0 is never replaced, so that line gives 0.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct ArgMinMaxParams {
  int32_t outer;
  int32_t axis_size;
  int32_t inner;
};

Status ArgMaxS8(const ArgMinMaxParams& p, const int8_t* input, void* scratch, int32_t* output);
Status ArgMinS8(const ArgMinMaxParams& p, const int8_t* input, void* scratch, int32_t* output);
Status ArgMaxF32(const ArgMinMaxParams& p, const float* input, void* scratch, int32_t* output);
Status ArgMinF32(const ArgMinMaxParams& p, const float* input, void* scratch, int32_t* output);

}  // namespace hil::agent::engine
