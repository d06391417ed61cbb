// The reductions (ops/reduce.cc) on single-operator models: hand-computed outputs of MEAN, SUM, REDUCE_MAX,
// REDUCE_MIN, ARG_MAX, ARG_MIN and CUMSUM, and the models they refuse.
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

constexpr int kF32 = 0, kI32 = 2, kI64 = 4, kI16 = 7, kI8 = 9;
constexpr int kMean = 40, kSum = 74, kReduceMax = 82, kReduceMin = 89, kArgMax = 56, kArgMin = 79, kCumsum = 128;
constexpr uint8_t kOptReducer = 27, kOptArgMax = 40, kOptArgMin = 57, kOptCumsum = 102;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  std::vector<uint8_t> data;  // constant when not empty
};

T Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) { return {std::move(shape), type, {scale}, {zp}, {}}; }
T Plain(std::vector<int32_t> shape, int type) { return {std::move(shape), type, {}, {}, {}}; }
T Axes(std::vector<int32_t> axes, std::vector<int32_t> shape = {-1}) {
  if (shape.size() == 1 && shape[0] == -1) shape = {static_cast<int32_t>(axes.size())};
  return {shape, kI32, {}, {}, BytesOf(axes)};
}

// One operator over `tensors`: its inputs are `op_inputs`, its output the last tensor; the model's inputs are
// the non-constant operator inputs.
ModelSpec OneOp(int opcode, const std::vector<T>& tensors, const std::vector<int32_t>& op_inputs, uint8_t opt_type,
                FbNodeP options) {
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

FbNodeP ReducerOptions(bool keep_dims) {
  FbNodeP o = Table();
  AddScalar(o, 0, 1, keep_dims ? 1 : 0);
  return o;
}

FbNodeP CumsumOptions(bool exclusive, bool reverse) {
  FbNodeP o = Table();
  AddScalar(o, 0, 1, exclusive ? 1 : 0);
  AddScalar(o, 1, 1, reverse ? 1 : 0);
  return o;
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
  // Writes input 0, invokes, returns output 0 as Out values.
  template <typename Out, typename In>
  std::vector<Out> Invoke(const std::vector<In>& x) {
    const TensorView in = interp.input(0);
    EXPECT_EQ(in.bytes, x.size() * sizeof(In));
    std::memcpy(in.data, x.data(), in.bytes);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView out = interp.output(0);
    std::vector<Out> y(out.bytes / sizeof(Out));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

// ---- MEAN ----

TEST(ReduceTest, MeanInt8RoundsTwiceAsTfliteMicro) {
  // Equal scales: M = 2^30, shift 1; N = 4 folds in as k = 2: M = 2^30, shift -1. A sum of 101 gives
  // SRDHM(101, 2^30) = 50.5 -> 51, then 51 / 2 = 25.5 -> 26 (the true mean is 25.25; a truncating division,
  // the engine's earlier float path, gives 25). SRDHM rounds ties up, so -101 gives -50, then -25.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kMean, {Q({2, 2, 2, 1}, kI8, 1.0f, 0), Axes({1, 2}), Q({2, 1, 1, 1}, kI8, 1.0f, 0)},
                         {0, 1}, kOptReducer, ReducerOptions(true))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{10, 20, 30, 41, -10, -20, -30, -41}), (std::vector<int8_t>{26, -25}));
}

TEST(ReduceTest, MeanInt8RequantizesWithZeroPoints) {
  // s_in / s_out = 2: M = 2^30, shift 2. N = 3: k = 1, M = 2^31 / 3 = 715827882 (truncated), shift 1.
  // Row {3, 6, 9}: 18 - 3*3 = 9 -> 6.4999 -> 6, + (-5) = 1 (real: mean 1.5 / 0.25 = 6).
  // Row {-128, 127, 0}: -1 - 9 = -10 -> -7.17 -> -7, + (-5) = -12.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kMean, {Q({2, 3}, kI8, 0.5f, 3), Axes({-1}), Q({2}, kI8, 0.25f, -5)}, {0, 1}, kOptReducer,
                         ReducerOptions(false))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{3, 6, 9, -128, 127, 0}), (std::vector<int8_t>{1, -12}));
}

TEST(ReduceTest, MeanInt16SaturatesAndRepeatedAxesCountOnce) {
  // s_in / s_out = 2, N = 2 (axes {1, -1, 1} are one axis): M = 2^30, shift 1, so out = sum exactly.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kMean,
                         {Q({3, 2}, kI16, 1.0f / 1024, 0), Axes({1, -1, 1}), Q({3, 1}, kI16, 1.0f / 2048, 0)},
                         {0, 1}, kOptReducer, ReducerOptions(true))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{32767, 32767, -32768, -32767, 1000, -3001}),
            (std::vector<int16_t>{32767, -32768, -2001}));
}

