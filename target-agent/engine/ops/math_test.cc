// The unary math family (ops/math.cc): hand-computed outputs of ABS (int8, int16 with and without quantization,
// float32), RSQRT (int8, float32), L2_NORMALIZATION (int8, float32) and the float32-only operators, and the models
// they refuse.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::ModelSpec;

constexpr int kF32 = 0, kI32 = 2, kI16 = 7, kI8 = 9;
constexpr int kFloor = 8, kL2Normalization = 11, kExp = 47, kNeg = 59, kSin = 66, kLog = 73, kSqrt = 75, kRsqrt = 76,
              kSquare = 92, kAbs = 101, kCeil = 104, kCos = 108, kRound = 116;
constexpr uint8_t kL2NormOptions = 12;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
};

T Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) { return {std::move(shape), type, {scale}, {zp}}; }
T Plain(std::vector<int32_t> shape, int type) { return {std::move(shape), type, {}, {}}; }

ModelSpec OneOp(int opcode, const T& in, const T& out, uint8_t options_type = 0, testing::FbNodeP options = nullptr) {
  ModelSpec m;
  m.buffers.push_back({});
  for (const T& t : {in, out}) m.tensors.push_back({t.shape, t.type, 0, t.scales, t.zero_points, 0});
  m.ops.push_back({opcode, {0}, {1}, options_type, options, {}});
  m.inputs = {0};
  m.outputs = {1};
  return m;
}

ModelSpec L2Norm(const T& in, const T& out, int act = 0) {
  auto o = testing::Table();
  testing::AddScalar(o, 0, 1, static_cast<uint64_t>(act));
  return OneOp(kL2Normalization, in, out, kL2NormOptions, o);
}

struct OpRun {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string Error() const { return interp.ErrorDetail(); }
  template <typename V>
  void Set(const std::vector<V>& x) {
    const TensorView in = interp.input(0);
    ASSERT_EQ(in.bytes, x.size() * sizeof(V));
    std::memcpy(in.data, x.data(), in.bytes);
  }
  template <typename V>
  std::vector<V> Out() {
    const TensorView out = interp.output(0);
    std::vector<V> y(out.bytes / sizeof(V));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

template <typename V>
std::vector<V> RunOp(const ModelSpec& spec, const std::vector<V>& x) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), Status::kOk) << r.Error();
  if (!r.interp.loaded()) return {};
  r.Set(x);
  EXPECT_EQ(r.interp.Invoke(nullptr), Status::kOk) << r.Error();
  return r.Out<V>();
}

std::string Refused(const ModelSpec& spec, Status want) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), want) << r.Error();
  return r.Error();
}

using I8 = std::vector<int8_t>;
using I16 = std::vector<int16_t>;
using F = std::vector<float>;

uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// ---- ABS ----

TEST(MathTest, AbsInt8) {
  // Equal scales: |q - 10| - 20, clamped: 5 -> 5 - 20; -128 -> 138 - 20; 127 -> 117 - 20.
  EXPECT_EQ(RunOp(OneOp(kAbs, Q({3}, kI8, 0.1f, 10), Q({3}, kI8, 0.1f, -20)), I8{5, -128, 127}), (I8{-15, 118, 97}));
  // |-128 - 100| = 228 saturates.
  EXPECT_EQ(RunOp(OneOp(kAbs, Q({2}, kI8, 0.1f, 100), Q({2}, kI8, 0.1f, 0)), I8{-128, 100}), (I8{127, 0}));
  // Scales 0.5 -> 0.25: |a| times 2: -3 -> 6, 100 -> 200 saturates.
  EXPECT_EQ(RunOp(OneOp(kAbs, Q({2}, kI8, 0.5f, 0), Q({2}, kI8, 0.25f, 0)), I8{-3, 100}), (I8{6, 127}));
}

