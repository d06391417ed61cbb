#include "hil/model/graph_builder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

// Operator versions as the TFLite converter stamps them on int8 models (seen in the MLPerf Tiny files).
constexpr int32_t kConvVersion = 3;
constexpr int32_t kDepthwiseVersion = 3;
constexpr int32_t kFullyConnectedVersion = 4;
constexpr int32_t kPoolVersion = 2;
constexpr int32_t kReshapeVersion = 1;
constexpr int32_t kSoftmaxVersion = 2;
constexpr int32_t kAddVersion = 2;
constexpr int32_t kMulVersion = 2;
constexpr int32_t kConcatVersion = 2;
constexpr int32_t kMeanVersion = 2;
constexpr int32_t kPadVersion = 2;

constexpr int kCalibrationSamples = 4;
constexpr double kInt8QRms = 73.6;  // RMS of a uniform integer in [-127, 127]

struct BuildError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

int64_t Elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

std::string Shape(const std::vector<int32_t>& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

// Rounds a positive value up to 7 significant bits with exact operations (frexp/ldexp), so that a
// last-bit difference in the calibration arithmetic rarely changes the stored value.
double Coarse(double v) {
  int exponent = 0;
  const double mantissa = std::frexp(v, &exponent);  // [0.5, 1)
  return std::ldexp(std::ceil(mantissa * 128.0) / 128.0, exponent);
}

double Rms(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x * x;
  return v.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(v.size()));
}

// Asymmetric int8 quantization covering [lo, hi] and 0, as the TFLite converter derives it from
// calibration ranges.
std::pair<float, int32_t> QuantFromRange(double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double scale = Coarse(std::max(hi - lo, 1e-6) / 255.0);
  const double zp = std::round(-128.0 - lo / scale);
  return {static_cast<float>(scale), static_cast<int32_t>(std::clamp(zp, -128.0, 127.0))};
}

double Activate(double x, Activation a) {
  switch (a) {
    case Activation::kRelu:
      return std::max(x, 0.0);
    case Activation::kRelu6:
      return std::clamp(x, 0.0, 6.0);
    case Activation::kReluN1To1:
      return std::clamp(x, -1.0, 1.0);
    case Activation::kTanh:
      return std::tanh(x);
    default:
      return x;
  }
}

std::pair<float, int32_t> QuantFor(const std::vector<double>& values, Activation a) {
  // The observed range, widened to mean +- 3 sd: a few calibration samples of a small tensor (the logits)
  // would otherwise give a range that the next input overflows.
  double lo = 0, hi = 0, sum = 0, sum_sq = 0;
  for (double v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    sum_sq += v * v;
  }
  const double n = static_cast<double>(std::max<size_t>(values.size(), 1));
  const double mean = sum / n, sd = std::sqrt(std::max(sum_sq / n - mean * mean, 0.0));
  lo = std::min(lo, mean - 3.0 * sd);
  hi = std::max(hi, mean + 3.0 * sd);
  if (a == Activation::kRelu || a == Activation::kRelu6) lo = 0;
  if (a == Activation::kRelu6) hi = std::min(hi, 6.0);
  if (a == Activation::kReluN1To1) lo = std::max(lo, -1.0), hi = std::min(hi, 1.0);
  return QuantFromRange(lo, hi);
}

// TFLite's padding rule: total = max((out - 1) * stride + kernel - in, 0), the smaller half before.
int32_t PadBefore(int32_t in, int32_t out, int32_t kernel, int32_t stride, Padding padding) {
  if (padding == Padding::kValid) return 0;
  return std::max((out - 1) * stride + kernel - in, 0) / 2;
}

struct Geometry {
  int32_t batch, ih, iw, ic, oh, ow, kh, kw, sh, sw, pad_h, pad_w;
};

Geometry MakeGeometry(const std::vector<int32_t>& in, int32_t kh, int32_t kw, int32_t sh, int32_t sw, Padding p) {
  Geometry g{};
  g.batch = in[0] * kCalibrationSamples;
  g.ih = in[1];
  g.iw = in[2];
  g.ic = in[3];
  g.kh = kh;
  g.kw = kw;
  g.sh = sh;
  g.sw = sw;
  g.oh = ConvOutputSize(g.ih, kh, sh, p);
  g.ow = ConvOutputSize(g.iw, kw, sw, p);
  g.pad_h = PadBefore(g.ih, g.oh, kh, sh, p);
  g.pad_w = PadBefore(g.iw, g.ow, kw, sw, p);
  return g;
}

