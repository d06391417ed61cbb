#include "kernels/binary_f32.h"

namespace hil::agent::engine {

namespace {

// std::min(std::max(x, lo), hi) with std::max(a, b) = a < b ? b : a and std::min(a, b) = b < a ? b : a.
inline float ClampF(float x, float lo, float hi) {
  x = x < lo ? lo : x;
  return hi < x ? hi : x;
}

template <typename Op>
Status Run(const FloatBinaryParams& p, const float* input1, const float* input2, float* output, Op op) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = ClampF(op(input1[i1], input2[i2]), p.act_min, p.act_max);
  });
  return Status::kOk;
}

}  // namespace

Status AddF32(const FloatBinaryParams& p, const float* input1, const float* input2, void*, float* output) {
  return Run(p, input1, input2, output, [](float a, float b) { return a + b; });
}

Status SubF32(const FloatBinaryParams& p, const float* input1, const float* input2, void*, float* output) {
  return Run(p, input1, input2, output, [](float a, float b) { return a - b; });
}

Status MulF32(const FloatBinaryParams& p, const float* input1, const float* input2, void*, float* output) {
  return Run(p, input1, input2, output, [](float a, float b) { return a * b; });
}

Status DivF32(const FloatBinaryParams& p, const float* input1, const float* input2, void*, float* output) {
  return Run(p, input1, input2, output, [](float a, float b) { return a / b; });
}

Status SquaredDifferenceF32(const FloatBinaryParams& p, const float* input1, const float* input2, void*,
                            float* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const float d = input1[i1] - input2[i2];
    output[o] = d * d;
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