TEST(MathTest, AbsInt16) {
  // Quantized (zero points 0): |-32768| = 32768 saturates to 32767. Rescaled by 0.5: 32768 * 0.5 = 16384.
  EXPECT_EQ(RunOp(OneOp(kAbs, Q({3}, kI16, 0.01f, 0), Q({3}, kI16, 0.01f, 0)), I16{-32768, -5, 7}),
            (I16{32767, 5, 7}));
  EXPECT_EQ(RunOp(OneOp(kAbs, Q({2}, kI16, 0.01f, 0), Q({2}, kI16, 0.02f, 0)), I16{-32768, 3}), (I16{16384, 2}));
  // Without quantization TFLite Micro takes the plain abs, narrowed back to int16: -32768 stays -32768.
  EXPECT_EQ(RunOp(OneOp(kAbs, Plain({3}, kI16), Plain({3}, kI16)), I16{-32768, -5, 7}), (I16{-32768, 5, 7}));
}

// ---- RSQRT ----

TEST(MathTest, RsqrtInt8) {
  // Input scale 0.25 (zero point -128), output scale 1/32: the multiplier 1 / (sqrt(0.25) / 32) = 64. a = 4 (1.0)
  // -> 1 -> 32; a = 16 (4.0) -> 0.5 -> 16; a = 255 (63.75) -> 0.1252 -> 4; a = 0 -> 127 (TFLite's choice).
  const ModelSpec m = OneOp(kRsqrt, Q({4}, kI8, 0.25f, -128), Q({4}, kI8, 1.0f / 32, 0));
  EXPECT_EQ(RunOp(m, I8{-124, -112, 127, -128}), (I8{32, 16, 4, 127}));
}

TEST(MathTest, RsqrtInt8FailsBelowTheZeroPoint) {
  // A negative real input is an Eval error in TFLite Micro: the kernel fails.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kRsqrt, Q({2}, kI8, 0.25f, 0), Q({2}, kI8, 1.0f / 32, 0))), Status::kOk) << r.Error();
  r.Set(I8{4, -1});
  EXPECT_EQ(r.interp.Invoke(nullptr), Status::kKernelFailed);
}

// ---- L2_NORMALIZATION ----

TEST(MathTest, L2NormalizationInt8) {
  // Rows of the last dimension, output x / |x| at scale 1/128: (3, 4) -> (0.6, 0.8) -> (76.8, 102.4) -> (77, 102);
  // zero point 0 everywhere. An all-zero row (S = 0) gives 0. (-128) alone -> -1.0 -> -128.
  EXPECT_EQ(RunOp(L2Norm(Q({3, 2}, kI8, 0.1f, 0), Q({3, 2}, kI8, 1.0f / 128, 0)), I8{3, 4, 0, 0, -6, 8}),
            (I8{77, 102, 0, 0, -77, 102}));
  EXPECT_EQ(RunOp(L2Norm(Q({1, 1}, kI8, 0.1f, 0), Q({1, 1}, kI8, 1.0f / 128, 0)), I8{-128}), (I8{-128}));
  // The input zero point is subtracted first: (13, 14) with zero point 10 is (3, 4) again.
  EXPECT_EQ(RunOp(L2Norm(Q({2}, kI8, 0.1f, 10), Q({2}, kI8, 1.0f / 128, 0)), I8{13, 14}), (I8{77, 102}));
}

TEST(MathTest, L2NormalizationFloat32) {
  // x / max(sqrt(sum x^2), 1e-6).
  const F y = RunOp(L2Norm(Plain({2, 2}, kF32), Plain({2, 2}, kF32)), F{3.0f, 4.0f, 0.0f, 0.0f});
  EXPECT_EQ(y, (F{3.0f / 5.0f, 4.0f / 5.0f, 0.0f, 0.0f}));
}

// ---- the float32-only operators ----