// Double-precision reference of the weighted layers (without bias), for calibration only.
std::vector<double> ConvReal(const Geometry& g, const std::vector<double>& x, const std::vector<double>& w,
                             int32_t oc) {
  std::vector<double> z(static_cast<size_t>(g.batch) * g.oh * g.ow * oc, 0.0);
  for (int32_t b = 0; b < g.batch; ++b)
    for (int32_t oy = 0; oy < g.oh; ++oy)
      for (int32_t ox = 0; ox < g.ow; ++ox)
        for (int32_t o = 0; o < oc; ++o) {
          double acc = 0;
          for (int32_t ky = 0; ky < g.kh; ++ky) {
            const int32_t iy = oy * g.sh - g.pad_h + ky;
            if (iy < 0 || iy >= g.ih) continue;
            for (int32_t kx = 0; kx < g.kw; ++kx) {
              const int32_t ix = ox * g.sw - g.pad_w + kx;
              if (ix < 0 || ix >= g.iw) continue;
              const double* xp = &x[((static_cast<size_t>(b) * g.ih + iy) * g.iw + ix) * g.ic];
              const double* wp = &w[((static_cast<size_t>(o) * g.kh + ky) * g.kw + kx) * g.ic];
              for (int32_t c = 0; c < g.ic; ++c) acc += xp[c] * wp[c];
            }
          }
          z[((static_cast<size_t>(b) * g.oh + oy) * g.ow + ox) * oc + o] = acc;
        }
  return z;
}

std::vector<double> DepthwiseReal(const Geometry& g, const std::vector<double>& x, const std::vector<double>& w,
                                  int32_t dm) {
  const int32_t oc = g.ic * dm;
  std::vector<double> z(static_cast<size_t>(g.batch) * g.oh * g.ow * oc, 0.0);
  for (int32_t b = 0; b < g.batch; ++b)
    for (int32_t oy = 0; oy < g.oh; ++oy)
      for (int32_t ox = 0; ox < g.ow; ++ox)
        for (int32_t o = 0; o < oc; ++o) {
          const int32_t c = o / dm;
          double acc = 0;
          for (int32_t ky = 0; ky < g.kh; ++ky) {
            const int32_t iy = oy * g.sh - g.pad_h + ky;
            if (iy < 0 || iy >= g.ih) continue;
            for (int32_t kx = 0; kx < g.kw; ++kx) {
              const int32_t ix = ox * g.sw - g.pad_w + kx;
              if (ix < 0 || ix >= g.iw) continue;
              acc += x[((static_cast<size_t>(b) * g.ih + iy) * g.iw + ix) * g.ic + c] *
                     w[(static_cast<size_t>(ky) * g.kw + kx) * oc + o];
            }
          }
          z[((static_cast<size_t>(b) * g.oh + oy) * g.ow + ox) * oc + o] = acc;
        }
  return z;
}

std::vector<double> PoolReal(const Geometry& g, const std::vector<double>& x, bool average) {
  std::vector<double> y(static_cast<size_t>(g.batch) * g.oh * g.ow * g.ic, 0.0);
  for (int32_t b = 0; b < g.batch; ++b)
    for (int32_t oy = 0; oy < g.oh; ++oy)
      for (int32_t ox = 0; ox < g.ow; ++ox)
        for (int32_t c = 0; c < g.ic; ++c) {
          double acc = average ? 0.0 : -1e300;
          int count = 0;
          for (int32_t ky = 0; ky < g.kh; ++ky) {
            const int32_t iy = oy * g.sh - g.pad_h + ky;
            if (iy < 0 || iy >= g.ih) continue;
            for (int32_t kx = 0; kx < g.kw; ++kx) {
              const int32_t ix = ox * g.sw - g.pad_w + kx;
              if (ix < 0 || ix >= g.iw) continue;
              const double v = x[((static_cast<size_t>(b) * g.ih + iy) * g.iw + ix) * g.ic + c];
              acc = average ? acc + v : std::max(acc, v);
              ++count;
            }
          }
          y[((static_cast<size_t>(b) * g.oh + oy) * g.ow + ox) * g.ic + c] = average && count ? acc / count : acc;
        }
  return y;
}

