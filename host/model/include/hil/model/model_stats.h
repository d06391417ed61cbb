// Per-operator work and a model's operator list, for reports and the zoo's self-checks.
//
// MACs count multiply-accumulates of the weighted layers only, as MLPerf Tiny states them:
//   CONV_2D            out_elements x kernel_h x kernel_w x in_channels
//   DEPTHWISE_CONV_2D  out_elements x kernel_h x kernel_w
//   FULLY_CONNECTED    out_elements x in_features
//   TRANSPOSE_CONV     input_elements x kernel_h x kernel_w x out_channels
//   BATCH_MATMUL       out_elements x the contracted dimension
//   SVDF               batch x features x (input size + memory size)
//   UNIDIRECTIONAL_SEQUENCE_LSTM  steps x batch x (elements of the 8 gate weight matrices)
// every other operator counts 0.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "hil/model/tflite_model.h"

namespace hil::model {

struct OpStats {
  int index = 0;
  int32_t builtin_code = 0;
  std::string name;  // "CONV_2D"
  uint64_t macs = 0;
  std::vector<int32_t> input_shape;   // of the first input (the activation)
  std::vector<int32_t> output_shape;  // of the first output
  std::string detail;                 // "3x3 s2 SAME RELU6", "" when nothing to say
};

struct ModelStats {
  std::vector<OpStats> ops;
  uint64_t total_macs = 0;
  uint64_t constant_bytes = 0;         // sum of all buffers (weights, biases, shape constants)
  uint64_t activation_bytes_peak = 0;  // max over operators of the bytes of tensors live across it
  std::vector<std::vector<int32_t>> input_shapes, output_shapes;
};

std::expected<ModelStats, std::string> AnalyzeModel(const ModelDef& model);
std::expected<ModelStats, std::string> AnalyzeTflite(std::span<const uint8_t> bytes);

// Operator names in execution order: {"CONV_2D", "DEPTHWISE_CONV_2D", ...}.
std::vector<std::string> OperatorNames(const ModelDef& model);
// "CONV_2D x5, DEPTHWISE_CONV_2D x4, AVERAGE_POOL_2D, ..." in order of first use.
std::string OperatorSummary(const ModelDef& model);
// "1x49x10x1"
std::string ShapeString(const std::vector<int32_t>& shape);

}  // namespace hil::model
