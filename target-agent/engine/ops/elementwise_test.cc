// The element-wise arithmetic family (ops/elementwise.cc) on small models: hand-computed outputs of ADD, SUB,
// MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM and ADD_N for every type they run (rounding ties, saturation,
// broadcasting, fused activations, wraparound), and the models they refuse.
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddScalar;
using testing::BytesOf;
using testing::FbNodeP;
using testing::ModelSpec;
using testing::Table;

constexpr int kF32 = 0, kI32 = 2, kU8 = 3, kI64 = 4, kBool = 6, kI16 = 7, kI8 = 9;
constexpr int kAdd = 0, kMul = 18, kSub = 41, kDiv = 42, kMaximum = 55, kMinimum = 57, kSquaredDifference = 99,
              kAddN = 106;
constexpr uint8_t kOptAdd = 11, kOptMul = 21, kOptSub = 28, kOptDiv = 29, kOptMaximumMinimum = 39,
                  kOptSquaredDifference = 76, kOptAddN = 82;
constexpr int kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4;

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

FbNodeP Act(int act) {
  FbNodeP o = Table();
  AddScalar(o, 0, 1, static_cast<uint64_t>(act));
  return o;
}

// One operator over `tensors`: inputs `op_inputs`, output the last tensor; the model's inputs are the
// non-constant operator inputs, in order.
ModelSpec OneOp(int opcode, const std::vector<T>& tensors, const std::vector<int32_t>& op_inputs, uint8_t opt_type = 0,
                FbNodeP options = nullptr) {
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
  m.ops.push_back({opcode, op_inputs, {out}, options ? opt_type : uint8_t{0}, options, {}});
  for (int32_t i : op_inputs)
    if (i >= 0 && tensors[i].data.empty()) m.inputs.push_back(i);
  m.outputs = {out};
  return m;
}

// A binary operator with the fused activation `act` in its options table.
ModelSpec Binary(int opcode, uint8_t opt_type, const T& a, const T& b, const T& out, int act = kNone) {
  return OneOp(opcode, {a, b, out}, {0, 1}, opt_type, Act(act));
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
  std::vector<V> Out() const {
    const TensorView out = interp.output(0);
    std::vector<V> y(out.bytes / sizeof(V));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
  // Writes the model inputs (one or two), invokes, returns output 0.
  template <typename V, typename A>
  std::vector<V> Invoke(const std::vector<A>& a) {
    Set(0, a);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    return Out<V>();
  }
  template <typename V, typename A, typename B>
  std::vector<V> Invoke(const std::vector<A>& a, const std::vector<B>& b) {
    Set(0, a);
    Set(1, b);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    return Out<V>();
  }
};

// Loads `spec` expecting `want`; returns the error detail.
std::string Refused(const ModelSpec& spec, Status want) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), want) << r.Error();
  return r.Error();
}

bool Has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

const float kInf = std::numeric_limits<float>::infinity();
const float kNan = std::numeric_limits<float>::quiet_NaN();

// ---- ADD ----

TEST(ElementwiseTest, AddInt16GeneralPathRoundsTiesAwayAndSaturates) {
  // s = 0.5, 0.25 -> 0.5: twice_max 1, M1 = 1/2 (2^30, 0), M2 = 1/4 (2^30, -1), M_out = 1 / (2^15 * 0.5) = 2^-14
  // (2^30, -13). 3 * 0.5 + 5 * 0.25 = 2.75 = 5.5 output steps: (3 << 15) / 2 + (5 << 15) / 4 = 90112, / 2 / 2^13
  // = 5.5 -> 6 (RoundingDivideByPOT rounds ties away from zero: -5.5 -> -6). The zero points of 100 and -7 on
  // the inputs and 1 on the output are not required to be 0.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Q({5}, kI16, 0.5f, 100), Q({5}, kI16, 0.25f, -7), Q({5}, kI16, 0.5f, 1))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{103, 97, 100, 32767, -32768},
                              std::vector<int16_t>{-2, -12, 1, 32767, -32768}),
            (std::vector<int16_t>{7, -5, 5, 32767, -32768}));  // 100, 1: 0 + 8 * 0.25 = 2 -> 4 + 1
}