// Row-major strides of a shape.
std::vector<int64_t> Strides(const std::vector<int32_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

// Calls f(flat_index, coordinates) for every element of `shape`.
template <typename F>
void ForEachIndex(const std::vector<int32_t>& shape, F&& f) {
  const int64_t n = Elements(shape);
  std::vector<int32_t> coord(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    f(i, coord);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

std::vector<int32_t> WithSamples(std::vector<int32_t> shape) {
  shape.insert(shape.begin(), kCalibrationSamples);
  return shape;
}

std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& values) {
  std::vector<uint8_t> out(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t v = static_cast<uint32_t>(values[i]);
    for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<uint8_t>(v >> (8 * b));
  }
  return out;
}

}  // namespace

int32_t ConvOutputSize(int32_t in, int32_t kernel, int32_t stride, Padding padding) {
  if (stride <= 0) return 0;
  if (padding == Padding::kSame) return static_cast<int32_t>((int64_t{in} + stride - 1) / stride);
  return in < kernel ? 0 : (in - kernel) / stride + 1;
}

GraphBuilder::GraphBuilder(uint64_t seed, std::string description)
    : rng_(seed), calibration_rng_(seed ^ 0x5eed0fca11b7a7e5ull) {
  model_.version = 3;
  model_.description = std::move(description);
  model_.subgraph_name = "main";
  model_.buffers.emplace_back();  // buffer 0: the empty sentinel shared by all activations
}

template <typename F>
int GraphBuilder::Guarded(const char* what, F&& body) {
  if (!error_.empty() || finished_) return -1;
  try {
    return body();
  } catch (const std::exception& e) {
    error_ = std::string(what) + ": " + e.what();
    return -1;
  }
}

int GraphBuilder::CheckTensor(int tensor) const {
  if (tensor < 0 || static_cast<size_t>(tensor) >= model_.tensors.size())
    throw BuildError("tensor handle " + std::to_string(tensor) + " does not exist");
  if (!model_.buffers[model_.tensors[tensor].buffer].empty())
    throw BuildError("tensor " + model_.tensors[tensor].name + " is a constant, not an activation");
  return tensor;
}

std::string GraphBuilder::AutoName(const std::string& given, const char* kind) {
  const int n = name_counter_++;
  return given.empty() ? std::string(kind) + "_" + std::to_string(n) : given;
}

const QuantizationDef& GraphBuilder::Quant(int tensor) const { return *model_.tensors[tensor].quantization; }

uint32_t GraphBuilder::AddBuffer(std::vector<uint8_t> bytes) {
  model_.buffers.push_back(std::move(bytes));
  return static_cast<uint32_t>(model_.buffers.size() - 1);
}

int GraphBuilder::AddActivation(std::vector<int32_t> shape, float scale, int32_t zero_point, std::vector<double> values,
                                std::string name) {
  for (int32_t d : shape)
    if (d <= 0) throw BuildError("tensor " + name + " would have shape " + Shape(shape));
  if (static_cast<int64_t>(values.size()) != Elements(shape) * kCalibrationSamples)
    throw std::logic_error("calibration values do not match the shape of " + name);
  TensorDef t;
  t.shape = std::move(shape);
  t.type = TensorType::kInt8;
  t.buffer = 0;
  t.name = std::move(name);
  t.quantization = QuantizationDef{{scale}, {zero_point}, 0};
  model_.tensors.push_back(std::move(t));
  values_.push_back(std::move(values));
  return static_cast<int>(model_.tensors.size() - 1);
}

int GraphBuilder::AddConstInt32(std::vector<int32_t> shape, const std::vector<int32_t>& values, std::string name,
                                std::optional<QuantizationDef> quant) {
  TensorDef t;
  t.shape = std::move(shape);
  t.type = TensorType::kInt32;
  t.buffer = AddBuffer(Int32Bytes(values));
  t.name = std::move(name);
  t.quantization = std::move(quant);
  model_.tensors.push_back(std::move(t));
  values_.emplace_back();
  return static_cast<int>(model_.tensors.size() - 1);
}

int GraphBuilder::AddConstInt8(std::vector<int32_t> shape, const std::vector<int8_t>& values, std::string name,
                               QuantizationDef quant) {
  TensorDef t;
  t.shape = std::move(shape);
  t.type = TensorType::kInt8;
  std::vector<uint8_t> bytes(values.size());
  std::memcpy(bytes.data(), values.data(), values.size());
  t.buffer = AddBuffer(std::move(bytes));
  t.name = std::move(name);
  t.quantization = std::move(quant);
  model_.tensors.push_back(std::move(t));
  values_.emplace_back();
  return static_cast<int>(model_.tensors.size() - 1);
}

void GraphBuilder::AddOp(BuiltinOp op, int32_t version, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                         BuiltinOptions options) {
  OperatorDef def;
  def.opcode_index = model_.OpcodeIndex(op, version);
  def.inputs = std::move(inputs);
  def.outputs = std::move(outputs);
  def.options = std::move(options);
  model_.operators.push_back(std::move(def));
}

int GraphBuilder::Input(std::vector<int32_t> shape, float scale, int32_t zero_point, std::string name) {
  return Guarded("Input", [&] {
    if (!(scale > 0.0f) || zero_point < -128 || zero_point > 127) throw BuildError("bad input quantization");
    // Calibration inputs: uniform over the whole int8 range, as a fuzzing host would send.
    std::vector<double> values(static_cast<size_t>(std::max<int64_t>(Elements(shape), 0) * kCalibrationSamples));
    for (double& v : values)
      v = static_cast<double>(calibration_rng_.Uniform(int64_t{-128}, int64_t{127}) - zero_point) * scale;
    int t = AddActivation(std::move(shape), scale, zero_point, std::move(values), std::move(name));
    model_.inputs.push_back(t);
    return t;
  });
}

void GraphBuilder::MarkOutput(int tensor) {
  Guarded("MarkOutput", [&] {
    model_.outputs.push_back(CheckTensor(tensor));
    return 0;
  });
}

int GraphBuilder::WeightedOutput(BuiltinOp op, int32_t version, int input, int filter,
                                 const std::vector<float>& weight_scales, std::vector<double> z,
                                 std::vector<int32_t> out_shape, Activation activation, BuiltinOptions options,
                                 const std::string& name) {
  const float in_scale = Quant(input).scale[0];
  const size_t channels = static_cast<size_t>(out_shape.back());
  const double sigma = Coarse(std::max(Rms(z), 1e-6));
  // Biases: small real offsets (+-0.2 sigma), quantized at input scale x weight scale.
  std::vector<int32_t> bias(channels);
  std::vector<double> bias_real(channels);
  std::vector<float> bias_scales;
  for (size_t c = 0; c < channels; ++c) {
    const double bscale = static_cast<double>(in_scale) * weight_scales[weight_scales.size() == 1 ? 0 : c];
    bias[c] = static_cast<int32_t>(std::lround(rng_.Uniform(-0.2, 0.2) * sigma / bscale));
    bias_real[c] = bias[c] * bscale;
  }
  for (float ws : weight_scales) bias_scales.push_back(static_cast<float>(static_cast<double>(in_scale) * ws));
  QuantizationDef bias_quant{bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0};
  const int bias_t = AddConstInt32({static_cast<int32_t>(channels)}, bias, name + "/bias", bias_quant);

  for (size_t i = 0; i < z.size(); ++i) z[i] = Activate(z[i] + bias_real[i % channels], activation);
  auto [out_scale, out_zp] = QuantFor(z, activation);
  const int out = AddActivation(std::move(out_shape), out_scale, out_zp, std::move(z), name + "/output");
  AddOp(op, version, {input, filter, bias_t}, {out}, std::move(options));
  return out;
}

int GraphBuilder::Conv2D(int input, int32_t out_channels, const ConvSpec& s, std::string name) {
  return Guarded("Conv2D", [&] {
    CheckTensor(input);
    const std::vector<int32_t> in = tensor(input).shape;
    if (in.size() != 4) throw BuildError("input " + Shape(in) + " is not NHWC");
    if (out_channels <= 0 || s.kernel_h <= 0 || s.kernel_w <= 0 || s.stride_h <= 0 || s.stride_w <= 0)
      throw BuildError("bad channel count, kernel or stride");
    name = AutoName(name, "conv2d");
    const Geometry g = MakeGeometry(in, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding);
    const int64_t fan_in = static_cast<int64_t>(s.kernel_h) * s.kernel_w * g.ic;
    const double base = std::sqrt(2.0 / static_cast<double>(fan_in)) / kInt8QRms;
    std::vector<int8_t> w(static_cast<size_t>(out_channels * fan_in));
    std::vector<double> w_real(w.size());
    std::vector<float> scales(out_channels);
    for (int32_t oc = 0; oc < out_channels; ++oc) {
      scales[oc] = static_cast<float>(base * rng_.Uniform(0.5, 1.5));
      for (int64_t k = 0; k < fan_in; ++k) {
        const size_t i = static_cast<size_t>(oc * fan_in + k);
        w[i] = static_cast<int8_t>(rng_.Uniform(int64_t{-127}, int64_t{127}));
        w_real[i] = w[i] * static_cast<double>(scales[oc]);
      }
    }
    const int filter = AddConstInt8({out_channels, s.kernel_h, s.kernel_w, g.ic}, w, name + "/filter",
                                    QuantizationDef{scales, std::vector<int64_t>(out_channels, 0), 0});
    Conv2DOptions o;
    o.padding = s.padding;
    o.stride_w = s.stride_w;
    o.stride_h = s.stride_h;
    o.activation = s.activation;
    if (g.oh <= 0 || g.ow <= 0) throw BuildError("kernel larger than the input " + Shape(in));
    return WeightedOutput(BuiltinOp::kConv2d, kConvVersion, input, filter, scales,
                          ConvReal(g, values_[input], w_real, out_channels), {in[0], g.oh, g.ow, out_channels},
                          s.activation, o, name);
  });
}

int GraphBuilder::DepthwiseConv2D(int input, const ConvSpec& s, int32_t depth_multiplier, std::string name) {
  return Guarded("DepthwiseConv2D", [&] {
    CheckTensor(input);
    const std::vector<int32_t> in = tensor(input).shape;
    if (in.size() != 4) throw BuildError("input " + Shape(in) + " is not NHWC");
    if (depth_multiplier <= 0 || s.kernel_h <= 0 || s.kernel_w <= 0 || s.stride_h <= 0 || s.stride_w <= 0)
      throw BuildError("bad depth multiplier, kernel or stride");
    name = AutoName(name, "depthwise_conv2d");
    const Geometry g = MakeGeometry(in, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding);
    const int32_t oc = in[3] * depth_multiplier;
    const int32_t taps = s.kernel_h * s.kernel_w;
    const double base = std::sqrt(2.0 / taps) / kInt8QRms;
    std::vector<float> scales(oc);
    for (int32_t c = 0; c < oc; ++c) scales[c] = static_cast<float>(base * rng_.Uniform(0.5, 1.5));
    // Layout 1 x H x W x C: channel is the fastest axis.
    std::vector<int8_t> w(static_cast<size_t>(taps) * oc);
    std::vector<double> w_real(w.size());
    for (int32_t k = 0; k < taps; ++k)
      for (int32_t c = 0; c < oc; ++c) {
        const size_t i = static_cast<size_t>(k) * oc + c;
        w[i] = static_cast<int8_t>(rng_.Uniform(int64_t{-127}, int64_t{127}));
        w_real[i] = w[i] * static_cast<double>(scales[c]);
      }
    const int filter = AddConstInt8({1, s.kernel_h, s.kernel_w, oc}, w, name + "/filter",
                                    QuantizationDef{scales, std::vector<int64_t>(oc, 0), 3});
    DepthwiseConv2DOptions o;
    o.padding = s.padding;
    o.stride_w = s.stride_w;
    o.stride_h = s.stride_h;
    o.depth_multiplier = depth_multiplier;
    o.activation = s.activation;
    if (g.oh <= 0 || g.ow <= 0) throw BuildError("kernel larger than the input " + Shape(in));
    return WeightedOutput(BuiltinOp::kDepthwiseConv2d, kDepthwiseVersion, input, filter, scales,
                          DepthwiseReal(g, values_[input], w_real, depth_multiplier), {in[0], g.oh, g.ow, oc},
                          s.activation, o, name);
  });
}

int GraphBuilder::FullyConnected(int input, int32_t units, Activation activation, std::string name, double output_rms) {
  return Guarded("FullyConnected", [&] {
    CheckTensor(input);
    const std::vector<int32_t> in = tensor(input).shape;
    if (in.empty() || units <= 0) throw BuildError("bad input shape or unit count");
    name = AutoName(name, "fully_connected");
    const int32_t features = in.back();
    const int32_t batch = static_cast<int32_t>(Elements(in) / features);
    float wscale = static_cast<float>(std::sqrt(2.0 / features) / kInt8QRms * rng_.Uniform(0.75, 1.25));
    std::vector<int8_t> w(static_cast<size_t>(units) * features);
    for (int8_t& q : w) q = static_cast<int8_t>(rng_.Uniform(int64_t{-127}, int64_t{127}));
    // Pre-bias outputs with integer weights; the scale is applied after (and may be retuned).
    const std::vector<double>& x = values_[input];
    const int64_t rows = static_cast<int64_t>(batch) * kCalibrationSamples;
    std::vector<double> zq(static_cast<size_t>(rows) * units);
    for (int64_t r = 0; r < rows; ++r)
      for (int32_t u = 0; u < units; ++u) {
        double acc = 0;
        for (int32_t k = 0; k < features; ++k)
          acc += x[static_cast<size_t>(r) * features + k] * w[static_cast<size_t>(u) * features + k];
        zq[static_cast<size_t>(r) * units + u] = acc;
      }
    if (output_rms > 0) {
      const double rms_q = Rms(zq);
      if (rms_q > 0) wscale = static_cast<float>(Coarse(output_rms / rms_q));
    }
    for (double& v : zq) v *= wscale;
    const int filter = AddConstInt8({units, features}, w, name + "/weights", QuantizationDef{{wscale}, {0}, 0});
    FullyConnectedOptions o;
    o.activation = activation;
    return WeightedOutput(BuiltinOp::kFullyConnected, kFullyConnectedVersion, input, filter, {wscale}, std::move(zq),
                          {batch, units}, activation, o, name);
  });
}

int GraphBuilder::Pool(BuiltinOp op, int input, int32_t fh, int32_t fw, int32_t sh, int32_t sw, Padding padding,
                       Activation activation, std::string name) {
  CheckTensor(input);
  const std::vector<int32_t> in = tensor(input).shape;
  if (in.size() != 4) throw BuildError("input " + Shape(in) + " is not NHWC");
  if (fh <= 0 || fw <= 0 || sh <= 0 || sw <= 0) throw BuildError("bad filter or stride");
  name = AutoName(name, op == BuiltinOp::kAveragePool2d ? "average_pool2d" : "max_pool2d");
  const Geometry g = MakeGeometry(in, fh, fw, sh, sw, padding);
  if (g.oh <= 0 || g.ow <= 0) throw BuildError("filter larger than the input " + Shape(in));
  // Pooling keeps the input's quantization (the int8 kernels do not rescale).
  const QuantizationDef q = Quant(input);
  std::vector<double> y = PoolReal(g, values_[input], op == BuiltinOp::kAveragePool2d);
  if (activation != Activation::kNone)
    for (double& v : y) v = Activate(v, activation);
  const int out = AddActivation({in[0], g.oh, g.ow, in[3]}, q.scale[0], static_cast<int32_t>(q.zero_point[0]),
                                std::move(y), name + "/output");
  Pool2DOptions o;
  o.padding = padding;
  o.stride_w = sw;
  o.stride_h = sh;
  o.filter_w = fw;
  o.filter_h = fh;
  o.activation = activation;
  AddOp(op, kPoolVersion, {input}, {out}, o);
  return out;
}

int GraphBuilder::AveragePool2D(int input, int32_t fh, int32_t fw, int32_t sh, int32_t sw, Padding padding,
                                Activation activation, std::string name) {
  return Guarded("AveragePool2D",
                 [&] { return Pool(BuiltinOp::kAveragePool2d, input, fh, fw, sh, sw, padding, activation, name); });
}

int GraphBuilder::MaxPool2D(int input, int32_t fh, int32_t fw, int32_t sh, int32_t sw, Padding padding,
                            std::string name) {
  return Guarded("MaxPool2D",
                 [&] { return Pool(BuiltinOp::kMaxPool2d, input, fh, fw, sh, sw, padding, Activation::kNone, name); });
}

int GraphBuilder::Reshape(int input, std::vector<int32_t> new_shape, std::string name) {
  return Guarded("Reshape", [&] {
    CheckTensor(input);
    if (Elements(new_shape) != Elements(tensor(input).shape))
      throw BuildError("cannot reshape " + Shape(tensor(input).shape) + " to " + Shape(new_shape));
    name = AutoName(name, "reshape");
    const int shape_t =
        AddConstInt32({static_cast<int32_t>(new_shape.size())}, new_shape, name + "/shape", QuantizationDef{});
    const QuantizationDef q = Quant(input);
    const int out =
        AddActivation(new_shape, q.scale[0], static_cast<int32_t>(q.zero_point[0]), values_[input], name + "/output");
    AddOp(BuiltinOp::kReshape, kReshapeVersion, {input, shape_t}, {out}, std::monostate{});
    return out;
  });
}

int GraphBuilder::Softmax(int input, float beta, std::string name) {
  return Guarded("Softmax", [&] {
    CheckTensor(input);
    name = AutoName(name, "softmax");
    const std::vector<int32_t> shape = tensor(input).shape;
    const size_t depth = static_cast<size_t>(shape.back());
    std::vector<double> y = values_[input];
    for (size_t row = 0; row < y.size(); row += depth) {
      const double top = *std::max_element(y.begin() + static_cast<std::ptrdiff_t>(row),
                                           y.begin() + static_cast<std::ptrdiff_t>(row + depth));
      double sum = 0;
      for (size_t i = row; i < row + depth; ++i) sum += (y[i] = std::exp(beta * (y[i] - top)));
      for (size_t i = row; i < row + depth; ++i) y[i] /= sum;
    }
    // The int8 softmax output quantization TFLite requires.
    const int out = AddActivation(shape, 1.0f / 256.0f, -128, std::move(y), name + "/output");
    AddOp(BuiltinOp::kSoftmax, kSoftmaxVersion, {input}, {out}, SoftmaxOptions{beta});
    return out;
  });
}

int GraphBuilder::Add(int a, int b, Activation activation, std::string name) {
  return Guarded("Add", [&] {
    CheckTensor(a);
    CheckTensor(b);
    const std::vector<int32_t>& sa = tensor(a).shape;
    const std::vector<int32_t>& sb = tensor(b).shape;
    name = AutoName(name, "add");
    std::vector<double> y;
    std::vector<int32_t> shape = sa;
    if (sa == sb) {
      y.resize(values_[a].size());
      for (size_t i = 0; i < y.size(); ++i) y[i] = Activate(values_[a][i] + values_[b][i], activation);
    } else {
      // Broadcast: right-aligned dimensions; the strides of a size-1 (or missing) dimension are 0.
      const size_t rank = std::max(sa.size(), sb.size());
      auto padded = [&](const std::vector<int32_t>& s) {
        std::vector<int32_t> p(rank - s.size(), 1);
        p.insert(p.end(), s.begin(), s.end());
        return p;
      };
      const std::vector<int32_t> pa = padded(sa), pb = padded(sb);
      shape.assign(rank, 1);
      for (size_t i = 0; i < rank; ++i) {
        if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1)
          throw BuildError("shapes " + Shape(sa) + " and " + Shape(sb) + " do not broadcast");
        shape[i] = std::max(pa[i], pb[i]);
      }
      const std::vector<int64_t> ta = Strides(pa), tb = Strides(pb), to = Strides(shape);
      const int64_t na = Elements(pa), nb = Elements(pb), n = Elements(shape);
      y.resize(static_cast<size_t>(n * kCalibrationSamples));
      for (int64_t sample = 0; sample < kCalibrationSamples; ++sample)
        for (int64_t o = 0; o < n; ++o) {
          int64_t ia = 0, ib = 0, rest = o;
          for (size_t d = 0; d < rank; ++d) {
            const int64_t coord = rest / to[d];
            rest %= to[d];
            if (pa[d] != 1) ia += coord * ta[d];
            if (pb[d] != 1) ib += coord * tb[d];
          }
          const double sum =
              values_[a][static_cast<size_t>(sample * na + ia)] + values_[b][static_cast<size_t>(sample * nb + ib)];
          y[static_cast<size_t>(sample * n + o)] = Activate(sum, activation);
        }
    }
    auto [scale, zp] = QuantFor(y, activation);
    const int out = AddActivation(shape, scale, zp, std::move(y), name + "/output");
    AddOp(BuiltinOp::kAdd, kAddVersion, {a, b}, {out}, AddOptions{activation, true});
    return out;
  });
}

