#include "hil/model/zoo.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>

#include "hil/model/graph_builder.h"
#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

// Real RMS of the logits before SOFTMAX: large enough that the classes differ, small enough that the
// softmax output still moves with the input (a saturated one-hot would hide kernel errors upstream).
constexpr double kLogitRms = 2.0;

ConvSpec Spec(int32_t kh, int32_t kw, int32_t sh, int32_t sw, Padding p, Activation a) {
  return ConvSpec{kh, kw, sh, sw, p, a};
}

// Each zoo builder gets its own stream: the seed is mixed with the model name so that "kws" and
// "ic" with the same seed do not share weights.
uint64_t MixSeed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return seed ^ h;
}

// Input quantization of each model mirrors the MLPerf Tiny model's input tensor.
std::expected<ModelDef, std::string> Kws(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "kws"), "TinyHIL synthetic kws (DS-CNN shapes), seed " + std::to_string(seed));
  int x = b.Input({1, 49, 10, 1}, 0.5847f, 83);
  x = b.Conv2D(x, 64, Spec(10, 4, 2, 2, Padding::kSame, Activation::kRelu));
  for (int i = 0; i < 4; ++i) {
    x = b.DepthwiseConv2D(x, Spec(3, 3, 1, 1, Padding::kSame, Activation::kRelu));
    x = b.Conv2D(x, 64, Spec(1, 1, 1, 1, Padding::kSame, Activation::kRelu));
  }
  x = b.AveragePool2D(x, 25, 5, 25, 5, Padding::kValid);
  x = b.Reshape(x, {1, 64});
  x = b.FullyConnected(x, 12, Activation::kNone, "logits", kLogitRms);
  x = b.Softmax(x);
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<ModelDef, std::string> Ic(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "ic"), "TinyHIL synthetic ic (ResNet-8 shapes), seed " + std::to_string(seed));
  int x = b.Input({1, 32, 32, 3}, 1.0f, -128);
  x = b.Conv2D(x, 16, Spec(3, 3, 1, 1, Padding::kSame, Activation::kRelu));
  // Stack 1: identity shortcut.
  int y = b.Conv2D(x, 16, Spec(3, 3, 1, 1, Padding::kSame, Activation::kRelu));
  y = b.Conv2D(y, 16, Spec(3, 3, 1, 1, Padding::kSame, Activation::kNone));
  x = b.Add(x, y, Activation::kRelu);
  // Stacks 2 and 3: stride-2 block with a 1x1 stride-2 projection shortcut (computed after the main path,
  // as in the MLPerf model's operator order).
  for (int32_t channels : {32, 64}) {
    y = b.Conv2D(x, channels, Spec(3, 3, 2, 2, Padding::kSame, Activation::kRelu));
    y = b.Conv2D(y, channels, Spec(3, 3, 1, 1, Padding::kSame, Activation::kNone));
    int shortcut = b.Conv2D(x, channels, Spec(1, 1, 2, 2, Padding::kSame, Activation::kNone));
    x = b.Add(shortcut, y, Activation::kRelu);
  }
  x = b.AveragePool2D(x, 8, 8, 8, 8, Padding::kValid);
  x = b.Reshape(x, {1, 64});
  x = b.FullyConnected(x, 10, Activation::kNone, "logits", kLogitRms);
  x = b.Softmax(x);
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<ModelDef, std::string> Vww(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "vww"), "TinyHIL synthetic vww (MobileNetV1 0.25 shapes), seed " + std::to_string(seed));
  int x = b.Input({1, 96, 96, 3}, 1.0f / 255.0f, -128);
  x = b.Conv2D(x, 8, Spec(3, 3, 2, 2, Padding::kSame, Activation::kRelu));
  struct Block {
    int32_t stride, channels;
  };
  const Block blocks[] = {{1, 16},  {2, 32},  {1, 32},  {2, 64},  {1, 64},  {2, 128}, {1, 128},
                          {1, 128}, {1, 128}, {1, 128}, {1, 128}, {2, 256}, {1, 256}};
  for (const Block& blk : blocks) {
    x = b.DepthwiseConv2D(x, Spec(3, 3, blk.stride, blk.stride, Padding::kSame, Activation::kRelu));
    x = b.Conv2D(x, blk.channels, Spec(1, 1, 1, 1, Padding::kSame, Activation::kRelu));
  }
  x = b.AveragePool2D(x, 3, 3, 3, 3, Padding::kValid);
  x = b.Reshape(x, {1, 256});
  x = b.FullyConnected(x, 2, Activation::kNone, "logits", kLogitRms);
  x = b.Softmax(x);
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<ModelDef, std::string> Ad(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "ad"), "TinyHIL synthetic ad (FC autoencoder shapes), seed " + std::to_string(seed));
  int x = b.Input({1, 640}, 0.391f, 89);
  for (int32_t units : {128, 128, 128, 128, 8, 128, 128, 128, 128}) x = b.FullyConnected(x, units, Activation::kRelu);
  x = b.FullyConnected(x, 640, Activation::kNone);
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<ModelDef, std::string> Sww(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "sww"),
                 "TinyHIL synthetic sww (streaming wake word shapes), seed " + std::to_string(seed));
  int x = b.Input({1, 30, 1, 40}, 0.0037f, -128);
  struct Stage {
    int32_t kernel_h, channels;
  };
  for (const Stage& st : {Stage{3, 128}, Stage{5, 128}, Stage{10, 128}, Stage{15, 32}}) {
    x = b.DepthwiseConv2D(x, Spec(st.kernel_h, 1, 1, 1, Padding::kValid, Activation::kNone));
    x = b.Conv2D(x, st.channels, Spec(1, 1, 1, 1, Padding::kValid, Activation::kRelu));
  }
  x = b.Reshape(x, {1, 32});
  x = b.FullyConnected(x, 3, Activation::kNone, "logits", kLogitRms);
  x = b.Softmax(x);
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<ModelDef, std::string> Tiny(uint64_t seed) {
  GraphBuilder b(MixSeed(seed, "tiny"), "TinyHIL synthetic tiny test net, seed " + std::to_string(seed));
  int x = b.Input({1, 8, 8, 1}, 1.0f / 128.0f, 0);
  x = b.Conv2D(x, 4, Spec(3, 3, 2, 2, Padding::kSame, Activation::kRelu));
  x = b.Reshape(x, {1, 64});
  x = b.FullyConnected(x, 4, Activation::kNone, "logits", kLogitRms);
  x = b.Softmax(x);
  b.MarkOutput(x);
  return b.Finish();
}

