#include "kernels/prelu.h"

#include <limits>

#include "kernels/quant.h"

namespace hil::agent::engine {

template <typename T>
Status Prelu(const PreluParams& p, const T* input, const int8_t* alpha, void*, T* output) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  ForEachBroadcast(p.bc, [&](int32_t i, int32_t j, int32_t o) {
    const int32_t a = static_cast<int32_t>(input[i]) - p.input_zero_point;
    int32_t v;
    if (a >= 0) {
      v = MultiplyByQuantizedMultiplier(a, p.multiplier1, p.shift1);
    } else {
      const int32_t w = static_cast<int32_t>(alpha[j]) - p.alpha_zero_point;
      v = MultiplyByQuantizedMultiplier(a * w, p.multiplier2, p.shift2);
    }
    output[o] = static_cast<T>(Clamp(WrapAdd(v, p.output_zero_point), kMin, kMax));
  });
  return Status::kOk;
}

template Status Prelu<int8_t>(const PreluParams&, const int8_t*, const int8_t*, void*, int8_t*);
template Status Prelu<int16_t>(const PreluParams&, const int16_t*, const int8_t*, void*, int16_t*);

}  // namespace hil::agent::engine
