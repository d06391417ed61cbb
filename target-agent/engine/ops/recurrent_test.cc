// SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM (ops/recurrent.cc) on single-operator models: hand-computed outputs
// over several Invokes (the state tensors carry over, ResetVariables restarts them), TensorFlow Lite Micro's own
// kernel test vectors (svdf_test.cc and testdata/lstm_test_data.cc: their float data quantized as those tests
// quantize it, their golden outputs and tolerances, and the exact bytes TFLite Micro's reference kernels produce
// for them), consistency between one long sequence and the same sequence split over Invokes, and the models
// the operators refuse.
#include <algorithm>
#include <array>
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

using testing::AddChild;
using testing::AddFloat;
using testing::AddScalar;
using testing::BytesOf;
using testing::FbNodeP;
using testing::ModelSpec;
using testing::Table;

constexpr int kF32 = 0, kI32 = 2, kI64 = 4, kI16 = 7, kI8 = 9;
constexpr int kSvdfCode = 27, kLstmCode = 44;
constexpr uint8_t kSvdfOptions = 6, kLstmOptions = 71;
constexpr int kTanhAct = 4;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  std::vector<uint8_t> data;  // constant when not empty
  bool variable = false;
};

T Act(std::vector<int32_t> shape, int type, float scale, int64_t zp, bool variable = false) {
  return {std::move(shape), type, {scale}, {zp}, {}, variable};
}
T Const(std::vector<int32_t> shape, int type, float scale, std::vector<uint8_t> data) {
  return {std::move(shape), type, {scale}, {0}, std::move(data), false};
}

// One operator over `tensors`: its inputs are `op_inputs`, its output the last tensor; the model's inputs are
// the operator inputs that are neither constant nor variable.
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
    testing::TensorSpec s{t.shape, t.type, buffer, t.scales, t.zero_points, 0};
    s.variable = t.variable;
    m.tensors.push_back(s);
  }
  const int32_t out = static_cast<int32_t>(tensors.size()) - 1;
  m.ops.push_back({opcode, op_inputs, {out}, options ? opt_type : uint8_t{0}, options, {}});
  for (int32_t i : op_inputs)
    if (i >= 0 && tensors[i].data.empty() && !tensors[i].variable) m.inputs.push_back(i);
  m.outputs = {out};
  return m;
}