TEST(ElementwiseTest, AddInt16BroadcastsAConstantRowWithRelu) {
  // [2, 3] + [3] (constant), equal scales 1/1024 (M = 2^30 shift 0 twice, M_out = 2 / (2^15 / 1024) = 2^-4):
  // plain sums; RELU clamps at the output zero point 0.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Q({2, 3}, kI16, 1.0f / 1024, 0),
                          Const(Q({3}, kI16, 1.0f / 1024, 0), std::vector<int16_t>{10, -20, 30000}),
                          Q({2, 3}, kI16, 1.0f / 1024, 0), kRelu)),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{5, 5, 5, -100, 30, 3000}),
            (std::vector<int16_t>{15, 0, 30005, 0, 10, 32767}));
}

TEST(ElementwiseTest, AddInt8KeepsItsArithmeticAndActivations) {
  // int8 still runs the ADD of before (its DSP/MVE variants): scales 0.5 / 0.5 -> 1, RELU6 clamps at 6 / 1 = 6.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Q({4}, kI8, 0.5f, 0), Q({4}, kI8, 0.5f, 0), Q({4}, kI8, 1.0f, 0), kRelu6)),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{1, 3, -8, 100}, std::vector<int8_t>{2, 2, 2, 100}),
            (std::vector<int8_t>{2, 3, 0, 6}));  // 1.5 -> 2, 2.5 -> 3, -3 -> 0, 100 -> 6
}

TEST(ElementwiseTest, AddInt32WrapsAndIgnoresTheFusedActivation) {
  // TFLite Micro's int32 ADD clamps to the full range whatever the options say.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Plain({3}, kI32), Plain({3}, kI32), Plain({3}, kI32), kRelu)), Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int32_t>(std::vector<int32_t>{-5, INT32_MAX, INT32_MIN}, std::vector<int32_t>{2, 1, -1}),
            (std::vector<int32_t>{-3, INT32_MIN, INT32_MAX}));
}

TEST(ElementwiseTest, AddFloatClampsInfinityToTheLargestFloat) {
  // min(max(x, -FLT_MAX), FLT_MAX): without an activation inf becomes FLT_MAX; NaN passes; RELU_N1_TO_1 below.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Plain({2, 2}, kF32), Plain({2}, kF32), Plain({2, 2}, kF32))), Status::kOk)
      << r.Error();
  const std::vector<float> y = r.Invoke<float>(std::vector<float>{1.5f, kInf, -kInf, kNan}, std::vector<float>{0.25f, 1.0f});
  EXPECT_EQ(y[0], 1.75f);
  EXPECT_EQ(y[1], FLT_MAX);
  EXPECT_EQ(y[2], -FLT_MAX);
  EXPECT_TRUE(std::isnan(y[3]));
  OpRun n;
  ASSERT_EQ(n.Load(Binary(kAdd, kOptAdd, Plain({3}, kF32), Plain({3}, kF32), Plain({3}, kF32), kReluN1To1)),
            Status::kOk);
  EXPECT_EQ(n.Invoke<float>(std::vector<float>{0.75f, -3.0f, 0.25f}, std::vector<float>{0.5f, 0.0f, 0.0f}),
            (std::vector<float>{1.0f, -1.0f, 0.25f}));
}

TEST(ElementwiseTest, AddBroadcastsBothInputsOverFiveDimensions) {
  // [2,1,1,1,3] + [1,1,2,1] -> [2,1,1,2,3]... as float32 (exact sums): out[i,0,0,j,k] = a[i,k] + b[j].
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kAdd, kOptAdd, Plain({2, 1, 1, 1, 3}, kF32), Plain({1, 1, 2, 1}, kF32),
                          Plain({2, 1, 1, 2, 3}, kF32))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<float>(std::vector<float>{1, 2, 3, 4, 5, 6}, std::vector<float>{10, 20}),
            (std::vector<float>{11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26}));
}

