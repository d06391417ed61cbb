// Optimised kernel variants selected with SET_KERNEL, on the emulated cores and the firmware of this
// build: outputs byte-identical to the reference kernels on random inputs, fewer instructions, and a
// clear refusal where a variant is not built. Also prints the zoo's instruction counts per variant
// (the figures of issue 8) and the ADD / AVERAGE_POOL_2D variants' counts on the shapes checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "hil/board/qemu_board.h"
#include "hil/model/graph_builder.h"
#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;

constexpr uint8_t kRef = 0, kDsp = 1, kMve = 2, kAuto = 3;
const char* const kVariantNames[] = {"ref", "dsp", "mve", "auto"};

QemuBoardOptions Options(const std::string& machine) {
  QemuBoardOptions o;
  o.machine = machine;
  o.firmware = std::string(HIL_FIRMWARE_DIR) + "/" + machine + "/ports/cortex-m/hil-agent-" + machine + ".elf";
  o.instance_id = machine + "#kernel-test";
  o.link = "rtt";  // uploads of vww (297 KB) take 15 s over the emulated UART, half a second over RTT
  o.session.response_timeout = 2000ms;
  o.session.execute_timeout = 120000ms;
  return o;
}

std::vector<uint8_t> Model(const std::string& spec, uint64_t seed = 1) {
  auto m = model::GenerateModel(spec, seed);
  EXPECT_TRUE(m.has_value()) << spec << ": " << (m ? "" : m.error());
  return m ? *m : std::vector<uint8_t>{};
}

uint64_t Macs(const std::vector<uint8_t>& blob) {
  auto s = model::AnalyzeTflite(blob);
  return s ? s->total_macs : 0;
}

std::vector<std::vector<uint8_t>> RandomInputs(size_t bytes, int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<uint8_t>> out(count, std::vector<uint8_t>(bytes));
  for (auto& in : out)
    for (auto& b : in) b = static_cast<uint8_t>(rng());
  return out;
}

// Random bytes for every input tensor of `m`, `count` times: [run][tensor]. With `extremes`, three more
// runs: every value -128, every value 127, and the first input 127 with the others -128 (the largest
// window sums and the saturating ends of the requantisation, which random bytes hardly reach).
std::vector<std::vector<std::vector<uint8_t>>> ModelInputs(const link::LoadedModel& m, int count, uint32_t seed,
                                                           bool extremes = false) {
  std::vector<std::vector<std::vector<uint8_t>>> runs(count);
  for (size_t t = 0; t < m.input_bytes.size(); ++t) {
    const auto per_tensor = RandomInputs(m.input_bytes[t], count, seed + static_cast<uint32_t>(t) * 7919);
    for (int i = 0; i < count; ++i) runs[i].push_back(per_tensor[i]);
  }
  if (extremes) {
    for (int run = 0; run < 3; ++run) {
      std::vector<std::vector<uint8_t>> tensors;
      for (size_t t = 0; t < m.input_bytes.size(); ++t)
        tensors.emplace_back(m.input_bytes[t], run == 1 || (run == 2 && t == 0) ? 0x7F : 0x80);
      runs.push_back(std::move(tensors));
    }
  }
  return runs;
}

struct VariantRun {
  uint64_t instructions = 0;                      // of the first input
  std::vector<std::vector<uint8_t>> outputs;      // per input, all outputs concatenated
};

// Selects `variant` on the board (a model is loaded), runs every input set once (one blob per model
// input), reads the outputs.
VariantRun RunWith(QemuBoard& b, uint8_t variant, const link::LoadedModel& m,
                   const std::vector<std::vector<std::vector<uint8_t>>>& inputs) {
  VariantRun run;
  auto in_effect = b.session().SetKernel(variant);
  EXPECT_TRUE(in_effect.has_value()) << (in_effect ? "" : in_effect.error().message);
  if (!in_effect) return run;
  EXPECT_EQ(*in_effect, variant);
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (size_t t = 0; t < inputs[i].size(); ++t)
      EXPECT_TRUE(b.session().SetInput(static_cast<int>(t), inputs[i][t]).has_value());
    auto inv = b.session().Invoke(0, 1);
    EXPECT_TRUE(inv.has_value()) << (inv ? "" : inv.error().message);
    if (!inv) return run;
    if (i == 0) run.instructions = static_cast<uint64_t>(inv->cycles[0] * b.InstructionsPerTick());
    std::vector<uint8_t> all;
    for (size_t o = 0; o < m.output_bytes.size(); ++o) {
      auto out = b.session().GetOutput(static_cast<int>(o));
      EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message);
      if (out) all.insert(all.end(), out->begin(), out->end());
    }
    run.outputs.push_back(std::move(all));
  }
  return run;
}