struct Session {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  // Writes `x` to input 0, invokes, returns output 0 (empty on a failure, which is also reported).
  template <typename Y, typename X>
  std::vector<Y> Step(const std::vector<X>& x) {
    const TensorView in = interp.input(0);
    EXPECT_EQ(in.bytes, x.size() * sizeof(X));
    if (in.bytes != x.size() * sizeof(X)) return {};
    std::memcpy(in.data, x.data(), in.bytes);
    const Status st = interp.Invoke(nullptr);
    EXPECT_EQ(st, Status::kOk) << interp.ErrorDetail();
    if (st != Status::kOk) return {};
    const TensorView out = interp.output(0);
    std::vector<Y> y(out.bytes / sizeof(Y));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

template <typename Q>
std::vector<Q> Quantize(const float* v, size_t n, float scale, int zp) {
  std::vector<Q> q(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t r = static_cast<int64_t>(std::round(v[i] / scale)) + zp;
    q[i] = static_cast<Q>(std::min<int64_t>(std::max<int64_t>(r, std::numeric_limits<Q>::min()),
                                            std::numeric_limits<Q>::max()));
  }
  return q;
}

// ============================================================================================================
// SVDF
// ============================================================================================================

struct Svdf {
  int batches = 1, input_size = 1, units = 1, rank = 1, memory = 1;
  int time_type = kI8;
  float s_in = 1, s_wf = 1, s_wt = 1, s_state = 1, s_out = 1;
  int zp_in = 0, zp_state = 0, zp_out = 0;
  std::vector<int8_t> wf;    // [units * rank, input_size]
  std::vector<int32_t> wt;   // [units * rank, memory], stored as time_type
  std::vector<int32_t> bias;  // [units]
  int act = 0;                // fused activation (ignored on the integer path)
};

// SVDFOptions: rank 0, fused_activation_function 1.
FbNodeP SvdfOptions(int rank, int act = 0) {
  FbNodeP o = Table();
  AddScalar(o, 0, 4, static_cast<uint32_t>(rank));
  AddScalar(o, 1, 1, static_cast<uint8_t>(act));
  return o;
}

// Tensors: 0 input, 1 weights_feature, 2 weights_time, 3 bias, 4 state (variable), 5 output.
ModelSpec SvdfModel(const Svdf& s) {
  const int filters = s.units * s.rank;
  std::vector<uint8_t> wt;
  if (s.time_type == kI8) {
    wt = BytesOf(std::vector<int8_t>(s.wt.begin(), s.wt.end()));
  } else {
    wt = BytesOf(std::vector<int16_t>(s.wt.begin(), s.wt.end()));
  }
  const std::vector<T> tensors = {
      Act({s.batches, s.input_size}, kI8, s.s_in, s.zp_in),
      Const({filters, s.input_size}, kI8, s.s_wf, BytesOf(s.wf)),
      Const({filters, s.memory}, s.time_type, s.s_wt, wt),
      Const({s.units}, kI32, s.s_state * s.s_wt, BytesOf(s.bias)),
      Act({s.batches, s.memory * filters}, s.time_type, s.s_state, s.zp_state, /*variable=*/true),
      Act({s.batches, s.units}, kI8, s.s_out, s.zp_out)};
  return OneOp(kSvdfCode, tensors, {0, 1, 2, 3, 4}, kSvdfOptions, SvdfOptions(s.rank, s.act));
}

// 2 inputs, 2 filters of rank 1, memory 2, int8 state. Every multiplier is exactly 1:
// s_in * s_wf / s_state = 0.5 * 0.5 / 0.25 and s_state * s_wt / s_out = 0.25 * 0.5 / 0.125.
Svdf HandSvdf() {
  Svdf s;
  s.input_size = 2;
  s.units = 2;
  s.memory = 2;
  s.s_in = 0.5f, s.s_wf = 0.5f, s.s_wt = 0.5f, s.s_state = 0.25f, s.s_out = 0.125f;
  s.zp_in = 1, s.zp_state = 2, s.zp_out = -3;
  s.wf = {1, 2, -3, 1};
  s.wt = {1, 2, 3, -1};
  s.bias = {10, -5};
  s.act = 1;  // RELU: the integer kernel does not apply it (TFLite Micro neither)
  return s;
}

TEST(SvdfTest, Int8HandComputedStateCarriesOverInvokes) {
  Session r;
  ASSERT_EQ(r.Load(SvdfModel(HandSvdf())), Status::kOk) << r.interp.ErrorDetail();
  // The state starts at its zero point 2. x - zp_in = (2, 4): features 1*2+2*4 = 10 and -3*2+1*4 = -2, stored as
  // 12 and 0. Filter 0: 1*(2-2) + 2*(12-2) = 20; filter 1: 3*(2-2) - (0-2) = 2. Outputs 10+20-3, -5+2-3.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{3, 5})), (std::vector<int8_t>{27, -6}));
  // (-1, -2): features -5 and 1, stored -3 and 3; memories (12, -3) and (0, 3): 10 - 10 = 0, -6 - 1 = -7.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{0, -1})), (std::vector<int8_t>{7, -15}));
  // (126, 126): features 378 and -252 clamp to 127 and -128 before the zero point is added, and 129 is stored
  // as -127 (no second clamp). Memories (-3, -127) and (3, -126): -5 - 258 = -263 and 3 + 128 = 131.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{127, 127})), (std::vector<int8_t>{-128, 123}));
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{3, 5})), (std::vector<int8_t>{-102, -128}));
  r.interp.ResetVariables();
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{3, 5})), (std::vector<int8_t>{27, -6}));
}

TEST(SvdfTest, Int16StateClampsThenWrapsAtTheZeroPoint) {
  // 3 inputs, 2 filters of rank 2 (one unit), memory 2, int16 state with zero point 5, all scales 1.
  Svdf s;
  s.input_size = 3;
  s.units = 1;
  s.rank = 2;
  s.memory = 2;
  s.time_type = kI16;
  s.zp_state = 5;
  s.wf = {100, 100, 100, -120, -120, -120};
  s.wt = {2, 3, 1, -1};
  s.bias = {65594};
  Session r;
  ASSERT_EQ(r.Load(SvdfModel(s)), Status::kOk) << r.interp.ErrorDetail();
  // Features 38100 and -45720 clamp to 32767 and -32768; + 5 stores -32764 (wrapped) and -32763. An int16
  // state starts at 0, not at its zero point. 2*(0-5) + 3*(-32764-5) + 1*(0-5) - (-32763-5) = -65554.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{127, 127, 127})), (std::vector<int8_t>{40}));
  // Features 0, stored 5: 2*(-32764-5) + 3*0 + (-32763-5) - 0 = -98306.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{0, 0, 0})), (std::vector<int8_t>{-128}));
}