// ---- SUB ----

TEST(ElementwiseTest, SubInt8WithZeroPointsAndRelu6) {
  // All scales 0.5: M1 = M2 = 1/2, M_out = 1 / (2^20 * 0.5) (2^30, -18). (11 - 1) * 0.5 - (-5 + 1) * 0.5 = 7
  // -> 14 steps + zp 2 = 16; RELU6 caps at 2 + 12 = 14.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kSub, kOptSub, Q({3}, kI8, 0.5f, 1), Q({3}, kI8, 0.5f, -1), Q({3}, kI8, 0.5f, 2))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{11, 1, -128}, std::vector<int8_t>{-5, 5, 127}),
            (std::vector<int8_t>{16, -4, -128}));
  OpRun six;
  ASSERT_EQ(six.Load(Binary(kSub, kOptSub, Q({3}, kI8, 0.5f, 1), Q({3}, kI8, 0.5f, -1), Q({3}, kI8, 0.5f, 2), kRelu6)),
            Status::kOk);
  EXPECT_EQ(six.Invoke<int8_t>(std::vector<int8_t>{11, 1, 3}, std::vector<int8_t>{-5, 5, -1}),
            (std::vector<int8_t>{14, 2, 4}));
}

TEST(ElementwiseTest, SubInt16ComputesItsMultipliersInFloatAsTfliteMicro) {
  // The scales of TFLite Micro's seanet sub0 model. TFLite Micro's SUB forms twice_max, the ratios and the output
  // ratio in float: M2 = 1234894464 and M_out = 1751840256 (shift -13); in double (ADD's way, and LiteRT's, whose
  // golden output these models carry) they are 1234894487 and 1751840209. Two elements of sub0 where the two
  // ways round apart: the engine gives TFLite Micro's values (the golden file has -20181 and 16969).
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kSub, kOptSub, Q({1, 2}, kI16, 0.0009693715837784111f, 0), Q({2}, kI16, 8.709842404641677e-06f, 0),
                          Q({1, 2}, kI16, 0.0005941494018770754f, 0))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{-12142, 10199}, std::vector<int16_t>{25341, -22480}),
            (std::vector<int16_t>{-20182, 16970}));
}

TEST(ElementwiseTest, SubInt32AndFloatApplyTheActivation) {
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kSub, kOptSub, Plain({3}, kI32), Plain({3}, kI32), Plain({3}, kI32), kRelu)), Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int32_t>(std::vector<int32_t>{2, 9, INT32_MIN}, std::vector<int32_t>{5, 4, 1}),
            (std::vector<int32_t>{0, 5, INT32_MAX}));  // INT32_MIN - 1 wraps to INT32_MAX
  OpRun f;
  ASSERT_EQ(f.Load(Binary(kSub, kOptSub, Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32), kRelu6)), Status::kOk);
  EXPECT_EQ(f.Invoke<float>(std::vector<float>{10.0f, 1.0f}, std::vector<float>{1.0f, 2.5f}),
            (std::vector<float>{6.0f, 0.0f}));
}

// ---- MUL ----

TEST(ElementwiseTest, MulInt16RoundsAndSaturates) {
  // s = 2^-10 everywhere: M = 2^-10 (2^30, -9). 100 * 300 = 30000 / 1024 = 29.3 -> 29; -100 * 300 -> -29;
  // (-32768)^2 = 2^30 / 1024 = 2^20 -> 32767; 16 * 32 = 512 / 1024 = 0.5 -> 1 (a tie rounds away from zero).
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kMul, kOptMul, Q({4}, kI16, 1.0f / 1024, 0), Q({4}, kI16, 1.0f / 1024, 0),
                          Q({4}, kI16, 1.0f / 1024, 0))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{100, -100, -32768, 16}, std::vector<int16_t>{300, 300, -32768, 32}),
            (std::vector<int16_t>{29, -29, 32767, 1}));
}

