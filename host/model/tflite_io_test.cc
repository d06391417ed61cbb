#include "hil/model/tflite_io.h"

#include <gtest/gtest.h>

#include <string>

#include "hil/model/flatbuffer_reader.h"
#include "hil/model/model_stats.h"
#include "hil/model/prng.h"

namespace hil::model {
namespace {

// A hand-made model touching every options table the writer knows.
ModelDef HandModel() {
  ModelDef m;
  m.description = "hand";
  m.subgraph_name = "main";
  m.buffers = {{}, std::vector<uint8_t>(2 * 3 * 3 * 1, 1), std::vector<uint8_t>(8, 2)};
  m.tensors = {
      {{1, 4, 4, 1}, TensorType::kInt8, 0, "in", QuantizationDef{{0.5f}, {-3}, 0}},
      {{2, 3, 3, 1}, TensorType::kInt8, 1, "w", QuantizationDef{{0.1f, 0.2f}, {0, 0}, 0}},
      {{2}, TensorType::kInt32, 2, "b", QuantizationDef{{0.05f, 0.1f}, {0, 0}, 0}},
      {{1, 4, 4, 2}, TensorType::kInt8, 0, "out", QuantizationDef{{0.25f}, {-128}, 0}},
      {{1, 32}, TensorType::kInt8, 0, "flat", QuantizationDef{}},
  };
  m.inputs = {0};
  m.outputs = {3, 4};
  const std::vector<BuiltinOptions> options = {
      Conv2DOptions{Padding::kValid, 2, 1, Activation::kRelu6, 1, 1},
      DepthwiseConv2DOptions{Padding::kSame, 1, 2, 1, Activation::kRelu, 1, 1},
      FullyConnectedOptions{Activation::kRelu, 0, true, false},
      Pool2DOptions{Padding::kValid, 2, 2, 3, 3, Activation::kNone},
      ReshapeOptions{std::vector<int32_t>{1, 32}},
      ReshapeOptions{std::vector<int32_t>{}},
      ReshapeOptions{},
      SoftmaxOptions{1.0f},
      AddOptions{Activation::kRelu, true},
      AddOptions{Activation::kNone, false},
      MulOptions{Activation::kRelu6},
      ConcatenationOptions{-1, Activation::kNone},
      ReducerOptions{true},
      PadOptions{},
      std::monostate{},
  };
  const BuiltinOp ops[] = {BuiltinOp::kConv2d,
                           BuiltinOp::kDepthwiseConv2d,
                           BuiltinOp::kFullyConnected,
                           BuiltinOp::kAveragePool2d,
                           BuiltinOp::kReshape,
                           BuiltinOp::kReshape,
                           BuiltinOp::kReshape,
                           BuiltinOp::kSoftmax,
                           BuiltinOp::kAdd,
                           BuiltinOp::kAdd,
                           BuiltinOp::kMul,
                           BuiltinOp::kConcatenation,
                           BuiltinOp::kMean,
                           BuiltinOp::kPad,
                           BuiltinOp::kQuantize};
  for (size_t i = 0; i < options.size(); ++i) {
    OperatorDef op;
    op.opcode_index = m.OpcodeIndex(ops[i], static_cast<int32_t>(1 + i % 3));
    op.inputs = {0, 1, i % 2 ? -1 : 2};
    op.outputs = {3};
    op.options = options[i];
    m.operators.push_back(op);
  }
  return m;
}

TEST(TfliteIo, HandModelRoundTripsFieldForField) {
  const ModelDef m = HandModel();
  auto bytes = WriteTflite(m);
  ASSERT_TRUE(bytes) << bytes.error();
  EXPECT_EQ(FileIdentifier(*bytes), "TFL3");
  auto back = ReadTflite(*bytes);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, m);
  auto again = WriteTflite(*back);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bytes);
}

