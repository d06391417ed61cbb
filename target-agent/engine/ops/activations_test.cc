// The activation family (ops/activations.cc): hand-computed outputs of RELU, RELU6, LOGISTIC, TANH (int16,
// float32; int8 is covered by the reference models), LEAKY_RELU, PRELU, HARD_SWISH and ELU for every type they
// run, the sigmoid table of kernels/sigmoid_s16.h against TFLite's, and the models they refuse.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "kernels/sigmoid_s16.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::BytesOf;
using testing::ModelSpec;

constexpr int kF32 = 0, kI32 = 2, kI16 = 7, kI8 = 9;
constexpr int kLogistic = 14, kRelu = 19, kRelu6 = 21, kTanh = 28, kPrelu = 54, kLeakyRelu = 98, kElu = 111,
              kHardSwish = 117;
constexpr uint8_t kLeakyReluOptions = 75;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  std::vector<uint8_t> data;  // constant when not empty
};

T Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) { return {std::move(shape), type, {scale}, {zp}, {}}; }
T Plain(std::vector<int32_t> shape, int type) { return {std::move(shape), type, {}, {}, {}}; }
template <typename V>
T Const(T t, const std::vector<V>& values) {
  t.data = BytesOf(values);
  return t;
}

// One operator over `tensors` (the last is the output); non-constant inputs become model inputs.
ModelSpec OneOp(int opcode, const std::vector<T>& tensors, const std::vector<int32_t>& op_inputs,
                uint8_t options_type = 0, testing::FbNodeP options = nullptr) {
  ModelSpec m;
  m.buffers.push_back({});
  for (const T& t : tensors) {
    uint32_t buffer = 0;
    if (!t.data.empty()) {
      m.buffers.push_back(t.data);
      buffer = static_cast<uint32_t>(m.buffers.size() - 1);
    }
    m.tensors.push_back({t.shape, t.type, buffer, t.scales, t.zero_points, 0});
  }
  const int32_t out = static_cast<int32_t>(tensors.size()) - 1;
  m.ops.push_back({opcode, op_inputs, {out}, options_type, options, {}});
  for (int32_t i : op_inputs)
    if (i >= 0 && tensors[i].data.empty()) m.inputs.push_back(i);
  m.outputs = {out};
  return m;
}

ModelSpec Unary(int opcode, const T& in, const T& out) { return OneOp(opcode, {in, out}, {0}); }

ModelSpec LeakyRelu(const T& in, const T& out, float alpha) {
  auto o = testing::Table();
  testing::AddFloat(o, 0, alpha);
  return OneOp(kLeakyRelu, {in, out}, {0}, kLeakyReluOptions, o);
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
  void Set(int i, const std::vector<V>& x) {
    const TensorView in = interp.input(i);
    ASSERT_EQ(in.bytes, x.size() * sizeof(V));
    std::memcpy(in.data, x.data(), in.bytes);
  }
  template <typename V>
  std::vector<V> Out() {
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView out = interp.output(0);
    std::vector<V> y(out.bytes / sizeof(V));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

// Loads `spec`, feeds x to input 0 and returns output 0.
template <typename V, typename W = V>
std::vector<W> RunOp(const ModelSpec& spec, const std::vector<V>& x) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), Status::kOk) << r.Error();
  if (!r.interp.loaded()) return {};
  r.Set(0, x);
  return r.Out<W>();
}

std::string Refused(const ModelSpec& spec, Status want) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), want) << r.Error();
  return r.Error();
}

using I8 = std::vector<int8_t>;
using I16 = std::vector<int16_t>;
using F = std::vector<float>;

// ---- the sigmoid table and the int16 element functions ----

TEST(ActivationsTest, SigmoidTableIsTflitesTable) {
  // Values of TFLite's sigmoid_table_uint16: entries one above round(65536 sigmoid(i/24)) (4, 66), entries
  // closest to a rounding boundary (66, 174), the saturated end, and the sum of all 256 entries.
  const auto& t = kSigmoidTableU16.v;
  EXPECT_EQ(t[0], 32768);
  EXPECT_EQ(t[1], 33451);
  EXPECT_EQ(t[4], 35493);
  EXPECT_EQ(t[24], 47911);
  EXPECT_EQ(t[48], 57724);
  EXPECT_EQ(t[66], 61599);
  EXPECT_EQ(t[174], 65489);
  EXPECT_EQ(t[254], 65534);
  EXPECT_EQ(t[255], 65535);
  long sum = 0;
  for (uint16_t v : t) sum += v;
  EXPECT_EQ(sum, 15670629);
}