struct ZooEntry {
  const char* name;
  const char* description;
  std::expected<ModelDef, std::string> (*make)(uint64_t);
};
constexpr ZooEntry kZoo[] = {
    {"kws", "keyword spotting, DS-CNN (MLPerf Tiny kws_ref_model shapes)", Kws},
    {"ic", "image classification, ResNet-8 on CIFAR-10 (MLPerf Tiny pretrainedResnet shapes)", Ic},
    {"vww", "visual wake words, MobileNetV1 0.25 96x96 (MLPerf Tiny vww_96 shapes)", Vww},
    {"ad", "anomaly detection, FC autoencoder (MLPerf Tiny ad01 shapes)", Ad},
    {"sww", "streaming wake word (MLPerf Tiny str_ww_ref_model shapes)", Sww},
    {"tiny", "very small net for quick tests: 8x8x1 conv, FC, softmax", Tiny},
};

bool ParseInt(std::string_view s, int32_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDims(std::string_view s, std::vector<int32_t>& out) {
  out.clear();
  while (true) {
    const size_t x = s.find('x');
    int32_t v;
    if (!ParseInt(s.substr(0, x), v) || v <= 0) return false;
    out.push_back(v);
    if (x == std::string_view::npos) return true;
    s.remove_prefix(x + 1);
  }
}

const char* ActName(Activation a) {
  switch (a) {
    case Activation::kRelu:
      return "relu";
    case Activation::kRelu6:
      return "relu6";
    default:
      return "none";
  }
}

}  // namespace

const std::vector<ZooInfo>& ZooModels() {
  static const std::vector<ZooInfo> infos = [] {
    std::vector<ZooInfo> out;
    for (const ZooEntry& e : kZoo) {
      ZooInfo info;
      info.name = e.name;
      info.description = e.description;
      auto model = e.make(0);
      if (model) {
        info.input_shape = model->tensors[model->inputs[0]].shape;
        info.output_shape = model->tensors[model->outputs[0]].shape;
        info.operators = OperatorSummary(*model);
        if (auto stats = AnalyzeModel(*model)) info.macs = stats->total_macs;
      }
      out.push_back(std::move(info));
    }
    return out;
  }();
  return infos;
}