// TFLite Micro's svdf_test.cc, "SvdfQuantized2x2Input2x4OutputShouldMatchGolden": 2 batches, 2 inputs, 4 units
// of rank 2, memory 10, ten Invokes in a row; float data and goldens, outputs within 1 of the quantized golden.
const float kSvdfInput2x2x10[] = {
    0.12609188f, -0.46347019f, 0.35867718f, 0.36897406f, 0.14278367f, -1.64410412f, -0.57290924f, 0.12729003f,
    0.49837467f, 0.19278903f, 0.17660543f, 0.52949083f, -0.11186574f, 0.13164264f, -0.72674477f, -0.5683046f,
    -0.68892461f, 0.37783599f, -0.63690937f, 0.44483393f, -0.81299269f, -0.86831826f, -0.95760226f, 1.82078898f,
    -1.45006323f, -0.82251364f, -1.65087092f, -1.89238167f, 0.03966608f, -0.24936394f, 2.06740379f, -1.51439476f,
    0.11771342f, -0.23761693f, 0.31088525f, -1.55601168f, -0.89477462f, 1.67204106f, -0.6230064f, 0.29819036f,
};
const float kSvdfFeatureWeights2x2x10[] = {
    -0.31930989f, 0.0079667f, 0.39296314f, 0.37613347f, 0.12416199f, 0.15785322f, 0.27901134f, 0.3905206f,
    0.21931258f, -0.36137494f, -0.10640851f, 0.31053296f, -0.36118156f, -0.0976817f, -0.36916667f, 0.22197971f,
};
const float kSvdfTimeWeights2x2x10[] = {
    -0.31930989f, 0.37613347f, 0.27901134f, -0.36137494f, -0.36118156f, 0.22197971f, 0.27557442f, -0.06634006f,
    0.0079667f, 0.12416199f, 0.3905206f, -0.10640851f, -0.0976817f, 0.15294972f, 0.39635518f, -0.02702999f,
    0.39296314f, 0.15785322f, 0.21931258f, 0.31053296f, -0.36916667f, 0.38031587f, -0.21580373f, 0.27072677f,
    0.23622236f, 0.34936687f, 0.18174365f, 0.35907319f, -0.17493086f, 0.324846f, -0.10781813f, 0.27201805f,
    0.14324132f, -0.23681851f, -0.27115166f, -0.01580888f, -0.14943552f, 0.15465137f, 0.09784451f, -0.0337657f,
    -0.14884081f, 0.19931212f, -0.36002168f, 0.34663299f, -0.11405486f, 0.12672701f, 0.39463779f, -0.07886535f,
    -0.06384811f, 0.08249187f, -0.26816407f, -0.19905911f, 0.29211238f, 0.31264046f, -0.28664589f, 0.05698794f,
    0.11613581f, 0.14078894f, 0.02187902f, -0.21781836f, -0.15567942f, 0.08693647f, -0.38256618f, 0.36580828f,
    -0.22922277f, -0.0226903f, 0.12878349f, -0.28122205f, -0.10850525f, -0.11955214f, 0.27179423f, -0.04710215f,
    0.31069002f, 0.22672787f, 0.09580326f, 0.08682203f, 0.1258215f, 0.1851041f, 0.29228821f, 0.12366763f,
};
const float kSvdfGolden2x2x10[] = {
    -0.044205f, -0.013757f, 0.050369f, -0.018447f, 0.073010f, 0.025142f, -0.021154f, 0.013551f,
    -0.209613f, -0.062421f, 0.150209f, -0.108334f, 0.028256f, -0.006950f, -0.030885f, 0.009603f,
    -0.076800f, -0.037075f, -0.087198f, -0.155183f, 0.091069f, 0.098446f, -0.016083f, 0.106475f,
    -0.082123f, -0.162238f, -0.084434f, -0.141074f, -0.029340f, -0.090685f, 0.053302f, -0.030604f,
    -0.201440f, 0.088424f, 0.139877f, 0.012416f, -0.113212f, 0.103893f, -0.100842f, 0.122780f,
    -0.166632f, -0.116705f, 0.175298f, -0.047163f, 0.313077f, -0.166485f, -0.285860f, 0.129069f,
    -0.625911f, 0.046134f, 0.138081f, -0.129581f, -0.521455f, -0.061579f, 0.230289f, 0.114963f,
    -0.216693f, -0.161643f, -0.179177f, -0.052599f, -0.213239f, 0.029502f, 0.260858f, 0.275045f,
    -0.213689f, -0.323608f, -0.285635f, -0.317687f, -0.324092f, -0.317972f, -0.208450f, -0.462504f,
    -0.255126f, -0.218576f, -0.041528f, 0.179421f, -0.440583f, 0.072127f, -0.284136f, 0.241570f,
};

