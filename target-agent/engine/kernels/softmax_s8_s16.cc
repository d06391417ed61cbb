#include "kernels/softmax_s8_s16.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t SoftmaxS8S16ScratchBytes(const SoftmaxParams&) { return 0; }

Status SoftmaxS8S16(const SoftmaxParams& p, const int8_t* input, void*, int16_t* output) {
  constexpr int kScaledDiffIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  for (int32_t i = 0; i < p.outer; ++i) {
    const int8_t* in = input + static_cast<size_t>(i) * p.depth;
    int16_t* out = output + static_cast<size_t>(i) * p.depth;
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
    // TFLite CHECK-fails outside 0..31; a row sum of at least exp(0) = 1 keeps it inside.
    const int exponent = num_bits_over_unit + 31 - 16;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min && exponent >= 0 && exponent <= 31) {
        const int32_t rescaled = MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_multiplier, p.input_left_shift);
        const int32_t e = gemm::ExpOnNegativeValues(rescaled, kScaledDiffIntegerBits);
        const int32_t unsat = RoundingDivideByPOT(gemm::Mul(shifted_scale, e), exponent);
        out[c] = static_cast<int16_t>(Clamp(WrapAdd(unsat, -32768), -32768, 32767));
      } else {
        out[c] = -32768;
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
