// The comparison family (ops/compare.cc): hand-computed outputs of EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL and SELECT_V2 for every type they run (int8 rescaling of both inputs, raw int32 / int64 / float /
// bool, broadcasting), and the models they refuse.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::BytesOf;
using testing::ModelSpec;

constexpr int kF32 = 0, kI32 = 2, kI64 = 4, kBool = 6, kI16 = 7, kI8 = 9;
constexpr int kLess = 58, kGreater = 61, kGreaterEqual = 62, kLessEqual = 63, kEqual = 71, kNotEqual = 72,
              kSelectV2 = 123;

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

T ConstBytes(T t, std::vector<uint8_t> bytes) {
  t.data = std::move(bytes);
  return t;
}

ModelSpec OneOp(int opcode, const std::vector<T>& tensors, const std::vector<int32_t>& op_inputs) {
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
  m.ops.push_back({opcode, op_inputs, {out}, 0, nullptr, {}});
  for (int32_t i : op_inputs)
    if (i >= 0 && tensors[i].data.empty()) m.inputs.push_back(i);
  m.outputs = {out};
  return m;
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
  // Invokes; output 0 as bytes (bool) or values.
  template <typename V>
  std::vector<V> Out() {
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView out = interp.output(0);
    std::vector<V> y(out.bytes / sizeof(V));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

using Bools = std::vector<uint8_t>;

std::string Refused(const ModelSpec& spec, Status want) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), want) << r.Error();
  return r.Error();
}

// The six comparisons of a and b, in the order EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL.
constexpr int kAll[6] = {kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual};

template <typename V>
std::vector<Bools> AllSix(const T& a, const T& b, const T& out, const std::vector<V>& x, const std::vector<V>& y) {
  std::vector<Bools> got;
  for (int opcode : kAll) {
    OpRun r;
    EXPECT_EQ(r.Load(OneOp(opcode, {a, b, out}, {0, 1})), Status::kOk) << r.Error();
    r.Set(0, x);
    r.Set(1, y);
    got.push_back(r.Out<uint8_t>());
  }
  return got;
}

TEST(CompareTest, Int8RescalesBothInputsToACommonScale) {
  // Scales 0.5 and 0.25 (zero points 0 and 4): each side is ((q - zp) << 8) times its scale as a Q31 multiplier,
  // so 1 (0.5) equals 6 (0.5), is below 7 (0.75) and above 5 (0.25); -2 (-1.0) equals 0 (-1.0).
  const std::vector<Bools> got = AllSix(Q({4}, kI8, 0.5f, 0), Q({4}, kI8, 0.25f, 4), Plain({4}, kBool),
                                        std::vector<int8_t>{1, 1, 1, -2}, std::vector<int8_t>{6, 7, 5, 0});
  EXPECT_EQ(got[0], (Bools{1, 0, 0, 1}));  // EQUAL
  EXPECT_EQ(got[1], (Bools{0, 1, 1, 0}));  // NOT_EQUAL
  EXPECT_EQ(got[2], (Bools{0, 1, 0, 0}));  // LESS
  EXPECT_EQ(got[3], (Bools{1, 1, 0, 1}));  // LESS_EQUAL
  EXPECT_EQ(got[4], (Bools{0, 0, 1, 0}));  // GREATER
  EXPECT_EQ(got[5], (Bools{1, 0, 1, 1}));  // GREATER_EQUAL
}

TEST(CompareTest, Int8RescalingRoundsCloseValuesTogether) {
  // Scales 0.001 and 0.0011: 1 << 8 times them is 0.256 and 0.2816, both rounding to 0, so TFLite calls the
  // real values 0.001 and 0.0011 equal; 2 (0.512 -> 1) is then greater than 1 (0.28 -> 0).
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kEqual, {Q({2}, kI8, 0.001f, 0), Q({2}, kI8, 0.0011f, 0), Plain({2}, kBool)}, {0, 1})),
            Status::kOk)
      << r.Error();
  r.Set(0, std::vector<int8_t>{1, 2});
  r.Set(1, std::vector<int8_t>{1, 1});
  EXPECT_EQ(r.Out<uint8_t>(), (Bools{1, 0}));
}

