#include "kernels/log_softmax_s8.h"

#include "kernels/quant.h"
#include "kernels/quant_math.h"

namespace hil::agent::engine {

size_t LogSoftmaxS8ScratchBytes(const LogSoftmaxParams&) { return 0; }

Status LogSoftmaxS8(const LogSoftmaxParams& p, const int8_t* input, void*, int8_t* output) {
  constexpr int kInputIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  constexpr int kOutputIntegerBits = 4;
  for (int32_t i = 0; i < p.outer; ++i) {
    const int8_t* in = input + static_cast<size_t>(i) * p.depth;
    int8_t* out = output + static_cast<size_t>(i) * p.depth;
    int32_t max_in_row = -128;
    for (int32_t c = 0; c < p.depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    int32_t sum_of_exps = 0;  // Q12.19
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t scaled = MultiplyByQuantizedMultiplier(diff, p.input_multiplier, p.input_left_shift);
        sum_of_exps = WrapAdd(sum_of_exps, gemm::Rescale(gemm::ExpOnNegativeValues(scaled, kInputIntegerBits), 0,
                                                         kAccumulationIntegerBits));
      }
    }
    const int32_t log_sum = LogXForXGreaterThanOrEqualTo1(sum_of_exps, kAccumulationIntegerBits, kInputIntegerBits);
    // The smallest Q5.26 value plus the log sum, back on the input's scale: inputs at or below it
    // would underflow the output.
    const int32_t shifted_log_sum = WrapAdd(log_sum, INT32_MIN);
    const int32_t reverse =
        MultiplyByQuantizedMultiplier(shifted_log_sum, p.reverse_scaling_divisor, p.reverse_scaling_left_shift);
    const int32_t adjusted_diff_min = p.diff_min - 1 > reverse ? p.diff_min - 1 : reverse;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff > adjusted_diff_min) {
        const int32_t scaled = MultiplyByQuantizedMultiplier(diff, p.input_multiplier, p.input_left_shift);
        const int32_t v = RoundingDivideByPOT(WrapSub(scaled, log_sum), 31 - kInputIntegerBits - kOutputIntegerBits);
        out[c] = static_cast<int8_t>(Clamp(WrapAdd(v, 127), -128, 127));
      } else {
        out[c] = -128;
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