template <typename TimeT>
void SvdfTflmGolden2x2x10() {
  constexpr int kBatches = 2, kInputs = 2, kUnits = 4, kRank = 2, kMemory = 10, kFilters = kUnits * kRank;
  const int time_max = std::numeric_limits<TimeT>::max();
  Svdf s;
  s.batches = kBatches;
  s.input_size = kInputs;
  s.units = kUnits;
  s.rank = kRank;
  s.memory = kMemory;
  s.time_type = sizeof(TimeT) == 1 ? kI8 : kI16;
  // The test's scales (double quotients stored as float) and zero points 0.
  s.s_in = static_cast<float>(2.5 / 127);
  s.s_wf = static_cast<float>(1.0 / 127);
  s.s_wt = static_cast<float>(1.0 / time_max);
  s.s_state = static_cast<float>(1.49 / time_max);
  s.s_out = static_cast<float>(1.0 / 127);
  s.act = 1;  // the test passes RELU; its goldens show the integer path ignores it
  s.wf = Quantize<int8_t>(kSvdfFeatureWeights2x2x10, kFilters * kInputs, s.s_wf, 0);
  const std::vector<TimeT> wt = Quantize<TimeT>(kSvdfTimeWeights2x2x10, kFilters * kMemory, s.s_wt, 0);
  s.wt.assign(wt.begin(), wt.end());
  s.bias.assign(kUnits, 0);
  Session r;
  ASSERT_EQ(r.Load(SvdfModel(s)), Status::kOk) << r.interp.ErrorDetail();
  const std::vector<int8_t> x = Quantize<int8_t>(kSvdfInput2x2x10, 10 * kBatches * kInputs, s.s_in, 0);
  const std::vector<int8_t> golden = Quantize<int8_t>(kSvdfGolden2x2x10, 10 * kBatches * kUnits, s.s_out, 0);
  for (int step = 0; step < 10; ++step) {
    const std::vector<int8_t> in(x.begin() + step * kBatches * kInputs, x.begin() + (step + 1) * kBatches * kInputs);
    const std::vector<int8_t> y = r.Step<int8_t>(in);
    ASSERT_EQ(y.size(), static_cast<size_t>(kBatches * kUnits));
    for (int i = 0; i < kBatches * kUnits; ++i)
      EXPECT_NEAR(y[i], golden[step * kBatches * kUnits + i], 1) << "invoke " << step << " element " << i;
  }
}

TEST(SvdfTest, TflmGolden2x2x10Int8State) { SvdfTflmGolden2x2x10<int8_t>(); }
TEST(SvdfTest, TflmGolden2x2x10Int16State) { SvdfTflmGolden2x2x10<int16_t>(); }

// Loads `m` and expects `want` with a detail naming the operator and containing `why`.
void ExpectRefused(const ModelSpec& m, Status want, const char* op_name, const char* why) {
  Session r;
  EXPECT_EQ(r.Load(m), want) << why << ": " << r.interp.ErrorDetail();
  const std::string detail = r.interp.ErrorDetail();
  EXPECT_EQ(detail.find(op_name), 0u) << detail;
  EXPECT_NE(detail.find(why), std::string::npos) << "want \"" << why << "\" in: " << detail;
}

TEST(SvdfTest, Refusals) {
  const ModelSpec ok = SvdfModel(HandSvdf());
  {
    Session r;
    ASSERT_EQ(r.Load(ok), Status::kOk) << r.interp.ErrorDetail();
  }
  auto with = [&](auto change) {
    ModelSpec m = ok;
    change(m);
    return m;
  };
  const Status kUnsup = Status::kUnsupportedOperator, kInvalid = Status::kModelInvalid;
  // Types TFLite Micro's integer SVDF does not run.
  ExpectRefused(with([](ModelSpec& m) { m.tensors[0].type = kI16; }), kUnsup, "SVDF", "int16, int8, int8, int32, int8 -> int8 is not supported");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[4].type = kI16; }), kUnsup, "SVDF",
                "int8, int8, int8, int32, int16 -> int8 is not supported");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[3].type = kI64; m.buffers[3] = BytesOf(std::vector<int64_t>{1, 2}); }),
                kUnsup, "SVDF", "int8, int8, int8, int64, int8 -> int8 is not supported");
  ExpectRefused(with([](ModelSpec& m) { m.ops[0].inputs[3] = -1; }), kUnsup, "SVDF", "without bias is not supported");
  // Models that contradict themselves.
  ExpectRefused(with([](ModelSpec& m) { m.tensors[4].variable = false; m.inputs.push_back(4); }), kInvalid, "SVDF",
                "must be a variable tensor");
  ExpectRefused(with([](ModelSpec& m) { m.ops[0].options = SvdfOptions(0); }), kInvalid, "SVDF", "rank must be at least 1");
  ExpectRefused(with([](ModelSpec& m) { m.ops[0].options = SvdfOptions(3); }), kInvalid, "SVDF",
                "filters are not a multiple of rank");
  ExpectRefused(with([](ModelSpec& m) { m.ops[0].options = nullptr; m.ops[0].options_type = 0; }), kInvalid, "SVDF",
                "rank must be at least 1");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[4].shape = {1, 3}; }), kInvalid, "SVDF", "state must be [batches, memory * filters]");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[5].shape = {1, 3}; }), kInvalid, "SVDF", "output must be [batches, units]");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[3].scales = {0.2f}; }), kInvalid, "SVDF",
                "bias scale must equal");
  ExpectRefused(with([](ModelSpec& m) { m.tensors[0].scales = {0.0f}; }), kInvalid, "SVDF", "tensor 0 (int8) has no valid quantization");
  ExpectRefused(with([](ModelSpec& m) { m.ops[0].inputs.pop_back(); }), kInvalid, "SVDF", "needs 5 inputs");
}

// ============================================================================================================
// UNIDIRECTIONAL_SEQUENCE_LSTM
// ============================================================================================================

