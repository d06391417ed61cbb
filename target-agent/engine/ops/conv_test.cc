// CONV_2D and DEPTHWISE_CONV_2D with int16 activations ("16x8"), TRANSPOSE_CONV (int8 and 16x8): hand-computed
// outputs and refusals. The int8 CONV_2D / DEPTHWISE_CONV_2D paths are covered by interpreter_test and the
// shared reference models.
#include <cstring>
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

constexpr int kI8 = 9, kI16 = 7, kI32 = 2, kI64 = 4;
constexpr int kConv2dCode = 3, kDepthwiseCode = 4, kTransposeConvCode = 67;
constexpr uint8_t kConvOptions = 1, kDepthwiseOptions = 2, kTransposeConvOptions = 49;

// Adds a tensor (constant when `data` is not empty) and returns its index.
int AddTensor(ModelSpec& m, std::vector<int32_t> shape, int type, std::vector<float> scales = {},
              std::vector<int64_t> zero_points = {}, std::vector<uint8_t> data = {}, int32_t quant_dim = 0) {
  if (m.buffers.empty()) m.buffers.push_back({});
  uint32_t buffer = 0;
  if (!data.empty()) {
    m.buffers.push_back(std::move(data));
    buffer = static_cast<uint32_t>(m.buffers.size() - 1);
  }
  m.tensors.push_back({std::move(shape), type, buffer, std::move(scales), std::move(zero_points), quant_dim});
  return static_cast<int>(m.tensors.size() - 1);
}

struct Engine {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(128 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = testing::BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string detail() const { return interp.ErrorDetail(); }
  // Writes input 0, invokes, returns output 0 as T.
  template <typename T>
  std::vector<T> Run(const std::vector<T>& in) {
    TensorView v = interp.input(0);
    EXPECT_EQ(v.bytes, in.size() * sizeof(T));
    std::memcpy(v.data, in.data(), v.bytes);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView o = interp.output(0);
    std::vector<T> out(o.bytes / sizeof(T));
    std::memcpy(out.data(), o.data, o.bytes);
    return out;
  }
};

FbNodeP ConvOptions(int padding, int stride_h, int stride_w, int act, int bias_type = -1) {
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, static_cast<uint64_t>(padding));
  AddScalar(o, 1, 4, static_cast<uint64_t>(stride_w));
  AddScalar(o, 2, 4, static_cast<uint64_t>(stride_h));
  AddScalar(o, 3, 1, static_cast<uint64_t>(act));
  if (bias_type >= 0) AddScalar(o, 6, 1, static_cast<uint64_t>(bias_type));
  return o;
}

// CONV_2D 1x1 on [1,1,n,1] int16 (scale `in_scale`) with the filter {1} (scale 1) and output scale 1: the
// output is the requantization of input + bias by `in_scale`. bias_type: kI64, kI32, kI16 or 0 (none).
ModelSpec Conv1x1(int n, float in_scale, int bias_type, std::vector<uint8_t> bias, int act = 0, int option = -1) {
  ModelSpec m;
  const int in = AddTensor(m, {1, 1, n, 1}, kI16, {in_scale}, {0});
  const int f = AddTensor(m, {1, 1, 1, 1}, kI8, {1.0f}, {0}, BytesOf(std::vector<int8_t>{1}));
  int b = -1;
  if (bias_type != 0) b = AddTensor(m, {1}, bias_type, {in_scale}, {0}, std::move(bias));
  const int out = AddTensor(m, {1, 1, n, 1}, kI16, {1.0f}, {0});
  m.ops = {{kConv2dCode, {in, f, b}, {out}, kConvOptions, ConvOptions(1, 1, 1, act, option), {}}};
  m.inputs = {in};
  m.outputs = {out};
  return m;
}