TEST(CompareTest, Int8BroadcastsAConstant) {
  // [2, 3] > [3] (constant), one quantization: raw order.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kGreater,
                         {Q({2, 3}, kI8, 0.1f, 0), Const(Q({3}, kI8, 0.1f, 0), std::vector<int8_t>{0, -128, 127}),
                          Plain({2, 3}, kBool)},
                         {0, 1})),
            Status::kOk)
      << r.Error();
  r.Set(0, std::vector<int8_t>{1, -128, 127, 0, -127, 126});
  EXPECT_EQ(r.Out<uint8_t>(), (Bools{1, 0, 0, 0, 1, 0}));
}

TEST(CompareTest, RawInt32Int64AndFloat) {
  const std::vector<Bools> i32 = AllSix(Plain({3}, kI32), Plain({3}, kI32), Plain({3}, kBool),
                                        std::vector<int32_t>{INT32_MIN, 5, 7}, std::vector<int32_t>{INT32_MAX, 5, 6});
  EXPECT_EQ(i32[0], (Bools{0, 1, 0}));
  EXPECT_EQ(i32[2], (Bools{1, 0, 0}));
  EXPECT_EQ(i32[5], (Bools{0, 1, 1}));
  const std::vector<Bools> i64 = AllSix(Plain({2}, kI64), Plain({2}, kI64), Plain({2}, kBool),
                                        std::vector<int64_t>{INT64_C(1) << 40, -1},
                                        std::vector<int64_t>{(INT64_C(1) << 40) + 1, -1});
  EXPECT_EQ(i64[2], (Bools{1, 0}));
  EXPECT_EQ(i64[0], (Bools{0, 1}));
  // NaN compares unequal to everything, itself included, and neither less nor greater.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<Bools> f = AllSix(Plain({3}, kF32), Plain({1}, kF32), Plain({3}, kBool),
                                      std::vector<float>{nan, -0.0f, 1.5f}, std::vector<float>{0.0f});
  EXPECT_EQ(f[0], (Bools{0, 1, 0}));  // -0 == 0
  EXPECT_EQ(f[1], (Bools{1, 0, 1}));
  EXPECT_EQ(f[2], (Bools{0, 0, 0}));
  EXPECT_EQ(f[3], (Bools{0, 1, 0}));
  EXPECT_EQ(f[4], (Bools{0, 0, 1}));
  EXPECT_EQ(f[5], (Bools{0, 1, 1}));
}

TEST(CompareTest, BoolEqualityTreatsEveryNonZeroByteAsTrue) {
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kNotEqual, {Plain({4}, kBool), Plain({4}, kBool), Plain({4}, kBool)}, {0, 1})), Status::kOk)
      << r.Error();
  r.Set(0, Bools{0, 1, 2, 0});
  r.Set(1, Bools{0, 0, 1, 255});
  EXPECT_EQ(r.Out<uint8_t>(), (Bools{0, 1, 0, 1}));
}

TEST(CompareTest, Refusals) {
  // TFLite Micro has no int16 comparison: its GREATER int16 branch reads scaling parameters Prepare never set.
  std::string e = Refused(OneOp(kGreater, {Q({2}, kI16, 0.1f, 0), Q({2}, kI16, 0.1f, 0), Plain({2}, kBool)}, {0, 1}),
                          Status::kUnsupportedOperator);
  EXPECT_NE(e.find("GREATER at operator 0: int16, int16 -> bool"), std::string::npos) << e;
  // Ordering of bools, mixed input types, a non-bool output.
  Refused(OneOp(kLess, {Plain({2}, kBool), Plain({2}, kBool), Plain({2}, kBool)}, {0, 1}), Status::kUnsupportedOperator);
  Refused(OneOp(kEqual, {Plain({2}, kI32), Plain({2}, kF32), Plain({2}, kBool)}, {0, 1}), Status::kUnsupportedOperator);
  Refused(OneOp(kEqual, {Plain({2}, kI32), Plain({2}, kI32), Plain({2}, kI32)}, {0, 1}), Status::kUnsupportedOperator);
  // int8 scales of 1 or more (TFLite Micro's QuantizeMultiplierSmallerThanOneExp aborts).
  e = Refused(OneOp(kLessEqual, {Q({2}, kI8, 1.0f, 0), Q({2}, kI8, 0.5f, 0), Plain({2}, kBool)}, {0, 1}),
              Status::kUnsupportedOperator);
  EXPECT_NE(e.find("below 1"), std::string::npos) << e;
  // Shapes that do not broadcast to the output; an int8 input without quantization.
  Refused(OneOp(kEqual, {Plain({2, 3}, kF32), Plain({2}, kF32), Plain({2, 3}, kBool)}, {0, 1}), Status::kModelInvalid);
  Refused(OneOp(kEqual, {Plain({2}, kI8), Q({2}, kI8, 0.5f, 0), Plain({2}, kBool)}, {0, 1}), Status::kModelInvalid);
}

