// Kernels and fixed-point arithmetic on small hand-computed cases, and the rewritten arithmetic of
// the optimised variants against the reference (the variants themselves run on the emulated boards:
// host/board/kernel_variant_test.cc).
#include <array>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/add_s8.h"
#include "kernels/add_s8_fast.h"
#include "kernels/average_pool2d_s8.h"
#include "kernels/average_pool2d_s8_fast.h"
#include "kernels/broadcast_rows.h"
#include "kernels/concatenation.h"
#include "kernels/conv2d_s8.h"
#include "kernels/depthwise_conv2d_s8.h"
#include "kernels/dequantize_s8.h"
#include "kernels/logistic_s8.h"
#include "kernels/quantize_s8.h"
#include "kernels/relu6_s8.h"
#include "kernels/relu_s8.h"
#include "kernels/copy.h"
#include "kernels/tanh_s8.h"
#include "kernels/fully_connected_s8.h"
#include "kernels/max_pool2d_s8.h"
#include "kernels/mean_s8.h"
#include "kernels/mul_s8.h"
#include "kernels/pad.h"
#include "kernels/quant.h"
#include "kernels/softmax_s8.h"

namespace hil::agent::engine {
namespace {

TEST(QuantTest, QuantizeMultiplier) {
  int32_t q;
  int s;
  ASSERT_TRUE(QuantizeMultiplier(0.125, &q, &s));
  EXPECT_EQ(q, 1 << 30);
  EXPECT_EQ(s, -2);
  ASSERT_TRUE(QuantizeMultiplier(1.0, &q, &s));
  EXPECT_EQ(q, 1 << 30);
  EXPECT_EQ(s, 1);
  ASSERT_TRUE(QuantizeMultiplier(0.75, &q, &s));
  EXPECT_EQ(q, 1610612736);
  EXPECT_EQ(s, 0);
  ASSERT_TRUE(QuantizeMultiplier(0.0, &q, &s));
  EXPECT_EQ(q, 0);
  EXPECT_FALSE(QuantizeMultiplier(-1.0, &q, &s));
  ASSERT_TRUE(QuantizeMultiplier(1e-12, &q, &s));  // below 2^-31: flushed to zero as TFLite does
  EXPECT_EQ(q, 0);
  EXPECT_EQ(s, 0);
  // 1 - 2^-40 rounds up to 2^31 and is renormalised.
  ASSERT_TRUE(QuantizeMultiplier(1.0 - 1.0 / (1LL << 40), &q, &s));
  EXPECT_EQ(q, 1 << 30);
  EXPECT_EQ(s, 1);
}

TEST(QuantTest, FastMultiplyByQuantizedMultiplierEqualsTheReference) {
  std::mt19937 rng(7);
  const int32_t edges[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN, INT32_MIN + 1, INT32_MAX - 1, 1 << 30, -(1 << 30),
                           (1 << 30) + 1, -(1 << 30) - 1, 12345, -12345, 0x55555555, -0x55555555};
  const int32_t multipliers[] = {0, 1, 1 << 30, (1 << 30) + 1, INT32_MAX, INT32_MAX - 1, 1518500250, 1073741825};
  for (int shift = -31; shift <= 30; ++shift) {
    for (int32_t m : multipliers)
      for (int32_t x : edges)
        ASSERT_EQ(MultiplyByQuantizedMultiplierFast(x, m, shift), MultiplyByQuantizedMultiplier(x, m, shift))
            << x << " " << m << " " << shift;
    for (int i = 0; i < 20000; ++i) {
      const int32_t x = static_cast<int32_t>(rng());
      const int32_t m = static_cast<int32_t>(rng() >> 1);
      // Small accumulators too, where ties of the rounding shifts are likely.
      const int32_t small = static_cast<int32_t>(rng() % 4097) - 2048;
      ASSERT_EQ(MultiplyByQuantizedMultiplierFast(x, m, shift), MultiplyByQuantizedMultiplier(x, m, shift))
          << x << " " << m << " " << shift;
      ASSERT_EQ(MultiplyByQuantizedMultiplierFast(small, m, shift), MultiplyByQuantizedMultiplier(small, m, shift))
          << small << " " << m << " " << shift;
      const int32_t pow_m = 1 << (30 - (i % 8));  // exact ties of the doubling high multiply
      ASSERT_EQ(MultiplyByQuantizedMultiplierFast(small, pow_m, shift), MultiplyByQuantizedMultiplier(small, pow_m, shift))
          << small << " " << pow_m << " " << shift;
    }
  }
}

TEST(QuantTest, RoundingHelpers) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN), INT32_MAX);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(35, 1 << 30), 18);   // 17.5 rounds up
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-39, 1 << 30), -19); // -19.5 rounds up too (nudge)
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPOT(-3, 1), -2);
  EXPECT_EQ(RoundingDivideByPOT(-5, 2), -1);
  EXPECT_EQ(RoundingDivideByPOT(6, 2), 2);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(35, 1 << 30, -2), 5);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-39, 1 << 30, -2), -5);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(3, 1 << 30, 2), 6);  // x * 0.5 * 4
}

