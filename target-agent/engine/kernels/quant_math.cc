#include "kernels/quant_math.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

int CountLeadingZeros32(uint32_t x) {
  int n = 0;
  for (uint32_t bit = UINT32_C(1) << 31; bit != 0 && (x & bit) == 0; bit >>= 1) ++n;
  return n;
}

int32_t SaturatingAdd32(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

int32_t SaturatingSub32(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) - b;
  return static_cast<int32_t>(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

}  // namespace

int32_t SaturatingRoundingMultiplyByPOTParam(int32_t x, int exponent) {
  if (exponent == 0) return x;
  const int32_t threshold = static_cast<int32_t>((INT64_C(1) << (31 - exponent)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return WrapShl(x, exponent);
}

int32_t LogXForXGreaterThanOrEqualTo1(int32_t x, int input_integer_bits, int output_integer_bits) {
  using gemm::Mul;
  // One extra integer bit of headroom for the sum of the two terms at the end.
  const int accum_bits = output_integer_bits + 1;
  constexpr int32_t kLog2 = 1488522236;          // log(2), Q0.31
  constexpr int32_t kSqrtSqrtHalf = 1805811301;  // 0.5^(1/4)
  constexpr int32_t kSqrtHalf = 1518500250;      // sqrt(0.5)
  constexpr int32_t kOneQuarter = 536870912;
  constexpr int32_t kAlphaN = 117049297;    // 11/240 * 2^(1/4)
  constexpr int32_t kAlphaD = 127690142;    // 1/20 * 2^(1/4)
  constexpr int32_t kAlphaI = 1057819769;   // 2 / 2^(1/4) - 2^(1/4)
  constexpr int32_t kAlphaF = 638450708;    // 1/4 * 2^(1/4)
  const int32_t shifted_quarter = gemm::Rescale(kOneQuarter, 0, accum_bits);

  // x read as Q0.31 and normalised two ways (as is and premultiplied by sqrt(1/2)); the one whose
  // mantissa is closer to 1 is kept, with its power of two adjusted by a quarter.
  const int z_a_headroom_plus_1 = CountLeadingZeros32(static_cast<uint32_t>(x));
  const int32_t r_a_tmp = SaturatingRoundingMultiplyByPOTParam(x, z_a_headroom_plus_1 - 1);
  const int32_t r_a = SaturatingRoundingMultiplyByPOTParam(Mul(r_a_tmp, kSqrtHalf), 1);
  const int32_t z_a_pow_2_adj = SaturatingAdd32(
      SaturatingRoundingMultiplyByPOTParam(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
  const int32_t z_b = Mul(x, kSqrtHalf);
  const int z_b_headroom = CountLeadingZeros32(static_cast<uint32_t>(z_b)) - 1;
  const int32_t r_b = SaturatingRoundingMultiplyByPOTParam(x, z_b_headroom);
  const int32_t z_b_pow_2_adj = SaturatingSub32(
      SaturatingRoundingMultiplyByPOTParam(input_integer_bits - z_b_headroom, 31 - accum_bits), shifted_quarter);
  const int32_t r = r_a < r_b ? r_a : r_b;
  const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

  // log(r) for r near 1 by a rational approximation around 2^(-1/4).
  const int32_t p = gemm::RoundingHalfSum(r, kSqrtSqrtHalf);
  int32_t q = WrapSub(r, kSqrtSqrtHalf);
  q = WrapAdd(q, q);
  const int32_t common_sq = Mul(q, q);
  const int32_t num = WrapAdd(Mul(q, r), Mul(Mul(q, common_sq), kAlphaN));
  const int32_t denom_minus_one =
      WrapAdd(Mul(p, WrapAdd(WrapAdd(kAlphaI, q), Mul(kAlphaD, common_sq))), Mul(kAlphaF, q));
  const int32_t recip_denom = gemm::OneOverOnePlusX(denom_minus_one);
  const int32_t num_scaled = gemm::Rescale(num, 0, accum_bits);
  return gemm::Rescale(WrapAdd(Mul(z_pow_2_adj, kLog2), Mul(num_scaled, recip_denom)), accum_bits,
                       output_integer_bits);
}

void GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift, int32_t* output_inv_sqrt, int* output_shift) {
  if (input <= 1) {
    // TFLite treats 0 (invalid) and 1 (would overflow below) alike.
    *output_inv_sqrt = INT32_MAX;
    *output_shift = 0;
    return;
  }
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  // Normalise into [2^27, 2^29) by whole bit pairs.
  const int max_left_shift_bits = CountLeadingZeros32(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;
  // Newton-Raphson on 1/sqrt in Q3.28, starting from 1, five iterations.
  using gemm::Mul;
  const int32_t fixedpoint_input = input >> 1;
  const int32_t half_input = RoundingDivideByPOT(fixedpoint_input, 1);
  constexpr int32_t kHalfThree = (1 << 28) + (1 << 27);  // 1.5 in Q3.28
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = gemm::SatRoundMulPOT(Mul(Mul(x, x), x), 6);       // Q9 -> Q3
    x = gemm::SatRoundMulPOT(WrapSub(Mul(kHalfThree, x), Mul(half_input, x3)), 3);  // Q6 -> Q3
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2, Q0.31
  x = Mul(x, kHalfSqrt2);
  if (shift < 0) {
    x = WrapShl(x, -shift);
    shift = 0;
  }
  *output_inv_sqrt = x;
  *output_shift = shift * reverse_shift;
}

}  // namespace hil::agent::engine