TEST(TfliteIo, OpcodeCodesAbove127UseThePlaceholder) {
  ModelDef m = HandModel();
  m.operator_codes[0].builtin_code = 150;  // beyond int8: deprecated field holds 127
  auto bytes = WriteTflite(m);
  ASSERT_TRUE(bytes);
  FlatTable root = RootTable(*bytes);
  FlatTable code = root.TableVector(1)[0];
  EXPECT_EQ(code.Scalar<int8_t>(0, 0), 127);
  EXPECT_EQ(code.Scalar<int32_t>(3, 0), 150);
  auto back = ReadTflite(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->operator_codes[0].builtin_code, 150);
}

TEST(TfliteIo, LayoutMatchesTheSchemaFieldIds) {
  auto bytes = WriteTflite(HandModel());
  ASSERT_TRUE(bytes);
  FlatTable root = RootTable(*bytes);
  EXPECT_EQ(root.Scalar<uint32_t>(0, 0), 3u);            // Model.version
  EXPECT_EQ(root.String(3), "hand");                     // Model.description
  FlatTable sg = root.TableVector(2).at(0);              // Model.subgraphs
  EXPECT_EQ(sg.String(4), "main");                       // SubGraph.name
  FlatTable t1 = sg.TableVector(0).at(1);                // SubGraph.tensors
  EXPECT_EQ(t1.Scalar<int8_t>(1, 0), 9);                 // Tensor.type INT8
  EXPECT_EQ(t1.Scalar<uint32_t>(2, 0), 1u);              // Tensor.buffer
  EXPECT_EQ(t1.Table(4)->Vector<float>(2)->size(), 2u);  // QuantizationParameters.scale
  FlatTable op0 = sg.TableVector(3).at(0);               // SubGraph.operators
  EXPECT_EQ(op0.Scalar<uint8_t>(3, 0), 1);               // builtin_options_type Conv2DOptions
  EXPECT_EQ(op0.Table(4)->Scalar<int8_t>(0, 0), 1);      // Conv2DOptions.padding VALID
  EXPECT_EQ(op0.Table(4)->Scalar<int8_t>(3, 0), 3);      // fused_activation_function RELU6
  auto buffers = root.TableVector(4);                    // Model.buffers
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_FALSE(buffers[0].Has(0));
  for (size_t i = 1; i < buffers.size(); ++i) {
    auto data = buffers[i].Bytes(0);
    ASSERT_TRUE(data);
    EXPECT_EQ((data->data() - bytes->data()) % 16, 0) << "buffer " << i;
  }
}

TEST(TfliteIo, ValidateRejectsBrokenModels) {
  ModelDef m = HandModel();
  m.tensors[1].shape = {2, 3, 3, 2};  // data no longer fits the shape
  EXPECT_FALSE(WriteTflite(m));
  m = HandModel();
  m.operators[0].inputs[0] = 99;
  EXPECT_FALSE(WriteTflite(m));
  m = HandModel();
  m.buffers[0] = {1};
  EXPECT_FALSE(WriteTflite(m));
  m = HandModel();
  m.tensors[1].quantization->scale.push_back(0.3f);  // 3 per-channel scales for 2 channels
  m.tensors[1].quantization->zero_point.push_back(0);
  EXPECT_FALSE(WriteTflite(m));
}

TEST(TfliteIo, ReaderSurvivesCorruption) {
  auto bytes = WriteTflite(HandModel());
  ASSERT_TRUE(bytes);
  EXPECT_FALSE(ReadTflite(std::span<const uint8_t>(bytes->data(), 3)));
  std::vector<uint8_t> wrong_id = *bytes;
  wrong_id[4] = 'X';
  EXPECT_FALSE(ReadTflite(wrong_id));
  SplitMix64 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> broken = *bytes;
    const int flips = 1 + static_cast<int>(rng.Uniform(int64_t{0}, int64_t{3}));
    for (int f = 0; f < flips; ++f)
      broken[rng.Uniform(int64_t{0}, static_cast<int64_t>(broken.size() - 1))] =
          static_cast<uint8_t>(rng.Uniform(int64_t{0}, int64_t{255}));
    broken.resize(static_cast<size_t>(rng.Uniform(int64_t{8}, static_cast<int64_t>(broken.size()))));
    auto m = ReadTflite(broken);  // must not crash or throw; either answer is fine
    if (m) (void)AnalyzeModel(*m);
  }
}