// What CompareVariants expects of a variant's instruction count besides identical outputs.
enum class Count {
  kFewer,     // strictly fewer than the reference's
  kNotMore,   // at most a call's worth more (the op has no variant for this case: the reference runs)
  kAny,       // not checked (tiny shapes, where a variant's set-up may outweigh its loop)
};

// Loads the model `blob` (named `spec` in messages), runs the reference then each of `variants` on the
// same random inputs (and the extreme ones with `extremes`); expects identical outputs and, for each
// variant, the instruction count `count` asks for (of the first input). Returns the instruction
// counts, reference first.
std::vector<uint64_t> CompareVariantsOf(QemuBoard& b, const std::string& spec, const std::vector<uint8_t>& blob,
                                        const std::vector<uint8_t>& variants, Count count, int inputs,
                                        bool extremes) {
  auto loaded = b.session().LoadModel(blob);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message);
  if (!loaded) return {};
  const auto in = ModelInputs(*loaded, inputs, 42, extremes);
  const VariantRun ref = RunWith(b, kRef, *loaded, in);
  std::vector<uint64_t> counts{ref.instructions};
  for (uint8_t v : variants) {
    const VariantRun opt = RunWith(b, v, *loaded, in);
    EXPECT_EQ(opt.outputs.size(), ref.outputs.size());
    for (size_t i = 0; i < ref.outputs.size() && i < opt.outputs.size(); ++i)
      EXPECT_EQ(opt.outputs[i], ref.outputs[i]) << kVariantNames[v] << " differs from ref on input " << i;
    // Without a variant for the op, the variant's entry hands over to the reference kernel: at most
    // a call's worth more (counts resolve to 40-instruction SysTick ticks).
    if (count == Count::kFewer) EXPECT_LT(opt.instructions, ref.instructions) << kVariantNames[v];
    if (count == Count::kNotMore) EXPECT_LE(opt.instructions, ref.instructions + 80) << kVariantNames[v];
    std::printf("[variant] %-50s %-3s %10llu instructions (ref %llu, %.2fx)\n", spec.c_str(), kVariantNames[v],
                static_cast<unsigned long long>(opt.instructions), static_cast<unsigned long long>(ref.instructions),
                opt.instructions ? static_cast<double>(ref.instructions) / static_cast<double>(opt.instructions) : 0.0);
    counts.push_back(opt.instructions);
  }
  EXPECT_TRUE(b.session().SetKernel(kRef).has_value());
  return counts;
}

// CompareVariantsOf for the model `spec` generated with `seed`.
std::vector<uint64_t> CompareVariants(QemuBoard& b, const std::string& spec, const std::vector<uint8_t>& variants,
                                      Count count, int inputs = 3, uint64_t seed = 1, bool extremes = false) {
  SCOPED_TRACE(spec + " (seed " + std::to_string(seed) + ") on " + b.Describe());
  return CompareVariantsOf(b, spec, Model(spec, seed), variants, count, inputs, extremes);
}

// A single DEPTHWISE_CONV_2D with depth multiplier `dm`, built like the generated specs, then given
// the dilation `dilation` (the output shape follows) and, with `per_tensor`, one filter scale for all
// channels (the bias too). Kernel specs express neither, so these models are edited ModelDefs.
struct DepthwiseCase {
  int32_t h, w, c, dm, k_h, k_w, stride;
  model::Padding padding;
  int32_t dilation;
  bool per_tensor;
  model::Activation act;
  uint64_t seed;