TEST(QuantTest, GemmlowpFunctions) {
  EXPECT_EQ(gemm::ExpOnNegativeValues(0, 5), INT32_MAX);
  // exp(-1) in Q0.31 is 790015084 (the barrel shifter constant) for a = -1.0 with 5 integer bits.
  const int32_t e1 = gemm::ExpOnNegativeValues(-(1 << 26), 5);
  EXPECT_NEAR(e1, 790015084, 644);  // gemmlowp's stated accuracy: 3e-7
  const int32_t half = gemm::OneOverOnePlusX(INT32_MAX);  // 1 / (1 + 1)
  EXPECT_NEAR(half, 1 << 30, 4);
  EXPECT_EQ(gemm::Logistic(0, 4), 1 << 30);
  EXPECT_EQ(gemm::Tanh(0, 4), 0);
  EXPECT_GT(gemm::Tanh(1 << 27, 4), 0);  // tanh(1) > 0
  EXPECT_NEAR(gemm::Tanh(1 << 27, 4), 1635510996, 322);  // tanh(1) * 2^31, within 1.5e-7
  EXPECT_NEAR(gemm::Tanh(-(1 << 27), 4), -1635510996, 322);
  EXPECT_NEAR(gemm::Logistic(1 << 27, 4), 1569936343, 322);  // 1 / (1 + e^-1) * 2^31
  int bits;
  const int32_t r = GetReciprocal(1 << 19, 12, &bits);  // 1.0 in Q12
  EXPECT_EQ(bits, 0 - 0);  // 12 - clz(2^19)=12-12
  EXPECT_NEAR(r, INT32_MAX, 8);
  EXPECT_EQ(CalculateInputRadius(5, 0), 31 * (1 << 26));
}

TEST(KernelTest, Conv2dSamePaddingSumsNeighbours) {
  // 3x3 input of ones (zero point 0), 3x3 filter of ones, one channel, SAME: counts of neighbours.
  Conv2dParams p{};
  p.batches = 1; p.in_h = 3; p.in_w = 3; p.in_c = 1; p.out_h = 3; p.out_w = 3; p.out_c = 1;
  p.filter_h = 3; p.filter_w = 3; p.filter_in_c = 1; p.stride_h = 1; p.stride_w = 1; p.dilation_h = 1;
  p.dilation_w = 1; p.pad_h = 1; p.pad_w = 1; p.input_offset = 0; p.output_offset = 0; p.act_min = -128; p.act_max = 127;
  const int32_t mult[1] = {1 << 30}, shift[1] = {1};  // x 1
  std::vector<int8_t> in(9, 1), f(9, 1), out(9);
  ASSERT_EQ(Conv2dS8(p, {mult, shift}, in.data(), f.data(), nullptr, nullptr, out.data()), Status::kOk);
  EXPECT_EQ(out, (std::vector<int8_t>{4, 6, 4, 6, 9, 6, 4, 6, 4}));
  // Input offset, bias, output offset and clamping.
  p.input_offset = 2;  // input zero point -2
  p.output_offset = -3;
  p.act_max = 20;
  const int32_t bias[1] = {5};
  ASSERT_EQ(Conv2dS8(p, {mult, shift}, in.data(), f.data(), bias, nullptr, out.data()), Status::kOk);
  EXPECT_EQ(out, (std::vector<int8_t>{14, 20, 14, 20, 20, 20, 14, 20, 14}));  // 4*3+5-3=14, 6*3+2=20, 9*3+2 -> 20
}

