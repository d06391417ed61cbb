// An in-memory TFLite model (one subgraph), the subset of the TFLite schema (version 3) that int8
// MLPerf-Tiny-style networks use. WriteTflite() serialises it, ReadTflite() parses a .tflite file
// back into it; Write(Read(x)) keeps every field listed here and drops the rest (metadata, signatures,
// sparsity, min/max of quantization).
//
// Field ids, enum values and union indices follow tensorflow/lite/schema/schema.fbs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hil::model {

enum class TensorType : int8_t {
  kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kUint8 = 3, kInt64 = 4, kString = 5, kBool = 6, kInt16 = 7, kComplex64 = 8,
  kInt8 = 9, kFloat64 = 10, kUint64 = 12, kUint32 = 15, kUint16 = 16, kInt4 = 17,
};
int TensorTypeBytes(TensorType type);  // element size; 0 when unknown
const char* TensorTypeName(TensorType type);

// BuiltinOperator codes used here (the enum has many more; others read back as their number).
enum class BuiltinOp : int32_t {
  kAdd = 0,
  kAveragePool2d = 1,
  kConcatenation = 2,
  kConv2d = 3,
  kDepthwiseConv2d = 4,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2d = 17,
  kMul = 18,
  kRelu = 19,
  kRelu6 = 21,
  kReshape = 22,
  kSoftmax = 25,
  kPad = 34,
  kMean = 40,
  kQuantize = 114,
};
// "CONV_2D" etc. (every code of schema.fbs up to 161); "BUILTIN_<n>" beyond.
std::string BuiltinOpName(int32_t code);

enum class Padding : int8_t { kSame = 0, kValid = 1 };
enum class Activation : int8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4 };

// Options tables; defaults are the schema's.
struct Conv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 0, stride_h = 0;
  Activation activation = Activation::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
  bool operator==(const Conv2DOptions&) const = default;
};
struct DepthwiseConv2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 0, stride_h = 0;
  int32_t depth_multiplier = 0;
  Activation activation = Activation::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
  bool operator==(const DepthwiseConv2DOptions&) const = default;
};
struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  int8_t weights_format = 0;  // DEFAULT
  bool keep_num_dims = false;
  bool asymmetric_quantize_inputs = false;
  bool operator==(const FullyConnectedOptions&) const = default;
};
struct Pool2DOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 0, stride_h = 0;
  int32_t filter_w = 0, filter_h = 0;
  Activation activation = Activation::kNone;
  bool operator==(const Pool2DOptions&) const = default;
};
struct ReshapeOptions {
  std::optional<std::vector<int32_t>> new_shape;
  bool operator==(const ReshapeOptions&) const = default;
};
struct SoftmaxOptions {
  float beta = 0.0f;
  bool operator==(const SoftmaxOptions&) const = default;
};
struct AddOptions {
  Activation activation = Activation::kNone;
  bool pot_scale_int16 = true;
  bool operator==(const AddOptions&) const = default;
};
struct MulOptions {
  Activation activation = Activation::kNone;
  bool operator==(const MulOptions&) const = default;
};
struct ConcatenationOptions {
  int32_t axis = 0;
  Activation activation = Activation::kNone;
  bool operator==(const ConcatenationOptions&) const = default;
};
struct ReducerOptions {  // MEAN, SUM, ... (union member "ReducerOptions", ex "MeanOptions")
  bool keep_dims = false;
  bool operator==(const ReducerOptions&) const = default;
};
struct PadOptions {
  bool operator==(const PadOptions&) const = default;
};
// An options table this module does not model: kept as its union index only (written as an empty table).
struct OtherOptions {
  uint8_t union_type = 0;
  bool operator==(const OtherOptions&) const = default;
};

using BuiltinOptions = std::variant<std::monostate, Conv2DOptions, DepthwiseConv2DOptions, FullyConnectedOptions,
                                    Pool2DOptions, ReshapeOptions, SoftmaxOptions, AddOptions, MulOptions,
                                    ConcatenationOptions, ReducerOptions, PadOptions, OtherOptions>;
// BuiltinOptions union index of the variant's alternative (0 for monostate).
uint8_t BuiltinOptionsUnionType(const BuiltinOptions& options);

struct QuantizationDef {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  bool operator==(const QuantizationDef&) const = default;
};

struct TensorDef {
  std::vector<int32_t> shape;
  TensorType type = TensorType::kInt8;
  uint32_t buffer = 0;  // index into ModelDef::buffers; 0 is the empty buffer (activations)
  std::string name;
  std::optional<QuantizationDef> quantization;
  bool is_variable = false;
  bool operator==(const TensorDef&) const = default;
};

struct OperatorCodeDef {
  int32_t builtin_code = 0;
  int32_t version = 1;
  std::string custom_code;
  bool operator==(const OperatorCodeDef&) const = default;
};

struct OperatorDef {
  uint32_t opcode_index = 0;    // into ModelDef::operator_codes
  std::vector<int32_t> inputs;  // tensor indices; -1 = optional input absent
  std::vector<int32_t> outputs;
  BuiltinOptions options;
  bool operator==(const OperatorDef&) const = default;
};

struct ModelDef {
  uint32_t version = 3;
  std::string description;
  std::vector<OperatorCodeDef> operator_codes;
  // One subgraph.
  std::string subgraph_name;
  std::vector<TensorDef> tensors;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<OperatorDef> operators;
  // buffers[0] must be empty (TFLite convention: the sentinel buffer of activations).
  std::vector<std::vector<uint8_t>> buffers;
  bool operator==(const ModelDef&) const = default;

  int32_t builtin_code(const OperatorDef& op) const { return operator_codes.at(op.opcode_index).builtin_code; }
  // Index of the operator code (builtin, version), appended when new.
  uint32_t OpcodeIndex(BuiltinOp op, int32_t version);
};

}  // namespace hil::model