std::expected<ModelDef, std::string> MakeZooModel(std::string_view name, uint64_t seed) {
  for (const ZooEntry& e : kZoo)
    if (name == e.name) return e.make(seed);
  std::string known;
  for (const ZooEntry& e : kZoo) known += std::string(known.empty() ? "" : ", ") + e.name;
  return std::unexpected("unknown zoo model \"" + std::string(name) + "\" (known: " + known + ")");
}

// An int8 activation quantization drawn from `q`: scale in [2^-8, 2^-6) with 7 significant bits,
// zero point in [-24, 24].
std::pair<float, int32_t> SeededQuantization(SplitMix64& q) {
  const int64_t mantissa = q.Uniform(int64_t{128}, int64_t{255}), exponent = q.Uniform(int64_t{-15}, int64_t{-14});
  const int64_t zero_point = q.Uniform(int64_t{-24}, int64_t{24});
  return {static_cast<float>(std::ldexp(static_cast<double>(mantissa), static_cast<int>(exponent))),
          static_cast<int32_t>(zero_point)};
}

std::expected<ModelDef, std::string> MakeKernelModel(const KernelSpec& s, uint64_t seed) {
  const std::string spec = KernelSpecString(s);
  GraphBuilder b(MixSeed(seed, spec), "TinyHIL single-operator model " + spec + ", seed " + std::to_string(seed));
  int x;
  switch (s.op) {
    case KernelOp::kConv2d:
      x = b.Input({s.n, s.height, s.width, s.channels}, 1.0f / 128.0f, 0);
      x = b.Conv2D(x, s.out_channels, Spec(s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding, s.activation));
      break;
    case KernelOp::kDepthwiseConv2d:
      x = b.Input({s.n, s.height, s.width, s.channels}, 1.0f / 128.0f, 0);
      x = b.DepthwiseConv2D(x, Spec(s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding, s.activation),
                            s.depth_multiplier);
      break;
    case KernelOp::kFullyConnected:
      x = b.Input({s.n, s.channels}, 1.0f / 128.0f, 0);
      x = b.FullyConnected(x, s.out_channels, s.activation);
      break;
    case KernelOp::kAveragePool2d: {
      SplitMix64 q(MixSeed(seed, spec + "/quantization"));
      const auto [scale, zero_point] = SeededQuantization(q);
      x = b.Input({s.n, s.height, s.width, s.channels}, scale, zero_point);
      x = b.AveragePool2D(x, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding, s.activation);
      break;
    }
    case KernelOp::kAdd: {
      SplitMix64 q(MixSeed(seed, spec + "/quantization"));
      const auto [scale_a, zero_point_a] = SeededQuantization(q);
      const auto [scale_b, zero_point_b] = SeededQuantization(q);
      x = b.Input({s.n, s.height, s.width, s.channels}, scale_a, zero_point_a, "input_a");
      const int y = b.Input(s.shape_b.empty() ? std::vector<int32_t>{s.n, s.height, s.width, s.channels} : s.shape_b,
                            scale_b, zero_point_b, "input_b");
      x = b.Add(x, y, s.activation);
      break;
    }
    default:
      return std::unexpected("unknown kernel operator");
  }
  b.MarkOutput(x);
  return b.Finish();
}

