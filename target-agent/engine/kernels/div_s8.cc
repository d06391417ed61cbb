#include "kernels/div_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// TFLite's CountLeadingSignBits for int32: 31 for 0 and -1.
inline int CountLeadingSignBits(int32_t x) {
  const uint32_t u = static_cast<uint32_t>(x < 0 ? ~x : x);
  return u == 0 ? 31 : __builtin_clz(u) - 1;
}

// RoundingDivideByPOT for any exponent >= 0. TFLite's rescale can ask for more than 31 (a dividend of
// 0 or -1 has 31 sign bits), where gemmlowp asserts in debug builds and shifts by an undefined amount
// otherwise; |x| < 2^31 then makes |x / 2^exponent| < 1/2, which rounds to 0.
inline int32_t RoundingDivideByPOTAny(int32_t x, int exponent) {
  if (exponent <= 31) return RoundingDivideByPOT(x, exponent);
  return (exponent == 32 && x == INT32_MIN) ? -1 : 0;
}

}  // namespace

size_t DivS8ScratchBytes(const DivParams&) { return 0; }

Status DivS8(const DivParams& p, const int8_t* input1, const int8_t* input2, void*, int8_t* output) {
  bool by_zero = false;
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    int32_t a = p.input1_offset + input1[i1];
    int32_t b = p.input2_offset + input2[i2];
    if (b == 0) {
      by_zero = true;
      return;
    }
    if (b < 0) {
      a = -a;
      b = -b;
    }
    int reciprocal_shift = 0;
    const int32_t reciprocal = GetReciprocal(b, 31, &reciprocal_shift);
    const int headroom = CountLeadingSignBits(a);
    const int32_t quotient = MultiplyByQuantizedMultiplierGreaterThanOne(a, reciprocal, headroom);
    const int right_shift = reciprocal_shift + headroom - p.output_shift;  // >= 0 (PrepareDiv)
    const int32_t scaled =
        RoundingDivideByPOTAny(SaturatingRoundingDoublingHighMul(quotient, p.output_multiplier), right_shift);
    output[o] = static_cast<int8_t>(Clamp(WrapAdd(p.output_offset, scaled), p.act_min, p.act_max));
  });
  return by_zero ? Status::kKernelFailed : Status::kOk;
}

}  // namespace hil::agent::engine