TEST(ReduceTest, MeanOverEveryAxisOfAScalarAxisTensor) {
  // A rank-0 axis tensor; input [4] reduced to a scalar: (1 + 2 + 3 + 5) / 4 = 2.75 -> 3.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kMean, {Q({4}, kI8, 1.0f, 0), Axes({0}, {}), Q({}, kI8, 1.0f, 0)}, {0, 1}, kOptReducer,
                         ReducerOptions(false))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{1, 2, 3, 5}), (std::vector<int8_t>{3}));
}

// ---- SUM ----

TEST(ReduceTest, SumInt8OverTwoAxes) {
  // Axes {0, 2} of [2, 2, 2]; zp_in 1, s_in / s_out = 0.5 (M = 2^30, shift 0): (14 - 4) / 2 = 5, (22 - 4) / 2 = 9.
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSum, {Q({2, 2, 2}, kI8, 1.0f, 1), Axes({0, 2}), Q({2}, kI8, 2.0f, 0)}, {0, 1}, kOptReducer,
                         ReducerOptions(false))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int8_t>(std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8}), (std::vector<int8_t>{5, 9}));
}

TEST(ReduceTest, SumInt16Saturates) {
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kSum, {Q({2, 3}, kI16, 0.5f, 0), Axes({1}), Q({2}, kI16, 0.5f, 0)}, {0, 1}, kOptReducer,
                         ReducerOptions(false))),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int16_t>(std::vector<int16_t>{30000, 30000, -1, -7, 3, 1}), (std::vector<int16_t>{32767, -3}));
}

// ---- REDUCE_MAX / REDUCE_MIN ----

TEST(ReduceTest, MaxAndMinInt8) {
  const std::vector<int8_t> x{-5, 7, 100, 9, -128, 100};
  OpRun mx, mn;
  ASSERT_EQ(mx.Load(OneOp(kReduceMax, {Q({2, 3}, kI8, 0.1f, 4), Axes({0}), Q({1, 3}, kI8, 0.1f, 4)}, {0, 1},
                          kOptReducer, ReducerOptions(true))),
            Status::kOk)
      << mx.Error();
  EXPECT_EQ(mx.Invoke<int8_t>(x), (std::vector<int8_t>{9, 7, 100}));
  ASSERT_EQ(mn.Load(OneOp(kReduceMin, {Q({2, 3}, kI8, 0.1f, 4), Axes({-2}), Q({3}, kI8, 0.1f, 4)}, {0, 1},
                          kOptReducer, ReducerOptions(false))),
            Status::kOk)
      << mn.Error();
  EXPECT_EQ(mn.Invoke<int8_t>(x), (std::vector<int8_t>{-5, -128, 100}));
}

TEST(ReduceTest, MaxAndMinFloatStartAtTheLargestFiniteValueAndSkipNan) {
  // TFLite starts from lowest() / max(): a line of NaN and -inf gives -FLT_MAX for MAX.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x{1.5f, -2.0f, nan, -inf};
  OpRun mx, mn;
  ASSERT_EQ(mx.Load(OneOp(kReduceMax, {Plain({2, 2}, kF32), Axes({1}), Plain({2}, kF32)}, {0, 1}, kOptReducer,
                          ReducerOptions(false))),
            Status::kOk)
      << mx.Error();
  EXPECT_EQ(mx.Invoke<float>(x), (std::vector<float>{1.5f, -std::numeric_limits<float>::max()}));
  ASSERT_EQ(mn.Load(OneOp(kReduceMin, {Plain({2, 2}, kF32), Axes({1}), Plain({2}, kF32)}, {0, 1}, kOptReducer,
                          ReducerOptions(false))),
            Status::kOk)
      << mn.Error();
  EXPECT_EQ(mn.Invoke<float>(x), (std::vector<float>{-2.0f, -inf}));
}

// ---- ARG_MAX / ARG_MIN ----

TEST(ReduceTest, ArgMaxAndArgMinTakeTheFirstOfEqualValues) {
  const std::vector<int8_t> x{3, 7, 7, -1, -128, 7, -128, -128};
  OpRun a, b, c, d;
  ASSERT_EQ(a.Load(OneOp(kArgMax, {Q({2, 4}, kI8, 0.5f, 0), Axes({-1}), Plain({2}, kI32)}, {0, 1}, kOptArgMax,
                         nullptr)),
            Status::kOk)
      << a.Error();
  EXPECT_EQ(a.Invoke<int32_t>(x), (std::vector<int32_t>{1, 1}));
  ASSERT_EQ(b.Load(OneOp(kArgMin, {Q({2, 4}, kI8, 0.5f, 0), Axes({1}), Plain({2}, kI32)}, {0, 1}, kOptArgMin,
                         nullptr)),
            Status::kOk)
      << b.Error();
  EXPECT_EQ(b.Invoke<int32_t>(x), (std::vector<int32_t>{3, 0}));
  ASSERT_EQ(c.Load(OneOp(kArgMax, {Q({2, 4}, kI8, 0.5f, 0), Axes({0}), Plain({4}, kI32)}, {0, 1}, kOptArgMax,
                         nullptr)),
            Status::kOk)
      << c.Error();
  EXPECT_EQ(c.Invoke<int32_t>(x), (std::vector<int32_t>{0, 0, 0, 0}));
  ASSERT_EQ(d.Load(OneOp(kArgMin, {Q({2, 4}, kI8, 0.5f, 0), Axes({0}), Plain({4}, kI32)}, {0, 1}, kOptArgMin,
                         nullptr)),
            Status::kOk)
      << d.Error();
  EXPECT_EQ(d.Invoke<int32_t>(x), (std::vector<int32_t>{1, 0, 1, 1}));
}