// Gate order: input, forget, cell, output (the operator's order of weights and biases).
struct Lstm {
  int batches = 1, steps = 1, input_size = 1, units = 1;
  bool time_major = false, wide = false;
  float s_in = 1, s_h = 1, s_cell = 1;
  int zp_in = 0, zp_h = 0;
  float cell_clip = 0;
  int act = kTanhAct;
  std::array<std::vector<int8_t>, 4> w_in, w_rec;  // [units, input_size], [units, units]
  std::array<float, 4> s_w_in{}, s_w_rec{};
  std::array<std::vector<int64_t>, 4> bias;  // [units]; int32 or int64 in the model
};

constexpr int kLstmHiddenTensor = 13, kLstmCellTensor = 14;

// Tensors: 0 input, 1-4 input weights, 5-8 recurrent weights, 9-12 biases, 13 hidden (output_state) and 14 cell
// (both variable), 15 output.
ModelSpec LstmModel(const Lstm& l) {
  const int at = l.wide ? kI16 : kI8;
  const std::vector<int32_t> in_shape = l.time_major ? std::vector<int32_t>{l.steps, l.batches, l.input_size}
                                                     : std::vector<int32_t>{l.batches, l.steps, l.input_size};
  const std::vector<int32_t> out_shape = l.time_major ? std::vector<int32_t>{l.steps, l.batches, l.units}
                                                      : std::vector<int32_t>{l.batches, l.steps, l.units};
  std::vector<T> t = {Act(in_shape, at, l.s_in, l.zp_in)};
  for (int g = 0; g < 4; ++g) t.push_back(Const({l.units, l.input_size}, kI8, l.s_w_in[g], BytesOf(l.w_in[g])));
  for (int g = 0; g < 4; ++g) t.push_back(Const({l.units, l.units}, kI8, l.s_w_rec[g], BytesOf(l.w_rec[g])));
  for (int g = 0; g < 4; ++g) {
    const float s_b = l.s_in * l.s_w_in[g];
    if (l.wide) {
      t.push_back(Const({l.units}, kI64, s_b, BytesOf(l.bias[g])));
    } else {
      t.push_back(Const({l.units}, kI32, s_b, BytesOf(std::vector<int32_t>(l.bias[g].begin(), l.bias[g].end()))));
    }
  }
  t.push_back(Act({l.batches, l.units}, at, l.s_h, l.zp_h, /*variable=*/true));
  t.push_back(Act({l.batches, l.units}, kI16, l.s_cell, 0, /*variable=*/true));
  t.push_back(Act(out_shape, at, l.s_h, l.zp_h));
  FbNodeP o = Table();
  AddScalar(o, 0, 1, static_cast<uint8_t>(l.act));
  AddFloat(o, 1, l.cell_clip);
  AddScalar(o, 3, 1, l.time_major ? 1 : 0);
  return OneOp(kLstmCode, t, {0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, 9, 10, 11, 12, -1, -1, 13, 14, -1, -1, -1, -1},
               kLstmOptions, o);
}

// One input, one unit. s_in * s_w = s_h * s_w = 2^-12, so both FCs of every gate pass their sums through
// unscaled (Q3.12); the cell scale is 2^-11 (tanh input 6 * cell), the hidden scale 2^-7.
Lstm HandLstm(bool wide) {
  Lstm l;
  l.wide = wide;
  l.steps = 2;
  l.s_in = l.s_h = 1.0f / 128;
  l.s_cell = 1.0f / 2048;
  l.w_in = {std::vector<int8_t>{64}, {0}, {64}, {0}};
  l.w_rec = {std::vector<int8_t>{0}, {0}, {0}, {64}};
  l.s_w_in = l.s_w_rec = {1.0f / 32, 1.0f / 32, 1.0f / 32, 1.0f / 32};
  l.bias = {std::vector<int64_t>{0}, {-4096}, {0}, {0}};
  return l;
}

TEST(LstmTest, HandComputedTwoStepsTwoInvokes) {
  for (bool wide : {false, true}) {
    Session r;
    ASSERT_EQ(r.Load(LstmModel(HandLstm(wide))), Status::kOk) << r.interp.ErrorDetail();
    // x = 8: gates i = sigmoid(512 / 4096), f = sigmoid(-1), g = tanh(512 / 4096), o = sigmoid(64 h / 4096).
    // From the table: i = (T[3] * 2^9 + 2^9) >> 10 = 17407, f = (2^25 - T[24] * 2^9 + 2^9 - 1) >> 10 = 8812,
    // g = (T[6] * 2^8 - 2^23 + 2^7) >> 8 = 4075, and o = 16384 at h = 0.
    // Step 0: cell = (8812 * 0) >> 15 + (17407 * 4075 ~> 2^-19) = 135; tanh(6 * 135 = 810: T[3], T[4], 42/256) =
    // 2157; h = 2157 * 16384 ~> 2^-23 = 4. Step 1: o = 16896 at h = 4; cell = 36 + 135 = 171; tanh(1026) = 2730;
    // h = 2730 * 16896 / 2^23 = 5.4987 -> 5.
    const std::vector<int64_t> x = {8, 8};
    auto step = [&](std::vector<int32_t> want) {
      if (wide) {
        EXPECT_EQ((r.Step<int16_t>(std::vector<int16_t>(x.begin(), x.end()))),
                  (std::vector<int16_t>(want.begin(), want.end())));
      } else {
        EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>(x.begin(), x.end()))),
                  (std::vector<int8_t>(want.begin(), want.end())));
      }
    };
    step({4, 5});
    // The state carries over: h = 5, cell = 171. Step 0: o = 17024, cell = 46 + 135 = 181, tanh(1086) = 2889,
    // h = 5.86 -> 6; step 1: o = 17152, cell = 49 + 135 = 184, tanh(1104) = 2936, h = 6.003 -> 6.
    step({6, 6});
    r.interp.ResetVariables();
    step({4, 5});
  }
}