int GraphBuilder::Mul(int a, int b, Activation activation, std::string name) {
  return Guarded("Mul", [&] {
    CheckTensor(a);
    CheckTensor(b);
    if (tensor(a).shape != tensor(b).shape)
      throw BuildError("shapes " + Shape(tensor(a).shape) + " and " + Shape(tensor(b).shape) + " differ");
    name = AutoName(name, "mul");
    std::vector<double> y(values_[a].size());
    for (size_t i = 0; i < y.size(); ++i) y[i] = Activate(values_[a][i] * values_[b][i], activation);
    auto [scale, zp] = QuantFor(y, activation);
    const int out = AddActivation(tensor(a).shape, scale, zp, std::move(y), name + "/output");
    AddOp(BuiltinOp::kMul, kMulVersion, {a, b}, {out}, MulOptions{activation});
    return out;
  });
}

int GraphBuilder::Concatenation(const std::vector<int>& inputs, int32_t axis, std::string name) {
  return Guarded("Concatenation", [&] {
    if (inputs.empty()) throw BuildError("no inputs");
    for (int t : inputs) CheckTensor(t);
    std::vector<int32_t> shape = tensor(inputs[0]).shape;
    const int32_t rank = static_cast<int32_t>(shape.size());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) throw BuildError("axis out of range");
    for (size_t i = 1; i < inputs.size(); ++i) {
      const std::vector<int32_t> s = tensor(inputs[i]).shape;
      if (s.size() != shape.size()) throw BuildError("ranks differ");
      for (int32_t d = 0; d < rank; ++d)
        if (d != axis && s[d] != shape[d]) throw BuildError("shapes differ off the axis");
      if (Quant(inputs[i]) != Quant(inputs[0])) throw BuildError("inputs have different quantization");
      shape[axis] += s[axis];
    }
    name = AutoName(name, "concatenation");
    // Values: outer = samples x dims before the axis; each input contributes a contiguous block per outer.
    int64_t outer = kCalibrationSamples;
    for (int32_t d = 0; d < axis; ++d) outer *= shape[d];
    std::vector<double> y;
    y.reserve(static_cast<size_t>(Elements(shape) * kCalibrationSamples));
    for (int64_t o = 0; o < outer; ++o)
      for (int t : inputs) {
        const size_t block = values_[t].size() / static_cast<size_t>(outer);
        y.insert(y.end(), values_[t].begin() + static_cast<std::ptrdiff_t>(o * block),
                 values_[t].begin() + static_cast<std::ptrdiff_t>((o + 1) * block));
      }
    const QuantizationDef q = Quant(inputs[0]);
    const int out =
        AddActivation(shape, q.scale[0], static_cast<int32_t>(q.zero_point[0]), std::move(y), name + "/output");
    AddOp(BuiltinOp::kConcatenation, kConcatVersion, std::vector<int32_t>(inputs.begin(), inputs.end()), {out},
          ConcatenationOptions{axis, Activation::kNone});
    return out;
  });
}