TEST(Conv16x8Test, Int64BiasRoundsHalfUpWithA15BitMultiplier) {
  // Multiplier 0.25 (Q31 2^30, shift -1): the int64 path reduces it to 2^14 and computes (x * 2^14 + 2^15) >> 16,
  // i.e. floor((x + 2) / 4): ties go up, -6 -> -1.5 -> -1 and 5 -> 1.25 -> 1.
  Engine e;
  ASSERT_EQ(e.Load(Conv1x1(6, 0.25f, kI64, BytesOf(std::vector<int64_t>{0}))), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int16_t>({6, -6, 5, -5, 32767, -32768}), (std::vector<int16_t>{2, -1, 1, -1, 8192, -8192}));
}

TEST(Conv16x8Test, Int32BiasUsesTheInt32Arithmetic) {
  // The same model with an int32 bias accumulates in int32 and requantizes with the 32-bit double rounding:
  // SaturatingRoundingDoublingHighMul(x, 2^30) = floor((x + 1) / 2), then RoundingDivideByPOT(., 1), ties away
  // from zero: -6 -> -3 -> -2 and 5 -> 3 -> 2.
  Engine e;
  ASSERT_EQ(e.Load(Conv1x1(6, 0.25f, kI32, BytesOf(std::vector<int32_t>{0}))), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int16_t>({6, -6, 5, -5, 32767, -32768}), (std::vector<int16_t>{2, -2, 2, -1, 8192, -8192}));
}

TEST(Conv16x8Test, WithoutBiasTheOptionsPickTheAccumulator) {
  Engine e64;
  ASSERT_EQ(e64.Load(Conv1x1(2, 0.25f, 0, {})), Status::kOk) << e64.detail();
  EXPECT_EQ(e64.Run<int16_t>({-6, 5}), (std::vector<int16_t>{-1, 1}));
  Engine e32;  // quantized_bias_type INT32 (TensorType 2)
  ASSERT_EQ(e32.Load(Conv1x1(2, 0.25f, 0, {}, 0, 2)), Status::kOk) << e32.detail();
  EXPECT_EQ(e32.Run<int16_t>({-6, 5}), (std::vector<int16_t>{-2, 2}));
}

TEST(Conv16x8Test, BiasSaturationAndRelu) {
  // acc = x + 100000, floor((acc + 2) / 4): 25000, 33192 saturates to 32767, 16808; RELU keeps them (zp 0).
  Engine e;
  ASSERT_EQ(e.Load(Conv1x1(3, 0.25f, kI64, BytesOf(std::vector<int64_t>{100000}), /*RELU*/ 1)), Status::kOk);
  EXPECT_EQ(e.Run<int16_t>({0, 32767, -32768}), (std::vector<int16_t>{25000, 32767, 16808}));
  // A negative bias under RELU clamps at 0: floor((-100000 + 2) / 4) = -25000 -> 0.
  Engine n;
  ASSERT_EQ(n.Load(Conv1x1(2, 0.25f, kI64, BytesOf(std::vector<int64_t>{-100000}), 1)), Status::kOk);
  EXPECT_EQ(n.Run<int16_t>({0, 32767}), (std::vector<int16_t>{0, 0}));
}

TEST(Conv16x8Test, MultiplierNearOneSaturatesTo0x7FFF) {
  // scale 0.99999: the Q31 multiplier is above 0x7FFF0000, so the int64 path uses 0x7FFF / 2^15:
  // (32767 * 32767 + 2^14) >> 15 = 32766 and (-32768 * 32767 + 2^14) >> 15 = -32767 (floor of -32766.5),
  // where the exact products round to 32767 and -32768.
  Engine e;
  ASSERT_EQ(e.Load(Conv1x1(3, 0.99999f, kI64, BytesOf(std::vector<int64_t>{0}))), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int16_t>({32767, -32768, 1000}), (std::vector<int16_t>{32766, -32767, 1000}));
}

