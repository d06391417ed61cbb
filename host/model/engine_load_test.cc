// Loads every zoo model into the target engine's interpreter (an independent .tflite reader with its own
// verifier) and runs it: a cross-check of the writer that does not share code with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <vector>

#include "hil/engine/interpreter.h"
#include "hil/model/prng.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"

namespace hil::model {
namespace {

namespace engine = hil::agent::engine;
constexpr size_t kArenaBytes = 512 * 1024;

// A 16-byte-aligned copy of `bytes` inside `storage` (the engine reads models in place, as from flash).
uint8_t* AlignedCopy(const std::vector<uint8_t>& bytes, std::vector<uint8_t>& storage) {
  storage.assign(bytes.size() + 16, 0);
  uint8_t* p = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  std::copy(bytes.begin(), bytes.end(), p);
  return p;
}

class EngineLoad : public testing::TestWithParam<std::string> {};

TEST_P(EngineLoad, ZooModelLoadsAndInvokes) {
  auto bytes = GenerateModel(GetParam(), 1);
  ASSERT_TRUE(bytes) << bytes.error();
  auto model = ReadTflite(*bytes);
  ASSERT_TRUE(model) << model.error();
  std::vector<uint8_t> model_storage;
  uint8_t* aligned = AlignedCopy(*bytes, model_storage);
  std::vector<uint8_t> arena(kArenaBytes + 16);
  uint8_t* arena_start = arena.data() + (16 - reinterpret_cast<uintptr_t>(arena.data()) % 16) % 16;
  auto interp = std::make_unique<engine::Interpreter>();
  ASSERT_EQ(interp->Load(aligned, bytes->size(), arena_start, kArenaBytes), hil::Status::kOk) << interp->ErrorDetail();
  EXPECT_EQ(interp->operator_count(), static_cast<int>(model->operators.size()));
  ASSERT_EQ(interp->input_count(), 1);
  ASSERT_EQ(interp->output_count(), 1);
  engine::TensorView in = interp->input(0);
  const auto& in_shape = model->tensors[model->inputs[0]].shape;
  ASSERT_EQ(in.rank, static_cast<int>(in_shape.size()));
  for (int d = 0; d < in.rank; ++d) EXPECT_EQ(in.dims[d], in_shape[d]);
  for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(i * 37 + 11);
  ASSERT_EQ(interp->Invoke(nullptr), hil::Status::kOk) << interp->ErrorDetail();
  std::printf("[engine] %-50s %7zu bytes, arena %6zu bytes\n", GetParam().c_str(), bytes->size(), interp->arena_used());
  engine::TensorView out = interp->output(0);
  const auto& out_shape = model->tensors[model->outputs[0]].shape;
  ASSERT_EQ(out.rank, static_cast<int>(out_shape.size()));
  for (int d = 0; d < out.rank; ++d) EXPECT_EQ(out.dims[d], out_shape[d]);
}

// Every intermediate activation, run through the engine on random inputs, uses the int8 range: no more
// than 5% of values pinned at 127 (a range chosen too small), at least half the levels that could
// appear in use (not collapsed), and the model output changes with the input.
class ActivationRanges : public testing::TestWithParam<std::string> {};

TEST_P(ActivationRanges, NeitherSaturatedNorCollapsed) {
  auto full = MakeZooModel(GetParam(), 1);
  ASSERT_TRUE(full) << full.error();
  std::vector<uint8_t> arena_storage(kArenaBytes + 16);
  uint8_t* arena = arena_storage.data() + (16 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 16) % 16;
  for (size_t k = 0; k < full->operators.size(); ++k) {
    ModelDef m = *full;
    m.operators.resize(k + 1);  // the model up to operator k, its output as the model output
    m.outputs = {m.operators[k].outputs[0]};
    auto bytes = WriteTflite(m);
    ASSERT_TRUE(bytes) << bytes.error();
    std::vector<uint8_t> model_storage;
    uint8_t* aligned = AlignedCopy(*bytes, model_storage);
    auto interp = std::make_unique<engine::Interpreter>();
    ASSERT_EQ(interp->Load(aligned, bytes->size(), arena, kArenaBytes), hil::Status::kOk)
        << "operator " << k << ": " << interp->ErrorDetail();
    SplitMix64 rng(11);
    size_t total = 0, top = 0;
    std::set<int> levels;
    std::set<std::vector<uint8_t>> outputs;
    constexpr int kTrials = 4;
    for (int trial = 0; trial < kTrials; ++trial) {
      engine::TensorView in = interp->input(0);
      for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(rng.Uniform(int64_t{0}, int64_t{255}));
      ASSERT_EQ(interp->Invoke(nullptr), hil::Status::kOk) << interp->ErrorDetail();
      engine::TensorView out = interp->output(0);
      for (size_t i = 0; i < out.bytes; ++i) {
        const int v = static_cast<int8_t>(out.data[i]);
        top += v == 127;
        levels.insert(v);
      }
      total += out.bytes;
      outputs.insert(std::vector<uint8_t>(out.data, out.data + out.bytes));
    }
    const std::string where =
        GetParam() + " operator " + std::to_string(k) + " (" + BuiltinOpName(m.builtin_code(m.operators[k])) + ")";
    EXPECT_LE(top * 20, total) << where << ": " << top << " of " << total << " values at 127";
    EXPECT_GE(levels.size() * 2, std::min<size_t>(total, 16)) << where << ": only " << levels.size() << " levels";
    EXPECT_GT(outputs.size(), 1u) << where << ": output does not depend on the input";
  }
}

// Random single-operator specs (batch, depth multiplier, asymmetric kernels and strides, both paddings,
// fused activations) as a kernel sweep would make them: each generates, loads and runs.
TEST(KernelSweep, RandomSpecsLoadAndInvoke) {
  std::vector<uint8_t> arena_storage(kArenaBytes + 16);
  uint8_t* arena = arena_storage.data() + (16 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 16) % 16;
  SplitMix64 rng(99);
  auto pick = [&](int64_t lo, int64_t hi) { return static_cast<int32_t>(rng.Uniform(lo, hi)); };
  int built = 0;
  for (int i = 0; i < 60; ++i) {
    KernelSpec s;
    s.op = static_cast<KernelOp>(pick(0, 2));
    s.n = pick(0, 3) == 0 ? 2 : 1;
    s.height = pick(1, 20);
    s.width = pick(1, 20);
    s.channels = pick(1, 40);
    s.out_channels = pick(1, 40);
    s.depth_multiplier = pick(1, 3);
    s.kernel_h = pick(1, 5);
    s.kernel_w = pick(1, 5);
    s.stride_h = pick(1, 3);
    s.stride_w = pick(1, 3);
    s.padding = static_cast<Padding>(pick(0, 1));
    s.activation = std::vector<Activation>{Activation::kNone, Activation::kRelu, Activation::kRelu6}[pick(0, 2)];
    const std::string spec = KernelSpecString(s);
    if (!ParseKernelSpec(spec)) continue;  // e.g. a kernel larger than a VALID input
    auto bytes = GenerateModel(spec, static_cast<uint64_t>(i));
    ASSERT_TRUE(bytes) << spec << ": " << bytes.error();
    std::vector<uint8_t> model_storage;
    uint8_t* aligned = AlignedCopy(*bytes, model_storage);
    auto interp = std::make_unique<engine::Interpreter>();
    ASSERT_EQ(interp->Load(aligned, bytes->size(), arena, kArenaBytes), hil::Status::kOk)
        << spec << ": " << interp->ErrorDetail();
    ASSERT_EQ(interp->Invoke(nullptr), hil::Status::kOk) << spec << ": " << interp->ErrorDetail();
    ++built;
  }
  EXPECT_GT(built, 30);
}

// Single-operator ADD models with each kind of broadcast the generator writes: the engine's output is
// the sum of the dequantized inputs (at the broadcast positions), through the fused activation,
// requantized, within one step (the fixed-point rounding). A mismatch between the generator's and
// the engine's reading of the shapes shows up here.
TEST(KernelSweep, AddBroadcastsAsSpecified) {
  std::vector<uint8_t> arena_storage(kArenaBytes + 16);
  uint8_t* arena = arena_storage.data() + (16 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 16) % 16;
  SplitMix64 rng(5);
  for (const char* spec : {"add:5x4x6", "add:5x4x6,b=1x1x6,act=relu", "add:5x4x6,b=5x1x1", "add:5x4x6,b=6",
                           "add:5x4x6,b=1,act=relu6", "add:5x1x6,b=1x4x6", "add:5x4x6,b=5x4x1",
                           "add:3x4x2,b=3x1x2,batch=2"}) {
    SCOPED_TRACE(spec);
    auto bytes = GenerateModel(spec, 2);
    ASSERT_TRUE(bytes) << bytes.error();
    auto m = ReadTflite(*bytes);
    ASSERT_TRUE(m) << m.error();
    std::vector<uint8_t> model_storage;
    uint8_t* aligned = AlignedCopy(*bytes, model_storage);
    auto interp = std::make_unique<engine::Interpreter>();
    ASSERT_EQ(interp->Load(aligned, bytes->size(), arena, kArenaBytes), hil::Status::kOk) << interp->ErrorDetail();
    ASSERT_EQ(interp->input_count(), 2);
    for (int t = 0; t < 2; ++t) {
      engine::TensorView in = interp->input(t);
      for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(rng.Uniform(int64_t{0}, int64_t{255}));
    }
    const engine::TensorView a = interp->input(0), b = interp->input(1);
    const std::vector<int8_t> qa(a.data, a.data + a.bytes), qb(b.data, b.data + b.bytes);
    ASSERT_EQ(interp->Invoke(nullptr), hil::Status::kOk) << interp->ErrorDetail();
    const engine::TensorView out = interp->output(0);
    const auto* options = std::get_if<AddOptions>(&m->operators[0].options);
    ASSERT_NE(options, nullptr);
    // Shapes right-aligned to 4 dimensions; an input's stride is 0 where its dimension is 1.
    auto dims4 = [](const engine::TensorView& t) {
      std::vector<int64_t> d(4, 1);
      for (int i = 0; i < t.rank; ++i) d[4 - t.rank + i] = t.dims[i];
      return d;
    };
    const std::vector<int64_t> da = dims4(a), db = dims4(b), dout = dims4(out);
    size_t o = 0;
    for (int64_t n = 0; n < dout[0]; ++n)
      for (int64_t h = 0; h < dout[1]; ++h)
        for (int64_t w = 0; w < dout[2]; ++w)
          for (int64_t c = 0; c < dout[3]; ++c, ++o) {
            auto at = [&](const std::vector<int64_t>& d) {
              return (((d[0] == 1 ? 0 : n) * d[1] + (d[1] == 1 ? 0 : h)) * d[2] + (d[2] == 1 ? 0 : w)) * d[3] +
                     (d[3] == 1 ? 0 : c);
            };
            double real = a.scale * (qa[static_cast<size_t>(at(da))] - a.zero_point) +
                          b.scale * (qb[static_cast<size_t>(at(db))] - b.zero_point);
            if (options->activation == Activation::kRelu) real = std::max(real, 0.0);
            if (options->activation == Activation::kRelu6) real = std::clamp(real, 0.0, 6.0);
            const double want = std::clamp(std::round(real / out.scale) + out.zero_point, -128.0, 127.0);
            ASSERT_NEAR(static_cast<int8_t>(out.data[o]), want, 1.0) << "output " << o;
          }
    EXPECT_EQ(o, out.bytes);
  }
}

// Random single-operator AVERAGE_POOL_2D and ADD specs (both paddings, strides, filters, broadcasts,
// activations) as a kernel sweep makes them: each generates, loads and runs.
TEST(KernelSweep, RandomAddAndPoolSpecsLoadAndInvoke) {
  std::vector<uint8_t> arena_storage(kArenaBytes + 16);
  uint8_t* arena = arena_storage.data() + (16 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 16) % 16;
  SplitMix64 rng(7);
  auto pick = [&](int64_t lo, int64_t hi) { return static_cast<int32_t>(rng.Uniform(lo, hi)); };
  int built = 0;
  for (int i = 0; i < 40; ++i) {
    KernelSpec s;
    s.op = i % 2 == 0 ? KernelOp::kAveragePool2d : KernelOp::kAdd;
    s.n = pick(0, 3) == 0 ? 2 : 1;
    s.height = pick(1, 16);
    s.width = pick(1, 16);
    s.channels = pick(1, 40);
    s.kernel_h = pick(1, 4);
    s.kernel_w = pick(1, 4);
    s.stride_h = pick(1, 2);
    s.stride_w = pick(1, 2);
    s.padding = static_cast<Padding>(pick(0, 1));
    s.activation = std::vector<Activation>{Activation::kNone, Activation::kRelu, Activation::kRelu6}[pick(0, 2)];
    if (s.op == KernelOp::kAdd) {
      const std::vector<std::vector<int32_t>> shapes = {
          {}, {1, 1, s.channels}, {s.height, 1, 1}, {s.channels}, {1}, {s.height, s.width, 1}};
      s.shape_b = shapes[static_cast<size_t>(pick(0, 5))];
    }
    const std::string spec = KernelSpecString(s);
    if (!ParseKernelSpec(spec)) continue;  // e.g. a filter larger than a VALID input
    auto bytes = GenerateModel(spec, static_cast<uint64_t>(i));
    ASSERT_TRUE(bytes) << spec << ": " << bytes.error();
    std::vector<uint8_t> model_storage;
    uint8_t* aligned = AlignedCopy(*bytes, model_storage);
    auto interp = std::make_unique<engine::Interpreter>();
    ASSERT_EQ(interp->Load(aligned, bytes->size(), arena, kArenaBytes), hil::Status::kOk)
        << spec << ": " << interp->ErrorDetail();
    EXPECT_EQ(interp->input_count(), s.op == KernelOp::kAdd ? 2 : 1) << spec;
    ASSERT_EQ(interp->Invoke(nullptr), hil::Status::kOk) << spec << ": " << interp->ErrorDetail();
    ++built;
  }
  EXPECT_GT(built, 30);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ActivationRanges, testing::Values("tiny", "kws", "ic", "vww", "ad", "sww"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Zoo, EngineLoad,
                         testing::Values("tiny", "kws", "ic", "vww", "ad", "sww",
                                         "conv2d:16x16x8,oc=16,k=3x3,s=1,pad=same,act=relu",
                                         "depthwise:16x16x8,k=3x3,s=2,pad=valid,act=relu6", "fc:64,units=10"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find(':'));
                           return name + std::to_string(info.index);
                         });

}  // namespace
}  // namespace hil::model
