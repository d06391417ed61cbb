#include "kernels/softmax_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t SoftmaxS8ScratchBytes(const SoftmaxParams&) { return 0; }

Status SoftmaxS8(const SoftmaxParams& p, const int8_t* input, void*, int8_t* output) {
  constexpr int kScaledDiffIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  for (int32_t i = 0; i < p.outer; ++i) {
    const int8_t* in = input + static_cast<size_t>(i) * p.depth;
    int8_t* out = output + static_cast<size_t>(i) * p.depth;
    int32_t max_in_row = -128;
    for (int32_t c = 0; c < p.depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    int32_t sum_of_exps = 0;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t rescaled = MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_multiplier, p.input_left_shift);
        const int32_t e = gemm::ExpOnNegativeValues(rescaled, kScaledDiffIntegerBits);
        sum_of_exps = WrapAdd(sum_of_exps, gemm::Rescale(e, 0, kAccumulationIntegerBits));
      }
    }
    int num_bits_over_unit = 0;
    const int32_t shifted_scale = GetReciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t rescaled = MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_multiplier, p.input_left_shift);
        const int32_t e = gemm::ExpOnNegativeValues(rescaled, kScaledDiffIntegerBits);
        const int exponent = num_bits_over_unit + 31 - 8;
        const int32_t prod = gemm::Mul(shifted_scale, e);
        const int32_t unsat = exponent >= 0 && exponent <= 31 ? RoundingDivideByPOT(prod, exponent) : 0;
        out[c] = static_cast<int8_t>(Clamp(unsat - 128, -128, 127));
      } else {
        out[c] = -128;
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