TEST(LstmTest, CellClip) {
  Lstm l = HandLstm(false);
  l.cell_clip = 0.05f;  // 0.05 * 2048 = 102.4 -> 102 (toward zero)
  Session r;
  ASSERT_EQ(r.Load(LstmModel(l)), Status::kOk) << r.interp.ErrorDetail();
  // cell 135 clips to 102 at both steps: tanh(612) = 1631, h = 1631 * 16384 / 2^23 = 3.19 -> 3; then
  // o = 16896 and (8812 * 102 >> 15) + 135 = 162 clips to 102 again: 1631 * 16896 / 2^23 = 3.29 -> 3.
  EXPECT_EQ((r.Step<int8_t>(std::vector<int8_t>{8, 8})), (std::vector<int8_t>{3, 3}));
}

// TFLite Micro's unidirectional_sequence_lstm_test.cc on testdata/lstm_test_data.cc: 2 batches, 3 steps (batch
// major), 2 inputs, 2 units, cell clip 6; its float weights quantized as its test does (symmetric, round half away).
Lstm TflmLstm(bool wide) {
  Lstm l;
  l.wide = wide;
  l.batches = 2, l.steps = 3, l.input_size = 2, l.units = 2;
  l.cell_clip = 6;
  l.s_cell = 0.00024414062f;
  if (wide) {
    l.s_in = 3.0518044e-5f;
    l.s_h = 2.1362956633198035e-05f;
    l.bias = {std::vector<int64_t>{-208074, -416147}, {208074, 416147}, {0, 0}, {0, 0}};
  } else {
    l.s_in = 0.00784313725490196f;
    l.s_h = 0.004705882165580988f;
    l.zp_h = -21;
    l.bias = {std::vector<int64_t>{-810, -1619}, {810, 1619}, {0, 0}, {0, 0}};
  }
  l.w_in = l.w_rec = {std::vector<int8_t>{64, 64, 127, 127}, {-64, -64, -127, -127}, {127, 127, 127, 127},
                      {127, 127, 127, 127}};
  l.s_w_in = l.s_w_rec = {0.15748031496062992f, 0.15748031496062992f, 0.007874015748031496f,
                          0.007874015748031496f};
  return l;
}

TEST(LstmTest, TflmTestVectors) {
  // Its inputs 0.2, 0.3, ... quantized; expected: the bytes TFLite Micro's reference kernels write for this model
  // (hil-tflm-dump), which its float goldens confirm within the test's tolerances (1e-2 int8, 1e-3 int16).
  const float golden[12] = {0.26455893f, 0.26870455f, 0.47935803f, 0.47937014f, 0.58013272f, 0.58013278f,
                            -1.41184672e-3f, -1.43329117e-5f, 0.46887168f, 0.46891281f, 0.50054074f, 0.50054148f};
  {
    const Lstm l = TflmLstm(false);
    Session r;
    ASSERT_EQ(r.Load(LstmModel(l)), Status::kOk) << r.interp.ErrorDetail();
    const std::vector<int8_t> y = r.Step<int8_t>(std::vector<int8_t>{25, 38, 25, 38, 25, 38, -125, 79, 1, 126, 62, -41});
    EXPECT_EQ(y, (std::vector<int8_t>{35, 35, 80, 80, 102, 102, -21, -21, 78, 78, 85, 85}));
    for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR((y[i] - l.zp_h) * l.s_h, golden[i], 1e-2) << i;
  }
  {
    const Lstm l = TflmLstm(true);
    Session r;
    ASSERT_EQ(r.Load(LstmModel(l)), Status::kOk) << r.interp.ErrorDetail();
    const std::vector<int16_t> y = r.Step<int16_t>(
        std::vector<int16_t>{6554, 9830, 6554, 9830, 6554, 9830, -32112, 20316, 328, 32440, 16056, -10486});
    EXPECT_EQ(y, (std::vector<int16_t>{12391, 12577, 22439, 22439, 27159, 27159, -66, 0, 21943, 21943, 23426, 23426}));
    for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i] * l.s_h, golden[i], 1e-3) << i;
  }
}