TEST(Conv16x8Test, GroupedConvolution) {
  // Input [1,1,1,4], filter [2,1,1,2]: two groups of two input channels, one output channel each, multiplier 1.
  ModelSpec m;
  const int in = AddTensor(m, {1, 1, 1, 4}, kI16, {1.0f}, {0});
  const int f = AddTensor(m, {2, 1, 1, 2}, kI8, {1.0f, 1.0f}, {0, 0}, BytesOf(std::vector<int8_t>{1, 1, 1, -1}));
  const int b = AddTensor(m, {2}, kI64, {1.0f, 1.0f}, {0, 0}, BytesOf(std::vector<int64_t>{10, -10}));
  const int out = AddTensor(m, {1, 1, 1, 2}, kI16, {1.0f}, {0});
  m.ops = {{kConv2dCode, {in, f, b}, {out}, kConvOptions, ConvOptions(1, 1, 1, 0), {}}};
  m.inputs = {in};
  m.outputs = {out};
  Engine e;
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  // (1 + 2) + 10 and (3 - 4) - 10.
  EXPECT_EQ(e.Run<int16_t>({1, 2, 3, 4}), (std::vector<int16_t>{13, -11}));
}

TEST(Conv16x8Test, Refusals) {
  std::vector<uint8_t> b64 = BytesOf(std::vector<int64_t>{0});
  Engine e;
  // an int16 bias: CONV_2D takes int64 or int32
  EXPECT_EQ(e.Load(Conv1x1(2, 0.25f, kI16, BytesOf(std::vector<int16_t>{0}))), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("CONV_2D at operator 0: int16, int8, int16 -> int16 is not supported"), std::string::npos)
      << e.detail();
  // a multiplier of 256 (shift 9): the int64 arithmetic takes shifts up to 7
  EXPECT_EQ(e.Load(Conv1x1(2, 256.0f, kI64, b64)), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("128 or more"), std::string::npos) << e.detail();
  // ... which the int32 arithmetic takes
  EXPECT_EQ(e.Load(Conv1x1(2, 256.0f, kI32, BytesOf(std::vector<int32_t>{0}))), Status::kOk) << e.detail();
  // an int16 activation with a non-zero zero point
  ModelSpec zp = Conv1x1(2, 0.25f, kI64, b64);
  zp.tensors[0].zero_points = {3};
  EXPECT_EQ(e.Load(zp), Status::kModelInvalid);
  // int16 input, int8 output
  ModelSpec mixed = Conv1x1(2, 0.25f, kI64, b64);
  mixed.tensors[3].type = kI8;
  EXPECT_EQ(e.Load(mixed), Status::kUnsupportedOperator);
  // a bias with the wrong element count
  ModelSpec count = Conv1x1(2, 0.25f, kI64, BytesOf(std::vector<int64_t>{0, 0}));
  count.tensors[2].shape = {2};
  EXPECT_EQ(e.Load(count), Status::kModelInvalid);
}

ModelSpec Depthwise16(int bias_type, std::vector<uint8_t> bias) {
  // Input [1,1,2,2], filter [1,1,1,2] {2, -3}, multiplier 1 (Q31 2^30, shift 1: exact on the int64 path).
  ModelSpec m;
  const int in = AddTensor(m, {1, 1, 2, 2}, kI16, {0.5f}, {0});
  const int f = AddTensor(m, {1, 1, 1, 2}, kI8, {2.0f, 2.0f}, {0, 0}, BytesOf(std::vector<int8_t>{2, -3}), 3);
  int b = -1;
  if (bias_type != 0) b = AddTensor(m, {2}, bias_type, {1.0f, 1.0f}, {0, 0}, std::move(bias));
  const int out = AddTensor(m, {1, 1, 2, 2}, kI16, {1.0f}, {0});
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, 1);  // VALID
  AddScalar(o, 1, 4, 1);
  AddScalar(o, 2, 4, 1);
  AddScalar(o, 3, 4, 1);  // depth multiplier
  m.ops = {{kDepthwiseCode, {in, f, b}, {out}, kDepthwiseOptions, o, {}}};
  m.inputs = {in};
  m.outputs = {out};
  return m;
}