TEST(KernelTest, Conv2dStrideDilationAndChannels) {
  // 1x4x4x1 input 0..15, 2x2 filter dilation 2 stride 2 VALID: out 1x1? (4 - 3)/2 + 1 = 1.
  Conv2dParams p{};
  p.batches = 1; p.in_h = 4; p.in_w = 4; p.in_c = 1; p.out_h = 1; p.out_w = 1; p.out_c = 2;
  p.filter_h = 2; p.filter_w = 2; p.filter_in_c = 1; p.stride_h = 2; p.stride_w = 2; p.dilation_h = 2;
  p.dilation_w = 2; p.act_min = -128; p.act_max = 127;
  std::vector<int8_t> in(16);
  for (int i = 0; i < 16; ++i) in[i] = static_cast<int8_t>(i);
  const std::vector<int8_t> f = {1, 0, 0, 0, 0, 1, 1, 1};  // oc0 picks (0,0); oc1 sums (0,2),(2,0),(2,2)
  const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {1, 0};  // x1, x0.5
  std::vector<int8_t> out(2);
  ASSERT_EQ(Conv2dS8(p, {mult, shift}, in.data(), f.data(), nullptr, nullptr, out.data()), Status::kOk);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 10);  // (2 + 8 + 10) * 0.5
}