TEST(ElementwiseTest, MulInt16BroadcastWithRelu) {
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kMul, kOptMul, Q({2, 2}, kI16, 0.5f, 0), Q({1}, kI16, 0.5f, 0), Q({2, 2}, kI16, 0.25f, 0),
                          kRelu)),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{3, -3, 7, 0}, std::vector<int16_t>{-2}),
            (std::vector<int16_t>{0, 6, 0, 0}));  // products * 0.25 / 0.25: -6, 6, -14, 0
}

TEST(ElementwiseTest, MulInt32WrapsAndClampsFloatInfinity) {
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kMul, kOptMul, Plain({3}, kI32), Plain({3}, kI32), Plain({3}, kI32), kRelu6)), Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int32_t>(std::vector<int32_t>{65536, -3, 2}, std::vector<int32_t>{65536, 5, 2}),
            (std::vector<int32_t>{0, 0, 4}));  // 2^32 wraps to 0
  OpRun f;
  ASSERT_EQ(f.Load(Binary(kMul, kOptMul, Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32))), Status::kOk);
  EXPECT_EQ(f.Invoke<float>(std::vector<float>{1e30f, -1e30f}, std::vector<float>{1e30f, 1e30f}),
            (std::vector<float>{FLT_MAX, -FLT_MAX}));
}

// ---- DIV ----

TEST(ElementwiseTest, DivInt8FixedPointReciprocal) {
  // Scales 1: M = 1.0 (2^30, shift 1). 7 / 2: the reciprocal of 2 is 2^31 - 1 with 1 bit over unit, 7 is
  // normalised by 28 sign bits; SRDHM rounds 939524095.5 up, then / 2^28 = 3.5 -> 4. -7 / 2 rounds the
  // same -939524095.5 up (toward zero), -3.4999 -> -3. 7 / -2 moves the sign to the dividend: -3.
  // 1 / 5 = 0.2 -> 0, 100 / 3 = 33.3 -> 33, -128 / 1 = -128.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kDiv, kOptDiv, Q({6}, kI8, 1.0f, 0), Q({6}, kI8, 1.0f, 0), Q({6}, kI8, 1.0f, 0))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{7, -7, 7, 1, 100, -128}, std::vector<int8_t>{2, 2, -2, 5, 3, 1}),
            (std::vector<int8_t>{4, -3, -3, 0, 33, -128}));
}

TEST(ElementwiseTest, DivInt8ZeroDividendWithARescaleBeyond31Bits) {
  // s = 0.05 everywhere: M = 20 (shift 5). 0 / 100: a dividend of 0 has 31 sign bits and 100 has 6 bits over
  // unit, so the rescale shifts right by 6 + 31 - 5 = 32, past what TFLite's RoundingDivideByPOT allows (it
  // asserts in debug builds and gives zp + 1 in release). The engine gives the true quotient 0 -> zp; -1 / 100
  // (-0.2 steps) likewise; 50 / 99 = 0.505, / 0.05 = 10.1 steps -> 10 + zp 10.
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kDiv, kOptDiv, Q({3}, kI8, 0.05f, 3), Q({3}, kI8, 0.05f, -1), Q({3}, kI8, 0.05f, 10))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{3, 2, 53}, std::vector<int8_t>{99, 99, 98}),
            (std::vector<int8_t>{10, 10, 20}));
}

