#include "hil/model/graph_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

std::vector<int32_t> Int32s(const std::vector<uint8_t>& bytes) {
  std::vector<int32_t> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

TEST(ConvOutputSize, FollowsTfliteRules) {
  EXPECT_EQ(ConvOutputSize(49, 10, 2, Padding::kSame), 25);
  EXPECT_EQ(ConvOutputSize(10, 4, 2, Padding::kSame), 5);
  EXPECT_EQ(ConvOutputSize(30, 3, 1, Padding::kValid), 28);
  EXPECT_EQ(ConvOutputSize(25, 25, 25, Padding::kValid), 1);
  EXPECT_EQ(ConvOutputSize(2, 3, 1, Padding::kValid), 0);
}

TEST(GraphBuilder, QuantizationFollowsTheInt8Conventions) {
  GraphBuilder b(3, "q");
  int x = b.Input({1, 8, 8, 3}, 0.02f, -5);
  int c = b.Conv2D(x, 6, ConvSpec{3, 3, 1, 1, Padding::kSame, Activation::kRelu});
  int d = b.DepthwiseConv2D(c, ConvSpec{3, 3, 2, 2, Padding::kValid, Activation::kRelu6}, 2);
  int r = b.Reshape(d, {1, 3 * 3 * 12});
  int f = b.FullyConnected(r, 5, Activation::kNone);
  int s = b.Softmax(f);
  b.MarkOutput(s);
  auto m = b.Finish();
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->tensors[d].shape, (std::vector<int32_t>{1, 3, 3, 12}));

  for (const OperatorDef& op : m->operators) {
    const BuiltinOp code = static_cast<BuiltinOp>(m->builtin_code(op));
    if (code != BuiltinOp::kConv2d && code != BuiltinOp::kDepthwiseConv2d && code != BuiltinOp::kFullyConnected)
      continue;
    const TensorDef& in = m->tensors[op.inputs[0]];
    const TensorDef& w = m->tensors[op.inputs[1]];
    const TensorDef& bias = m->tensors[op.inputs[2]];
    const TensorDef& out = m->tensors[op.outputs[0]];
    EXPECT_EQ(w.type, TensorType::kInt8);
    EXPECT_EQ(bias.type, TensorType::kInt32);
    const auto& wq = *w.quantization;
    for (int64_t zp : wq.zero_point) EXPECT_EQ(zp, 0);
    if (code == BuiltinOp::kConv2d) {
      EXPECT_EQ(wq.quantized_dimension, 0);
      EXPECT_EQ(wq.scale.size(), static_cast<size_t>(w.shape[0]));
    } else if (code == BuiltinOp::kDepthwiseConv2d) {
      EXPECT_EQ(wq.quantized_dimension, 3);
      EXPECT_EQ(wq.scale.size(), static_cast<size_t>(w.shape[3]));
    } else {
      EXPECT_EQ(wq.scale.size(), 1u);
    }
    // Bias scale = input scale x weight scale, per channel.
    const auto& bq = *bias.quantization;
    ASSERT_EQ(bq.scale.size(), wq.scale.size());
    for (size_t c = 0; c < bq.scale.size(); ++c) {
      EXPECT_FLOAT_EQ(bq.scale[c], in.quantization->scale[0] * wq.scale[c]);
      EXPECT_EQ(bq.zero_point[c], 0);
    }
    // Weights use the int8 range symmetrically and are not degenerate.
    const auto& data = m->buffers[w.buffer];
    int lo = 0, hi = 0;
    for (uint8_t byte : data) {
      lo = std::min(lo, static_cast<int>(static_cast<int8_t>(byte)));
      hi = std::max(hi, static_cast<int>(static_cast<int8_t>(byte)));
    }
    EXPECT_GE(lo, -127);
    EXPECT_LT(lo, -64);
    EXPECT_GT(hi, 64);
    // Biases are small relative to a full accumulator but not all zero.
    bool nonzero = false;
    for (int32_t v : Int32s(m->buffers[bias.buffer])) nonzero |= v != 0;
    EXPECT_TRUE(nonzero);
    // Fused RELU/RELU6 outputs start at the bottom of the int8 range.
    Activation act = Activation::kNone;
    if (auto* o = std::get_if<Conv2DOptions>(&op.options)) act = o->activation;
    if (auto* o = std::get_if<DepthwiseConv2DOptions>(&op.options)) act = o->activation;
    if (act == Activation::kRelu || act == Activation::kRelu6) {
      EXPECT_EQ(out.quantization->zero_point[0], -128);
    }
    if (act == Activation::kRelu6) {
      EXPECT_LE(out.quantization->scale[0] * 255.0f, 6.0f + 1e-5f);
    }
  }
  const TensorDef& sm = m->tensors[s];
  EXPECT_EQ(sm.quantization->scale[0], 1.0f / 256.0f);
  EXPECT_EQ(sm.quantization->zero_point[0], -128);
  // RESHAPE keeps the quantization of its input and takes the shape as an int32 constant.
  EXPECT_EQ(m->tensors[r].quantization, m->tensors[d].quantization);
}