// Pseudo-random weights, biases and inputs (a fixed linear congruential sequence).
struct Lcg {
  uint32_t s;
  int32_t Next(int32_t lo, int32_t hi) {
    s = s * 1664525u + 1013904223u;
    return lo + static_cast<int32_t>((s >> 8) % static_cast<uint32_t>(hi - lo + 1));
  }
};

Lstm RandomLstm(bool wide, int batches, int steps, bool time_major) {
  Lcg g{wide ? 7u : 3u};
  Lstm l;
  l.wide = wide, l.batches = batches, l.steps = steps, l.time_major = time_major;
  l.input_size = 4, l.units = 3;
  const float amax = wide ? 32767.0f : 127.0f;
  l.s_in = 1.2f / amax;
  l.s_h = 1.0f / amax;
  l.zp_in = wide ? 0 : 5;
  l.zp_h = wide ? 0 : -7;
  l.s_cell = 1.0f / 2048;
  l.cell_clip = 4;
  for (int k = 0; k < 4; ++k) {
    for (int i = 0; i < l.units * l.input_size; ++i) l.w_in[k].push_back(static_cast<int8_t>(g.Next(-127, 127)));
    for (int i = 0; i < l.units * l.units; ++i) l.w_rec[k].push_back(static_cast<int8_t>(g.Next(-127, 127)));
    l.s_w_in[k] = l.s_w_rec[k] = 2.0f / 127;
    const int32_t b = static_cast<int32_t>(0.5f / (l.s_in * l.s_w_in[k]));
    for (int u = 0; u < l.units; ++u) l.bias[k].push_back(g.Next(-b, b));
  }
  return l;
}

// One long sequence equals the same sequence fed over several Invokes (the state carries over), and the
// time-major layout of the same data gives the transposed output.
template <typename A>
void SplitSequence(bool wide) {
  constexpr int kB = 2, kT = 4, kI = 4, kU = 3;
  Lcg g{11};
  std::vector<A> x(kB * kT * kI);  // [batch, time, input]
  for (A& v : x) v = static_cast<A>(g.Next(std::numeric_limits<A>::min(), std::numeric_limits<A>::max()));
  Session whole;
  ASSERT_EQ(whole.Load(LstmModel(RandomLstm(wide, kB, kT, false))), Status::kOk) << whole.interp.ErrorDetail();
  const std::vector<A> all = whole.Step<A>(x);
  ASSERT_EQ(all.size(), static_cast<size_t>(kB * kT * kU));
  // Not a degenerate case: the outputs vary.
  EXPECT_GT(std::count(all.begin(), all.end(), all[0]), 0);
  EXPECT_LT(std::count(all.begin(), all.end(), all[0]), static_cast<long>(all.size()));

  for (int chunk : {1, 2}) {
    Session part;
    ASSERT_EQ(part.Load(LstmModel(RandomLstm(wide, kB, chunk, false))), Status::kOk) << part.interp.ErrorDetail();
    for (int t0 = 0; t0 < kT; t0 += chunk) {
      std::vector<A> in;
      for (int b = 0; b < kB; ++b)
        for (int t = t0; t < t0 + chunk; ++t)
          in.insert(in.end(), x.begin() + (b * kT + t) * kI, x.begin() + (b * kT + t + 1) * kI);
      const std::vector<A> y = part.Step<A>(in);
      ASSERT_EQ(y.size(), static_cast<size_t>(kB * chunk * kU));
      for (int b = 0; b < kB; ++b)
        for (int t = 0; t < chunk; ++t)
          for (int u = 0; u < kU; ++u)
            EXPECT_EQ(y[(b * chunk + t) * kU + u], all[(b * kT + t0 + t) * kU + u])
                << "chunk " << chunk << " batch " << b << " step " << t0 + t << " unit " << u;
    }
  }

  Session tm;
  ASSERT_EQ(tm.Load(LstmModel(RandomLstm(wide, kB, kT, true))), Status::kOk) << tm.interp.ErrorDetail();
  std::vector<A> xt;  // [time, batch, input]
  for (int t = 0; t < kT; ++t)
    for (int b = 0; b < kB; ++b) xt.insert(xt.end(), x.begin() + (b * kT + t) * kI, x.begin() + (b * kT + t + 1) * kI);
  const std::vector<A> yt = tm.Step<A>(xt);
  ASSERT_EQ(yt.size(), all.size());
  for (int t = 0; t < kT; ++t)
    for (int b = 0; b < kB; ++b)
      for (int u = 0; u < kU; ++u)
        EXPECT_EQ(yt[(t * kB + b) * kU + u], all[(b * kT + t) * kU + u]) << "time-major step " << t << " batch " << b;
}

