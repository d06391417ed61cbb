#include "hil/model/zoo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

uint64_t Fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

struct ZooCase {
  const char* name;
  std::vector<int32_t> input, output;
  const char* operators;
  uint64_t macs;  // the MLPerf Tiny model's (models/README.md); 0 for tiny
  std::vector<std::string> op_list;
};

std::vector<std::string> Repeat(std::vector<std::string> prefix, std::vector<std::string> unit, int times,
                                std::vector<std::string> suffix) {
  for (int i = 0; i < times; ++i) prefix.insert(prefix.end(), unit.begin(), unit.end());
  prefix.insert(prefix.end(), suffix.begin(), suffix.end());
  return prefix;
}

const std::vector<std::string> kHead = {"AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"};

class Zoo : public testing::TestWithParam<ZooCase> {};

TEST_P(Zoo, MatchesTheMlperfTinyShapesOperatorsAndMacs) {
  const ZooCase& c = GetParam();
  auto bytes = GenerateModel(c.name, 1);
  ASSERT_TRUE(bytes) << bytes.error();
  auto m = ReadTflite(*bytes);
  ASSERT_TRUE(m) << m.error();
  ASSERT_EQ(m->inputs.size(), 1u);
  ASSERT_EQ(m->outputs.size(), 1u);
  EXPECT_EQ(m->tensors[m->inputs[0]].shape, c.input);
  EXPECT_EQ(m->tensors[m->outputs[0]].shape, c.output);
  EXPECT_EQ(m->tensors[m->inputs[0]].type, TensorType::kInt8);
  EXPECT_EQ(m->tensors[m->outputs[0]].type, TensorType::kInt8);
  EXPECT_EQ(OperatorSummary(*m), c.operators);
  EXPECT_EQ(OperatorNames(*m), c.op_list);
  auto stats = AnalyzeModel(*m);
  ASSERT_TRUE(stats) << stats.error();
  if (c.macs != 0) {
    EXPECT_EQ(stats->total_macs, c.macs);
  }
  // ZooModels() describes the same thing.
  bool listed = false;
  for (const ZooInfo& info : ZooModels())
    if (info.name == c.name) {
      listed = true;
      EXPECT_EQ(info.macs, stats->total_macs);
      EXPECT_EQ(info.operators, c.operators);
      EXPECT_EQ(info.input_shape, c.input);
    }
  EXPECT_TRUE(listed);
  // Writing what we read gives the same bytes: the writer is canonical.
  auto again = WriteTflite(*m);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bytes);
  std::printf("[zoo] %-4s %7zu bytes %9llu MACs peak activations %6llu B fnv %016llx\n", c.name, bytes->size(),
              static_cast<unsigned long long>(stats->total_macs),
              static_cast<unsigned long long>(stats->activation_bytes_peak),
              static_cast<unsigned long long>(Fnv1a(*bytes)));
}

TEST_P(Zoo, SameSeedSameBytesOtherSeedOtherWeights) {
  const char* name = GetParam().name;
  auto a = GenerateModel(name, 42);
  auto b = GenerateModel(name, 42);
  auto c = GenerateModel(name, 43);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(Fnv1a(*a), Fnv1a(*b));
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  auto ma = ReadTflite(*a), mc = ReadTflite(*c);
  ASSERT_TRUE(ma && mc);
  // Same structure, different constants.
  EXPECT_EQ(OperatorNames(*ma), OperatorNames(*mc));
  ASSERT_EQ(ma->tensors.size(), mc->tensors.size());
  for (size_t i = 0; i < ma->tensors.size(); ++i) EXPECT_EQ(ma->tensors[i].shape, mc->tensors[i].shape);
  EXPECT_NE(ma->buffers, mc->buffers);
}

