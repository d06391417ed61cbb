#include "kernels/affine_quantize.h"

#include <cmath>

namespace hil::agent::engine {

namespace {

template <typename T>
Status AffineQuantize(const AffineQuantizeParams& p, const float* input, T* output, int32_t qmin, int32_t qmax) {
  for (int32_t i = 0; i < p.count; ++i) {
    const float r = std::round(input[i] / p.scale);
    int64_t v;
    if (r != r) v = p.zero_point;  // NaN: as 0 (Arm's conversion)
    else if (r >= 2147483648.0f) v = qmax;
    else if (r < -2147483648.0f) v = qmin;
    else v = static_cast<int64_t>(r) + p.zero_point;
    v = v < qmin ? qmin : (v > qmax ? qmax : v);
    output[i] = static_cast<T>(v);
  }
  return Status::kOk;
}

}  // namespace

Status AffineQuantizeF32ToS8(const AffineQuantizeParams& p, const float* input, void*, int8_t* output) {
  return AffineQuantize<int8_t>(p, input, output, -128, 127);
}

Status AffineQuantizeF32ToS16(const AffineQuantizeParams& p, const float* input, void*, int16_t* output) {
  return AffineQuantize<int16_t>(p, input, output, -32768, 32767);
}

}  // namespace hil::agent::engine
