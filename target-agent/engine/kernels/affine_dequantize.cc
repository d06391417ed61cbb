#include "kernels/affine_dequantize.h"

namespace hil::agent::engine {

namespace {

template <typename T>
Status AffineDequantize(const AffineDequantizeParams& p, const T* input, float* output) {
  const double scale = static_cast<double>(p.scale);
  for (int32_t i = 0; i < p.count; ++i) {
    // The zero point is within the input type's range (prepare checks it), so the difference fits.
    output[i] = static_cast<float>(scale * static_cast<double>(static_cast<int32_t>(input[i]) - p.zero_point));
  }
  return Status::kOk;
}

}  // namespace

Status AffineDequantizeS8(const AffineDequantizeParams& p, const int8_t* input, void*, float* output) {
  return AffineDequantize(p, input, output);
}
Status AffineDequantizeS16(const AffineDequantizeParams& p, const int16_t* input, void*, float* output) {
  return AffineDequantize(p, input, output);
}
Status AffineDequantizeU8(const AffineDequantizeParams& p, const uint8_t* input, void*, float* output) {
  return AffineDequantize(p, input, output);
}

}  // namespace hil::agent::engine