INSTANTIATE_TEST_SUITE_P(
    Models, Zoo,
    testing::Values(
        ZooCase{"kws",
                {1, 49, 10, 1},
                {1, 12},
                "CONV_2D x5, DEPTHWISE_CONV_2D x4, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                2656768,
                Repeat({"CONV_2D"}, {"DEPTHWISE_CONV_2D", "CONV_2D"}, 4, kHead)},
        ZooCase{"ic",
                {1, 32, 32, 3},
                {1, 10},
                "CONV_2D x9, ADD x3, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                12501632,
                Repeat({"CONV_2D", "CONV_2D", "CONV_2D", "ADD"}, {"CONV_2D", "CONV_2D", "CONV_2D", "ADD"}, 2, kHead)},
        ZooCase{"vww",
                {1, 96, 96, 3},
                {1, 2},
                "CONV_2D x14, DEPTHWISE_CONV_2D x13, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                7489664,
                Repeat({"CONV_2D"}, {"DEPTHWISE_CONV_2D", "CONV_2D"}, 13, kHead)},
        ZooCase{"ad", {1, 640}, {1, 640}, "FULLY_CONNECTED x10", 264192, Repeat({}, {"FULLY_CONNECTED"}, 10, {})},
        ZooCase{"sww",
                {1, 30, 1, 40},
                {1, 3},
                "DEPTHWISE_CONV_2D x4, CONV_2D x4, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                826368,
                Repeat({}, {"DEPTHWISE_CONV_2D", "CONV_2D"}, 4, {"RESHAPE", "FULLY_CONNECTED", "SOFTMAX"})},
        ZooCase{"tiny",
                {1, 8, 8, 1},
                {1, 4},
                "CONV_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX",
                0,
                {"CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"}}),
    [](const testing::TestParamInfo<ZooCase>& info) { return std::string(info.param.name); });

// A (name, seed) must give the same file on every host and compiler: these pins catch a platform
// difference or an unintended generator change. A deliberate change to the generator updates them
// (and whatever was derived from the old models, e.g. stored reference outputs).
TEST(Zoo, BytesArePinned) {
  const std::pair<const char*, uint64_t> pins[] = {
      {"tiny", 0xa1f70168fd585012ull}, {"kws", 0x2c7301bf09d4748dull}, {"ic", 0xe2225767b11b08dfull},
      {"vww", 0xcf98eeb682eba75eull},  {"ad", 0x880b1736f4aaee74ull},  {"sww", 0xfcbaead19b3dd28eull},
  };
  for (const auto& [name, fnv] : pins) {
    auto bytes = GenerateModel(name, 1);
    ASSERT_TRUE(bytes) << bytes.error();
    EXPECT_EQ(Fnv1a(*bytes), fnv) << name << " seed 1 changed";
  }
}

TEST(Zoo, UnknownNameIsAnError) {
  auto m = MakeZooModel("resnet50", 1);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("kws"), std::string::npos);
  EXPECT_EQ(ZooModels().size(), 6u);
}

TEST(Zoo, TinyIsSmallAndFast) {
  auto bytes = GenerateModel("tiny", 1);
  ASSERT_TRUE(bytes);
  EXPECT_LT(bytes->size(), 4096u);
}