TEST(LstmTest, SequenceSplitOverInvokesAndTimeMajorAgreeInt8) { SplitSequence<int8_t>(false); }
TEST(LstmTest, SequenceSplitOverInvokesAndTimeMajorAgreeInt16) { SplitSequence<int16_t>(true); }

TEST(LstmTest, Refusals) {
  const ModelSpec ok = LstmModel(HandLstm(false));
  const ModelSpec ok16 = LstmModel(HandLstm(true));
  for (const ModelSpec* m : {&ok, &ok16}) {
    Session r;
    ASSERT_EQ(r.Load(*m), Status::kOk) << r.interp.ErrorDetail();
  }
  auto with = [](const ModelSpec& base, auto change) {
    ModelSpec m = base;
    change(m);
    return m;
  };
  auto options = [](int act, float clip, bool time_major) {
    FbNodeP o = Table();
    AddScalar(o, 0, 1, static_cast<uint8_t>(act));
    AddFloat(o, 1, clip);
    AddScalar(o, 3, 1, time_major ? 1 : 0);
    return o;
  };
  const char* kOp = "UNIDIRECTIONAL_SEQUENCE_LSTM";
  const Status kUnsup = Status::kUnsupportedOperator, kInvalid = Status::kModelInvalid;
  // Variants and options TFLite Micro's integer LSTM does not run.
  ExpectRefused(with(ok, [&](ModelSpec& m) { m.ops[0].options = options(1, 0, false); }), kUnsup, kOp, "activation must be TANH");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].options = nullptr; m.ops[0].options_type = 0; }), kUnsup, kOp,
                "activation must be TANH");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].inputs[10] = 9; }), kUnsup, kOp, "peephole connections are not supported");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].inputs[16] = 5; }), kUnsup, kOp, "projection is not supported");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].inputs[21] = 10; }), kUnsup, kOp, "layer normalization is not supported");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].inputs[1] = m.ops[0].inputs[5] = m.ops[0].inputs[12] = -1; }),
                kUnsup, kOp, "(CIFG) is not supported");
  // Type combinations.
  ExpectRefused(with(ok16,
                     [](ModelSpec& m) {
                       for (int t = 9; t <= 12; ++t) {
                         m.tensors[t].type = kI32;
                         m.buffers[t] = BytesOf(std::vector<int32_t>{0});
                       }
                     }),
                kUnsup, kOp, "int16 activations with int32 biases, int8 weights, int16 cell_state: not supported (8x8->16 or 16x8->16)");
  ExpectRefused(with(ok,
                     [](ModelSpec& m) {
                       for (int t = 9; t <= 12; ++t) {
                         m.tensors[t].type = kI64;
                         m.buffers[t] = BytesOf(std::vector<int64_t>{0});
                       }
                     }),
                kUnsup, kOp, "int8 activations with int64 biases");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[0].type = m.tensors[13].type = m.tensors[15].type = kF32; }),
                kUnsup, kOp, "float32 activations");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[kLstmCellTensor].type = kI8; }), kUnsup, kOp, "int8 cell_state: not supported");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[kLstmHiddenTensor].type = kI16; }), kUnsup, kOp,
                "output_state and output must have the input's type");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[1].scales = {0.03125f, 0.5f}; m.tensors[1].zero_points = {0, 0}; }),
                kUnsup, kOp, "per-channel weights are not supported");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[6].zero_points = {3}; }), kUnsup, kOp, "nonzero zero point");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[kLstmCellTensor].scales = {8.0f}; }), kUnsup, kOp,
                "cell state scale outside");
  ExpectRefused(with(ok16, [](ModelSpec& m) { m.tensors[0].scales = {1.0f}; }), kUnsup, kOp,
                "gate rescale of 2^8 or more");
  // Models that contradict themselves.
  ExpectRefused(with(ok,
                     [](ModelSpec& m) {
                       m.tensors[kLstmCellTensor].variable = false;
                       m.inputs.push_back(kLstmCellTensor);
                     }),
                kInvalid, kOp, "must be variable tensors");
  ExpectRefused(with(ok,
                     [](ModelSpec& m) {
                       m.tensors[kLstmHiddenTensor].variable = false;
                       m.inputs.push_back(kLstmHiddenTensor);
                     }),
                kInvalid, kOp, "must be variable tensors");
  ExpectRefused(with(ok,
                     [](ModelSpec& m) {
                       m.tensors[5].shape = {1, 2};
                       m.buffers[5] = {0, 0};
                     }),
                kInvalid, kOp, "weights must be [units, input size]");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[15].shape = {1, 2, 2}; }), kInvalid, kOp, "output must match the input's first two dimensions");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[0].shape = {1, 2}; }), kInvalid, kOp, "input must be 3-D");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.ops[0].inputs.pop_back(); }), kInvalid, kOp, "needs 24 inputs");
  ExpectRefused(with(ok, [](ModelSpec& m) { m.tensors[kLstmCellTensor].shape = {1, 2}; }), kInvalid, kOp,
                "must hold batches x units elements");
}

}  // namespace
}  // namespace hil::agent::engine