TEST(ReduceTest, ArgMaxFloatComparesPlainlyAsTfliteMicro) {
  // TFLite Micro's plain > (not TensorFlow's NaN-aware comparator): a later NaN never wins, a NaN at index 0
  // is never replaced.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  OpRun r;
  ASSERT_EQ(r.Load(OneOp(kArgMax, {Plain({3, 3}, kF32), Axes({1}), Plain({3}, kI32)}, {0, 1}, kOptArgMax, nullptr)),
            Status::kOk)
      << r.Error();
  EXPECT_EQ(r.Invoke<int32_t>(std::vector<float>{1.0f, nan, 3.0f, nan, 5.0f, 6.0f, -inf, nan, -inf}),
            (std::vector<int32_t>{2, 0, 0}));
}

// ---- CUMSUM ----

// s_in = s_out = 1: y = (q - zp_in) * 2^19 and the output multiplier is 2^-19, so the output is the running
// sum in input units. TFLite Micro starts the sum at the scaled -zp_in: with zp_in = 2 every output is 2 lower
// than a plain cumulative sum.
std::vector<int8_t> Cumsum(bool exclusive, bool reverse) {
  OpRun r;
  EXPECT_EQ(r.Load(OneOp(kCumsum, {Q({2, 3}, kI8, 1.0f, 2), Axes({1}, {}), Q({2, 3}, kI8, 1.0f, 0)}, {0, 1},
                         kOptCumsum, CumsumOptions(exclusive, reverse))),
            Status::kOk)
      << r.Error();
  return r.Invoke<int8_t>(std::vector<int8_t>{5, 1, 3, -128, 127, 0});
}

TEST(ReduceTest, CumsumInt8AllOptions) {
  EXPECT_EQ(Cumsum(false, false), (std::vector<int8_t>{1, 0, 1, -128, -7, -9}));
  EXPECT_EQ(Cumsum(true, false), (std::vector<int8_t>{-2, 1, 0, -2, -128, -7}));
  EXPECT_EQ(Cumsum(false, true), (std::vector<int8_t>{1, -2, -1, -9, 121, -4}));
  EXPECT_EQ(Cumsum(true, true), (std::vector<int8_t>{-2, -1, -2, 121, -4, -2}));
}

// ---- refusals ----