TEST(KernelSpec, ParsesAndPrintsCanonically) {
  auto s = ParseKernelSpec("conv2d:32x32x16,oc=32,k=3x3,s=2,pad=valid,act=relu");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->op, KernelOp::kConv2d);
  EXPECT_EQ(s->height, 32);
  EXPECT_EQ(s->channels, 16);
  EXPECT_EQ(s->out_channels, 32);
  EXPECT_EQ(s->stride_w, 2);
  EXPECT_EQ(s->padding, Padding::kValid);
  EXPECT_EQ(s->activation, Activation::kRelu);
  EXPECT_EQ(KernelSpecString(*s), "conv2d:32x32x16,oc=32,k=3x3,s=2x2,pad=valid,act=relu");
  for (const char* text : {"conv2d:1x8x8x3,oc=4", "depthwise:16x16x8,k=5x3,s=1x2,pad=same,act=relu6,dm=2",
                           "fc:640,units=128,act=relu", "fc:64,units=10,batch=4",
                           "avgpool:15x13x7,k=2x3,s=1x2,pad=valid,act=relu", "add:16x16x32",
                           "add:8x8x4,b=1x1x4,act=relu6", "add:6x1x8,b=1x5x8", "add:4x4x4,b=1",
                           "add:4x4x4,b=4,batch=2"}) {
    auto p = ParseKernelSpec(text);
    ASSERT_TRUE(p) << p.error();
    auto q = ParseKernelSpec(KernelSpecString(*p));
    ASSERT_TRUE(q) << KernelSpecString(*p);
    EXPECT_EQ(KernelSpecString(*q), KernelSpecString(*p));
  }
  for (const char* bad : {"conv2d", "pool:8x8x1", "conv2d:8x8", "conv2d:8x8x1,k=0", "conv2d:8x8x1,pad=full",
                          "conv2d:2x2x1,k=3x3,pad=valid", "fc:64,units=-1", "fc:64,foo=1",
                          "avgpool:2x2x1,k=3x3,pad=valid", "add:8x8x4,b=3", "add:8x8x4,b=1x1x1x1x4", "add:8x8x4,b=0",
                          "conv2d:8x8x4,b=4"})
    EXPECT_FALSE(ParseKernelSpec(bad)) << bad;
  auto add = ParseKernelSpec("add:6x1x8,b=1x5x8,act=relu");
  ASSERT_TRUE(add) << add.error();
  EXPECT_EQ(add->op, KernelOp::kAdd);
  EXPECT_EQ(add->shape_b, (std::vector<int32_t>{1, 5, 8}));
  EXPECT_EQ(KernelSpecString(*add), "add:6x1x8,b=1x5x8,act=relu");
  auto pool = ParseKernelSpec("avgpool:16x16x32,k=3x3,s=2,pad=same");
  ASSERT_TRUE(pool) << pool.error();
  EXPECT_EQ(pool->op, KernelOp::kAveragePool2d);
  EXPECT_EQ(KernelSpecString(*pool), "avgpool:16x16x32,k=3x3,s=2x2,pad=same,act=none");
}

// Sizes are checked before anything is allocated (a spec may come from the farm API).
TEST(KernelSpec, HugeTensorsAreRefusedBeforeAllocating) {
  const std::pair<const char*, const char*> cases[] = {
      {"conv2d:99999x99999x3", "its input is 28610 MiB, more than the 64 MiB a generated tensor may have"},
      {"conv2d:64x64x64,oc=99999", "its output is 391 MiB, more than the 64 MiB"},
      {"conv2d:1x1x2000000000,oc=2000000000", "its input is 1908 MiB"},
      {"conv2d:1x1x60000,oc=60000,k=1x1", "its weights are 3434 MiB, more than the 256 MiB a model file may hold"},
      {"fc:2147483647,units=2147483647", "its input is 2048 MiB"},
      {"depthwise:8x8x2147483647,dm=2", "output channels, too many"},
      {"add:2147483647x2147483647x2147483647,batch=2147483647", "its input is more than 2^64 bytes"},
  };
  for (const auto& [spec, says] : cases) {
    auto r = ParseKernelSpec(spec);
    ASSERT_FALSE(r) << spec;
    EXPECT_THAT(r.error(), ::testing::HasSubstr(says)) << spec;
  }
  EXPECT_TRUE(ParseKernelSpec("conv2d:256x256x64,oc=64"));  // 4 MiB each: fine
}