TEST(ElementwiseTest, DivByZeroFailsTheInvoke) {
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kDiv, kOptDiv, Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 4), Q({2}, kI8, 0.1f, 0))),
            Status::kOk);
  r.Set(0, std::vector<int8_t>{1, 2});
  r.Set(1, std::vector<int8_t>{5, 4});  // 4 is the zero point: a real 0
  EXPECT_EQ(r.interp.Invoke(nullptr), Status::kKernelFailed);
  OpRun i;
  ASSERT_EQ(i.Load(Binary(kDiv, kOptDiv, Plain({2}, kI32), Plain({2}, kI32), Plain({2}, kI32))), Status::kOk);
  i.Set(0, std::vector<int32_t>{1, 2});
  i.Set(1, std::vector<int32_t>{1, 0});
  EXPECT_EQ(i.interp.Invoke(nullptr), Status::kKernelFailed);
}

TEST(ElementwiseTest, DivInt32TruncatesAndFloatClamps) {
  OpRun r;
  ASSERT_EQ(r.Load(Binary(kDiv, kOptDiv, Plain({4}, kI32), Plain({4}, kI32), Plain({4}, kI32))), Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int32_t>(std::vector<int32_t>{7, -7, INT32_MIN, 5}, std::vector<int32_t>{-2, 2, -1, 7}),
            (std::vector<int32_t>{-3, -3, INT32_MIN, 0}));
  OpRun f;
  ASSERT_EQ(f.Load(Binary(kDiv, kOptDiv, Plain({3}, kF32), Plain({3}, kF32), Plain({3}, kF32), kRelu)), Status::kOk);
  EXPECT_EQ(f.Invoke<float>(std::vector<float>{1.0f, -1.0f, 3.0f}, std::vector<float>{0.0f, 4.0f, 4.0f}),
            (std::vector<float>{FLT_MAX, 0.0f, 0.75f}));
}

// ---- SQUARED_DIFFERENCE ----

TEST(ElementwiseTest, SquaredDifferenceInt8) {
  // Scales 0.5: left shift 7, M1 = M2 = 1/2, M_out = 1 / (2^14 * 0.5) = 2^-13. (5 - 2) -> 320 - 128 = 192,
  // 192^2 = 36864 / 2^13 = 4.5 -> 5 (real (2.5 - 1)^2 / 0.5 = 4.5); zero points 1 and -1 on the second row.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSquaredDifference, {Q({2}, kI8, 0.5f, 0), Q({2}, kI8, 0.5f, 0), Q({2}, kI8, 0.5f, -1)}, {0, 1},
                         kOptSquaredDifference, Table())),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{5, -128}, std::vector<int8_t>{2, 127}),
            (std::vector<int8_t>{4, 127}));  // 5 - 1 = 4; 127.5^2 / 0.5 saturates
}

TEST(ElementwiseTest, SquaredDifferenceInt16BroadcastAndSaturation) {
  // Scales 1/1024: M1 = M2 = 1/2, M_out = (2/1024)^2 / (1/1024) = 2^-8. 100, 40 -> 50 - 20 = 30, 900 / 256
  // = 3.52 -> 4; 32767 vs -32768 -> 16384 + 16384 = 2^15, 2^30 / 2^8 saturates.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSquaredDifference,
                         {Q({2, 1}, kI16, 1.0f / 1024, 0), Q({2}, kI16, 1.0f / 1024, 0), Q({2, 2}, kI16, 1.0f / 1024, 0)},
                         {0, 1}, kOptSquaredDifference, Table())),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{100, 32767}, std::vector<int16_t>{40, -32768}),
            (std::vector<int16_t>{4, 32767, 32767, 32767}));
}

TEST(ElementwiseTest, SquaredDifferenceFloatAndInt32NeverClamp) {
  OpRun f;
  ASSERT_EQ(f.Load(OneOp(kSquaredDifference, {Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32)}, {0, 1})),
            Status::kOk)
      << f.Error();
  EXPECT_EQ(f.Invoke<float>(std::vector<float>{1.0f, 1e30f}, std::vector<float>{3.0f, -1e30f}),
            (std::vector<float>{4.0f, kInf}));
  OpRun i;
  ASSERT_EQ(i.Load(OneOp(kSquaredDifference, {Plain({2}, kI32), Plain({2}, kI32), Plain({2}, kI32)}, {0, 1})),
            Status::kOk);
  EXPECT_EQ(i.Invoke<int32_t>(std::vector<int32_t>{65536, -7}, std::vector<int32_t>{0, 2}),
            (std::vector<int32_t>{0, 81}));  // 2^32 wraps to 0
}

