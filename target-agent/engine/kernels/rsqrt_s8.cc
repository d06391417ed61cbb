#include "kernels/rsqrt_s8.h"

#include "kernels/quant.h"
#include "kernels/quant_math.h"

namespace hil::agent::engine {

size_t RsqrtS8ScratchBytes(const RsqrtParams&) { return 0; }

Status RsqrtS8(const RsqrtParams& p, const int8_t* input, void*, int8_t* output) {
  constexpr int kShift = 20;  // keeps 1/sqrt(a) an integer
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t a = input[i] - p.input_zero_point;
    if (a < 0) return Status::kKernelFailed;
    if (a == 0) {
      output[i] = 127;
      continue;
    }
    int32_t inv_sqrt = 0;
    int inv_sqrt_shift = 0;
    GetInvSqrtQuantizedMultiplierExp(a, -1, &inv_sqrt, &inv_sqrt_shift);
    const int32_t t = MultiplyByQuantizedMultiplier(1, inv_sqrt, inv_sqrt_shift + kShift);
    const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(t, p.multiplier, p.shift - kShift), p.output_zero_point);
    output[i] = static_cast<int8_t>(Clamp(v, -128, 127));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
