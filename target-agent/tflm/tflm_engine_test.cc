// TensorFlow Lite Micro behind the agent's engine interface, on the host build of TFLM: the same
// outputs as our engine for the same model and inputs (both run TFLM's reference arithmetic here),
// tensor views that match the model, one profile entry per operator, and clear errors for what
// TFLM refuses.
#include "hil/agent/tflm_engine.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "testing/model_builder.h"

namespace hil::agent {
namespace {

namespace t = engine::testing;

// Model and arena buffers as the agent's: 16-byte aligned, outliving each load.
struct Buffers {
  alignas(16) uint8_t model[4u << 20];
  alignas(16) uint8_t arena[4u << 20];
};
Buffers& Shared() {
  static Buffers* b = new Buffers();
  return *b;
}

// Random inputs from `seed`: any bytes for integer tensors, finite values in [-8, 8] for float ones
// (a NaN's conversion to an integer is undefined in C++; TFLM's result for it depends on the CPU).
void Fill(InferenceEngine& e, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < e.input_count(); ++i) {
    const engine::TensorView v = e.input(i);
    if (v.type == engine::TensorType::kFloat32) {
      std::uniform_real_distribution<float> value(-8.0f, 8.0f);
      for (size_t b = 0; b + 4 <= v.bytes; b += 4) {
        const float f = value(rng);
        memcpy(v.data + b, &f, 4);
      }
    } else {
      for (size_t b = 0; b < v.bytes; ++b) v.data[b] = static_cast<uint8_t>(rng());
    }
  }
}

// Loads `bytes` into `e`, fills the inputs from `seed`, runs it (profiled) and returns the outputs.
struct Ran {
  Status load = Status::kOk;
  Status invoke = Status::kOk;
  std::vector<std::vector<uint8_t>> outputs;
  engine::OpProfile profile;
  std::string error;
};
Ran RunModel(InferenceEngine& e, const std::vector<uint8_t>& bytes, uint8_t* model, uint8_t* arena, size_t arena_bytes,
        uint32_t seed) {
  Ran r;
  e.Reset();  // before the buffers change, as the agent does at LOAD_BEGIN (TFLM reads them to let go)
  memcpy(model, bytes.data(), bytes.size());
  r.load = e.Load(model, bytes.size(), arena, arena_bytes);
  r.error = e.ErrorDetail();
  if (r.load != Status::kOk) return r;
  Fill(e, seed);
  r.profile.Clear();
  r.invoke = e.Invoke(&r.profile);
  r.error = e.ErrorDetail();
  for (int i = 0; i < e.output_count(); ++i) {
    const engine::TensorView v = e.output(i);
    r.outputs.emplace_back(v.data, v.data + v.bytes);
  }
  return r;
}

// Every operator of the fuzzer's seed models, and (when ../shared is there) the MLPerf Tiny models:
// TFLM and ours compute the same bytes, with inputs and outputs described alike.
TEST(TflmEngine, OutputsEqualOursOnTheSameModels) {
  std::vector<t::NamedModel> models = t::SeedModels();
#ifdef HIL_SHARED_DIR
  for (const char* name : {"kws_dscnn_int8", "ad_autoencoder_int8", "ic_resnet8_int8", "vww_mobilenet_int8"}) {
    std::ifstream f(std::string(HIL_SHARED_DIR) + "/models/" + name + ".tflite", std::ios::binary);
    ASSERT_TRUE(f) << name;
    models.push_back({name, std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {})});
  }
#endif
  static TinyHilEngine ours;
  alignas(16) static uint8_t our_model[4u << 20];
  alignas(16) static uint8_t our_arena[4u << 20];
  InferenceEngine& tflm = TflmEngine();
  ASSERT_STREQ(tflm.name(), "tflm");
  for (const auto& m : models) {
    SCOPED_TRACE(m.name);
    const Ran a = RunModel(ours, m.bytes, our_model, our_arena, sizeof our_arena, 11);
    const Ran b = RunModel(tflm, m.bytes, Shared().model, Shared().arena, sizeof Shared().arena, 11);
    ASSERT_EQ(a.load, Status::kOk) << a.error;
    ASSERT_EQ(b.load, Status::kOk) << b.error;
    ASSERT_EQ(b.invoke, Status::kOk) << b.error;
    ASSERT_EQ(tflm.input_count(), ours.input_count());
    ASSERT_EQ(tflm.output_count(), ours.output_count());
    for (int i = 0; i < ours.input_count(); ++i) {
      const engine::TensorView x = ours.input(i), y = tflm.input(i);
      EXPECT_EQ(y.type, x.type);
      EXPECT_EQ(y.bytes, x.bytes);
      EXPECT_EQ(y.rank, x.rank);
      EXPECT_EQ(y.tensor, x.tensor);
      EXPECT_FLOAT_EQ(y.scale, x.scale);
      EXPECT_EQ(y.zero_point, x.zero_point);
    }
    EXPECT_EQ(b.outputs, a.outputs);
    // One profile entry per operator of the model, each called once, with the model's opcode.
    ASSERT_EQ(tflm.operator_count(), ours.operator_count());
    for (int op = 0; op < tflm.operator_count(); ++op) {
      EXPECT_EQ(b.profile.calls[op], 1u) << "operator " << op;
      EXPECT_EQ(b.profile.opcode[op], ours.opcode(op)) << "operator " << op;
    }
    EXPECT_GT(tflm.arena_used(), 0u);
    EXPECT_LE(tflm.arena_used(), sizeof Shared().arena);
  }
}