std::expected<KernelSpec, std::string> ParseKernelSpec(std::string_view text) {
  auto fail = [&](const std::string& why) {
    return std::unexpected("kernel spec \"" + std::string(text) + "\": " + why);
  };
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return fail("expected OP:SHAPE[,key=value...]");
  const std::string_view op = text.substr(0, colon);
  KernelSpec s;
  if (op == "conv2d" || op == "conv")
    s.op = KernelOp::kConv2d;
  else if (op == "depthwise" || op == "depthwise_conv2d" || op == "dwconv")
    s.op = KernelOp::kDepthwiseConv2d;
  else if (op == "fc" || op == "fully_connected")
    s.op = KernelOp::kFullyConnected;
  else if (op == "avgpool" || op == "average_pool2d")
    s.op = KernelOp::kAveragePool2d;
  else if (op == "add")
    s.op = KernelOp::kAdd;
  else
    return fail("unknown operator \"" + std::string(op) + "\" (conv2d, depthwise, fc, avgpool, add)");

  std::vector<std::string_view> parts;
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    parts.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (parts.empty()) return fail("missing shape");
  std::vector<int32_t> dims;
  if (!ParseDims(parts[0], dims)) return fail("bad shape \"" + std::string(parts[0]) + "\"");
  bool oc_set = false;
  if (s.op == KernelOp::kFullyConnected) {
    if (dims.size() != 1) return fail("fc takes IN features as its shape");
    s.channels = dims[0];
  } else {
    if (dims.size() == 4) dims.erase(dims.begin());  // allow 1xHxWxC
    if (dims.size() != 3) return fail("shapes are HxWxC");
    s.height = dims[0];
    s.width = dims[1];
    s.channels = dims[2];
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    if (eq == std::string_view::npos) return fail("expected key=value, got \"" + std::string(parts[i]) + "\"");
    const std::string_view key = parts[i].substr(0, eq), value = parts[i].substr(eq + 1);
    int32_t v = 0;
    if (key == "k" || key == "s") {
      if (!ParseDims(value, dims) || dims.size() > 2) return fail("bad " + std::string(key));
      const int32_t a = dims[0], c = dims.size() == 2 ? dims[1] : dims[0];
      if (key == "k") {
        s.kernel_h = a;
        s.kernel_w = c;
      } else {
        s.stride_h = a;
        s.stride_w = c;
      }
    } else if (key == "pad") {
      if (value == "same")
        s.padding = Padding::kSame;
      else if (value == "valid")
        s.padding = Padding::kValid;
      else
        return fail("pad is same or valid");
    } else if (key == "act") {
      if (value == "none")
        s.activation = Activation::kNone;
      else if (value == "relu")
        s.activation = Activation::kRelu;
      else if (value == "relu6")
        s.activation = Activation::kRelu6;
      else
        return fail("act is none, relu or relu6");
    } else if (key == "b" && s.op == KernelOp::kAdd) {
      if (!ParseDims(value, s.shape_b) || s.shape_b.size() > 4) return fail("bad b (1 to 4 dimensions)");
    } else if (key == "oc" || key == "units" || key == "dm" || key == "batch") {
      if (!ParseInt(value, v) || v <= 0) return fail("bad " + std::string(key));
      if (key == "dm")
        s.depth_multiplier = v;
      else if (key == "batch")
        s.n = v;
      else {
        s.out_channels = v;
        oc_set = true;
      }
    } else {
      return fail("unknown key \"" + std::string(key) + "\"");
    }
  }
  if (!oc_set) s.out_channels = s.channels;
  if (s.op == KernelOp::kDepthwiseConv2d) {
    const int64_t oc = int64_t{s.channels} * s.depth_multiplier;
    if (oc > INT32_MAX) return fail("channels x dm = " + std::to_string(oc) + " output channels, too many");
    s.out_channels = static_cast<int32_t>(oc);
  }
  if (s.op != KernelOp::kFullyConnected && (ConvOutputSize(s.height, s.kernel_h, s.stride_h, s.padding) <= 0 ||
                                            ConvOutputSize(s.width, s.kernel_w, s.stride_w, s.padding) <= 0))
    return fail("kernel larger than the input with VALID padding");
  // Sizes before anything is allocated: the generator builds every tensor in memory, and a spec is
  // also accepted from the farm API. Each activation at most 64 MiB, the weights at most what a model
  // file may hold.
  {
    constexpr uint64_t kMaxTensor = uint64_t{64} << 20;
    // Products of up to four int32 dimensions, saturated (2^31^4 does not fit 64 bits).
    auto product = [](std::initializer_list<int64_t> dims) {
      uint64_t p = 1;
      for (int64_t d : dims) {
        const uint64_t v = d > 0 ? static_cast<uint64_t>(d) : 0;
        if (v != 0 && p > UINT64_MAX / v) return UINT64_MAX;
        p *= v;
      }
      return p;
    };
    const uint64_t in = product({s.n, s.height, s.width, s.channels});
    uint64_t out = 0, weights = 0;
    if (s.op == KernelOp::kFullyConnected) {
      out = product({s.n, s.out_channels});
      weights = product({s.channels, s.out_channels});
    } else {
      const int64_t oh = ConvOutputSize(s.height, s.kernel_h, s.stride_h, s.padding);
      const int64_t ow = ConvOutputSize(s.width, s.kernel_w, s.stride_w, s.padding);
      out = product({s.n, oh, ow, s.out_channels});
      if (s.op == KernelOp::kConv2d) weights = product({s.kernel_h, s.kernel_w, s.channels, s.out_channels});
      if (s.op == KernelOp::kDepthwiseConv2d) weights = product({s.kernel_h, s.kernel_w, s.out_channels});
      if (s.op == KernelOp::kAdd) out = in;
    }
    auto mib = [](uint64_t b) { return b == UINT64_MAX ? std::string("more than 2^64 bytes") : std::to_string((b >> 20) + ((b & 0xFFFFF) != 0)) + " MiB"; };
    if (in > kMaxTensor) return fail("its input is " + mib(in) + ", more than the " + mib(kMaxTensor) + " a generated tensor may have");
    if (out > kMaxTensor) return fail("its output is " + mib(out) + ", more than the " + mib(kMaxTensor) + " a generated tensor may have");
    if (weights > kMaxModelFileBytes)
      return fail("its weights are " + mib(weights) + ", more than the " + mib(kMaxModelFileBytes) + " a model file may hold");
  }
  if (s.op == KernelOp::kAdd) {
    const std::vector<int32_t> a{s.n, s.height, s.width, s.channels};
    for (size_t i = 0; i < s.shape_b.size(); ++i) {
      const int32_t da = a[a.size() - s.shape_b.size() + i], db = s.shape_b[i];
      if (da != db && da != 1 && db != 1) return fail("b does not broadcast against " + std::to_string(s.n) + "x" +
                                                      std::to_string(s.height) + "x" + std::to_string(s.width) + "x" +
                                                      std::to_string(s.channels));
    }
  }
  return s;
}

