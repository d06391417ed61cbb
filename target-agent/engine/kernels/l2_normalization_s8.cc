#include "kernels/l2_normalization_s8.h"

#include "kernels/quant.h"
#include "kernels/quant_math.h"

namespace hil::agent::engine {

size_t L2NormalizationS8ScratchBytes(const L2NormalizationParams&) { return 0; }

Status L2NormalizationS8(const L2NormalizationParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.outer; ++i) {
    const int8_t* in = input + static_cast<size_t>(i) * p.depth;
    int8_t* out = output + static_cast<size_t>(i) * p.depth;
    int32_t acc = 0;  // wraps past 33025 elements, as TFLite's int32 sum would
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t a = in[c] - p.input_zero_point;
      acc = WrapAdd(acc, a * a);
    }
    int32_t multiplier = 0;
    int shift = 0;
    GetInvSqrtQuantizedMultiplierExp(acc, -1, &multiplier, &shift);
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t v = MultiplyByQuantizedMultiplier(in[c] - p.input_zero_point, multiplier, shift + 7);
      out[c] = static_cast<int8_t>(Clamp(v, -128, 127));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
