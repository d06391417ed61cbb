#include "kernels/cumsum_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

Status CumsumS8(const CumsumS8Params& p, const int8_t* input, void*, int8_t* output) {
  const int32_t start = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      WrapShl(-p.input_zero_point, p.left_shift), p.input_multiplier, p.input_shift);
  for (int32_t o = 0; o < p.outer; ++o) {
    for (int32_t i = 0; i < p.inner; ++i) {
      const int32_t base = o * p.axis_size * p.inner + i;
      int32_t acc = start;
      for (int32_t k = 0; k < p.axis_size; ++k) {
        const int32_t a = p.reverse ? p.axis_size - 1 - k : k;
        const int32_t index = base + a * p.inner;
        const int32_t y = MultiplyByQuantizedMultiplierSmallerThanOneExp(
            WrapShl(input[index] - p.input_zero_point, p.left_shift), p.input_multiplier, p.input_shift);
        int32_t sum;
        if (p.exclusive) {
          sum = acc;
          acc = WrapAdd(acc, y);
        } else {
          acc = WrapAdd(acc, y);
          sum = acc;
        }
        const int32_t v = WrapAdd(
            MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, p.output_multiplier, p.output_shift),
            p.output_zero_point);
        output[index] = static_cast<int8_t>(Clamp(v, -128, 127));
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