TEST(ActivationsTest, LogisticS16ValueInterpolatesAndSaturates) {
  // v = 0: T[0] * 2^9 rounded to Q0.15 is 0.5. v = 512: T[1] exactly, (33451 * 512 + 512) >> 10 = 16726; its
  // mirror (2^25 - 33451 * 512 + 511) >> 10 = 16042 (the two sum to 1.0). v = 256: half-way between T[0] and
  // T[1], (32768 * 512 + 256 * 683 + 512) >> 10 = 16555. |v| >= 255 * 512: 32767 and 1.
  EXPECT_EQ(LogisticS16Value(0), 16384);
  EXPECT_EQ(LogisticS16Value(512), 16726);
  EXPECT_EQ(LogisticS16Value(-512), 16042);
  EXPECT_EQ(LogisticS16Value(256), 16555);
  EXPECT_EQ(LogisticS16Value(255 * 512), 32767);
  EXPECT_EQ(LogisticS16Value(-255 * 512), 1);
  EXPECT_EQ(LogisticS16Value(INT32_MIN + 1), 1);
}

TEST(ActivationsTest, TanhS16ValueIsOddAndSaturates) {
  // v = 256: T[1] * 2^8 - 2^23 + 2^7 >> 8 = 683 (tanh(1/48) * 32768 = 682.6); -683 mirrored (floor of -682.5).
  // Saturated: (0xFFFF << 8) - 2^23 + 2^7 >> 8 = 32767, and -32767 below.
  EXPECT_EQ(TanhS16Value(0), 0);
  EXPECT_EQ(TanhS16Value(256), 683);
  EXPECT_EQ(TanhS16Value(-256), -683);
  EXPECT_EQ(TanhS16Value(1 << 20), 32767);
  EXPECT_EQ(TanhS16Value(-(1 << 20)), -32767);
}

TEST(ActivationsTest, SigmoidS16InputRescales) {
  // (q * m + 2^(n-1)) >> n, and q * m with n = 0.
  EXPECT_EQ(SigmoidS16Input(10000, 20132, 14), 12288);
  EXPECT_EQ(SigmoidS16Input(-5, 3, 0), -15);
  EXPECT_EQ(SigmoidS16Input(-32768, 32767, 31), 0);
  EXPECT_EQ(SigmoidS16Input(32767, 32767, 31), 0);
}

// ---- LOGISTIC / TANH ----

TEST(ActivationsTest, LogisticInt16PowerOfTwoScale) {
  // Input scale 2^-12: v = 3q exactly. q = 4096 (1.0) is v = 12288, T[24] on the dot: (47911 + 1) / 2 = 23956
  // (sigmoid(1) * 32768 = 23955.5); q = -4096 its mirror 8812; q = 1: v = 3, (2^24 + 3 * 683 + 512) >> 10.
  const ModelSpec m = Unary(kLogistic, Q({4}, kI16, 1.0f / 4096, 0), Q({4}, kI16, 1.0f / 32768, 0));
  EXPECT_EQ(RunOp(m, I16{0, 4096, -4096, 1}), (I16{16384, 23956, 8812, 16386}));
}

TEST(ActivationsTest, LogisticInt16GeneralScale) {
  // Input scale 1e-4: m = 1e-4 * 12288 doubled 14 times (20132.66 > 16383.5) and truncated to 20132, so
  // v = (q * 20132 + 2^13) >> 14: q = 10000 (1.0) gives v = 12288 and 23956 as above; q = 5000 gives v = 6144,
  // T[12] = 40794 on the dot, (40794 * 512 + 512) >> 10 = 20397 (sigmoid(0.5) * 32768 = 20396.7).
  const ModelSpec m = Unary(kLogistic, Q({3}, kI16, 1e-4f, 0), Q({3}, kI16, 1.0f / 32768, 0));
  EXPECT_EQ(RunOp(m, I16{10000, 5000, 0}), (I16{23956, 20397, 16384}));
}

TEST(ActivationsTest, TanhInt16PowerOfTwoScales) {
  // 2^-11: v = 6q, so q = 2048 (1.0) is v = 12288 and T[48] = 57724 on the dot: (57724 * 256 - 2^23 + 2^7) >> 8
  // = 24956 (tanh(1) * 32768 = 24956.0). 2^-12: v = 3q, q = 4096 the same point.
  EXPECT_EQ(RunOp(Unary(kTanh, Q({3}, kI16, 1.0f / 2048, 0), Q({3}, kI16, 1.0f / 32768, 0)), I16{2048, -2048, 0}),
            (I16{24956, -24956, 0}));
  EXPECT_EQ(RunOp(Unary(kTanh, Q({2}, kI16, 1.0f / 4096, 0), Q({2}, kI16, 1.0f / 32768, 0)), I16{4096, 32767}),
            (I16{24956, 32767}));
}