TEST(MathTest, Float32Functions) {
  const T f = Plain({4}, kF32);
  EXPECT_EQ(RunOp(OneOp(kExp, f, f), F{0.0f, 1.0f, -1.0f, 2.0f}),
            (F{1.0f, std::exp(1.0f), std::exp(-1.0f), std::exp(2.0f)}));
  EXPECT_EQ(RunOp(OneOp(kLog, f, f), F{1.0f, 2.0f, 10.0f, 0.5f}),
            (F{0.0f, std::log(2.0f), std::log(10.0f), std::log(0.5f)}));
  EXPECT_EQ(RunOp(OneOp(kSqrt, f, f), F{4.0f, 2.0f, 0.0f, 0.25f}), (F{2.0f, std::sqrt(2.0f), 0.0f, 0.5f}));
  EXPECT_EQ(RunOp(OneOp(kRsqrt, f, f), F{4.0f, 0.25f, 1.0f, 16.0f}), (F{0.5f, 2.0f, 1.0f, 0.25f}));
  EXPECT_EQ(RunOp(OneOp(kSin, f, f), F{0.0f, 1.0f, -2.0f, 3.0f}),
            (F{0.0f, std::sin(1.0f), std::sin(-2.0f), std::sin(3.0f)}));
  EXPECT_EQ(RunOp(OneOp(kCos, f, f), F{0.0f, 1.0f, -2.0f, 3.0f}),
            (F{1.0f, std::cos(1.0f), std::cos(-2.0f), std::cos(3.0f)}));
  EXPECT_EQ(RunOp(OneOp(kNeg, f, f), F{2.0f, -3.5f, 0.0f, 1e30f}), (F{-2.0f, 3.5f, -0.0f, -1e30f}));
  EXPECT_EQ(RunOp(OneOp(kFloor, f, f), F{-1.5f, 1.5f, 2.0f, -0.2f}), (F{-2.0f, 1.0f, 2.0f, -1.0f}));
  EXPECT_EQ(RunOp(OneOp(kCeil, f, f), F{-1.5f, 1.5f, 2.0f, 0.2f}), (F{-1.0f, 2.0f, 2.0f, 1.0f}));
  EXPECT_EQ(RunOp(OneOp(kSquare, f, f), F{3.0f, -0.5f, 0.0f, 1e20f}), (F{9.0f, 0.25f, 0.0f, INFINITY}));
  EXPECT_EQ(RunOp(OneOp(kAbs, f, f), F{-3.0f, 2.0f, -0.0f, 0.0f}), (F{3.0f, 2.0f, 0.0f, 0.0f}));
}

TEST(MathTest, Float32RoundIsHalfToEvenThroughFloor) {
  // TFLite's RoundToNearest: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 0.5 -> 0; -0.4 and -0.5 give +0 (floor + 1), not -0.
  const F y = RunOp(OneOp(kRound, Plain({7}, kF32), Plain({7}, kF32)), F{2.5f, 3.5f, -2.5f, 0.5f, -0.4f, -0.5f, 1e30f});
  EXPECT_EQ(y, (F{2.0f, 4.0f, -2.0f, 0.0f, 0.0f, 0.0f, 1e30f}));
  EXPECT_EQ(Bits(y[4]), 0u);
  EXPECT_EQ(Bits(y[5]), 0u);
}

TEST(MathTest, Refusals) {
  // EXP (and the others) are float32 only in TFLite Micro.
  const std::string d = Refused(OneOp(kExp, Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0)), Status::kUnsupportedOperator);
  EXPECT_EQ(d, "EXP at operator 0: int8 -> int8 is not supported (float32 only, as in TFLite Micro)");
  Refused(OneOp(kSquare, Plain({2}, kF32), Plain({3}, kF32)), Status::kModelInvalid);
  Refused(OneOp(kAbs, Plain({2}, kI32), Plain({2}, kI32)), Status::kUnsupportedOperator);
  // int16 ABS with quantization needs zero points 0; int16 RSQRT is refused by TFLite Micro's prepare.
  Refused(OneOp(kAbs, Q({2}, kI16, 0.1f, 3), Q({2}, kI16, 0.1f, 3)), Status::kModelInvalid);
  Refused(OneOp(kRsqrt, Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)), Status::kUnsupportedOperator);
  Refused(OneOp(kAbs, Q({2}, kI8, 0.1f, 0), Q({2}, kI16, 0.1f, 0)), Status::kUnsupportedOperator);
  // L2_NORMALIZATION: fused activation NONE only, rank at most 4, int8 or float32.
  Refused(L2Norm(Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 1.0f / 128, 0), 1), Status::kUnsupportedOperator);
  Refused(L2Norm(Q({1, 1, 1, 1, 2}, kI8, 0.1f, 0), Q({1, 1, 1, 1, 2}, kI8, 1.0f / 128, 0)),
          Status::kUnsupportedOperator);
  Refused(L2Norm(Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)), Status::kUnsupportedOperator);
}

}  // namespace
}  // namespace hil::agent::engine
