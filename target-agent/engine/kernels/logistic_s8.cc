#include "kernels/logistic_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t LogisticS8ScratchBytes(const SigmoidParams&) { return 0; }

Status LogisticS8(const SigmoidParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t in = input[i] - p.input_zero_point;
    if (in <= -p.input_range_radius) {
      output[i] = -128;
    } else if (in >= p.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(in, p.input_multiplier, p.input_left_shift);
      const int32_t q0 = gemm::Logistic(q4, 4);
      const int32_t q23 = RoundingDivideByPOT(q0, 31 - 8);
      output[i] = static_cast<int8_t>(Clamp(q23 - 128, -128, 127));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
