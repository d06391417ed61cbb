#include "kernels/requantize.h"

#include <limits>

#include "kernels/quant.h"

namespace hil::agent::engine {

template <typename In, typename Out>
Status Requantize(const RequantizeParams& p, const In* input, void*, Out* output) {
  constexpr int32_t kMin = std::numeric_limits<Out>::min();
  constexpr int32_t kMax = std::numeric_limits<Out>::max();
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t x = WrapSub(static_cast<int32_t>(input[i]), p.input_zero_point);
    const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(x, p.multiplier, p.shift), p.output_zero_point);
    output[i] = static_cast<Out>(Clamp(v, kMin, kMax));
  }
  return Status::kOk;
}

template Status Requantize<int8_t, int8_t>(const RequantizeParams&, const int8_t*, void*, int8_t*);
template Status Requantize<int8_t, uint8_t>(const RequantizeParams&, const int8_t*, void*, uint8_t*);
template Status Requantize<int8_t, int16_t>(const RequantizeParams&, const int8_t*, void*, int16_t*);
template Status Requantize<int8_t, int32_t>(const RequantizeParams&, const int8_t*, void*, int32_t*);
template Status Requantize<int16_t, int8_t>(const RequantizeParams&, const int16_t*, void*, int8_t*);
template Status Requantize<int16_t, int16_t>(const RequantizeParams&, const int16_t*, void*, int16_t*);
template Status Requantize<int16_t, int32_t>(const RequantizeParams&, const int16_t*, void*, int32_t*);
template Status Requantize<int32_t, int8_t>(const RequantizeParams&, const int32_t*, void*, int8_t*);
template Status Requantize<int32_t, int16_t>(const RequantizeParams&, const int32_t*, void*, int16_t*);
template Status Requantize<uint8_t, int8_t>(const RequantizeParams&, const uint8_t*, void*, int8_t*);

}  // namespace hil::agent::engine