std::string KernelSpecString(const KernelSpec& s) {
  const std::string act = std::string(",act=") + ActName(s.activation);
  if (s.op == KernelOp::kFullyConnected)
    return "fc:" + std::to_string(s.channels) + ",units=" + std::to_string(s.out_channels) + act +
           (s.n != 1 ? ",batch=" + std::to_string(s.n) : "");
  auto dims = [](const std::vector<int32_t>& d) {
    std::string t;
    for (size_t i = 0; i < d.size(); ++i) t += (i ? "x" : "") + std::to_string(d[i]);
    return t;
  };
  const std::string shape = dims({s.height, s.width, s.channels});
  if (s.op == KernelOp::kAdd)
    return "add:" + shape + (s.shape_b.empty() ? "" : ",b=" + dims(s.shape_b)) + act +
           (s.n != 1 ? ",batch=" + std::to_string(s.n) : "");
  std::string out = s.op == KernelOp::kConv2d            ? "conv2d:"
                    : s.op == KernelOp::kDepthwiseConv2d ? "depthwise:"
                                                         : "avgpool:";
  out += shape;
  if (s.op == KernelOp::kConv2d) out += ",oc=" + std::to_string(s.out_channels);
  out += ",k=" + std::to_string(s.kernel_h) + "x" + std::to_string(s.kernel_w);
  out += ",s=" + std::to_string(s.stride_h) + "x" + std::to_string(s.stride_w);
  out += std::string(",pad=") + (s.padding == Padding::kSame ? "same" : "valid") + act;
  if (s.op == KernelOp::kDepthwiseConv2d) out += ",dm=" + std::to_string(s.depth_multiplier);
  if (s.n != 1) out += ",batch=" + std::to_string(s.n);
  return out;
}