  std::string Name() const {
    return "depthwise:" + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) + ",dm=" +
           std::to_string(dm) + ",k=" + std::to_string(k_h) + "x" + std::to_string(k_w) + ",s=" +
           std::to_string(stride) + ",pad=" + (padding == model::Padding::kSame ? "same" : "valid") +
           ",dil=" + std::to_string(dilation) + (per_tensor ? ",per-tensor" : ",per-channel") + ",act=" +
           std::to_string(static_cast<int>(act)) + ",seed=" + std::to_string(seed);
  }
};

std::vector<uint8_t> DepthwiseModel(const DepthwiseCase& d) {
  model::GraphBuilder g(d.seed, "kernel_variant_test " + d.Name());
  const int x = g.Input({1, d.h, d.w, d.c}, 1.0f / 128.0f, static_cast<int32_t>(d.seed % 21) - 10);
  model::ConvSpec spec;
  spec.kernel_h = d.k_h;
  spec.kernel_w = d.k_w;
  spec.stride_h = spec.stride_w = d.stride;
  spec.padding = d.padding;
  spec.activation = d.act;
  g.MarkOutput(g.DepthwiseConv2D(x, spec, d.dm));
  auto m = g.Finish();
  EXPECT_TRUE(m.has_value()) << d.Name() << ": " << (m ? "" : m.error());
  if (!m) return {};
  model::OperatorDef& op = m->operators.at(0);
  auto* o = std::get_if<model::DepthwiseConv2DOptions>(&op.options);
  EXPECT_NE(o, nullptr);
  if (o == nullptr) return {};
  o->dilation_h = o->dilation_w = d.dilation;
  auto out_size = [&](int32_t in, int32_t k) {
    const int32_t eff = (k - 1) * d.dilation + 1;
    return d.padding == model::Padding::kSame ? (in + d.stride - 1) / d.stride : (in - eff) / d.stride + 1;
  };
  m->tensors.at(op.outputs[0]).shape = {1, out_size(d.h, d.k_h), out_size(d.w, d.k_w), d.c * d.dm};
  if (d.per_tensor) {
    for (size_t i : {size_t{1}, size_t{2}}) {
      auto& q = m->tensors.at(op.inputs[i]).quantization;
      if (!q) continue;
      q->scale.resize(1);
      q->zero_point.resize(1);
      q->quantized_dimension = 0;
    }
  }
  auto blob = model::WriteTflite(*m);
  EXPECT_TRUE(blob.has_value()) << d.Name() << ": " << (blob ? "" : blob.error());
  return blob ? *blob : std::vector<uint8_t>{};
}

// Depth multipliers 2, 3 and 4: SAME and VALID, strides 1 and 2, dilations 1 and 2, per-channel and
// per-tensor filters, channel counts giving output channels on and off multiples of 4, all three
// activations.
const DepthwiseCase kMultiplierCases[] = {
    {16, 16, 8, 2, 3, 3, 1, model::Padding::kSame, 1, false, model::Activation::kRelu, 1},
    {13, 11, 5, 2, 3, 3, 2, model::Padding::kSame, 1, true, model::Activation::kNone, 2},
    {12, 10, 7, 2, 3, 3, 1, model::Padding::kValid, 2, false, model::Activation::kRelu6, 3},
    {15, 9, 3, 3, 3, 3, 2, model::Padding::kSame, 2, false, model::Activation::kNone, 4},
    {10, 12, 6, 3, 5, 3, 1, model::Padding::kValid, 1, true, model::Activation::kRelu, 5},
    {9, 9, 1, 3, 3, 3, 1, model::Padding::kSame, 1, false, model::Activation::kRelu6, 6},
    {14, 14, 4, 4, 3, 3, 2, model::Padding::kValid, 1, false, model::Activation::kRelu, 7},
    {11, 13, 3, 4, 3, 3, 1, model::Padding::kSame, 2, true, model::Activation::kNone, 8},
    {8, 8, 16, 4, 1, 1, 1, model::Padding::kValid, 1, false, model::Activation::kNone, 9},
    {10, 10, 9, 2, 2, 2, 2, model::Padding::kSame, 2, true, model::Activation::kRelu, 10},
};