TEST(KernelTest, DepthwiseMultiplier) {
  // 1x1x1x2 input {3, -2}, depth multiplier 2, 1x1 filter {1,2,3,4}: out {3,6,-6,-8}.
  DepthwiseConv2dParams p{};
  p.batches = 1; p.in_h = 1; p.in_w = 1; p.in_c = 2; p.out_h = 1; p.out_w = 1; p.out_c = 4; p.depth_multiplier = 2;
  p.filter_h = 1; p.filter_w = 1; p.stride_h = 1; p.stride_w = 1; p.dilation_h = 1; p.dilation_w = 1;
  p.act_min = -128; p.act_max = 127;
  const int32_t mult[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30}, shift[4] = {1, 1, 1, 1};
  const int8_t in[2] = {3, -2}, f[4] = {1, 2, 3, 4};
  int8_t out[4];
  ASSERT_EQ(DepthwiseConv2dS8(p, {mult, shift}, in, f, nullptr, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 6);
  EXPECT_EQ(out[2], -6);
  EXPECT_EQ(out[3], -8);
}

TEST(KernelTest, FullyConnectedOffsets) {
  FullyConnectedParams p{1, 2, 1, 1, 0, 10, 1 << 30, 1, -128, 127};
  const int8_t in[2] = {2, 3}, f[2] = {4, -1};
  const int32_t bias[1] = {-1};
  int8_t out[1];
  ASSERT_EQ(FullyConnectedS8(p, in, f, bias, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 10 + 4 * 3 - 1 * 4 - 1);
}

TEST(KernelTest, AveragePoolRoundsHalfAwayFromZero) {
  PoolParams p{1, 1, 2, 2, 1, 1, 1, 2, 1, 2, 0, 0, -128, 127};
  const int8_t in[4] = {1, -1, 2, -2};  // channel 0: {1, 2}, channel 1: {-1, -2}
  int8_t out[2];
  ASSERT_EQ(AveragePool2dS8(p, in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 2);   // 1.5 -> 2
  EXPECT_EQ(out[1], -2);  // -1.5 -> -2
  PoolParams empty{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, -128, 127};  // window entirely in padding
  EXPECT_EQ(AveragePool2dS8(empty, in, nullptr, out), Status::kKernelFailed);
}

TEST(KernelTest, MaxPoolWithPaddingAndClamp) {
  // 3x3 input, 2x2 window, stride 2, SAME padding (pad 0 top-left): windows clipped at the edge.
  PoolParams p{1, 3, 3, 1, 2, 2, 2, 2, 2, 2, 0, 0, -128, 5};
  const int8_t in[9] = {1, 2, 3, 4, 9, 6, -7, -8, -9};
  int8_t out[4];
  ASSERT_EQ(MaxPool2dS8(p, in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 5);  // 9 clamped to 5
  EXPECT_EQ(out[1], 5);  // max(3, 6)=6 -> 5
  EXPECT_EQ(out[2], -7);
  EXPECT_EQ(out[3], -9);
}

TEST(KernelTest, AddSameScaleIsSum) {
  // Both inputs and output scale s, zero points 0: multipliers 0.5, 0.5, 2^-19.
  AddParams p{};
  p.shape = Broadcast5{{1, 1, 1, 1, 4}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}};
  p.left_shift = 20;
  p.input1_multiplier = 1 << 30; p.input1_shift = 0;
  p.input2_multiplier = 1 << 30; p.input2_shift = 0;
  p.output_multiplier = 1 << 30; p.output_shift = -18;  // 2 / 2^20 = 2^-19 = 0.5 * 2^-18
  p.act_min = -128; p.act_max = 127;
  const int8_t a[4] = {1, -5, 100, -100}, b[4] = {2, 3, 100, -100};
  int8_t out[4];
  ASSERT_EQ(AddS8(p, a, b, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], -2);
  EXPECT_EQ(out[2], 127);
  EXPECT_EQ(out[3], -128);
  // Broadcast b's first element along the row.
  p.shape.stride2[4] = 0;
  ASSERT_EQ(AddS8(p, a, b, nullptr, out), Status::kOk);
  EXPECT_EQ(out[1], -3);
}

TEST(KernelTest, MulProducts) {
  MulParams p{};
  p.shape = Broadcast5{{1, 1, 1, 1, 3}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}};
  p.output_multiplier = 1 << 30; p.output_shift = -1;  // x 0.25
  p.input1_offset = 1;
  p.act_min = -128; p.act_max = 127;
  const int8_t a[3] = {3, -5, 127}, b[3] = {2, 3, 127};
  int8_t out[3];
  ASSERT_EQ(MulS8(p, a, b, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 2);    // 4*2/4
  EXPECT_EQ(out[1], -3);   // -12/4
  EXPECT_EQ(out[2], 127);  // 128*127/4 saturates
}

TEST(KernelTest, SoftmaxUniformAndSaturated) {
  // Input scale 1/16, beta 1: multiplier from 1/16 * 2^26.
  SoftmaxParams p{1, 4, 1 << 30, 23, 0};
  p.diff_min = -CalculateInputRadius(5, 23);
  const int8_t in[4] = {7, 7, 7, 7};
  int8_t out[4];
  ASSERT_EQ(SoftmaxS8(p, in, nullptr, out), Status::kOk);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], -64);  // 0.25 * 256 - 128
  const int8_t peaked[4] = {127, -128, -128, -128};
  ASSERT_EQ(SoftmaxS8(p, peaked, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 127);
  EXPECT_EQ(out[1], -128);
}

TEST(KernelTest, ElementwiseOps) {
  int8_t out[4];
  const int8_t in[4] = {-10, 0, 10, 100};
  ReluParams relu{4, 0, 0, 1 << 30, 1, 0, 127};
  ASSERT_EQ(ReluS8(relu, in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[3], 100);
  ReluParams relu6{4, 0, 0, 0, 0, 0, 60};
  ASSERT_EQ(Relu6S8(relu6, in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[3], 60);
  QuantizeParams rq{4, 0, 5, 1 << 30, 0, 0.0f};  // x 0.5 + 5
  ASSERT_EQ(RequantizeS8(rq, in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[3], 55);
  const float f[4] = {-1.0f, 0.26f, 1e9f, -1e30f};
  QuantizeParams fq{4, 0, -1, 0, 0, 0.5f};
  ASSERT_EQ(QuantizeF32ToS8(fq, f, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], -3);
  EXPECT_EQ(out[1], 0);  // round(0.52) - 1
  EXPECT_EQ(out[2], 127);
  EXPECT_EQ(out[3], -128);
  float deq[4];
  DequantizeParams dq{4, 10, 0.5f};
  ASSERT_EQ(DequantizeS8(dq, in, nullptr, deq), Status::kOk);
  EXPECT_FLOAT_EQ(deq[0], -10.0f);
  EXPECT_FLOAT_EQ(deq[3], 45.0f);
  int8_t copy[4] = {};
  ASSERT_EQ(CopyBytes(CopyParams{4}, in, nullptr, copy), Status::kOk);
  EXPECT_EQ(std::vector<int8_t>(copy, copy + 4), std::vector<int8_t>(in, in + 4));
  // Logistic and tanh of 0 (zero point input) and saturation outside the radius.
  SigmoidParams sp{4, 0, 100, 1 << 30, 0};
  const int8_t s_in[4] = {0, 127, -128, 0};
  ASSERT_EQ(LogisticS8(sp, s_in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 0);     // 0.5 -> 128 - 128
  EXPECT_EQ(out[1], 127);
  EXPECT_EQ(out[2], -128);
  ASSERT_EQ(TanhS8(sp, s_in, nullptr, out), Status::kOk);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 127);
  EXPECT_EQ(out[2], -128);
}

// Found by the fuzzer: an extreme scale ratio made output offset + requantised value overflow int32
// (undefined behaviour; the reference wraps on hardware). Run under UBSan to see the difference.
TEST(KernelTest, ExtremeRequantizationWrapsWithoutUndefinedBehaviour) {
  const int8_t in[2] = {-128, 127};
  int8_t out[2];
  ReluParams relu{2, 127, -10, INT32_MAX, 30, -128, 127};
  ASSERT_EQ(ReluS8(relu, in, nullptr, out), Status::kOk);
  // (-128 - 127) << 30 wraps to 2^30 (as the reference's int32 multiply does on hardware), x ~1 -> clamp 127.
  EXPECT_EQ(out[0], 127);
  QuantizeParams rq{2, 127, -10, INT32_MAX, 30, 0.0f};
  ASSERT_EQ(RequantizeS8(rq, in, nullptr, out), Status::kOk);
  MulParams mp{};
  mp.shape = Broadcast5{{1, 1, 1, 1, 2}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}};
  mp.output_multiplier = INT32_MAX; mp.output_shift = 30; mp.output_offset = -100; mp.act_min = -128; mp.act_max = 127;
  ASSERT_EQ(MulS8(mp, in, in, nullptr, out), Status::kOk);
}

TEST(KernelTest, PadConcatMean) {
  ConstantPadParams pad{{1, 1, 1, 1, 2}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 2}, 1};
  const int8_t in[2] = {4, 5}, border = -7;
  int8_t out[5];
  ASSERT_EQ(ConstantPad(pad, in, &border, out), Status::kOk);
  EXPECT_EQ(std::vector<int8_t>(out, out + 5), (std::vector<int8_t>{-7, 4, 5, -7, -7}));

  const uint8_t a[4] = {1, 2, 3, 4}, b[2] = {9, 8};
  const uint8_t* ins[2] = {a, b};
  const uint32_t sizes[2] = {2, 1};
  ConcatParams cp{2, 1, 0};  // [2,2] ++ [2,1] along axis 1, 1-byte elements
  uint8_t cat[6];
  ASSERT_EQ(Concat(cp, 2, ins, sizes, cat), Status::kOk);
  EXPECT_EQ(std::vector<uint8_t>(cat, cat + 6), (std::vector<uint8_t>{1, 2, 9, 3, 4, 8}));

  // Mean over H, W of 2x2x2, same quantisation: truncating integer division.
  MeanParams mp{{1, 1, 2, 2, 2}, {0, 0, 1, 1, 0}, 1, 0, 1.0f, 0.0f};
  const int8_t m_in[8] = {1, 10, 2, 20, 3, 30, 4, -47};
  int32_t scratch[2];
  int8_t m_out[2];
  ASSERT_EQ(MeanS8ScratchBytes(mp), 8u);
  ASSERT_EQ(MeanS8(mp, m_in, scratch, m_out), Status::kOk);
  EXPECT_EQ(m_out[0], 2);  // 10 / 4 = 2.5 truncates to 2
  EXPECT_EQ(m_out[1], 3);  // 13 / 4 = 3.25 -> 3
  // Different quantisation: scale 0.5, input zero point 2 (bias -1), output zero point 1.
  MeanParams rq{{1, 1, 2, 2, 2}, {0, 0, 1, 1, 0}, 0, 1, 0.5f, -1.0f};
  ASSERT_EQ(MeanS8(rq, m_in, scratch, m_out), Status::kOk);
  EXPECT_EQ(m_out[0], 1);  // round(2.5 * 0.5 - 1) + 1 = round(0.25) + 1 = 1
  EXPECT_EQ(m_out[1], 2);  // round(3.25 * 0.5 - 1) + 1 = round(0.625) + 1 = 2
}


// ---- the rewritten arithmetic of the ADD and AVERAGE_POOL_2D variants ----

// A random broadcast of two right-aligned shapes of up to 5 dimensions, as PrepareAdd's MakeBroadcast
// builds it.
Broadcast5 RandomBroadcast(std::mt19937& rng) {
  int32_t da[5], db[5];
  for (int i = 0; i < 5; ++i) {
    const int32_t d = static_cast<int32_t>(rng() % 4) + 1;
    const unsigned pick = rng() % 4;  // both d, a broadcasts, b broadcasts, both 1
    da[i] = pick == 1 || pick == 3 ? 1 : d;
    db[i] = pick == 2 || pick == 3 ? 1 : d;
  }
  Broadcast5 b{};
  int32_t sa = 1, sb = 1;
  for (int i = 4; i >= 0; --i) {
    b.out_dims[i] = da[i] > db[i] ? da[i] : db[i];
    b.stride1[i] = da[i] == 1 ? 0 : sa;
    b.stride2[i] = db[i] == 1 ? 0 : sb;
    sa *= da[i];
    sb *= db[i];
  }
  return b;
}

TEST(BroadcastRowsTest, VisitsTheSameElementsInTheSameOrder) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    const Broadcast5 b = RandomBroadcast(rng);
    std::vector<std::array<int32_t, 3>> want, got;
    ForEachBroadcast(b, [&](int32_t i1, int32_t i2, int32_t o) { want.push_back({i1, i2, o}); });
    const BroadcastRows rows = MakeBroadcastRows(b);
    ASSERT_TRUE(rows.step1 == 0 || rows.step1 == 1);
    ASSERT_TRUE(rows.step2 == 0 || rows.step2 == 1);
    ForEachBroadcastRow(rows, [&](int32_t i1, int32_t i2, int32_t o) {
      for (int32_t k = 0; k < rows.row; ++k) got.push_back({i1 + k * rows.step1, i2 + k * rows.step2, o + k});
    });
    ASSERT_EQ(got, want) << "trial " << trial;
  }
  // Same shapes are one row; a per-channel operand repeats along the outer dimensions.
  const Broadcast5 same{{1, 2, 3, 4, 5}, {120, 60, 20, 5, 1}, {120, 60, 20, 5, 1}};
  EXPECT_EQ(MakeBroadcastRows(same).row, 120);
  const Broadcast5 channel{{1, 1, 6, 6, 8}, {0, 0, 48, 8, 1}, {0, 0, 0, 0, 1}};
  const BroadcastRows r = MakeBroadcastRows(channel);
  EXPECT_EQ(r.row, 8);
  EXPECT_EQ(r.outer[0], 36);
  EXPECT_EQ(r.stride2[0], 0);
}

// AddParams as PrepareAdd derives them from the three scales, zero points and activation range.
AddParams AddParamsFor(double scale1, double scale2, double scale_out, int32_t zp1, int32_t zp2, int32_t zp_out,
                       int32_t act_min, int32_t act_max) {
  AddParams p{};
  p.left_shift = 20;
  const double twice_max = 2.0 * (scale1 > scale2 ? scale1 : scale2);
  int s1 = 0, s2 = 0, so = 0;
  EXPECT_TRUE(QuantizeMultiplier(scale1 / twice_max, &p.input1_multiplier, &s1));
  EXPECT_TRUE(QuantizeMultiplier(scale2 / twice_max, &p.input2_multiplier, &s2));
  EXPECT_TRUE(QuantizeMultiplier(twice_max / ((1 << 20) * scale_out), &p.output_multiplier, &so));
  p.input1_shift = s1;
  p.input2_shift = s2;
  p.output_shift = so;
  p.input1_offset = -zp1;
  p.input2_offset = -zp2;
  p.output_offset = zp_out;
  p.act_min = act_min;
  p.act_max = act_max;
  return p;
}

// Every pair of int8 inputs through AddS8 and through the DSP variant's arithmetic (add_s8_fast.h).
void ExpectAddFastEqualsReference(const AddParams& base) {
  std::vector<int8_t> a(65536), b(65536), want(65536);
  for (int i = 0; i < 65536; ++i) {
    a[i] = static_cast<int8_t>(i & 0xFF);
    b[i] = static_cast<int8_t>(i >> 8);
  }
  AddParams p = base;
  p.shape = Broadcast5{{1, 1, 1, 1, 65536}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}};
  ASSERT_EQ(AddS8(p, a.data(), b.data(), nullptr, want.data()), Status::kOk);
  add_fast::AddFast f;
  ASSERT_TRUE(add_fast::MakeAddFast(p, &f));
  for (int i = 0; i < 65536; ++i) {
    const int8_t got = add_fast::Output(add_fast::Scaled(a[i], f.in1) + add_fast::Scaled(b[i], f.in2), f);
    ASSERT_EQ(got, want[i]) << "a " << int{a[i]} << " b " << int{b[i]} << " offsets " << p.input1_offset << " "
                            << p.input2_offset << " " << p.output_offset << " multipliers " << p.input1_multiplier
                            << " " << p.input2_multiplier << " " << p.output_multiplier << " shifts "
                            << p.input1_shift << " " << p.input2_shift << " " << p.output_shift;
  }
}

