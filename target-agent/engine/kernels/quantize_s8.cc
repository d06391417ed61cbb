#include "kernels/quantize_s8.h"

#include <cmath>

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t QuantizeS8ScratchBytes(const QuantizeParams&) { return 0; }

Status RequantizeS8(const QuantizeParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(input[i] - p.input_zero_point, p.multiplier, p.shift),
                              p.output_zero_point);
    output[i] = static_cast<int8_t>(Clamp(v, -128, 127));
  }
  return Status::kOk;
}

Status QuantizeF32ToS8(const QuantizeParams& p, const float* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    // The reference: round(x / scale) + zero_point, clamped. Clamp in float first so NaN and huge
    // values stay defined.
    float r = std::round(input[i] / p.output_scale);
    if (!(r > -1e6f)) r = -1e6f;
    if (r > 1e6f) r = 1e6f;
    output[i] = static_cast<int8_t>(Clamp(static_cast<int32_t>(r) + p.output_zero_point, -128, 127));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
