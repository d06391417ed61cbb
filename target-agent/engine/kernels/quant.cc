#include "kernels/quant.h"

#include <cmath>

namespace hil::agent::engine {

bool QuantizeMultiplier(double real_multiplier, int32_t* quantized, int* shift) {
  *quantized = 0;
  *shift = 0;
  if (!(real_multiplier >= 0.0) || std::isinf(real_multiplier)) return false;
  if (real_multiplier == 0.0) return true;
  int exp = 0;
  const double q = std::frexp(real_multiplier, &exp);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(INT64_C(1) << 31)));
  if (q_fixed == (INT64_C(1) << 31)) {
    q_fixed /= 2;
    ++exp;
  }
  if (exp < -31) {
    exp = 0;
    q_fixed = 0;
  }
  if (exp > 30) {  // TFLite clamps rather than overflow the later left shift
    exp = 30;
    q_fixed = (INT64_C(1) << 31) - 1;
  }
  *quantized = static_cast<int32_t>(q_fixed);
  *shift = exp;
  return true;
}

namespace gemm {

namespace {

// exp on [-1/4, 0) (0 integer bits).
int32_t ExpOnIntervalNegQuarterTo0(int32_t a) {
  const int32_t constant_term = 1895147668;      // exp(-1/8)
  const int32_t constant_1_over_3 = 715827883;   // 1/3
  const int32_t x = WrapAdd(a, INT32_C(1) << 28);  // a + 1/8
  const int32_t x2 = Mul(x, x);
  const int32_t x3 = Mul(x2, x);
  const int32_t x4 = Mul(x2, x2);
  const int32_t x4_over_4 = SatRoundMulPOT(x4, -2);
  const int32_t poly = SatRoundMulPOT(WrapAdd(Mul(WrapAdd(x4_over_4, x3), constant_1_over_3), x2), -1);
  return WrapAdd(constant_term, Mul(constant_term, WrapAdd(x, poly)));
}

}  // namespace

int32_t ExpOnNegativeValues(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = INT32_C(1) << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = WrapSub(a & mask, one_quarter);
  int32_t result = ExpOnIntervalNegQuarterTo0(Rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = WrapSub(a_mod_quarter_minus_one_quarter, a);
  static const int32_t kMultipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int e = -2; e <= 4; ++e) {
    if (integer_bits > e) {
      const int shift_amount = fractional_bits + e;
      if ((remainder & (INT32_C(1) << shift_amount)) != 0) result = Mul(result, kMultipliers[e + 2]);
    }
  }
  if (integer_bits > 5) {
    const int32_t clamp = -(INT32_C(1) << (36 - integer_bits));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = One(0);
  return result;
}

namespace {
// Newton-Raphson for 1 / half_denominator; result has 2 integer bits.
int32_t NewtonReciprocal(int32_t half_denominator) {
  const int32_t constant_48_over_17 = 1515870810;
  const int32_t constant_neg_32_over_17 = -1010580540;
  int32_t x = WrapAdd(constant_48_over_17, Mul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = Mul(half_denominator, x);                 // 2 int bits
    const int32_t one_minus = WrapSub(One(2), half_denominator_times_x);                 // 2 int bits
    x = WrapAdd(x, Rescale(Mul(x, one_minus), 4, 2));
  }
  return x;
}
}  // namespace

int32_t OneOverOnePlusX(int32_t a) {
  const int32_t x = NewtonReciprocal(RoundingHalfSum(a, One(0)));
  // ExactMulByPot<-1> keeps the raw value and makes it 1 integer bit; then Rescale<0>.
  return Rescale(x, 1, 0);
}

int32_t OneMinusXOverOnePlusX(int32_t a) {
  const int32_t x = NewtonReciprocal(RoundingHalfSum(a, One(0)));
  return Rescale(WrapSub(x, One(2)), 2, 0);
}

int32_t Logistic(int32_t a, int integer_bits) {
  const bool positive = a > 0;
  const int32_t abs_input = positive ? a : WrapSub(0, a);
  const int32_t result_if_positive = OneOverOnePlusX(ExpOnNegativeValues(WrapSub(0, abs_input), integer_bits));
  const int32_t result_if_negative = WrapSub(One(0), result_if_positive);
  if (a == 0) return INT32_C(1) << 30;
  return positive ? result_if_positive : result_if_negative;
}

int32_t Tanh(int32_t a, int integer_bits) {
  const bool negative = a < 0;
  const int32_t n = negative ? a : WrapSub(0, a);  // -|a|
  // ExactMulByPot<1>: same raw, one more integer bit.
  const int32_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues(n, integer_bits + 1));
  if (a == 0) return 0;
  return negative ? WrapSub(0, t) : t;
}

}  // namespace gemm

int32_t GetReciprocal(int32_t x, int x_integer_bits, int* num_bits_over_unit) {
  const uint32_t ux = static_cast<uint32_t>(x);
  int headroom_plus_one = 0;
  if (ux == 0) {
    headroom_plus_one = 32;
  } else {
    while ((ux & (UINT32_C(0x80000000) >> headroom_plus_one)) == 0) ++headroom_plus_one;
  }
  *num_bits_over_unit = x_integer_bits - headroom_plus_one;
  const uint32_t shifted = headroom_plus_one >= 32 ? 0u : (ux << headroom_plus_one);
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(shifted - (UINT32_C(1) << 31));
  return gemm::OneOverOnePlusX(shifted_sum_minus_one);
}

int32_t CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits) {
  // Powers of two are exact in double, so ldexp equals the reference's shifts and divides and stays
  // defined for any shift a hostile scale produces.
  const double max_input_rescaled =
      std::ldexp(1.0 * ((1 << input_integer_bits) - 1), total_signed_bits - input_integer_bits - input_left_shift);
  const double r = std::floor(max_input_rescaled);
  if (r >= 2147483647.0) return INT32_MAX;
  return static_cast<int32_t>(r);
}

}  // namespace hil::agent::engine