TEST(Depthwise16x8Test, HandComputed) {
  Engine e;
  ASSERT_EQ(e.Load(Depthwise16(kI64, BytesOf(std::vector<int64_t>{1, -40000}))), Status::kOk) << e.detail();
  // {2*100 + 1, -3*-7 - 40000, 2*5 + 1, -3*3 - 40000 (saturates)}
  EXPECT_EQ(e.Run<int16_t>({100, -7, 5, 3}), (std::vector<int16_t>{201, -32768, 11, -32768}));
  // Without a bias (TFLite Micro's debug build asserts on it; its kernel computes this).
  Engine n;
  ASSERT_EQ(n.Load(Depthwise16(0, {})), Status::kOk) << n.detail();
  EXPECT_EQ(n.Run<int16_t>({100, -7, 5, 3}), (std::vector<int16_t>{200, 21, 10, -9}));
}

TEST(Depthwise16x8Test, Int32BiasIsRefused) {
  // TFLite's 16x8 depthwise kernel reads its bias as int64 whatever the tensor's type.
  Engine e;
  EXPECT_EQ(e.Load(Depthwise16(kI32, BytesOf(std::vector<int32_t>{0, 0}))), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("int16 with an int64 bias"), std::string::npos) << e.detail();
}

// TRANSPOSE_CONV: input [1,h,w,1], filter [1,kh,kw,1] of ones, stride s, int8 (scale 1) or int16 (scale in_scale).
ModelSpec TransposeConv(int type, int h, int w, int kh, int kw, int stride, int padding, int out_h, int out_w,
                        int bias_type, std::vector<uint8_t> bias, float in_scale = 1.0f, int64_t in_zp = 0,
                        int64_t out_zp = 0) {
  ModelSpec m;
  const int shape = AddTensor(m, {4}, kI32, {}, {}, BytesOf(std::vector<int32_t>{1, out_h, out_w, 1}));
  const int f = AddTensor(m, {1, kh, kw, 1}, kI8, {1.0f}, {0},
                          BytesOf(std::vector<int8_t>(static_cast<size_t>(kh * kw), 1)));
  const int in = AddTensor(m, {1, h, w, 1}, type, {in_scale}, {in_zp});
  std::vector<int32_t> ops_in = {shape, f, in};
  if (bias_type != 0) ops_in.push_back(AddTensor(m, {1}, bias_type, {in_scale}, {0}, std::move(bias)));
  const int out = AddTensor(m, {1, out_h, out_w, 1}, type, {1.0f}, {out_zp});
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, static_cast<uint64_t>(padding));
  AddScalar(o, 1, 4, static_cast<uint64_t>(stride));
  AddScalar(o, 2, 4, static_cast<uint64_t>(stride));
  m.ops = {{kTransposeConvCode, ops_in, {out}, kTransposeConvOptions, o, {}}};
  m.inputs = {in};
  m.outputs = {out};
  return m;
}

TEST(TransposeConvTest, Int8StrideTwoReplicatesBlocks) {
  // Each input pixel scatters into its own 2x2 block; bias 10.
  Engine e;
  ASSERT_EQ(e.Load(TransposeConv(kI8, 2, 2, 2, 2, 2, 1, 4, 4, kI32, BytesOf(std::vector<int32_t>{10}))),
            Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int8_t>({1, 2, 3, 4}),
            (std::vector<int8_t>{11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14, 13, 13, 14, 14}));
}

TEST(TransposeConvTest, Int8OverlapsAddAndZeroPointsApply) {
  // Stride 1, 2x2 filter on 2x2: overlapping taps add ([[1,3,2],[4,10,6],[3,7,4]] for the real input 1..4);
  // the input zero point 1 is subtracted, the output zero point -3 added, plus bias 10.
  Engine e;
  ASSERT_EQ(e.Load(TransposeConv(kI8, 2, 2, 2, 2, 1, 1, 3, 3, kI32, BytesOf(std::vector<int32_t>{10}), 1.0f, 1, -3)),
            Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int8_t>({2, 3, 4, 5}), (std::vector<int8_t>{8, 10, 9, 11, 17, 13, 10, 14, 11}));
}