TEST(ReduceTest, RefusesWhatTfliteMicroDoesNotRun) {
  struct Case {
    const char* name;
    ModelSpec spec;
    Status want;
    const char* detail;
  };
  ModelSpec non_const_axis = OneOp(kMean, {Q({2, 3}, kI8, 1.0f, 0), Plain({1}, kI32), Q({2}, kI8, 1.0f, 0)}, {0, 1},
                                   kOptReducer, ReducerOptions(false));
  const Case cases[] = {
      {"float mean", OneOp(kMean, {Plain({2, 3}, kF32), Axes({1}), Plain({2}, kF32)}, {0, 1}, kOptReducer, nullptr),
       Status::kUnsupportedOperator,
       "MEAN at operator 0: float32, int32 -> float32 is not supported (int8 or int16 input and output, int32 axis)"},
      {"mixed types", OneOp(kSum, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}), Q({2}, kI16, 1.0f, 0)}, {0, 1}, kOptReducer,
                            nullptr),
       Status::kUnsupportedOperator, "SUM at operator 0: int8, int32 -> int16 is not supported"},
      {"axis out of range", OneOp(kMean, {Q({2, 3}, kI8, 1.0f, 0), Axes({-3}), Q({2}, kI8, 1.0f, 0)}, {0, 1},
                                  kOptReducer, nullptr),
       Status::kModelInvalid, "MEAN at operator 0: axis out of range"},
      {"output size", OneOp(kMean, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}), Q({3}, kI8, 1.0f, 0)}, {0, 1}, kOptReducer,
                            nullptr),
       Status::kModelInvalid, "MEAN at operator 0: the output has 3 elements, the reduction gives 2"},
      {"non-constant axis", non_const_axis, Status::kUnsupportedOperator,
       "MEAN at operator 0: the axis tensor must be constant"},
      {"unquantized", OneOp(kMean, {Plain({2, 3}, kI8), Axes({1}), Q({2}, kI8, 1.0f, 0)}, {0, 1}, kOptReducer,
                            nullptr),
       Status::kModelInvalid, "MEAN at operator 0: tensor 0 (int8) has no valid quantization"},
      {"scale ratio", OneOp(kMean, {Q({2, 3}, kI8, 1e10f, 0), Axes({1}), Q({2}, kI8, 1.0f, 0)}, {0, 1}, kOptReducer,
                            nullptr),
       Status::kUnsupportedOperator, "MEAN at operator 0: input scale / output scale must be below 2^30"},
      {"max requantizes", OneOp(kReduceMax, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}), Q({2}, kI8, 0.5f, 0)}, {0, 1},
                                kOptReducer, nullptr),
       Status::kUnsupportedOperator, "REDUCE_MAX at operator 0: int8 input and output must have the same scale"},
      {"int16 max", OneOp(kReduceMin, {Q({2, 3}, kI16, 1.0f, 0), Axes({1}), Q({2}, kI16, 1.0f, 0)}, {0, 1},
                          kOptReducer, nullptr),
       Status::kUnsupportedOperator, "REDUCE_MIN at operator 0: int16, int32 -> int16 is not supported"},
      {"arg_max int64 out", OneOp(kArgMax, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}), Plain({2}, kI64)}, {0, 1}, kOptArgMax,
                                  nullptr),
       Status::kUnsupportedOperator,
       "ARG_MAX at operator 0: int8, int32 -> int64 is not supported (int8 or float32 input, int32 axis, int32 "
       "output)"},
      {"arg_min int16", OneOp(kArgMin, {Q({2, 3}, kI16, 1.0f, 0), Axes({1}), Plain({2}, kI32)}, {0, 1}, kOptArgMin,
                              nullptr),
       Status::kUnsupportedOperator, "ARG_MIN at operator 0: int16, int32 -> int32 is not supported"},
      {"arg_max size", OneOp(kArgMax, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}), Plain({3}, kI32)}, {0, 1}, kOptArgMax,
                             nullptr),
       Status::kModelInvalid, "ARG_MAX at operator 0: the output's size does not match"},
      {"arg_max axis", OneOp(kArgMax, {Q({2, 3}, kI8, 1.0f, 0), Axes({2}), Plain({2}, kI32)}, {0, 1}, kOptArgMax,
                             nullptr),
       Status::kModelInvalid, "ARG_MAX at operator 0: axis out of range"},
      {"cumsum int16", OneOp(kCumsum, {Q({2, 3}, kI16, 1.0f, 0), Axes({1}, {}), Q({2, 3}, kI16, 1.0f, 0)}, {0, 1},
                             kOptCumsum, nullptr),
       Status::kUnsupportedOperator,
       "CUMSUM at operator 0: int16, int32 -> int16 is not supported (int8 input and output, int32 axis)"},
      {"cumsum shape", OneOp(kCumsum, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}, {}), Q({3, 2}, kI8, 1.0f, 0)}, {0, 1},
                             kOptCumsum, nullptr),
       Status::kModelInvalid, "CUMSUM at operator 0: input and output shapes differ"},
      {"cumsum two axes", OneOp(kCumsum, {Q({2, 3}, kI8, 1.0f, 0), Axes({0, 1}), Q({2, 3}, kI8, 1.0f, 0)}, {0, 1},
                                kOptCumsum, nullptr),
       Status::kModelInvalid, "CUMSUM at operator 0: the axis must be a single value"},
      {"cumsum scales", OneOp(kCumsum, {Q({2, 3}, kI8, 1.0f, 0), Axes({1}, {}), Q({2, 3}, kI8, 1.0f / 524288, 0)},
                              {0, 1}, kOptCumsum, nullptr),
       Status::kUnsupportedOperator, "CUMSUM at operator 0: input scale / output scale must be below 2^19"},
      {"cumsum axis", OneOp(kCumsum, {Q({2, 3}, kI8, 1.0f, 0), Axes({-3}, {}), Q({2, 3}, kI8, 1.0f, 0)}, {0, 1},
                            kOptCumsum, nullptr),
       Status::kModelInvalid, "CUMSUM at operator 0: axis out of range"},
  };
  for (const Case& k : cases) {
    OpRun r;
    EXPECT_EQ(r.Load(k.spec), k.want) << k.name << ": " << r.Error();
    EXPECT_EQ(r.Error().rfind(k.detail, 0), 0u) << k.name << ": " << r.Error();
  }
}

}  // namespace
}  // namespace hil::agent::engine
