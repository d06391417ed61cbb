#include "kernels/lut_s16.h"

#include <cmath>

namespace hil::agent::engine {

void PopulateLutS16(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                    float (*transform)(float), int16_t* lut) {
  const float input_min = input_scale * static_cast<float>(-32768 - input_zero_point);
  const float input_max = input_scale * static_cast<float>(32767 - input_zero_point);
  const float output_min = output_scale * static_cast<float>(-32768 - output_zero_point);
  const float output_max = output_scale * static_cast<float>(32767 - output_zero_point);
  constexpr int kSteps = kLutS16Entries - 1;
  const float step = (input_max - input_min) / kSteps;
  const float half_step = step / 2;
  const float output_scaling_inv = 65536.0f / (output_max - output_min);
  auto clamp16 = [](float x) {
    return static_cast<int16_t>(x < -32768.0f ? -32768.0f : (x > 32767.0f ? 32767.0f : x));
  };
  for (int i = 0; i < kSteps; ++i) {
    const float val = transform(input_min + static_cast<float>(i) * step);
    const float val_midpoint = transform(input_min + static_cast<float>(i) * step + half_step);
    const float val_next = transform(input_min + static_cast<float>(i + 1) * step);
    const float sample_val = std::round(val * output_scaling_inv);
    const float midpoint_interp_val =
        std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) / 2);
    const float midpoint_val = std::round(val_midpoint * output_scaling_inv);
    const float midpoint_err = midpoint_interp_val - midpoint_val;
    const float bias = std::round(midpoint_err / 2);
    lut[i] = clamp16(sample_val - bias);
  }
  lut[kSteps] = clamp16(std::round(transform(input_max) * output_scaling_inv));
}

}  // namespace hil::agent::engine
