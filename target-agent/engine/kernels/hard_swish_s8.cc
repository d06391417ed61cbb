#include "kernels/hard_swish_s8.h"

namespace hil::agent::engine {

namespace {

// gemmlowp's SaturatingRoundingDoublingHighMul for int16.
int16_t RoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// TFLite's SaturatingDoublingHighMul: the same without the rounding nudge (truncates toward zero).
int16_t DoublingHighMul16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

// gemmlowp's RoundingDivideByPOT instantiated for int16, exponent 0..31: its mask is computed in 64
// bits and narrowed to int16, so for exponents of 16 and more it is -1 and the result is 1 for x >= 0
// and -1 for x < 0. Reproduced as is.
int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((INT64_C(1) << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

int16_t SaturatingLeftShift16(int16_t value, int amount) {
  const int64_t r = static_cast<int64_t>(value) * (INT64_C(1) << amount);
  return static_cast<int16_t>(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

}  // namespace

size_t HardSwishS8ScratchBytes(const HardSwishParams&) { return 0; }

Status HardSwishS8(const HardSwishParams& p, const int8_t* input, void*, int8_t* output) {
  const int16_t out_mult = static_cast<int16_t>(p.output_multiplier_q15);
  const int16_t reluish_mult = static_cast<int16_t>(p.reluish_multiplier_q15);
  for (int32_t i = 0; i < p.count; ++i) {
    const int16_t x = static_cast<int16_t>(input[i] - p.input_zero_point);
    const int16_t hires = static_cast<int16_t>(x * (1 << 7));
    const int16_t preshift_out = RoundingDoublingHighMul16(hires, out_mult);
    int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, p.reluish_exponent - 1);
    reluish = RoundingDoublingHighMul16(reluish, reluish_mult);
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, 1);
    if (p.reluish_exponent < 0) reluish = RoundingDivideByPOT16(reluish, -p.reluish_exponent);
    // [-1, 1] to [0, 1] in Q0.15.
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
    const int16_t preshift = DoublingHighMul16(reluish, preshift_out);
    int16_t v = RoundingDivideByPOT16(preshift, -p.output_exponent);
    v = static_cast<int16_t>(v + p.output_zero_point);  // |v| <= 32640: no int16 overflow
    output[i] = static_cast<int8_t>(v > 127 ? 127 : (v < -128 ? -128 : v));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
