#include "hil/engine/interpreter.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::BuildModel;

struct Loaded {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const testing::ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
};

TEST(InterpreterTest, FullyConnectedHandComputed) {
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyFullyConnected()), Status::kOk) << l.interp.ErrorDetail();
  EXPECT_STREQ(l.interp.ErrorDetail(), "");
  ASSERT_EQ(l.interp.input_count(), 1);
  ASSERT_EQ(l.interp.output_count(), 1);
  EXPECT_EQ(l.interp.operator_count(), 1);
  EXPECT_EQ(l.interp.opcode(0), 9);
  TensorView in = l.interp.input(0);
  EXPECT_EQ(in.bytes, 4u);
  EXPECT_EQ(in.rank, 2);
  EXPECT_EQ(in.dims[1], 4);
  EXPECT_FLOAT_EQ(in.scale, 0.5f);
  EXPECT_EQ(in.zero_point, -1);
  const int8_t x[4] = {3, -1, 0, 5};
  std::memcpy(in.data, x, 4);
  ASSERT_EQ(l.interp.Invoke(nullptr), Status::kOk);
  // Multiplier 0.5 * 0.25 / 1 = 2^30 * 2^-2. Rows: 35 -> 5 (double rounding 4.375 -> 17.5 -> 18 -> 4.5 -> 5),
  // -39 -> -5 (then RELU clamps to the zero point 2), 160 -> 20. Plus output zero point 2.
  const TensorView out = l.interp.output(0);
  ASSERT_EQ(out.bytes, 3u);
  const int8_t* y = reinterpret_cast<const int8_t*>(out.data);
  EXPECT_EQ(y[0], 7);
  EXPECT_EQ(y[1], 2);
  EXPECT_EQ(y[2], 22);
}

TEST(InterpreterTest, InvokeBeforeLoadIsBadState) {
  Interpreter interp;
  EXPECT_FALSE(interp.loaded());
  EXPECT_EQ(interp.Invoke(nullptr), Status::kBadState);
  EXPECT_NE(std::string(interp.ErrorDetail()), "");
  EXPECT_EQ(interp.arena_used(), 0u);
  EXPECT_EQ(interp.input(0).data, nullptr);
}

TEST(InterpreterTest, KernelVariantsOnTheHost) {
  // The host build has only the reference kernels: auto is ref, dsp and mve are refused by name,
  // and a refusal or a re-plan leaves the loaded model runnable with the same results.
  EXPECT_STREQ(EngineArchName(), "host");
  EXPECT_TRUE(KernelVariantBuilt(KernelVariant::kRef));
  EXPECT_FALSE(KernelVariantBuilt(KernelVariant::kDsp));
  EXPECT_EQ(BestKernelVariant(), KernelVariant::kRef);
  EXPECT_STREQ(KernelVariantName(KernelVariant::kMve), "mve");
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyFullyConnected()), Status::kOk);
  const size_t used = l.interp.arena_used();
  EXPECT_EQ(l.interp.SetKernelVariant(KernelVariant::kDsp), Status::kNotFound);
  EXPECT_STREQ(l.interp.ErrorDetail(), "kernel variant dsp is not built for this core (host)");
  EXPECT_EQ(l.interp.SetKernelVariant(static_cast<KernelVariant>(4)), Status::kBadArgument);
  EXPECT_TRUE(l.interp.loaded());
  ASSERT_EQ(l.interp.SetKernelVariant(KernelVariant::kAuto), Status::kOk) << l.interp.ErrorDetail();
  EXPECT_EQ(l.interp.kernel_variant(), KernelVariant::kAuto);
  EXPECT_EQ(l.interp.kernel_variant_in_effect(), KernelVariant::kRef);
  ASSERT_TRUE(l.interp.loaded());
  EXPECT_EQ(l.interp.arena_used(), used);
  const int8_t x[4] = {3, -1, 0, 5};
  std::memcpy(l.interp.input(0).data, x, 4);
  ASSERT_EQ(l.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(reinterpret_cast<const int8_t*>(l.interp.output(0).data)[2], 22);
  // The selection persists across Reset and Load.
  l.interp.Reset();
  EXPECT_EQ(l.interp.kernel_variant(), KernelVariant::kAuto);
}

TEST(InterpreterTest, ResetDropsModel) {
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyFullyConnected()), Status::kOk);
  EXPECT_TRUE(l.interp.loaded());
  l.interp.Reset();
  EXPECT_FALSE(l.interp.loaded());
  EXPECT_EQ(l.interp.Invoke(nullptr), Status::kBadState);
}

TEST(InterpreterTest, ConvNetRunsAndSoftmaxSumsToOne) {
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyConvNet()), Status::kOk) << l.interp.ErrorDetail();
  TensorView in = l.interp.input(0);
  for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(i * 29 + 7);
  OpProfile profile;
  ASSERT_EQ(l.interp.Invoke(&profile), Status::kOk) << l.interp.ErrorDetail();
  const TensorView out = l.interp.output(0);
  ASSERT_EQ(out.bytes, 12u);
  int sum = 0;
  for (size_t i = 0; i < out.bytes; ++i) sum += static_cast<int8_t>(out.data[i]) + 128;
  EXPECT_NEAR(sum, 256, 12);
  EXPECT_EQ(profile.calls[0], 1u);
  EXPECT_EQ(profile.opcode[0], 3);
  EXPECT_EQ(profile.opcode[3], 25);
  // Deterministic and repeatable.
  std::vector<uint8_t> first(out.data, out.data + out.bytes);
  for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(i * 29 + 7);
  ASSERT_EQ(l.interp.Invoke(&profile), Status::kOk);
  EXPECT_EQ(std::vector<uint8_t>(out.data, out.data + out.bytes), first);
  EXPECT_EQ(profile.calls[0], 2u);
  profile.Clear();
  EXPECT_EQ(profile.calls[0], 0u);
}