TEST(GraphBuilder, ErrorsAreReturnedNotThrown) {
  GraphBuilder b(1, "bad");
  int x = b.Input({1, 4, 4, 2}, 0.1f, 0);
  int y = b.Reshape(x, {1, 7});  // 32 elements cannot become 7
  EXPECT_EQ(y, -1);
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.FullyConnected(y, 3, Activation::kNone), -1);
  auto m = b.Finish();
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("Reshape"), std::string::npos) << m.error();

  GraphBuilder c(1, "bad2");
  int a = c.Input({1, 4, 4, 2}, 0.1f, 0);
  int p = c.Input({1, 4, 4, 3}, 0.1f, 0);
  EXPECT_EQ(c.Add(a, p, Activation::kNone), -1);
  EXPECT_FALSE(c.Finish());

  GraphBuilder d(1, "bad3");
  int i = d.Input({1, 2, 2, 1}, 0.1f, 0);
  EXPECT_EQ(d.Conv2D(i, 4, ConvSpec{3, 3, 1, 1, Padding::kValid, Activation::kNone}), -1);
  EXPECT_FALSE(d.Finish());

  GraphBuilder e(1, "no output");
  e.Input({1, 2}, 0.1f, 0);
  EXPECT_FALSE(e.Finish());
}

TEST(GraphBuilder, OtherOperatorsBuildAndRoundTrip) {
  GraphBuilder b(9, "misc");
  int x = b.Input({1, 6, 6, 4}, 0.05f, 0);
  int p = b.Pad(x, {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
  int mp = b.MaxPool2D(p, 2, 2, 2, 2, Padding::kValid);
  int ap = b.AveragePool2D(p, 2, 2, 2, 2, Padding::kValid);
  int cat = b.Concatenation({mp, ap}, 3);
  int mul = b.Mul(cat, cat, Activation::kNone);
  int mean = b.Mean(mul, {1, 2}, true);
  b.MarkOutput(mean);
  auto m = b.Finish();
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->tensors[p].shape, (std::vector<int32_t>{1, 8, 8, 4}));
  EXPECT_EQ(m->tensors[cat].shape, (std::vector<int32_t>{1, 4, 4, 8}));
  EXPECT_EQ(m->tensors[mean].shape, (std::vector<int32_t>{1, 1, 1, 8}));
  auto bytes = WriteTflite(*m);
  ASSERT_TRUE(bytes) << bytes.error();
  auto back = ReadTflite(*bytes);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, *m);
}

TEST(SplitMix64, IsPinnedAcrossPlatforms) {
  // Reference values of SplitMix64 seeded with 0 (from its published definition).
  SplitMix64 r(0);
  EXPECT_EQ(r.Next(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(r.Next(), 0x6e789e6aa1b965f4ull);
  SplitMix64 u(5);
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = u.Uniform(int64_t{-127}, int64_t{127});
    EXPECT_GE(v, -127);
    EXPECT_LE(v, 127);
    const double d = u.Unit();
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 1.0);
  }
}

}  // namespace
}  // namespace hil::model