TEST(ActivationsTest, LogisticAndTanhFloat32) {
  // LOGISTIC: 1 above 16.619, exp(x) below -9, else 1 / (1 + exp(-x)); TANH: tanhf.
  const F lg = RunOp(Unary(kLogistic, Plain({4}, kF32), Plain({4}, kF32)), F{0.0f, 20.0f, -10.0f, 1.0f});
  EXPECT_EQ(lg[0], 0.5f);
  EXPECT_EQ(lg[1], 1.0f);
  EXPECT_EQ(lg[2], std::exp(-10.0f));
  EXPECT_EQ(lg[3], 1.0f / (1.0f + std::exp(-1.0f)));
  const F th = RunOp(Unary(kTanh, Plain({2}, kF32), Plain({2}, kF32)), F{0.0f, 0.5f});
  EXPECT_EQ(th[0], 0.0f);
  EXPECT_EQ(th[1], std::tanh(0.5f));
}

TEST(ActivationsTest, LogisticAndTanhRefusals) {
  // int16: output scale must be 2^-15 and zero points 0 (TFLite Micro's prepare); int8 -> int16 and int32 are
  // not run.
  EXPECT_EQ(Refused(Unary(kLogistic, Q({2}, kI16, 1.0f / 4096, 0), Q({2}, kI16, 1.0f / 16384, 0)),
                    Status::kModelInvalid),
            "LOGISTIC at operator 0: int16 output scale must be 2^-15");
  Refused(Unary(kTanh, Q({2}, kI16, 1.0f / 4096, 3), Q({2}, kI16, 1.0f / 32768, 0)), Status::kModelInvalid);
  const std::string d = Refused(Unary(kLogistic, Q({2}, kI8, 0.1f, 0), Q({2}, kI16, 1.0f / 32768, 0)),
                                Status::kUnsupportedOperator);
  EXPECT_NE(d.find("int8 -> int16"), std::string::npos) << d;
  EXPECT_NE(Refused(Unary(kTanh, Plain({2}, kI32), Plain({2}, kI32)), Status::kUnsupportedOperator)
                .find("int8, int16 or float32"),
            std::string::npos);
  // An input scale whose rescale multiplier would pass 15 bits (TFLite only DCHECKs it).
  Refused(Unary(kTanh, Q({2}, kI16, 4.0f, 0), Q({2}, kI16, 1.0f / 32768, 0)), Status::kUnsupportedOperator);
}

// ---- RELU / RELU6 ----

TEST(ActivationsTest, ReluInt16RequantizesWithHalfUpTies) {
  // Scales 0.001 -> 0.002: multiplier 0.5 = (2^30, shift 0). 101 * 0.5 = 50.5 rounds to 51 and 100 -> 50;
  // 32767 -> 16383.5 -> 16384; negatives clamp to 0.
  const ModelSpec m = Unary(kRelu, Q({5}, kI16, 0.001f, 0), Q({5}, kI16, 0.002f, 0));
  EXPECT_EQ(RunOp(m, I16{100, 101, 32767, -100, -32768}), (I16{50, 51, 16384, 0, 0}));
}

TEST(ActivationsTest, Relu6Int16ClampsInTheInputQuantization) {
  // Scale 0.001: six = round(6 / 0.001) = 6000. With zero point -1000 the range is [-1000, 5000].
  EXPECT_EQ(RunOp(Unary(kRelu6, Q({4}, kI16, 0.001f, 0), Q({4}, kI16, 0.001f, 0)), I16{7000, -5, 3000, 6000}),
            (I16{6000, 0, 3000, 6000}));
  EXPECT_EQ(RunOp(Unary(kRelu6, Q({3}, kI16, 0.001f, -1000), Q({3}, kI16, 0.001f, -1000)), I16{-2000, 9000, 0}),
            (I16{-1000, 5000, 0}));
}

TEST(ActivationsTest, ReluFloat32) {
  EXPECT_EQ(RunOp(Unary(kRelu, Plain({3}, kF32), Plain({3}, kF32)), F{-1.5f, 0.0f, 7.0f}), (F{0.0f, 0.0f, 7.0f}));
  EXPECT_EQ(RunOp(Unary(kRelu6, Plain({3}, kF32), Plain({3}, kF32)), F{-1.5f, 2.5f, 7.0f}), (F{0.0f, 2.5f, 6.0f}));
}

