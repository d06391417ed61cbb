#include "kernels/softmax_s16.h"

#include <cmath>

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

float ExpF(float x) { return std::exp(x); }
float OneOverOnePlusX(float x) { return 1.0f / (1.0f + x); }

int CountLeadingZeros32(uint32_t x) {
  int n = 0;
  for (uint32_t bit = UINT32_C(1) << 31; bit != 0 && (x & bit) == 0; bit >>= 1) ++n;
  return n;
}

}  // namespace

void PopulateSoftmaxS16Luts(int16_t* exp_lut, int16_t* recip_lut) {
  constexpr int32_t kRange = 32767 - (-32768);
  PopulateLutS16(10.0f / kRange, 32767, 2.0f / kRange, 0, ExpF, exp_lut);
  PopulateLutS16(1.0f / kRange, -32768, 2.0f / kRange, 0, OneOverOnePlusX, recip_lut);
}

size_t SoftmaxS16ScratchBytes(const SoftmaxS16Params&) { return 0; }

Status SoftmaxS16(const SoftmaxS16Params& p, const int16_t* exp_lut, const int16_t* recip_lut, const int16_t* input,
                  void*, int16_t* output) {
  for (int32_t i = 0; i < p.outer; ++i) {
    const int16_t* in = input + static_cast<size_t>(i) * p.depth;
    int16_t* out = output + static_cast<size_t>(i) * p.depth;
    int32_t max_in_row = -32768;
    for (int32_t c = 0; c < p.depth; ++c) max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
    // exp(d) in Q0.15, kept in the output row; their sum in Q16.15.
    int32_t sum_of_exps = 0;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t scaled = MultiplyByQuantizedMultiplier(in[c] - max_in_row, p.input_multiplier, p.input_shift);
      const int32_t centred = Clamp(WrapAdd(scaled, 32767), -32768, 32767);
      out[c] = LutLookupS16(static_cast<int16_t>(centred), exp_lut);
      sum_of_exps += out[c];
    }
    // The maximum's own exp(0) makes the sum at least 2^14, so 1 <= headroom_plus_one <= 17.
    const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(sum_of_exps));
    const int32_t shifted_sum =
        static_cast<int32_t>(((static_cast<int64_t>(sum_of_exps) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    // 1/(1+x) for x = sum - 1, the sum in [1, 2) re-centred from [0, 65535] to [-32768, 32767].
    const int32_t centred_sum = Clamp(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767);
    const int16_t reciprocal = LutLookupS16(static_cast<int16_t>(centred_sum), recip_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = INT64_C(1) << (right_shift - 1);
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t result = static_cast<int32_t>((static_cast<int64_t>(out[c]) * reciprocal + round) >> right_shift);
      out[c] = static_cast<int16_t>(Clamp(result, 0, 32767));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