TEST(AddFastTest, EqualsTheReferenceForEveryInputPair) {
  std::mt19937 rng(5);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * (rng() / 4294967296.0); };
  // Scales as converters produce them (ratios up to 2^6 between inputs, outputs 0.5x to 4x the larger
  // input), zero points anywhere in int8, activation ranges of none / relu / relu6-like.
  for (int trial = 0; trial < 150; ++trial) {
    const double s1 = std::ldexp(uniform(1.0, 2.0), -static_cast<int>(rng() % 10) - 3);
    const double s2 = s1 * std::ldexp(uniform(1.0, 2.0), static_cast<int>(rng() % 13) - 6);
    const double so = (s1 > s2 ? s1 : s2) * std::ldexp(uniform(1.0, 2.0), static_cast<int>(rng() % 3) - 1);
    const int32_t zo = static_cast<int32_t>(rng() % 256) - 128;
    const int32_t lo = trial % 3 == 0 ? -128 : zo;
    const int32_t hi = trial % 3 == 2 ? (zo + 60 < 127 ? zo + 60 : 127) : 127;
    ExpectAddFastEqualsReference(AddParamsFor(s1, s2, so, static_cast<int32_t>(rng() % 256) - 128,
                                              static_cast<int32_t>(rng() % 256) - 128, zo, lo, hi));
  }
  // Equal scales (multipliers exactly 2^30, shift 0: every rounding a tie), the extreme offsets, and
  // the largest and smallest shifts MakeAddFast takes.
  ExpectAddFastEqualsReference(AddParamsFor(0.05, 0.05, 0.1, -128, 127, 0, -128, 127));
  ExpectAddFastEqualsReference(AddParamsFor(0.05, 0.05, 0.025, 127, -128, -128, -128, 127));
  ExpectAddFastEqualsReference(AddParamsFor(1.0, 1.0, 0.004, -128, -128, 127, -128, 127));
  AddParams edge = AddParamsFor(0.01, 0.02, 0.03, -128, 127, 5, -100, 100);
  edge.input1_multiplier = INT32_MAX;
  edge.input1_shift = 0;
  edge.input2_multiplier = 0;
  edge.output_multiplier = INT32_MAX;
  edge.output_shift = 0;
  ExpectAddFastEqualsReference(edge);
  edge.input1_shift = -29;
  edge.input2_multiplier = 1 << 30;
  edge.input2_shift = -29;
  edge.output_shift = -29;
  ExpectAddFastEqualsReference(edge);
  edge.input1_offset = 128;
  edge.input2_offset = -128;
  edge.output_shift = -15;
  ExpectAddFastEqualsReference(edge);
}

