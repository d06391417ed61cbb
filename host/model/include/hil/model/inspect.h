// `hil inspect`: what a .tflite model costs and whether our engine runs it, from the file alone.
// Per layer: operator, tensors (shape, type, quantization), bytes of activations in and out, of
// weights and of biases, MACs; in total: the arena the engine plans, the textbook footprint (the sum
// of every layer's input + output + weight + bias bytes), the model's bytes (what sits in flash),
// MACs, and every operator the engine cannot run, grouped with counts.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hil::model {

struct TensorInfo {
  int32_t index = -1;
  std::string name;
  std::vector<int32_t> shape;
  std::string type;  // "int8", "int16", "float32", ...
  uint64_t bytes = 0;
  bool constant = false;
  bool variable = false;  // state kept from one inference to the next (LSTM, SVDF)
  size_t scales = 0;      // quantization scales: 0 none, 1 per tensor, more per channel
  float scale = 0;
  int64_t zero_point = 0;
};

struct LayerInfo {
  int index = 0;
  int32_t builtin_code = 0;
  std::string op;      // "CONV_2D"; a custom operator as "CUSTOM:<name>"
  std::string detail;  // "3x3 s2 SAME RELU6", "" when nothing to say
  std::vector<TensorInfo> inputs;  // absent optional inputs are left out
  std::vector<TensorInfo> outputs;
  uint64_t macs = 0;
  uint64_t input_bytes = 0;   // activations read: inputs that are neither constant nor state, plus state
  uint64_t output_bytes = 0;
  uint64_t weight_bytes = 0;  // constant inputs other than biases (weights, lookup tables, shapes, paddings)
  uint64_t bias_bytes = 0;    // constant int32/int64 vectors of the weighted operators
};

// Operators the engine cannot run, grouped by operator name.
struct UnsupportedOperator {
  std::string op;
  std::vector<int> layers;           // indices, in model order
  std::vector<std::string> reasons;  // distinct, in order of first appearance
};

struct Inspection {
  uint64_t model_bytes = 0;  // the file: what a deployment keeps in flash
  uint32_t schema_version = 0;
  std::string description;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::vector<LayerInfo> layers;
  uint64_t macs = 0;
  uint64_t naive_bytes = 0;  // sum over layers of input + output + weight + bias bytes
  uint64_t constant_bytes = 0;
  uint64_t activation_peak_bytes = 0;  // most activation bytes alive at once (a lower bound of any plan)
  std::optional<uint64_t> arena_bytes;  // the engine's plan (persistent data + activations + scratch)
  std::vector<UnsupportedOperator> unsupported;
  std::string engine_error;  // why the engine did not plan the model, when it did not (empty: it did)
};

// Errors: the file is not a readable .tflite (the reason, as ReadTflite gives it).
std::expected<Inspection, std::string> InspectModel(std::span<const uint8_t> bytes);

// "CONV_2D x3 (layers 1, 4, 7): int16 input ... is not supported (...); GATHER (layer 9): unsupported
// operator": every operator the engine cannot run, in one sentence; empty when there is none.
std::string UnsupportedSummary(const std::vector<UnsupportedOperator>& unsupported);

}  // namespace hil::model