std::expected<std::vector<KernelSpec>, std::string> KernelSpecsOf(const ModelDef& model) {
  if (auto ok = ValidateModel(model); !ok) return std::unexpected(ok.error());
  std::vector<KernelSpec> specs;
  std::vector<std::string> seen;
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const OperatorDef& op = model.operators[i];
    if (op.inputs.size() < 2 || op.inputs[0] < 0 || op.inputs[1] < 0 || op.outputs.empty()) continue;
    const std::vector<int32_t>& in = model.tensors[op.inputs[0]].shape;
    const std::vector<int32_t>& filter = model.tensors[op.inputs[1]].shape;
    const std::vector<int32_t>& out = model.tensors[op.outputs[0]].shape;
    KernelSpec s;
    const auto bad = [&] { return std::unexpected("operator " + std::to_string(i) + " has unexpected shapes"); };
    switch (static_cast<BuiltinOp>(model.builtin_code(op))) {
      case BuiltinOp::kConv2d: {
        const auto* o = std::get_if<Conv2DOptions>(&op.options);
        if (!o || in.size() != 4 || filter.size() != 4) return bad();
        s = KernelSpec{KernelOp::kConv2d, in[0],     in[1],       in[2],       in[3],      filter[0],    1,
                       filter[1],         filter[2], o->stride_h, o->stride_w, o->padding, o->activation, {}};
        break;
      }
      case BuiltinOp::kDepthwiseConv2d: {
        const auto* o = std::get_if<DepthwiseConv2DOptions>(&op.options);
        if (!o || in.size() != 4 || filter.size() != 4 || in[3] == 0) return bad();
        const int32_t dm = filter[3] / in[3];
        s = KernelSpec{KernelOp::kDepthwiseConv2d,
                       in[0],
                       in[1],
                       in[2],
                       in[3],
                       filter[3],
                       dm,
                       filter[1],
                       filter[2],
                       o->stride_h,
                       o->stride_w,
                       o->padding,
                       o->activation,
                       {}};
        break;
      }
      case BuiltinOp::kFullyConnected: {
        const auto* o = std::get_if<FullyConnectedOptions>(&op.options);
        if (!o || filter.size() != 2 || out.empty()) return bad();
        s.op = KernelOp::kFullyConnected;
        s.channels = filter[1];
        s.out_channels = filter[0];
        int64_t rows = 1;
        for (size_t d = 0; d + 1 < out.size(); ++d) rows *= out[d];
        s.n = static_cast<int32_t>(rows);
        s.activation = o->activation;
        break;
      }
      default:
        continue;
    }
    const std::string key = KernelSpecString(s);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    specs.push_back(s);
  }
  return specs;
}

std::expected<uint64_t, std::string> GeneratedModelBytesBound(std::string_view name_or_spec) {
  constexpr uint64_t kOverhead = 64u << 10;  // flatbuffer tables, names, quantization
  if (name_or_spec.find(':') == std::string_view::npos) {
    // A zoo network's size does not depend on its seed: measured once per name.
    static const std::map<std::string, uint64_t> sizes = [] {
      std::map<std::string, uint64_t> out;
      for (const ZooInfo& z : ZooModels()) {
        auto m = MakeZooModel(z.name, 0);
        auto bytes = m ? WriteTflite(*m) : std::unexpected(m.error());
        out[z.name] = bytes ? bytes->size() : 0;
      }
      return out;
    }();
    if (auto it = sizes.find(std::string(name_or_spec)); it != sizes.end()) return it->second + kOverhead;
    return std::unexpected(MakeZooModel(name_or_spec, 0).error());  // not a zoo name: its error
  }
  auto spec = ParseKernelSpec(name_or_spec);
  if (!spec) return std::unexpected(spec.error());
  const KernelSpec& k = *spec;
  uint64_t weights = 0;
  if (k.op == KernelOp::kFullyConnected) weights = uint64_t(k.channels) * uint64_t(k.out_channels);
  if (k.op == KernelOp::kConv2d) weights = uint64_t(k.kernel_h) * uint64_t(k.kernel_w) * uint64_t(k.channels) * uint64_t(k.out_channels);
  if (k.op == KernelOp::kDepthwiseConv2d) weights = uint64_t(k.kernel_h) * uint64_t(k.kernel_w) * uint64_t(k.out_channels);
  // ParseKernelSpec has bounded the weights to kMaxModelFileBytes, so these sums do not overflow.
  return weights + 4 * uint64_t(k.out_channels) + kOverhead;
}

std::expected<std::vector<uint8_t>, std::string> GenerateModel(std::string_view name_or_spec, uint64_t seed) {
  std::expected<ModelDef, std::string> model;
  if (name_or_spec.find(':') != std::string_view::npos) {
    auto spec = ParseKernelSpec(name_or_spec);
    if (!spec) return std::unexpected(spec.error());
    model = MakeKernelModel(*spec, seed);
  } else {
    model = MakeZooModel(name_or_spec, seed);
  }
  if (!model) return std::unexpected(model.error());
  return WriteTflite(*model);
}

}  // namespace hil::model
