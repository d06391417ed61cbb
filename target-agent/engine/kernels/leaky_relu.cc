#include "kernels/leaky_relu.h"

#include <limits>

#include "kernels/quant.h"

namespace hil::agent::engine {

template <typename T>
Status LeakyRelu(const LeakyReluParams& p, const T* input, void*, T* output) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t a = static_cast<int32_t>(input[i]) - p.input_offset;
    int32_t v;
    if (a >= 0) {
      v = WrapAdd(p.output_offset, MultiplyByQuantizedMultiplier(a, p.identity_multiplier, p.identity_shift));
    } else {
      const int32_t scaled = MultiplyByQuantizedMultiplier(a, p.alpha_multiplier, p.alpha_shift);
      v = p.alpha_negative != 0 ? WrapSub(p.output_offset, scaled) : WrapAdd(p.output_offset, scaled);
    }
    output[i] = static_cast<T>(Clamp(v, kMin, kMax));
  }
  return Status::kOk;
}

template Status LeakyRelu<int8_t>(const LeakyReluParams&, const int8_t*, void*, int8_t*);
template Status LeakyRelu<int16_t>(const LeakyReluParams&, const int16_t*, void*, int16_t*);

}  // namespace hil::agent::engine