TEST(ActivationsTest, ReluRefusals) {
  // RELU int16 needs zero points 0 (RELU6 does not); in and out must share a type.
  Refused(Unary(kRelu, Q({2}, kI16, 0.001f, 5), Q({2}, kI16, 0.001f, 5)), Status::kModelInvalid);
  Refused(Unary(kRelu, Q({2}, kI8, 0.1f, 0), Q({2}, kI16, 0.001f, 0)), Status::kUnsupportedOperator);
  Refused(Unary(kRelu6, Q({2}, kI8, 0.1f, 0), Q({3}, kI8, 0.1f, 0)), Status::kModelInvalid);
}

// ---- LEAKY_RELU ----

TEST(ActivationsTest, LeakyReluInt8) {
  // Scales 0.5 -> 0.25, output zero point 10, alpha 0.5: identity multiplier 2 (2^30, shift 2), alpha multiplier
  // 1 (2^30, shift 1). 10 -> 20 + 10; -10 -> -10 + 10; 100 -> 210 clamps to 127; -128 -> -118.
  EXPECT_EQ(RunOp(LeakyRelu(Q({4}, kI8, 0.5f, 0), Q({4}, kI8, 0.25f, 10), 0.5f), I8{10, -10, 100, -128}),
            (I8{30, 0, 127, -118}));
  // alpha -0.5: the magnitude's product negated, -10 -> +10 + 10 = 20.
  EXPECT_EQ(RunOp(LeakyRelu(Q({2}, kI8, 0.5f, 0), Q({2}, kI8, 0.25f, 10), -0.5f), I8{-10, 4}), (I8{20, 18}));
  // alpha 0.25: alpha multiplier 0.5; -3 * 0.5 = -1.5 rounds up to -1 in SaturatingRoundingDoublingHighMul
  // (ties toward +infinity, not away from zero); 3 takes the identity multiplier 2: 6.
  EXPECT_EQ(RunOp(LeakyRelu(Q({2}, kI8, 0.5f, 0), Q({2}, kI8, 0.25f, 0), 0.25f), I8{-3, 3}), (I8{-1, 6}));
}

TEST(ActivationsTest, LeakyReluInt16WithZeroPoints) {
  // TFLite Micro allows int16 zero points here. Scale 1 -> 1, zp_in 100, zp_out -50, alpha 0.25:
  // 300 -> 200 - 50; 0 -> -100 * 0.25 = -25 - 50; -32768 -> -32868 * 0.25 = -8217 - 50.
  EXPECT_EQ(RunOp(LeakyRelu(Q({3}, kI16, 1.0f, 100), Q({3}, kI16, 1.0f, -50), 0.25f), I16{300, 0, -32768}),
            (I16{150, -75, -8267}));
}

TEST(ActivationsTest, LeakyReluFloat32AndRefusals) {
  EXPECT_EQ(RunOp(LeakyRelu(Plain({3}, kF32), Plain({3}, kF32), 0.1f), F{-2.0f, 0.0f, 3.0f}),
            (F{-2.0f * 0.1f, 0.0f, 3.0f}));
  Refused(LeakyRelu(Plain({2}, kI32), Plain({2}, kI32), 0.1f), Status::kUnsupportedOperator);
  Refused(LeakyRelu(Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0), std::nanf("")), Status::kModelInvalid);
}

// ---- PRELU ----

TEST(ActivationsTest, PreluInt8BroadcastsAlpha) {
  // Input [1, 2, 3] (scale 1), alpha [3] constant {1, 2, -4} at scale 0.25 (0.25, 0.5, -1), output scale 1.
  // M1 = 1, M2 = 0.25 (2^30, shift -1). Row {-4, -4, -4}: -1, -2, 4. Row {5, -3, 0}: 5; -3 * 2 = -6 * 0.25 = -1.5
  // rounds away from zero in RoundingDivideByPOT to -2; 0.
  const ModelSpec m = OneOp(kPrelu, {Q({1, 2, 3}, kI8, 1.0f, 0), Const(Q({3}, kI8, 0.25f, 0), I8{1, 2, -4}),
                                     Q({1, 2, 3}, kI8, 1.0f, 0)},
                            {0, 1});
  EXPECT_EQ(RunOp(m, I8{-4, -4, -4, 5, -3, 0}), (I8{-1, -2, 4, 5, -2, 0}));
}

TEST(ActivationsTest, PreluInt16WithInt8Alpha) {
  // Input and output scale 1/1024, alpha 32 at scale 1/64 (0.5): M2 = 1/64, -1000 * 32 = -32000 / 64 = -500.
  const ModelSpec m = OneOp(kPrelu, {Q({1, 2}, kI16, 1.0f / 1024, 0), Const(Q({1}, kI8, 1.0f / 64, 0), I8{32}),
                                     Q({1, 2}, kI16, 1.0f / 1024, 0)},
                            {0, 1});
  EXPECT_EQ(RunOp(m, I16{-1000, 1000}), (I16{-500, 1000}));
}