// ---- MAXIMUM / MINIMUM ----

TEST(ElementwiseTest, MaximumMinimumRawValuesEveryType) {
  {
    OpRun mx, mn;
    const ModelSpec max8 = OneOp(kMaximum, {Q({2, 2}, kI8, 0.1f, 3), Const(Q({2}, kI8, 0.1f, 3), std::vector<int8_t>{0, -5}),
                                            Q({2, 2}, kI8, 0.1f, 3)},
                                 {0, 1});
    ASSERT_EQ(mx.Load(max8), Status::kOk) << mx.Error();
    EXPECT_EQ(mx.Invoke<int8_t>(std::vector<int8_t>{-1, -9, 7, 127}), (std::vector<int8_t>{0, -5, 7, 127}));
    ModelSpec min8 = max8;
    min8.ops[0].builtin_code = kMinimum;
    ASSERT_EQ(mn.Load(min8), Status::kOk);
    EXPECT_EQ(mn.Invoke<int8_t>(std::vector<int8_t>{-1, -9, 7, 127}), (std::vector<int8_t>{-1, -9, 0, -5}));
  }
  OpRun s16;
  ASSERT_EQ(s16.Load(OneOp(kMinimum, {Q({3}, kI16, 1e-3f, 0), Q({3}, kI16, 1e-3f, 0), Q({3}, kI16, 1e-3f, 0)}, {0, 1})),
            Status::kOk);
  EXPECT_EQ(s16.Invoke<int16_t>(std::vector<int16_t>{-32768, 5, 300}, std::vector<int16_t>{0, 5, 299}),
            (std::vector<int16_t>{-32768, 5, 299}));
  OpRun s32;
  ASSERT_EQ(s32.Load(OneOp(kMaximum, {Plain({2}, kI32), Plain({1}, kI32), Plain({2}, kI32)}, {0, 1})), Status::kOk);
  EXPECT_EQ(s32.Invoke<int32_t>(std::vector<int32_t>{INT32_MIN, INT32_MAX}, std::vector<int32_t>{-1}),
            (std::vector<int32_t>{-1, INT32_MAX}));
  OpRun s64;
  ASSERT_EQ(s64.Load(OneOp(kMaximum, {Plain({2}, kI64), Const(Plain({2}, kI64), std::vector<int64_t>{INT64_C(1) << 40, 0}),
                                      Plain({2}, kI64)},
                           {0, 1})),
            Status::kOk)
      << s64.Error();
  EXPECT_EQ(s64.Invoke<int64_t>(std::vector<int64_t>{(INT64_C(1) << 40) + 1, -1}),
            (std::vector<int64_t>{(INT64_C(1) << 40) + 1, 0}));
}

TEST(ElementwiseTest, MaximumMinimumFloatNanAsTflite) {
  // a > b ? a : b and a < b ? a : b: a NaN first input loses, a NaN second input wins.
  OpRun mx, mn;
  ASSERT_EQ(mx.Load(OneOp(kMaximum, {Plain({3}, kF32), Plain({3}, kF32), Plain({3}, kF32)}, {0, 1})), Status::kOk);
  const std::vector<float> y = mx.Invoke<float>(std::vector<float>{kNan, 1.0f, -0.0f}, std::vector<float>{1.0f, kNan, 0.0f});
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_TRUE(std::isnan(y[1]));
  EXPECT_TRUE(std::signbit(y[2]) == false);  // -0 > 0 is false: the second input, +0
  ASSERT_EQ(mn.Load(OneOp(kMinimum, {Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32)}, {0, 1})), Status::kOk);
  const std::vector<float> z = mn.Invoke<float>(std::vector<float>{kNan, -2.0f}, std::vector<float>{1.0f, -3.0f});
  EXPECT_EQ(z[0], 1.0f);
  EXPECT_EQ(z[1], -3.0f);
}