TEST(KernelModels, SingleOperatorWithExpectedShapesAndMacs) {
  struct Case {
    const char* spec;
    const char* op;
    std::vector<int32_t> out;
    uint64_t macs;
  };
  const Case cases[] = {
      {"conv2d:32x32x16,oc=32,k=3x3,s=1,pad=same,act=relu", "CONV_2D", {1, 32, 32, 32}, 32ull * 32 * 32 * 9 * 16},
      {"conv2d:49x10x1,oc=64,k=10x4,s=2,pad=same", "CONV_2D", {1, 25, 5, 64}, 320000},
      {"depthwise:48x48x16,k=3x3,s=2,pad=same,act=relu", "DEPTHWISE_CONV_2D", {1, 24, 24, 16}, 82944},
      {"depthwise:30x1x40,k=3x1,s=1,pad=valid,dm=2", "DEPTHWISE_CONV_2D", {1, 28, 1, 80}, 28ull * 80 * 3},
      {"fc:640,units=128,act=relu", "FULLY_CONNECTED", {1, 128}, 81920},
      {"fc:64,units=10,batch=4", "FULLY_CONNECTED", {4, 10}, 2560},
      {"avgpool:16x16x32,k=3x3,s=2,pad=same,act=relu", "AVERAGE_POOL_2D", {1, 8, 8, 32}, 0},
      {"avgpool:15x13x7,k=2x2,s=1,pad=valid", "AVERAGE_POOL_2D", {1, 14, 12, 7}, 0},
      {"add:16x16x32", "ADD", {1, 16, 16, 32}, 0},
      {"add:16x16x32,b=1x1x32", "ADD", {1, 16, 16, 32}, 0},
      {"add:6x1x8,b=1x5x8", "ADD", {1, 6, 5, 8}, 0},
      {"add:4x4x4,b=1", "ADD", {1, 4, 4, 4}, 0},
  };
  for (const Case& c : cases) {
    auto bytes = GenerateModel(c.spec, 5);
    ASSERT_TRUE(bytes) << c.spec << ": " << bytes.error();
    auto m = ReadTflite(*bytes);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(OperatorNames(*m), std::vector<std::string>{c.op}) << c.spec;
    EXPECT_EQ(m->tensors[m->outputs[0]].shape, c.out) << c.spec;
    auto stats = AnalyzeModel(*m);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->total_macs, c.macs) << c.spec;
    auto again = GenerateModel(c.spec, 5);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *bytes);
  }
}

// Single-operator ADD and AVERAGE_POOL_2D models: ADD has two model inputs (the second of the shape
// b= gives), both take their quantization from the seed, and a pool's fused activation is written.
TEST(KernelModels, AddAndAveragePoolInputs) {
  auto bytes = GenerateModel("add:6x1x8,b=1x5x8,act=relu", 3);
  ASSERT_TRUE(bytes) << bytes.error();
  auto m = ReadTflite(*bytes);
  ASSERT_TRUE(m) << m.error();
  ASSERT_EQ(m->inputs.size(), 2u);
  const TensorDef& a = m->tensors[m->inputs[0]];
  const TensorDef& b = m->tensors[m->inputs[1]];
  EXPECT_EQ(a.shape, (std::vector<int32_t>{1, 6, 1, 8}));
  EXPECT_EQ(b.shape, (std::vector<int32_t>{1, 5, 8}));
  ASSERT_TRUE(a.quantization && b.quantization);
  EXPECT_NE(a.quantization->scale, b.quantization->scale);
  const auto* o = std::get_if<AddOptions>(&m->operators[0].options);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->activation, Activation::kRelu);
  // Another seed, other input quantization.
  auto other = ReadTflite(*GenerateModel("add:6x1x8,b=1x5x8,act=relu", 4));
  ASSERT_TRUE(other);
  EXPECT_NE(other->tensors[other->inputs[0]].quantization, a.quantization);

  auto pool = ReadTflite(*GenerateModel("avgpool:9x9x4,k=3x3,s=2,pad=same,act=relu6", 1));
  ASSERT_TRUE(pool);
  const auto* po = std::get_if<Pool2DOptions>(&pool->operators[0].options);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->activation, Activation::kRelu6);
  EXPECT_EQ(po->filter_h, 3);
  EXPECT_EQ(po->stride_w, 2);
  // Pooling keeps its input's quantization.
  EXPECT_EQ(pool->tensors[pool->outputs[0]].quantization, pool->tensors[pool->inputs[0]].quantization);
}