TEST(InterpreterTest, DepthwiseAddMaxPoolMulRun) {
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyDepthwiseAdd()), Status::kOk) << l.interp.ErrorDetail();
  ASSERT_EQ(l.interp.input_count(), 2);
  for (int k = 0; k < 2; ++k) {
    TensorView in = l.interp.input(k);
    for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(i * 13 + 5 * k);
  }
  ASSERT_EQ(l.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(l.interp.output(0).bytes, 4u);
}

struct Observed {
  std::vector<int> ops;
  std::vector<size_t> bytes;
};
void Observe(void* ctx, int op, int /*output_index*/, const TensorView& v) {
  auto* o = static_cast<Observed*>(ctx);
  o->ops.push_back(op);
  o->bytes.push_back(v.bytes);
}

TEST(InterpreterTest, ObserverSeesEveryOperatorOutput) {
  Loaded l;
  ASSERT_EQ(l.Load(testing::TinyConvNet()), Status::kOk);
  Observed o;
  l.interp.SetOpObserver(Observe, &o);
  ASSERT_EQ(l.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(o.ops, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(o.bytes, (std::vector<size_t>{48, 12, 12, 12}));
  l.interp.SetOpObserver(nullptr, nullptr);
  ASSERT_EQ(l.interp.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(o.ops.size(), 4u);
}

TEST(InterpreterTest, ArenaUsedIsEnoughAndOneByteLessIsNot) {
  for (const auto& spec : {testing::TinyFullyConnected(), testing::TinyConvNet(), testing::TinyDepthwiseAdd()}) {
    Loaded l;
    ASSERT_EQ(l.Load(spec), Status::kOk);
    // Arena bases are 8-aligned (vector storage), so the alignment skip is 0.
    const size_t used = l.interp.arena_used();
    std::vector<uint8_t> exact(used), less(used - 1);
    Interpreter a, b;
    EXPECT_EQ(a.Load(l.model.data(), l.model.size(), exact.data(), exact.size()), Status::kOk) << a.ErrorDetail();
    EXPECT_EQ(b.Load(l.model.data(), l.model.size(), less.data(), less.size()), Status::kArenaTooSmall);
    EXPECT_NE(std::string(b.ErrorDetail()).find("arena too small by"), std::string::npos) << b.ErrorDetail();
  }
}

// Every seed model (one per remaining operator) loads and runs; spot checks of their outputs.
TEST(InterpreterTest, SeedModelsLoadAndRun) {
  for (const auto& m : testing::SeedModels()) {
    std::vector<uint8_t> arena(64 * 1024);
    Interpreter interp;
    ASSERT_EQ(interp.Load(m.bytes.data(), m.bytes.size(), arena.data(), arena.size()), Status::kOk)
        << m.name << ": " << interp.ErrorDetail();
    for (int i = 0; i < interp.input_count(); ++i) {
      TensorView v = interp.input(i);
      if (v.type == TensorType::kFloat32) {
        float* f = reinterpret_cast<float*>(v.data);
        for (size_t k = 0; k < v.bytes / 4; ++k) f[k] = static_cast<float>(k) * 0.3f - 2.0f;
      } else {
        for (size_t k = 0; k < v.bytes; ++k) v.data[k] = static_cast<uint8_t>(k * 11);
      }
    }
    ASSERT_EQ(interp.Invoke(nullptr), Status::kOk) << m.name;
    const TensorView out = interp.output(0);
    const std::string name = m.name;
    if (name == "quantize_float") {
      // x = k*0.3 - 2, scale 0.2, zero point -1: element 0 -> round(-10) - 1 = -11.
      EXPECT_EQ(static_cast<int8_t>(out.data[0]), -11);
    } else if (name == "dequantize") {
      // (k*11 as int8 - 3) * 0.1: element 1 -> 0.8.
      EXPECT_NEAR(reinterpret_cast<const float*>(out.data)[1], 0.8f, 1e-6);
    } else if (name == "relu6") {
      for (size_t k = 0; k < out.bytes; ++k) {
        EXPECT_GE(static_cast<int8_t>(out.data[k]), 3);
        EXPECT_LE(static_cast<int8_t>(out.data[k]), 63);
      }
    } else if (name == "pad_mean_concat") {
      EXPECT_EQ(out.bytes, 6u);
      EXPECT_EQ(out.data[0], out.data[3]);  // the mean concatenated with itself
    }
  }
}

TEST(InterpreterTest, OpcodeNames) {
  EXPECT_STREQ(OpcodeName(3), "CONV_2D");
  EXPECT_STREQ(OpcodeName(25), "SOFTMAX");
  EXPECT_STREQ(OpcodeName(36), "GATHER");
  EXPECT_STREQ(OpcodeName(114), "QUANTIZE");
  EXPECT_STREQ(OpcodeName(40000), "UNKNOWN");
}

}  // namespace
}  // namespace hil::agent::engine