TEST(ActivationsTest, PreluFloat32AndRefusals) {
  const ModelSpec f = OneOp(kPrelu, {Plain({2, 2}, kF32), Const(Plain({2}, kF32), F{0.5f, -1.0f}), Plain({2, 2}, kF32)},
                            {0, 1});
  EXPECT_EQ(RunOp(f, F{-2.0f, -2.0f, 3.0f, -1.0f}), (F{-1.0f, 2.0f, 3.0f, 1.0f}));
  // int16 input with an int16 alpha; an alpha that does not broadcast.
  Refused(OneOp(kPrelu, {Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)}, {0, 1}),
          Status::kUnsupportedOperator);
  Refused(OneOp(kPrelu, {Q({2, 3}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0), Q({2, 3}, kI8, 0.1f, 0)}, {0, 1}),
          Status::kModelInvalid);
}

// ---- HARD_SWISH ----

TEST(ActivationsTest, HardSwishInt8) {
  // Scales 1/16 -> 1/16: hires scale 2^-11, output multiplier 2^-7 (Q15 16384, exponent -6), reluish
  // multiplier 16/3 (Q15 21845, exponent 3). q = 32 (2.0): hires 4096, preshift 2048, reluish
  // ((4096 << 2) * 21845 rounded = 10923) << 1 = 21846 -> (21846 + 32768) >> 1 = 27307; 27307 * 2048 / 32768 =
  // 1706 (truncated), 1706 / 64 rounds to 27 (2 * 5/6 / (1/16) = 26.7). q = -64 (-4.0): reluish saturates to -1,
  // maps to 0: 0. q = 64 (4.0): reluish saturates to 1 (32767): 4095 / 64 rounds to 64.
  const ModelSpec m = Unary(kHardSwish, Q({4}, kI8, 1.0f / 16, 0), Q({4}, kI8, 1.0f / 16, 0));
  EXPECT_EQ(RunOp(m, I8{32, -64, 64, 0}), (I8{27, 0, 64, 0}));
}

TEST(ActivationsTest, HardSwishFloat32AndRefusals) {
  // x * min(6, max(0, x + 3)) / 6.
  EXPECT_EQ(RunOp(Unary(kHardSwish, Plain({3}, kF32), Plain({3}, kF32)), F{-4.0f, 1.0f, 5.0f}),
            (F{-4.0f * 0.0f / 6, 1.0f * 4.0f / 6, 5.0f}));
  // The output scale must exceed input scale / 128 (TFLite's prepare), and there is no int16 path.
  Refused(Unary(kHardSwish, Q({2}, kI8, 1.0f, 0), Q({2}, kI8, 1.0f / 256, 0)), Status::kModelInvalid);
  Refused(Unary(kHardSwish, Q({2}, kI16, 0.01f, 0), Q({2}, kI16, 0.01f, 0)), Status::kUnsupportedOperator);
}

// ---- ELU ----

TEST(ActivationsTest, EluInt8Table) {
  // Scales 0.1 -> 0.1: 5 (0.5) -> 5; -10 (-1.0) -> exp(-1) - 1 = -0.632 -> -6; -128 (-12.8) -> -0.999997 -> -10.
  EXPECT_EQ(RunOp(Unary(kElu, Q({4}, kI8, 0.1f, 0), Q({4}, kI8, 0.1f, 0)), I8{5, -10, -128, 0}), (I8{5, -6, -10, 0}));
  // Zero points move the table: in zp 20, out zp -5: q = 10 is -1.0 -> -6 - 5; q = 127 is 10.7 -> 107 - 5.
  EXPECT_EQ(RunOp(Unary(kElu, Q({2}, kI8, 0.1f, 20), Q({2}, kI8, 0.1f, -5)), I8{10, 127}), (I8{-11, 102}));
}

TEST(ActivationsTest, EluFloat32AndRefusals) {
  const F y = RunOp(Unary(kElu, Plain({2}, kF32), Plain({2}, kF32)), F{-1.0f, 2.0f});
  EXPECT_EQ(y[0], std::expm1(-1.0f));
  EXPECT_EQ(y[1], 2.0f);
  Refused(Unary(kElu, Q({2}, kI16, 0.01f, 0), Q({2}, kI16, 0.01f, 0)), Status::kUnsupportedOperator);
}

}  // namespace
}  // namespace hil::agent::engine
