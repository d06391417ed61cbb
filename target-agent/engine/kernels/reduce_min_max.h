// REDUCE_MAX and REDUCE_MIN over a set of axes (TFLite's ReduceGeneric): every output element starts at
// the type's lowest (MAX) or highest (MIN) value and takes each input value that compares strictly greater
// (less), in row-major input order. No requantisation: int8 input and output share their quantization
// (the prepare function checks it, as TFLite Micro does). For float32 the start value is -FLT_MAX / FLT_MAX,
// and NaN inputs never replace it.
#pragma once

#include "kernels/common.h"
#include "kernels/reduce_shape.h"

namespace hil::agent::engine {

struct ReduceMinMaxParams {
  ReduceShape shape;
};

Status ReduceMaxS8(const ReduceMinMaxParams& p, const int8_t* input, void* scratch, int8_t* output);
Status ReduceMinS8(const ReduceMinMaxParams& p, const int8_t* input, void* scratch, int8_t* output);
Status ReduceMaxF32(const ReduceMinMaxParams& p, const float* input, void* scratch, float* output);
Status ReduceMinF32(const ReduceMinMaxParams& p, const float* input, void* scratch, float* output);

}  // namespace hil::agent::engine