int GraphBuilder::Mean(int input, std::vector<int32_t> axes, bool keep_dims, std::string name) {
  return Guarded("Mean", [&] {
    CheckTensor(input);
    const std::vector<int32_t> in = tensor(input).shape;
    if (axes.empty()) throw BuildError("no axes");
    std::vector<bool> reduce(in.size(), false);
    for (int32_t& a : axes) {
      if (a < 0) a += static_cast<int32_t>(in.size());
      if (a < 0 || a >= static_cast<int32_t>(in.size())) throw BuildError("axis out of range");
      reduce[a] = true;
    }
    std::vector<int32_t> shape, kept = in;  // kept: `in` with reduced dims set to 1
    for (size_t d = 0; d < in.size(); ++d) {
      if (reduce[d]) kept[d] = 1;
      if (!reduce[d])
        shape.push_back(in[d]);
      else if (keep_dims)
        shape.push_back(1);
    }
    name = AutoName(name, "mean");
    const std::vector<int32_t> full = WithSamples(in), small = WithSamples(kept);
    const std::vector<int64_t> small_strides = Strides(small);
    std::vector<double> y(static_cast<size_t>(Elements(small)), 0.0);
    const double count = static_cast<double>(Elements(in) / Elements(kept));
    ForEachIndex(full, [&](int64_t i, const std::vector<int32_t>& c) {
      int64_t j = 0;
      for (size_t d = 0; d < c.size(); ++d) j += (d > 0 && reduce[d - 1] ? 0 : c[d]) * small_strides[d];
      y[static_cast<size_t>(j)] += values_[input][static_cast<size_t>(i)];
    });
    for (double& v : y) v /= count;
    const int axes_t = AddConstInt32({static_cast<int32_t>(axes.size())}, axes, name + "/axes", std::nullopt);
    const QuantizationDef q = Quant(input);
    const int out =
        AddActivation(shape, q.scale[0], static_cast<int32_t>(q.zero_point[0]), std::move(y), name + "/output");
    AddOp(BuiltinOp::kMean, kMeanVersion, {input, axes_t}, {out}, ReducerOptions{keep_dims});
    return out;
  });
}

