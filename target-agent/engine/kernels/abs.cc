#include "kernels/abs.h"

#include <limits>

#include "kernels/quant.h"

namespace hil::agent::engine {

template <typename T>
Status Abs(const AbsParams& p, const T* input, void*, T* output) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t d = static_cast<int32_t>(input[i]) - p.input_zero_point;
    const int32_t a = d < 0 ? -d : d;
    if (p.plain != 0) {
      output[i] = static_cast<T>(a);
      continue;
    }
    const int32_t v = p.rescale != 0 ? MultiplyByQuantizedMultiplier(a, p.multiplier, p.shift) : a;
    output[i] = static_cast<T>(Clamp(WrapAdd(v, p.output_zero_point), kMin, kMax));
  }
  return Status::kOk;
}

template Status Abs<int8_t>(const AbsParams&, const int8_t*, void*, int8_t*);
template Status Abs<int16_t>(const AbsParams&, const int16_t*, void*, int16_t*);

}  // namespace hil::agent::engine