TEST(AddFastTest, RefusesParametersOutsideTheProof) {
  const AddParams ok = AddParamsFor(0.01, 0.02, 0.03, 3, -4, 5, -128, 127);
  add_fast::AddFast f;
  ASSERT_TRUE(add_fast::MakeAddFast(ok, &f));
  std::vector<AddParams> bad(7, ok);
  bad[0].left_shift = 19;
  bad[1].input1_offset = 129;
  bad[2].input2_shift = -30;
  bad[3].output_shift = 1;
  bad[4].output_multiplier = -1;
  bad[5].act_min = 10, bad[5].act_max = 9;
  bad[6].output_offset = (1 << 28) + 1;
  for (const AddParams& p : bad) EXPECT_FALSE(add_fast::MakeAddFast(p, &f));
}

// The reference's rounded average: (acc > 0 ? acc + count / 2 : acc - count / 2) / count.
int32_t ReferenceAverage(int32_t acc, int32_t count) {
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

TEST(AveragePoolFastTest, ReciprocalDivisionEqualsTheReference) {
  // Every sum a window of up to 256 int8 values can hold.
  for (int32_t count = 1; count <= 256; ++count) {
    const uint32_t r = avgpool_fast::Reciprocal(count);
    for (int32_t acc = -128 * count; acc <= 127 * count; ++acc)
      ASSERT_EQ(avgpool_fast::Average(acc, count / 2, r), ReferenceAverage(acc, count)) << acc << " / " << count;
  }
  // Larger windows up to kMaxCount: the extremes, the values around every multiple of count near them,
  // and random sums.
  std::mt19937 rng(3);
  for (int32_t count = 257; count <= avgpool_fast::kMaxCount; ++count) {
    const uint32_t r = avgpool_fast::Reciprocal(count);
    std::vector<int32_t> sums;
    for (int32_t d = -count; d <= count; ++d) {
      sums.push_back(-128 * count + count + d);
      sums.push_back(127 * count - count + d);
    }
    sums.push_back(-128 * count);
    sums.push_back(127 * count);
    for (int i = 0; i < 200; ++i) sums.push_back(static_cast<int32_t>(rng() % (255u * count + 1)) - 128 * count);
    for (int32_t acc : sums)
      ASSERT_EQ(avgpool_fast::Average(acc, count / 2, r), ReferenceAverage(acc, count)) << acc << " / " << count;
  }
}

}  // namespace
}  // namespace hil::agent::engine