// Every kMultiplierCases model through CompareVariantsOf.
void CompareMultiplierCases(QemuBoard& b, const std::vector<uint8_t>& variants, int inputs) {
  for (const DepthwiseCase& d : kMultiplierCases) {
    SCOPED_TRACE(d.Name() + " on " + b.Describe());
    CompareVariantsOf(b, d.Name(), DepthwiseModel(d), variants, Count::kFewer, inputs, /*extremes=*/true);
  }
}

// Single-operator specs: strided SAME 3x3 conv, 1x1 convs (one with channel counts that are not
// multiples of 4 or 16), odd-channel general conv, depthwise with multiplier 1 and 2, FC; ADD of equal
// shapes and with a per-channel and a per-row operand; average pools 3x3 stride 2 SAME (padded edge
// windows), 2x2 VALID with channels that are not a multiple of 4 or 8, ic's global 8x8 pool.
const char* const kSpecs[] = {
    "conv2d:32x32x16,oc=32,k=3x3,s=2,pad=same,act=relu",
    "conv2d:16x16x24,oc=40,k=1x1,s=1,pad=same",
    "conv2d:9x7x13,oc=7,k=1x1,s=1,pad=valid,act=relu6",
    "conv2d:15x15x3,oc=9,k=3x3,s=1,pad=same",
    "conv2d:49x10x1,oc=64,k=10x4,s=2,pad=same,act=relu",
    "depthwise:16x16x8,k=3x3,s=1,pad=same,act=relu",
    "depthwise:13x11x10,k=3x3,s=2,pad=same",
    "depthwise:16x16x8,k=3x3,s=1,pad=same,act=relu,dm=2",
    "fc:640,units=128,act=relu",
    "fc:75,units=11",
    "kws",
    "add:16x16x32,act=relu",
    "add:16x16x32,b=1x1x32",
    "add:12x10x7,b=12x1x1,act=relu6",
    "avgpool:16x16x32,k=3x3,s=2,pad=same",
    "avgpool:15x13x7,k=2x2,s=1,pad=valid,act=relu",
    "avgpool:8x8x64,k=8x8,s=8,pad=valid",
};

TEST(KernelVariant, DspIsByteIdenticalAndFasterOnCortexM4) {
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  for (const char* spec : kSpecs)
    CompareVariants(**b, spec, {kDsp}, Count::kFewer, /*inputs=*/3, /*seed=*/1, /*extremes=*/true);
  // Depth multipliers other than 1.
  CompareMultiplierCases(**b, {kDsp}, /*inputs=*/3);
  // auto is the DSP variant on this core; the refusal of MVE names the variant and the core.
  auto a = (*b)->session().SetKernel(kAuto);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(*a, kDsp);
  auto mve = (*b)->session().SetKernel(kMve);
  ASSERT_FALSE(mve.has_value());
  EXPECT_EQ(mve.error().code, Status::kNotFound);
  EXPECT_NE(mve.error().message.find("kernel variant mve is not built for this core (armv7e-m)"), std::string::npos)
      << mve.error().message;
}

// The other cores with the DSP extension: the Cortex-M7 (mps2-an500) and the Cortex-M33
// (mps2-an505, ARMv8-M Mainline). Same kernels, other pipelines and ISA revisions.
TEST(KernelVariant, DspIsByteIdenticalAndFasterOnCortexM7AndM33) {
  for (const char* machine : {"mps2-an500", "mps2-an505"}) {
    auto b = QemuBoard::Start(Options(machine));
    ASSERT_TRUE(b.has_value()) << machine << ": " << b.error().message;
    for (const char* spec : kSpecs) CompareVariants(**b, spec, {kDsp}, Count::kFewer, /*inputs=*/1, /*seed=*/2, /*extremes=*/true);
    CompareMultiplierCases(**b, {kDsp}, /*inputs=*/1);
    auto a = (*b)->session().SetKernel(kAuto);
    ASSERT_TRUE(a.has_value()) << machine << ": " << a.error().message;
    EXPECT_EQ(*a, kDsp) << machine;
  }
}