TEST(TflmEngine, RefusesWhatTflmCannotRunWithItsReason) {
  InferenceEngine& e = TflmEngine();
  const std::vector<uint8_t> good = t::BuildModel(t::TinyConvNet());

  // Not a flatbuffer: TFLM would read out of bounds; the verifier refuses it first.
  std::vector<uint8_t> garbage(256, 0x5A);
  Ran r = RunModel(e, garbage, Shared().model, Shared().arena, sizeof Shared().arena, 1);
  EXPECT_EQ(r.load, Status::kModelInvalid);
  EXPECT_NE(r.error.find("flatbuffers verifier"), std::string::npos) << r.error;
  EXPECT_FALSE(e.loaded());
  // Truncated: the same.
  r = RunModel(e, std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2), Shared().model, Shared().arena,
          sizeof Shared().arena, 1);
  EXPECT_EQ(r.load, Status::kModelInvalid) << r.error;

  // An arena too small: TFLM's own words on the shortfall.
  r = RunModel(e, good, Shared().model, Shared().arena, 1024, 1);
  EXPECT_EQ(r.load, Status::kArenaTooSmall) << r.error;
  EXPECT_FALSE(r.error.empty());

  // An operator this TFLM does not have: GELU (builtin code 150).
  t::ModelSpec spec = t::TinyFullyConnected();
  spec.ops[0].builtin_code = 150;
  spec.ops[0].options_type = 0;
  spec.ops[0].options = nullptr;
  r = RunModel(e, t::BuildModel(spec), Shared().model, Shared().arena, sizeof Shared().arena, 1);
  EXPECT_EQ(r.load, Status::kUnsupportedOperator) << r.error;
  EXPECT_NE(r.error.find("Didn't find op for builtin opcode 'GELU'"), std::string::npos) << r.error;

  // And a good model still loads after all that.
  r = RunModel(e, good, Shared().model, Shared().arena, sizeof Shared().arena, 1);
  EXPECT_EQ(r.load, Status::kOk) << r.error;
  EXPECT_EQ(r.invoke, Status::kOk) << r.error;
  e.Reset();
  EXPECT_FALSE(e.loaded());
  EXPECT_EQ(e.Invoke(nullptr), Status::kBadState);
}

// TFLM's kernels are fixed when it is built: here (the host build) its reference kernels.
TEST(TflmEngine, KernelVariantIsTheOneBuilt) {
  InferenceEngine& e = TflmEngine();
  EXPECT_EQ(e.kernel_variant_in_effect(), engine::KernelVariant::kRef);
  EXPECT_EQ(e.SetKernelVariant(engine::KernelVariant::kAuto), Status::kOk);
  EXPECT_EQ(e.SetKernelVariant(engine::KernelVariant::kRef), Status::kOk);
  EXPECT_EQ(e.SetKernelVariant(engine::KernelVariant::kDsp), Status::kNotFound);
  EXPECT_NE(std::string(e.ErrorDetail()).find("chosen when it is built"), std::string::npos) << e.ErrorDetail();
}

// Loaded once and run twice on the same inputs (written again, as the agent does, with the
// variables reset between): the same outputs.
TEST(TflmEngine, RepeatedRunsGiveTheSameOutputs) {
  InferenceEngine& e = TflmEngine();
  for (const auto& m : t::SeedModels()) {
    SCOPED_TRACE(m.name);
    const Ran first = RunModel(e, m.bytes, Shared().model, Shared().arena, sizeof Shared().arena, 5);
    ASSERT_EQ(first.invoke, Status::kOk) << first.error;
    e.ResetVariables();
    Fill(e, 5);
    ASSERT_EQ(e.Invoke(nullptr), Status::kOk) << e.ErrorDetail();
    for (int i = 0; i < e.output_count(); ++i) {
      const engine::TensorView v = e.output(i);
      EXPECT_EQ(std::vector<uint8_t>(v.data, v.data + v.bytes), first.outputs[i]);
    }
  }
}

}  // namespace
}  // namespace hil::agent
