// Builds quantized int8 TFLite graphs layer by layer, with seeded synthetic weights.
//
// Quantization follows what the TFLite converter produces for int8 models (and what the MLPerf Tiny
// models show):
//   activations  int8, per-tensor scale and zero point
//   weights      int8, symmetric (zero point 0); per-channel for CONV_2D (axis 0 of OHWI) and
//                DEPTHWISE_CONV_2D (axis 3 of 1HWC), per-tensor for FULLY_CONNECTED
//   biases       int32, zero point 0, scale = input scale x weight scale (per channel where the weights are)
//   pooling, RESHAPE, PAD, MEAN, CONCATENATION keep their input's scale and zero point
//   SOFTMAX      output scale 1/256, zero point -128
// Weights are uniform int8 in [-127, 127] with He-style per-channel scales (sqrt(2/fan_in), jittered per
// channel). Activation ranges are calibrated the way post-training quantization does it: the builder
// runs each layer in double precision on 4 seeded inputs uniform over the int8 input range as it is
// added, and gives the output the scale and zero point of the observed [min, max] widened to
// mean +- 3 sd (always including 0; [0, max] after RELU), so activations neither vanish nor saturate
// (engine_load_test.cc checks this on the zoo). Scales are rounded up to 7 significant bits, and this file is
// compiled with -ffp-contract=off, so the bytes do not depend on the host's floating-point details.
//
// Errors: a call with inconsistent arguments (shape mismatch, bad kernel) records the first error and
// returns -1; later calls taking -1 do nothing; Finish() returns the error. Nothing throws.
// Tensor handles are indices into the model's tensor list.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hil/model/prng.h"
#include "hil/model/tflite_model.h"

namespace hil::model {

struct ConvSpec {
  int32_t kernel_h = 3, kernel_w = 3;
  int32_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::kSame;
  Activation activation = Activation::kRelu;
};

class GraphBuilder {
 public:
  GraphBuilder(uint64_t seed, std::string description);

  // A model input: int8 activation with the given quantization.
  int Input(std::vector<int32_t> shape, float scale, int32_t zero_point, std::string name = "input");
  void MarkOutput(int tensor);

  // NHWC input; output channels `out_channels`; filter OHWI.
  int Conv2D(int input, int32_t out_channels, const ConvSpec& spec, std::string name = "");
  // Filter 1HW(C*depth_multiplier).
  int DepthwiseConv2D(int input, const ConvSpec& spec, int32_t depth_multiplier = 1, std::string name = "");
  // Input [..., features] (flattened to [batch, features]); filter [units, features]; output [batch, units].
  // `output_rms` > 0 rescales the weights so the pre-activation outputs have that RMS (e.g. 2 for the
  // logits before a SOFTMAX, so the softmax output still depends on the input).
  int FullyConnected(int input, int32_t units, Activation activation, std::string name = "", double output_rms = 0.0);
  // The output keeps the input's quantization; a fused activation only clamps it.
  int AveragePool2D(int input, int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w, Padding padding,
                    Activation activation = Activation::kNone, std::string name = "");
  int MaxPool2D(int input, int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w, Padding padding,
                std::string name = "");
  // New shape given as a constant int32 second input (as the TFLite converter writes it), no options.
  int Reshape(int input, std::vector<int32_t> new_shape, std::string name = "");
  int Softmax(int input, float beta = 1.0f, std::string name = "");
  // Elementwise ops. Add broadcasts as TFLite does (shapes right-aligned; each dimension equal or 1 in
  // one of them); Mul needs equal shapes.
  int Add(int a, int b, Activation activation, std::string name = "");
  int Mul(int a, int b, Activation activation, std::string name = "");
  // All inputs must share one scale and zero point (TFLite Micro requires it); the output keeps them.
  int Concatenation(const std::vector<int>& inputs, int32_t axis, std::string name = "");
  // MEAN over `axes` (an int32 constant input).
  int Mean(int input, std::vector<int32_t> axes, bool keep_dims, std::string name = "");
  // PAD with an int32 [rank, 2] constant of (before, after) pairs; pads with the zero point.
  int Pad(int input, std::vector<std::pair<int32_t, int32_t>> paddings, std::string name = "");

  const TensorDef& tensor(int index) const { return model_.tensors.at(static_cast<size_t>(index)); }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // The finished model (validated). The builder may not be used afterwards.
  std::expected<ModelDef, std::string> Finish();

 private:
  template <typename F>
  int Guarded(const char* what, F&& body);
  // `values`: the real values for every calibration sample (sample-major).
  int AddActivation(std::vector<int32_t> shape, float scale, int32_t zero_point, std::vector<double> values,
                    std::string name);
  uint32_t AddBuffer(std::vector<uint8_t> bytes);
  int AddConstInt32(std::vector<int32_t> shape, const std::vector<int32_t>& values, std::string name,
                    std::optional<QuantizationDef> quant);
  int AddConstInt8(std::vector<int32_t> shape, const std::vector<int8_t>& values, std::string name,
                   QuantizationDef quant);
  void AddOp(BuiltinOp op, int32_t version, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
             BuiltinOptions options);
  std::string AutoName(const std::string& given, const char* kind);
  const QuantizationDef& Quant(int tensor) const;
  // Weighted layer tail: draws biases, picks the output quantization from the pre-activation RMS.
  // `z`: pre-bias outputs (calibration samples, channel fastest).
  int WeightedOutput(BuiltinOp op, int32_t version, int input, int filter, const std::vector<float>& weight_scales,
                     std::vector<double> z, std::vector<int32_t> out_shape, Activation activation,
                     BuiltinOptions options, const std::string& name);
  int Pool(BuiltinOp op, int input, int32_t fh, int32_t fw, int32_t sh, int32_t sw, Padding padding,
           Activation activation, std::string name);
  int CheckTensor(int tensor) const;  // throws on a bad handle

  SplitMix64 rng_;
  ModelDef model_;
  SplitMix64 calibration_rng_;
  std::vector<std::vector<double>> values_;  // parallel to model_.tensors; empty for constants
  std::string error_;
  int name_counter_ = 0;
  bool finished_ = false;
};

// Output size of a convolution or pool along one axis (TFLite's rule).
int32_t ConvOutputSize(int32_t in, int32_t kernel, int32_t stride, Padding padding);

}  // namespace hil::model