TEST(KernelSpecsOf, ReproducesEveryWeightedLayerOfTheZoo) {
  for (const ZooInfo& info : ZooModels()) {
    auto m = MakeZooModel(info.name, 1);
    ASSERT_TRUE(m) << m.error();
    auto specs = KernelSpecsOf(*m);
    ASSERT_TRUE(specs) << specs.error();
    ASSERT_FALSE(specs->empty()) << info.name;
    // Every layer's MACs are those of one spec's single-operator model.
    auto stats = AnalyzeModel(*m);
    ASSERT_TRUE(stats);
    std::vector<uint64_t> spec_macs;
    for (const KernelSpec& s : *specs) {
      auto k = MakeKernelModel(s, 1);
      ASSERT_TRUE(k) << KernelSpecString(s) << ": " << k.error();
      auto ks = AnalyzeModel(*k);
      ASSERT_TRUE(ks);
      spec_macs.push_back(ks->total_macs);
      auto parsed = ParseKernelSpec(KernelSpecString(s));
      ASSERT_TRUE(parsed) << parsed.error();
      EXPECT_EQ(KernelSpecString(*parsed), KernelSpecString(s));
    }
    for (const OpStats& op : stats->ops) {
      if (op.macs == 0) continue;
      EXPECT_NE(std::find(spec_macs.begin(), spec_macs.end(), op.macs), spec_macs.end())
          << info.name << " operator " << op.index << " (" << op.name << ")";
    }
  }
  auto kws = KernelSpecsOf(*MakeZooModel("kws", 1));
  ASSERT_TRUE(kws);
  ASSERT_EQ(kws->size(), 4u);  // first conv, depthwise, pointwise conv, FC
  EXPECT_EQ(KernelSpecString((*kws)[0]), "conv2d:49x10x1,oc=64,k=10x4,s=2x2,pad=same,act=relu");
  EXPECT_EQ(KernelSpecString((*kws)[1]), "depthwise:25x5x64,k=3x3,s=1x1,pad=same,act=relu,dm=1");
  EXPECT_EQ(KernelSpecString((*kws)[2]), "conv2d:25x5x64,oc=64,k=1x1,s=1x1,pad=same,act=relu");
  EXPECT_EQ(KernelSpecString((*kws)[3]), "fc:64,units=12,act=none");
}

#ifdef HIL_SHARED_DIR
// The zoo mirrors the MLPerf Tiny models layer for layer: same operators in the same order, and every
// weighted layer with the same input shape, kernel, stride, padding, activation and output channels.
TEST(Zoo, MirrorsTheMlperfTinyModelsLayerForLayer) {
  const std::pair<const char*, const char*> pairs[] = {{"kws", "kws_dscnn_int8.tflite"},
                                                       {"ic", "ic_resnet8_int8.tflite"},
                                                       {"vww", "vww_mobilenet_int8.tflite"},
                                                       {"ad", "ad_autoencoder_int8.tflite"},
                                                       {"sww", "sww_ref_int8.tflite"}};
  for (const auto& [name, file] : pairs) {
    auto bytes = ReadFileBytes(std::string(HIL_SHARED_DIR) + "/models/" + file);
    ASSERT_TRUE(bytes) << bytes.error();
    auto real = ReadTflite(*bytes);
    ASSERT_TRUE(real) << real.error();
    auto ours = MakeZooModel(name, 1);
    ASSERT_TRUE(ours) << ours.error();
    EXPECT_EQ(OperatorNames(*ours), OperatorNames(*real)) << name;
    auto real_specs = KernelSpecsOf(*real);
    auto our_specs = KernelSpecsOf(*ours);
    ASSERT_TRUE(real_specs && our_specs);
    std::vector<std::string> a, b;
    for (const auto& s : *real_specs) a.push_back(KernelSpecString(s));
    for (const auto& s : *our_specs) b.push_back(KernelSpecString(s));
    EXPECT_EQ(b, a) << name;
    // Every operator's output shape, in order.
    ASSERT_EQ(ours->operators.size(), real->operators.size());
    for (size_t i = 0; i < ours->operators.size(); ++i)
      EXPECT_EQ(ours->tensors[ours->operators[i].outputs[0]].shape, real->tensors[real->operators[i].outputs[0]].shape)
          << name << " operator " << i;
  }
}
#endif  // HIL_SHARED_DIR

}  // namespace
}  // namespace hil::model
