#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// float32 ADD, SUB, MUL, DIV (each clamped as TFLite's ActivationFunctionWithMinMax does: min(max(x,
// act_min), act_max), so without a fused activation +-inf become +-FLT_MAX and NaN passes) and
// SQUARED_DIFFERENCE ((a - b) * (a - b), never clamped), with broadcasting.
struct FloatBinaryParams {
  Broadcast5 shape;
  float act_min, act_max;
};

Status AddF32(const FloatBinaryParams& p, const float* input1, const float* input2, void* scratch, float* output);
Status SubF32(const FloatBinaryParams& p, const float* input1, const float* input2, void* scratch, float* output);
Status MulF32(const FloatBinaryParams& p, const float* input1, const float* input2, void* scratch, float* output);
Status DivF32(const FloatBinaryParams& p, const float* input1, const float* input2, void* scratch, float* output);
Status SquaredDifferenceF32(const FloatBinaryParams& p, const float* input1, const float* input2, void* scratch,
                            float* output);

}  // namespace hil::agent::engine