TEST(KernelVariant, MveAndDspAreByteIdenticalAndFasterOnCortexM55) {
  auto b = QemuBoard::Start(Options("mps3-an547"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  for (const char* spec : kSpecs)
    CompareVariants(**b, spec, {kDsp, kMve}, Count::kFewer, /*inputs=*/3, /*seed=*/1, /*extremes=*/true);
  CompareMultiplierCases(**b, {kDsp, kMve}, /*inputs=*/3);
  auto a = (*b)->session().SetKernel(kAuto);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(*a, kMve);
}

// Random single-operator ADD and AVERAGE_POOL_2D specs: ADD of equal shapes and with every kind of
// broadcast (per channel, per row, per pixel, rank 1, scalar, both operands broadcast); pools with
// SAME and VALID padding, strides 1 and 2, 2x2 and 3x3 filters (and a few others), channel counts on
// and off the vector widths; all three fused activations. CompareVariants generates spec i with seed
// i + 1, so each has its own input quantization (scales and zero points).
std::vector<std::string> RandomAddAndPoolSpecs(uint32_t seed, int count_each) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  auto str = [](int v) { return std::to_string(v); };
  const char* const acts[] = {"none", "relu", "relu6"};
  std::vector<std::string> specs;
  for (int i = 0; i < count_each; ++i) {
    const int h = pick(1, 12), w = pick(1, 12), c = pick(1, 40);
    std::string a = str(h) + "x" + str(w) + "x" + str(c), b;
    switch (i % 7) {
      case 0: break;                                              // same shape
      case 1: b = "1x1x" + str(c); break;                         // per channel
      case 2: b = str(h) + "x1x1"; break;                         // per row
      case 3: b = str(c); break;                                  // rank 1
      case 4: b = "1"; break;                                     // scalar
      case 5: a = str(h) + "x1x" + str(c), b = "1x" + str(w) + "x" + str(c); break;  // both broadcast
      default: b = str(h) + "x" + str(w) + "x1"; break;           // per pixel
    }
    specs.push_back("add:" + a + (b.empty() ? "" : ",b=" + b) + ",act=" + acts[pick(0, 2)]);
  }
  const int filters[][2] = {{2, 2}, {3, 3}, {2, 2}, {3, 3}, {1, 3}, {3, 2}, {5, 5}};
  for (int i = 0; i < count_each; ++i) {
    const int* k = filters[i % 7];
    const bool valid = pick(0, 1) == 1;
    const int h = pick(valid ? k[0] : 1, 20), w = pick(valid ? k[1] : 1, 20), c = pick(1, 40);
    specs.push_back("avgpool:" + str(h) + "x" + str(w) + "x" + str(c) + ",k=" + str(k[0]) + "x" + str(k[1]) +
                    ",s=" + str(pick(1, 2)) + ",pad=" + (valid ? "valid" : "same") + ",act=" + acts[pick(0, 2)]);
  }
  return specs;
}

// Windows of more than 256 taps, summed in several int16 chunks (20x20; 70x70, which is also past the
// MVE variant's 4088-tap limit, so there the reference runs).
const char* const kLargePoolSpecs[] = {"avgpool:20x20x8,k=20x20,s=1,pad=valid",
                                       "avgpool:70x70x3,k=70x70,s=1,pad=valid,act=relu"};

TEST(KernelVariant, AddAndAveragePoolDspAreByteIdenticalOnRandomShapesOnCortexM4) {
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const auto specs = RandomAddAndPoolSpecs(2024, 14);
  for (size_t i = 0; i < specs.size(); ++i)
    CompareVariants(**b, specs[i], {kDsp}, Count::kAny, /*inputs=*/3, /*seed=*/i + 1, /*extremes=*/true);
  for (const char* spec : kLargePoolSpecs)
    CompareVariants(**b, spec, {kDsp}, Count::kFewer, /*inputs=*/2, /*seed=*/1, /*extremes=*/true);
}

TEST(KernelVariant, AddAndAveragePoolMveAndDspAreByteIdenticalOnRandomShapesOnCortexM55) {
  auto b = QemuBoard::Start(Options("mps3-an547"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const auto specs = RandomAddAndPoolSpecs(2025, 14);
  for (size_t i = 0; i < specs.size(); ++i)
    CompareVariants(**b, specs[i], {kDsp, kMve}, Count::kAny, /*inputs=*/3, /*seed=*/i + 1, /*extremes=*/true);
  CompareVariants(**b, kLargePoolSpecs[0], {kDsp, kMve}, Count::kFewer, /*inputs=*/2, /*seed=*/1, /*extremes=*/true);
  CompareVariants(**b, kLargePoolSpecs[1], {kDsp, kMve}, Count::kNotMore, /*inputs=*/2, /*seed=*/1, /*extremes=*/true);
}

TEST(KernelVariant, DspIsRefusedClearlyOnCortexM3) {
  auto b = QemuBoard::Start(Options("mps2-an385"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  auto loaded = (*b)->session().LoadModel(Model("tiny"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  auto dsp = (*b)->session().SetKernel(kDsp);
  ASSERT_FALSE(dsp.has_value());
  EXPECT_EQ(dsp.error().code, Status::kNotFound);
  EXPECT_NE(dsp.error().message.find("kernel variant dsp is not built for this core (armv7-m)"), std::string::npos)
      << dsp.error().message;
  auto bad = (*b)->session().SetKernel(7);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Status::kBadArgument);
  auto a = (*b)->session().SetKernel(kAuto);  // only the reference is built
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(*a, kRef);
  // The refusals left the model loaded and runnable.
  EXPECT_TRUE((*b)->session().SetInput(0, std::vector<uint8_t>(loaded->input_bytes[0], 1)).has_value());
  EXPECT_TRUE((*b)->session().Invoke(0, 1).has_value());
}

// The figures: zoo models (seed 1) per variant, printed; asserts only that every variant is
// byte-identical and faster. MACs per instruction against the core's int8 peak per cycle.
TEST(KernelVariant, ZooInstructionCountsPerVariant) {
  struct Core {
    const char* machine;
    std::vector<uint8_t> variants;
    double peak_macs_per_cycle;
  };
  const Core cores[] = {{"mps2-an386", {kDsp}, 2.0}, {"mps2-an500", {kDsp}, 2.0}, {"mps2-an505", {kDsp}, 2.0},
                        {"mps3-an547", {kDsp, kMve}, 8.0}};
  for (const Core& core : cores) {
    auto b = QemuBoard::Start(Options(core.machine));
    ASSERT_TRUE(b.has_value()) << b.error().message;
    for (const char* name : {"kws", "ic", "vww"}) {
      const uint64_t macs = Macs(Model(name));
      auto counts = CompareVariants(**b, name, core.variants, Count::kFewer, /*inputs=*/2);
      ASSERT_EQ(counts.size(), core.variants.size() + 1);
      for (size_t i = 0; i < counts.size(); ++i) {
        const uint8_t v = i == 0 ? kRef : core.variants[i - 1];
        const double mpi = counts[i] ? static_cast<double>(macs) / static_cast<double>(counts[i]) : 0.0;
        std::printf("[variant] %-11s %-4s %-3s instructions %11llu  speed-up %5.2fx  MACs %9llu  MACs/instr %.3f (%.0f%% of %.0f/cycle peak)\n",
                    core.machine, name, kVariantNames[v], static_cast<unsigned long long>(counts[i]),
                    counts[i] ? static_cast<double>(counts[0]) / static_cast<double>(counts[i]) : 0.0,
                    static_cast<unsigned long long>(macs), mpi, 100.0 * mpi / core.peak_macs_per_cycle,
                    core.peak_macs_per_cycle);
      }
    }
  }
}

// A tool more than a test: per-operator instructions of ic and vww with ref and dsp, to see where a
// variant's time goes. Run: hil_kernel_variant_test --gtest_also_run_disabled_tests
// --gtest_filter='*PerOperator*' (M=mps3-an547 for another machine).
TEST(KernelVariantProfile, DISABLED_PerOperatorInstructions) {
  const char* machine = std::getenv("M") != nullptr ? std::getenv("M") : "mps2-an386";
  auto b = QemuBoard::Start(Options(machine));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  for (const char* name : {"ic", "vww"}) {
    auto loaded = (*b)->session().LoadModel(Model(name));
    ASSERT_TRUE(loaded.has_value());
    const auto in = RandomInputs(loaded->input_bytes[0], 1, 42);
    for (uint8_t v : {kRef, kDsp}) {
      ASSERT_TRUE((*b)->session().SetKernel(v).has_value());
      ASSERT_TRUE((*b)->session().SetInput(0, in[0]).has_value());
      ASSERT_TRUE((*b)->session().Invoke(0, 1).has_value());
      auto prof = (*b)->session().GetProfile();
      ASSERT_TRUE(prof.has_value());
      auto stats = model::AnalyzeTflite(Model(name));
      ASSERT_TRUE(stats.has_value());
      for (size_t i = 0; i < prof->size(); ++i)
        std::printf("%s %s op%2zu %-20s %10.0f macs %9llu %s\n", name, kVariantNames[v], i,
                    stats->ops[i].name.c_str(), static_cast<double>((*prof)[i].cycles) * (*b)->InstructionsPerTick(),
                    static_cast<unsigned long long>(stats->ops[i].macs), stats->ops[i].detail.c_str());
    }
  }
}
}  // namespace
}  // namespace hil::board

#ifdef HIL_SHARED_DIR
namespace hil::board {
namespace {

// "output[0] hex=8080..." of ../shared/reference/<model>/final_output.txt: TensorFlow Lite Micro's
// output for the input whose byte i is (i*7+3) mod 256.
std::vector<uint8_t> TflmOutput(const std::string& model) {
  std::ifstream f(std::string(HIL_SHARED_DIR) + "/reference/" + model + "/final_output.txt");
  std::string line;
  while (std::getline(f, line)) {
    const auto at = line.find("output[0] hex=");
    if (at == std::string::npos) continue;
    const std::string hex = line.substr(at + 14);
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
  }
  return {};
}

// The real MLPerf Tiny models (read in place from ../shared, never copied): with the DSP variant on
// the Cortex-M4 and MVE on the Cortex-M55, the output equals TensorFlow Lite Micro's for its
// reference input, and equals our reference kernels' on random inputs.
TEST(KernelVariant, SharedModelsMatchTfliteMicroWithEveryVariant) {
  struct Core {
    const char* machine;
    uint8_t variant;
  };
  for (const Core core : {Core{"mps2-an386", kDsp}, Core{"mps3-an547", kMve}}) {
    auto b = QemuBoard::Start(Options(core.machine));
    ASSERT_TRUE(b.has_value()) << b.error().message;
    for (const char* model : {"kws_dscnn_int8", "ic_resnet8_int8", "vww_mobilenet_int8", "ad_autoencoder_int8", "sww_ref_int8"}) {
      SCOPED_TRACE(std::string(model) + " on " + core.machine + " with " + kVariantNames[core.variant]);
      std::ifstream f(std::string(HIL_SHARED_DIR) + "/models/" + model + ".tflite", std::ios::binary);
      const std::vector<uint8_t> blob((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      ASSERT_FALSE(blob.empty());
      auto loaded = (*b)->session().LoadModel(blob);
      ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
      std::vector<std::vector<std::vector<uint8_t>>> inputs(1, {std::vector<uint8_t>(loaded->input_bytes[0])});
      for (size_t i = 0; i < inputs[0][0].size(); ++i) inputs[0][0][i] = static_cast<uint8_t>(i * 7 + 3);
      for (auto& random : RandomInputs(loaded->input_bytes[0], 2, 7)) inputs.push_back({random});
      const VariantRun ref = RunWith(**b, kRef, *loaded, inputs);
      const VariantRun opt = RunWith(**b, core.variant, *loaded, inputs);
      ASSERT_EQ(opt.outputs.size(), inputs.size());
      EXPECT_EQ(opt.outputs[0], TflmOutput(model));
      for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(opt.outputs[i], ref.outputs[i]) << "input " << i;
      EXPECT_LT(opt.instructions, ref.instructions);
      ASSERT_TRUE((*b)->session().SetKernel(kRef).has_value());
    }
  }
}

}  // namespace
}  // namespace hil::board
#endif