#ifdef HIL_SHARED_DIR
// The MLPerf Tiny models, read in place from the shared folder (never copied into the tree).
struct SharedCase {
  const char* file;
  std::vector<int32_t> input, output;
  uint64_t macs;
  const char* operators;
  uint64_t peak_activation_bytes;
};

class SharedModels : public testing::TestWithParam<SharedCase> {};

TEST_P(SharedModels, ParseMatchesTheModelsReadme) {
  const SharedCase& c = GetParam();
  auto bytes = ReadFileBytes(std::string(HIL_SHARED_DIR) + "/models/" + c.file);
  ASSERT_TRUE(bytes) << bytes.error();
  auto m = ReadTflite(*bytes);
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->version, 3u);
  ASSERT_EQ(m->inputs.size(), 1u);
  ASSERT_EQ(m->outputs.size(), 1u);
  EXPECT_EQ(m->tensors[m->inputs[0]].shape, c.input);
  EXPECT_EQ(m->tensors[m->outputs[0]].shape, c.output);
  EXPECT_EQ(m->tensors[m->inputs[0]].type, TensorType::kInt8);
  EXPECT_EQ(OperatorSummary(*m), c.operators);
  auto stats = AnalyzeModel(*m);
  ASSERT_TRUE(stats) << stats.error();
  EXPECT_EQ(stats->total_macs, c.macs);
  EXPECT_EQ(stats->activation_bytes_peak, c.peak_activation_bytes);
  // The README's quantization facts.
  for (const OperatorDef& op : m->operators) {
    const int32_t code = m->builtin_code(op);
    if (code != 3 && code != 4 && code != 9) continue;
    const TensorDef& w = m->tensors[op.inputs[1]];
    ASSERT_TRUE(w.quantization);
    for (int64_t zp : w.quantization->zero_point) EXPECT_EQ(zp, 0);
    if (code == 3) {
      EXPECT_EQ(w.quantization->quantized_dimension, 0);
    }
    if (code == 4) {
      EXPECT_EQ(w.quantization->quantized_dimension, 3);
    }
    if (code == 9) {
      EXPECT_EQ(w.quantization->scale.size(), 1u);
    }
  }
}

TEST_P(SharedModels, RewriteKeepsEveryModelledField) {
  auto bytes = ReadFileBytes(std::string(HIL_SHARED_DIR) + "/models/" + GetParam().file);
  ASSERT_TRUE(bytes) << bytes.error();
  auto m = ReadTflite(*bytes);
  ASSERT_TRUE(m) << m.error();
  auto rewritten = WriteTflite(*m);
  ASSERT_TRUE(rewritten) << rewritten.error();
  auto back = ReadTflite(*rewritten);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, *m);
}

INSTANTIATE_TEST_SUITE_P(
    MlperfTiny, SharedModels,
    testing::Values(SharedCase{"kws_dscnn_int8.tflite",
                               {1, 49, 10, 1},
                               {1, 12},
                               2656768,
                               "CONV_2D x5, DEPTHWISE_CONV_2D x4, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                               16000},
                    SharedCase{"ic_resnet8_int8.tflite",
                               {1, 32, 32, 3},
                               {1, 10},
                               12501632,
                               "CONV_2D x9, ADD x3, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                               49152},
                    SharedCase{"vww_mobilenet_int8.tflite",
                               {1, 96, 96, 3},
                               {1, 2},
                               7489664,
                               "CONV_2D x14, DEPTHWISE_CONV_2D x13, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                               55296},
                    SharedCase{"ad_autoencoder_int8.tflite", {1, 640}, {1, 640}, 264192, "FULLY_CONNECTED x10", 768},
                    SharedCase{"sww_ref_int8.tflite",
                               {1, 30, 1, 40},
                               {1, 3},
                               826368,
                               "DEPTHWISE_CONV_2D x4, CONV_2D x4, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                               6656}),
    [](const testing::TestParamInfo<SharedCase>& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('_'));
    });
#endif  // HIL_SHARED_DIR

}  // namespace
}  // namespace hil::model