int GraphBuilder::Pad(int input, std::vector<std::pair<int32_t, int32_t>> paddings, std::string name) {
  return Guarded("Pad", [&] {
    CheckTensor(input);
    const std::vector<int32_t> in = tensor(input).shape;
    if (paddings.size() != in.size()) throw BuildError("need one (before, after) pair per dimension");
    std::vector<int32_t> shape = in, flat;
    for (size_t d = 0; d < in.size(); ++d) {
      if (paddings[d].first < 0 || paddings[d].second < 0) throw BuildError("negative padding");
      shape[d] += paddings[d].first + paddings[d].second;
      flat.push_back(paddings[d].first);
      flat.push_back(paddings[d].second);
    }
    name = AutoName(name, "pad");
    const std::vector<int64_t> out_strides = Strides(WithSamples(shape));
    std::vector<double> y(static_cast<size_t>(Elements(shape) * kCalibrationSamples), 0.0);  // pads are real 0
    ForEachIndex(WithSamples(in), [&](int64_t i, const std::vector<int32_t>& c) {
      int64_t j = c[0] * out_strides[0];
      for (size_t d = 1; d < c.size(); ++d) j += (c[d] + paddings[d - 1].first) * out_strides[d];
      y[static_cast<size_t>(j)] = values_[input][static_cast<size_t>(i)];
    });
    const int pads_t = AddConstInt32({static_cast<int32_t>(in.size()), 2}, flat, name + "/paddings", std::nullopt);
    const QuantizationDef q = Quant(input);
    const int out =
        AddActivation(shape, q.scale[0], static_cast<int32_t>(q.zero_point[0]), std::move(y), name + "/output");
    AddOp(BuiltinOp::kPad, kPadVersion, {input, pads_t}, {out}, PadOptions{});
    return out;
  });
}

std::expected<ModelDef, std::string> GraphBuilder::Finish() {
  if (finished_) return std::unexpected("Finish called twice");
  if (!error_.empty()) return std::unexpected(error_);
  finished_ = true;
  if (model_.outputs.empty()) return std::unexpected("no output marked");
  if (auto ok = ValidateModel(model_); !ok) return std::unexpected(ok.error());
  values_.clear();
  return std::move(model_);
}

}  // namespace hil::model