// ---- SELECT_V2 ----

TEST(CompareTest, SelectV2Int8SameShape) {
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSelectV2, {Plain({4}, kBool), Q({4}, kI8, 0.1f, 1), Q({4}, kI8, 0.1f, 1), Q({4}, kI8, 0.1f, 1)},
                         {0, 1, 2})),
            Status::kOk)
      << r.Error();
  r.Set(0, Bools{1, 0, 7, 0});  // any non-zero byte selects x
  r.Set(1, std::vector<int8_t>{10, 20, 30, 40});
  r.Set(2, std::vector<int8_t>{-1, -2, -3, -4});
  EXPECT_EQ(r.Out<int8_t>(), (std::vector<int8_t>{10, -2, 30, -4}));
}

TEST(CompareTest, SelectV2Int16BroadcastsAllThreeInputs) {
  // cond [2, 1, 1], x [2, 3], y [1] -> out [2, 2, 3]: the condition picks a whole block, x repeats in each
  // block, y everywhere.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSelectV2,
                         {Plain({2, 1, 1}, kBool), Q({2, 3}, kI16, 1e-3f, 0), Q({1}, kI16, 1e-3f, 0),
                          Q({2, 2, 3}, kI16, 1e-3f, 0)},
                         {0, 1, 2})),
            Status::kOk)
      << r.Error();
  r.Set(0, Bools{1, 0});
  r.Set(1, std::vector<int16_t>{1, 2, 3, 4, 5, 6});
  r.Set(2, std::vector<int16_t>{-32768});
  EXPECT_EQ(r.Out<int16_t>(), (std::vector<int16_t>{1, 2, 3, 4, 5, 6, -32768, -32768, -32768, -32768, -32768, -32768}));
}

TEST(CompareTest, SelectV2FloatWithAConstantCondition) {
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSelectV2,
                         {ConstBytes(Plain({3}, kBool), Bools{0, 1, 0}), Plain({2, 3}, kF32), Plain({2, 1}, kF32),
                          Plain({2, 3}, kF32)},
                         {0, 1, 2})),
            Status::kOk)
      << r.Error();
  r.Set(0, std::vector<float>{1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f});
  r.Set(1, std::vector<float>{-1.0f, -2.0f});
  EXPECT_EQ(r.Out<float>(), (std::vector<float>{-1.0f, 2.5f, -1.0f, -2.0f, 5.5f, -2.0f}));
}

TEST(CompareTest, SelectV2Refusals) {
  // int32 x / y: TFLite Micro's SELECT_V2 runs int8, int16 and float32 only. A non-bool condition.
  std::string e = Refused(OneOp(kSelectV2, {Plain({2}, kBool), Plain({2}, kI32), Plain({2}, kI32), Plain({2}, kI32)},
                                {0, 1, 2}),
                          Status::kUnsupportedOperator);
  EXPECT_NE(e.find("SELECT_V2 at operator 0: bool, int32, int32 -> int32"), std::string::npos) << e;
  Refused(OneOp(kSelectV2, {Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0), Q({2}, kI8, 0.1f, 0)},
                {0, 1, 2}),
          Status::kUnsupportedOperator);
  // Shapes that do not broadcast; an output of higher rank than every input (TFLite Micro's CheckBroadcastShape).
  Refused(OneOp(kSelectV2, {Plain({3}, kBool), Plain({2}, kF32), Plain({3}, kF32), Plain({3}, kF32)}, {0, 1, 2}),
          Status::kModelInvalid);
  Refused(OneOp(kSelectV2, {Plain({3}, kBool), Plain({3}, kF32), Plain({1}, kF32), Plain({1, 3}, kF32)}, {0, 1, 2}),
          Status::kModelInvalid);
}

}  // namespace
}  // namespace hil::agent::engine