// ---- ADD_N ----

TEST(ElementwiseTest, AddNInt8StartsFromTheInputOffsetAsTfliteMicro) {
  // Three inputs of scale 0.5, zp 2; output 0.5, zp 0: M_in = 1/2, M_out = 1 / (2^20 * 0.5). Each 4 is a real
  // 1, so the true sum is 3 (6 steps); TFLite Micro starts its sum from the rescaled offset -2 (a real -1), so
  // it gives 4 steps. -128 three times: 3 * -65 - 1 = -196 steps, clamped to -128.
  OpRun r;
  ModelSpec m = OneOp(kAddN, {Q({2}, kI8, 0.5f, 2), Q({2}, kI8, 0.5f, 2), Q({2}, kI8, 0.5f, 2), Q({2}, kI8, 0.5f, 0)},
                      {0, 1, 2}, kOptAddN, Table());
  ASSERT_EQ(r.Load(m), Status::kOk) << r.Error();
  r.Set(0, std::vector<int8_t>{4, -128});
  r.Set(1, std::vector<int8_t>{4, -128});
  r.Set(2, std::vector<int8_t>{4, -128});
  ASSERT_EQ(r.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(r.Out<int8_t>(), (std::vector<int8_t>{4, -128}));
}

TEST(ElementwiseTest, AddNFloatSumsInOrderFromZero) {
  // 0.0f + -0.0f + -0.0f = +0; float sums in input order: (1e8 + 1) + -1e8 = 0 (the 1 is lost), 1 + 1e8 - 1e8 = 0.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kAddN, {Plain({3}, kF32), Plain({3}, kF32), Plain({3}, kF32), Plain({3}, kF32)}, {0, 1, 2})),
            Status::kOk)
      << r.Error();
  r.Set(0, std::vector<float>{-0.0f, 1e8f, 0.5f});
  r.Set(1, std::vector<float>{-0.0f, 1.0f, 0.25f});
  r.Set(2, std::vector<float>{-0.0f, -1e8f, 0.125f});
  ASSERT_EQ(r.interp.Invoke(nullptr), Status::kOk);
  const std::vector<float> y = r.Out<float>();
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_FALSE(std::signbit(y[0]));
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[2], 0.875f);
}

// ---- refusals ----

TEST(ElementwiseTest, RefusesTypeCombinationsTfliteMicroDoesNotRun) {
  // Mixed types name the operator and the operand types.
  std::string e = Refused(Binary(kAdd, kOptAdd, Q({2}, kI8, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI8, 0.1f, 0)),
                          Status::kUnsupportedOperator);
  EXPECT_TRUE(Has(e, "ADD at operator 0")) << e;
  EXPECT_TRUE(Has(e, "int8, int16 -> int8")) << e;
  e = Refused(Binary(kSub, kOptSub, Q({2}, kU8, 0.1f, 0), Q({2}, kU8, 0.1f, 0), Q({2}, kU8, 0.1f, 0)),
              Status::kUnsupportedOperator);
  EXPECT_TRUE(Has(e, "uint8")) << e;
  // TFLite Micro's DIV has no int16 path, MAXIMUM no bool one, ADD_N only int8 and float32.
  e = Refused(Binary(kDiv, kOptDiv, Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)),
              Status::kUnsupportedOperator);
  EXPECT_TRUE(Has(e, "DIV")) << e;
  Refused(OneOp(kMaximum, {Plain({2}, kBool), Plain({2}, kBool), Plain({2}, kBool)}, {0, 1}), Status::kUnsupportedOperator);
  Refused(OneOp(kAddN, {Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)}, {0, 1}),
          Status::kUnsupportedOperator);
  // int16 MUL and SQUARED_DIFFERENCE need zero points 0; int32 ADD / SUB / DIV need unquantized tensors.
  e = Refused(Binary(kMul, kOptMul, Q({2}, kI16, 0.1f, 1), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)),
              Status::kUnsupportedOperator);
  EXPECT_TRUE(Has(e, "zero points")) << e;
  Refused(OneOp(kSquaredDifference, {Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 5)}, {0, 1}),
          Status::kUnsupportedOperator);
  Refused(Binary(kAdd, kOptAdd, Q({2}, kI32, 0.1f, 0), Plain({2}, kI32), Plain({2}, kI32)), Status::kUnsupportedOperator);
  // Fused activations TFLite Micro has no range for.
  Refused(Binary(kAdd, kOptAdd, Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), kTanh),
          Status::kUnsupportedOperator);
  Refused(Binary(kMul, kOptMul, Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32), kTanh), Status::kUnsupportedOperator);
}

