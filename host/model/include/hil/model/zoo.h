// Synthetic int8 networks with the shapes, operators, strides, paddings and activations of the MLPerf
// Tiny models, and single-operator models for kernel sweeps. Weights come from a seeded generator:
// the same (name, seed) gives the same bytes on every host; different seeds give different weights.
// They are for timing, memory and arithmetic cross-checks, not accuracy: outputs are meaningless.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "hil/model/tflite_model.h"

namespace hil::model {

struct ZooInfo {
  std::string name;         // "kws"
  std::string description;  // one line
  std::vector<int32_t> input_shape, output_shape;
  std::string operators;  // OperatorSummary() of the generated model
  uint64_t macs = 0;      // equal to the MLPerf Tiny model's
};

// kws, ic, vww, ad, sww, tiny (in that order).
const std::vector<ZooInfo>& ZooModels();

// A zoo network by name. Errors: unknown name.
std::expected<ModelDef, std::string> MakeZooModel(std::string_view name, uint64_t seed);

// One operator (plus nothing else): input(s) -> op -> output.
enum class KernelOp { kConv2d, kDepthwiseConv2d, kFullyConnected, kAdd, kAveragePool2d };
struct KernelSpec {
  KernelOp op = KernelOp::kConv2d;
  // NHWC input for conv/depthwise/avgpool/add (add's first input); for fully_connected only
  // `channels` (in features) and batch `n` count.
  int32_t n = 1, height = 1, width = 1, channels = 1;
  int32_t out_channels = 1;      // conv output channels / FC units; ignored by depthwise, avgpool, add
  int32_t depth_multiplier = 1;  // depthwise only
  int32_t kernel_h = 1, kernel_w = 1;  // conv, depthwise, avgpool (the pool's filter)
  int32_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::kSame;
  Activation activation = Activation::kNone;
  // add only: the second input's shape, right-aligned against [n, height, width, channels] for
  // broadcasting (1 to 4 dimensions); empty: the same shape as the first input.
  std::vector<int32_t> shape_b;
};
std::expected<ModelDef, std::string> MakeKernelModel(const KernelSpec& spec, uint64_t seed);

// Parses a kernel spec string:
//   conv2d:HxWxC,oc=N,k=KHxKW,s=S|SHxSW,pad=same|valid,act=none|relu|relu6
//   depthwise:HxWxC,k=...,s=...,pad=...,act=...,dm=M
//   fc:IN,units=N[,act=...][,batch=B]
//   avgpool:HxWxC,k=...,s=...,pad=...,act=...[,batch=B]
//   add:HxWxC[,b=SHAPE][,act=...][,batch=B]   two model inputs; SHAPE (e.g. 1x1xC, Hx1x1, C, 1)
//                                             broadcasts against the first, as TFLite's ADD does
// Keys other than the shape are optional (defaults k=1x1, s=1, pad=same, act=none, oc=C, dm=1, units=IN,
// b=the first input's shape). Single-operator add and avgpool models take their input quantization
// (scale, zero point) from the seed, so different seeds exercise different requantisation parameters.
std::expected<KernelSpec, std::string> ParseKernelSpec(std::string_view text);
std::string KernelSpecString(const KernelSpec& spec);  // canonical form, parses back to the same spec

// The weighted layers (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) of `model` as kernel specs, in
// operator order without repeats: MakeKernelModel() of each reproduces that layer alone, so a kernel
// sweep can cover exactly the shapes of the MLPerf Tiny networks. Errors: a malformed model.
std::expected<std::vector<KernelSpec>, std::string> KernelSpecsOf(const ModelDef& model);

// An upper bound of the bytes GenerateModel() makes of `name_or_spec` (and roughly of its time: the
// weights are drawn one by one), known before anything is generated. Errors: as GenerateModel's.
std::expected<uint64_t, std::string> GeneratedModelBytesBound(std::string_view name_or_spec);

// A zoo name or a kernel spec string -> .tflite bytes.
std::expected<std::vector<uint8_t>, std::string> GenerateModel(std::string_view name_or_spec, uint64_t seed);

}  // namespace hil::model
