#include "kernels/lut_s8.h"

#include <cmath>

namespace hil::agent::engine {

void PopulateLutS8(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                   float (*transform)(float), int8_t* table) {
  const float inverse_scale = 1 / output_scale;
  for (int32_t q = -128; q <= 127; ++q) {
    const float x = input_scale * static_cast<float>(q - input_zero_point);
    const float rescaled = std::round(transform(x) * inverse_scale);
    const float shifted = rescaled + static_cast<float>(output_zero_point);
    // (int32_t) of a float outside int32 (or NaN) is undefined: clamp in float first (the same result
    // wherever TFLite's conversion is defined; NaN goes to -128 as x86's conversion sends it).
    const int32_t v = shifted >= 127.0f ? 127 : (!(shifted > -128.0f) ? -128 : static_cast<int32_t>(shifted));
    table[static_cast<uint8_t>(static_cast<int8_t>(q))] = static_cast<int8_t>(v);
  }
}

size_t LutS8ScratchBytes(const LutS8Params&) { return 0; }

Status LutS8(const LutS8Params& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) output[i] = p.table[static_cast<uint8_t>(input[i])];
  return Status::kOk;
}

}  // namespace hil::agent::engine