TEST(ElementwiseTest, RefusesScalesTfliteMicroAbortsOn) {
  // ADD int16: twice_max / (2^15 * s_out) = 2 / (2^15 * 1e-6) >= 1 (QuantizeMultiplierSmallerThanOneExp aborts).
  std::string e = Refused(Binary(kAdd, kOptAdd, Q({2}, kI16, 1.0f, 0), Q({2}, kI16, 1.0f, 0), Q({2}, kI16, 1e-6f, 0)),
                          Status::kUnsupportedOperator);
  EXPECT_TRUE(Has(e, "multiplier")) << e;
  // DIV int8: s1 / (s2 * s_out) = 2^24 would make the rescale shift left.
  Refused(Binary(kDiv, kOptDiv, Q({2}, kI8, 1.0f, 0), Q({2}, kI8, 1.0f / 4096, 0), Q({2}, kI8, 1.0f / 4096, 0)),
          Status::kUnsupportedOperator);
  // ADD_N int8: inputs of different quantization.
  Refused(OneOp(kAddN, {Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.2f, 0), Q({2}, kI8, 0.1f, 0)}, {0, 1}),
          Status::kUnsupportedOperator);
}

TEST(ElementwiseTest, RefusesMalformedModels) {
  // Shapes that do not broadcast to the output.
  std::string e = Refused(Binary(kAdd, kOptAdd, Q({2, 3}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Q({2, 3}, kI16, 0.1f, 0)),
                          Status::kModelInvalid);
  EXPECT_TRUE(Has(e, "broadcast")) << e;
  Refused(Binary(kSub, kOptSub, Plain({3}, kF32), Plain({3}, kF32), Plain({4}, kF32)), Status::kModelInvalid);
  // A quantized operator without a usable scale.
  Refused(Binary(kMul, kOptMul, Q({2}, kI16, 0.0f, 0), Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0)), Status::kModelInvalid);
  // ADD_N: one input; inputs of different shapes.
  Refused(OneOp(kAddN, {Plain({2}, kF32), Plain({2}, kF32)}, {0}), Status::kModelInvalid);
  Refused(OneOp(kAddN, {Plain({2}, kF32), Plain({3}, kF32), Plain({2}, kF32)}, {0, 1}), Status::kModelInvalid);
  // Options of another operator's type.
  Refused(OneOp(kSub, {Plain({2}, kF32), Plain({2}, kF32), Plain({2}, kF32)}, {0, 1}, kOptAdd, Act(0)),
          Status::kModelInvalid);
}

TEST(ElementwiseTest, SixDimensionalOperandsAreRefusedByTheVerifier) {
  // TFLite Micro broadcasts up to 6 (ADD int8) or 8 dimensions; the engine keeps tensors to 5.
  OpRun r;
  EXPECT_EQ(r.Load(Binary(kAdd, kOptAdd, Plain({1, 1, 1, 1, 1, 2}, kF32), Plain({2}, kF32), Plain({1, 1, 1, 1, 1, 2}, kF32))),
            Status::kTooLarge);
}

}  // namespace
}  // namespace hil::agent::engine
