// TFLite's reference int8 fixed-point arithmetic (the functions of tensorflow/lite/kernels/internal/
// common.h and gemmlowp's fixedpoint.h that the reference kernels use), written out so results are
// bit-for-bit those of TFLite Micro's reference kernels. Additions wrap (two's complement) where the
// reference relies on the machine's wraparound.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

inline int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t WrapShl(int32_t a, int s) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) << s);
}

inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == INT32_MIN;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = static_cast<int32_t>((ab + nudge) / (INT64_C(1) << 31));
  return overflow ? INT32_MAX : high;
}

// exponent in [0, 31].
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((INT64_C(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// shift as produced by QuantizeMultiplier: positive = left.
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(WrapShl(x, left), multiplier), right);
}

// MultiplyByQuantizedMultiplier for the multipliers QuantizeMultiplier produces (0 <= multiplier <
// 2^31, so SaturatingRoundingDoublingHighMul never saturates; -31 <= shift <= 30), with the same
// result for every x in fewer instructions, for the optimised kernels: the reference's nudge-then-
// truncate-toward-zero equals floor((a*b + 2^30) / 2^31) for products of either sign (for a*b = -m,
// trunc((-m + 1 - 2^30) / 2^31) = -floor((m + 2^30 - 1) / 2^31) = floor((-m + 2^30) / 2^31)), which
// is one 64-bit add and shift with no branch. kernels_test compares it with the reference.
inline int32_t MultiplyByQuantizedMultiplierFast(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int64_t ab = static_cast<int64_t>(WrapShl(x, left)) * multiplier;
  const int32_t high = static_cast<int32_t>((ab + (INT64_C(1) << 30)) >> 31);
  return RoundingDivideByPOT(high, right);
}

// MultiplyByQuantizedMultiplier for an int64 accumulator (the 16x8 kernels: int16 activations, int64
// bias): TFLite reduces the multiplier to 15 bits first ((multiplier + 2^15) >> 16, at most 0x7FFF)
// and rounds half up, (x * m + 2^(14 - shift)) >> (15 - shift), keeping the low 32 bits. Valid for
// -31 <= shift <= 7 (prepare functions refuse other shifts); the products wrap rather than overflow.
inline int32_t MultiplyByQuantizedMultiplier64(int64_t x, int32_t multiplier, int shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (static_cast<int64_t>(multiplier) + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - shift;
  const uint64_t product = static_cast<uint64_t>(x) * static_cast<uint64_t>(reduced);
  const int64_t rounded = static_cast<int64_t>(product + (UINT64_C(1) << (total_shift - 1)));
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(rounded >> total_shift)));
}

inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier, int left_shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -left_shift);
}

inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier, int left_shift) {
  return SaturatingRoundingDoublingHighMul(WrapShl(x, left_shift), multiplier);
}

// TFLite's QuantizeMultiplier: multiplier = q * 2^shift with q in [0.5, 1) as Q31. Returns false for
// a multiplier that is negative, NaN or infinite. Done at Load time only.
bool QuantizeMultiplier(double real_multiplier, int32_t* quantized, int* shift);

// ---- gemmlowp fixed point (int32 raw values; integer bits are template parameters) ----
namespace gemm {

inline int32_t Mul(int32_t a, int32_t b) { return SaturatingRoundingDoublingHighMul(a, b); }

// SaturatingRoundingMultiplyByPOT<exponent>.
inline int32_t SatRoundMulPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((INT64_C(1) << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return WrapShl(x, exponent);
}

// Rescale from src integer bits to dst integer bits.
inline int32_t Rescale(int32_t raw, int src_bits, int dst_bits) { return SatRoundMulPOT(raw, src_bits - dst_bits); }

inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

inline int32_t One(int integer_bits) {
  return integer_bits == 0 ? INT32_MAX : static_cast<int32_t>(INT32_C(1) << (31 - integer_bits));
}

// exp(a) for a <= 0 given with `integer_bits` integer bits; result has 0 integer bits.
int32_t ExpOnNegativeValues(int32_t a, int integer_bits);
// 1 / (1 + a) for a in [0, 1) (0 integer bits); result 0 integer bits.
int32_t OneOverOnePlusX(int32_t a);
// (1 - a) / (1 + a) for a in [0, 1); result 0 integer bits.
int32_t OneMinusXOverOnePlusX(int32_t a);
// gemmlowp::logistic and gemmlowp::tanh for an input with `integer_bits` integer bits.
int32_t Logistic(int32_t a, int integer_bits);
int32_t Tanh(int32_t a, int integer_bits);

}  // namespace gemm

// TFLite's GetReciprocal (softmax): raw Q0 reciprocal of x given with x_integer_bits.
int32_t GetReciprocal(int32_t x, int x_integer_bits, int* num_bits_over_unit);

// TFLite's CalculateInputRadius.
int32_t CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits = 31);

}  // namespace hil::agent::engine