TEST(TransposeConvTest, SamePaddingComesFromTheOutputSize) {
  // 3x3 filter, stride 1, SAME on a 2x2 output: the padding of a forward 3x3 SAME convolution over 2x2 is 1, so
  // output (y, x) gathers input (y + 1 - fy, x + 1 - fx) for every tap: all four inputs everywhere.
  Engine e;
  ASSERT_EQ(e.Load(TransposeConv(kI8, 2, 2, 3, 3, 1, 0, 2, 2, 0, {})), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int8_t>({1, 2, 3, 4}), (std::vector<int8_t>{10, 10, 10, 10}));
}

TEST(TransposeConvTest, Int16WithInt16AndInt64Bias) {
  // Multiplier 0.25 on the int64 path: floor((acc + 2) / 4). An int16 bias is widened: -32768 + 6, -32768 - 6.
  Engine e16;
  ASSERT_EQ(e16.Load(TransposeConv(kI16, 1, 3, 1, 1, 1, 1, 1, 3, kI16, BytesOf(std::vector<int16_t>{-32768}), 0.25f)),
            Status::kOk)
      << e16.detail();
  EXPECT_EQ(e16.Run<int16_t>({6, -6, 5}), (std::vector<int16_t>{-8190, -8193, -8191}));
  Engine e64;
  ASSERT_EQ(e64.Load(TransposeConv(kI16, 1, 3, 1, 1, 1, 1, 1, 3, kI64, BytesOf(std::vector<int64_t>{0}), 0.25f)),
            Status::kOk)
      << e64.detail();
  EXPECT_EQ(e64.Run<int16_t>({6, -6, 5}), (std::vector<int16_t>{2, -1, 1}));
}

TEST(TransposeConvTest, Refusals) {
  Engine e;
  // 16x8 with an int32 bias (TFLite would read it as int64)
  EXPECT_EQ(e.Load(TransposeConv(kI16, 1, 3, 1, 1, 1, 1, 1, 3, kI32, BytesOf(std::vector<int32_t>{0}))),
            Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("int16 with an int64 or int16 bias"), std::string::npos) << e.detail();
  // int8 with an int64 bias
  EXPECT_EQ(e.Load(TransposeConv(kI8, 1, 3, 1, 1, 1, 1, 1, 3, kI64, BytesOf(std::vector<int64_t>{0}))),
            Status::kModelInvalid);
  // filter input channels differ from the input's
  ModelSpec channels = TransposeConv(kI8, 2, 2, 2, 2, 2, 1, 4, 4, 0, {});
  channels.tensors[2].shape = {1, 2, 1, 2};
  EXPECT_EQ(e.Load(channels), Status::kModelInvalid);
  // output_shape not int32
  ModelSpec shape = TransposeConv(kI8, 2, 2, 2, 2, 2, 1, 4, 4, 0, {});
  shape.tensors[0].type = kI64;
  shape.tensors[0].shape = {2};
  EXPECT_EQ(e.Load(shape), Status::kModelInvalid);
  // stride 0
  EXPECT_EQ(e.Load(TransposeConv(kI8, 2, 2, 2, 2, 0, 1, 4, 4, 0, {})), Status::kModelInvalid);
  // float input
  ModelSpec fl = TransposeConv(kI8, 2, 2, 2, 2, 2, 1, 4, 4, 0, {});
  fl.tensors[2].type = 0;
  fl.tensors[3].type = 0;
  EXPECT_EQ(e.Load(fl), Status::kUnsupportedOperator);
}

}  // namespace
}  // namespace hil::agent::engine
