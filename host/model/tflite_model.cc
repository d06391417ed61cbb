#include "hil/model/tflite_model.h"

namespace hil::model {

int TensorTypeBytes(TensorType type) {
  switch (type) {
    case TensorType::kFloat32:
      return 4;
    case TensorType::kInt32:
      return 4;
    case TensorType::kUint8:
      return 1;
    case TensorType::kInt64:
      return 8;
    case TensorType::kInt16:
      return 2;
    case TensorType::kInt8:
      return 1;
  }
  return 0;
}

const char* TensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::kFloat32:
      return "float32";
    case TensorType::kInt32:
      return "int32";
    case TensorType::kUint8:
      return "uint8";
    case TensorType::kInt64:
      return "int64";
    case TensorType::kInt16:
      return "int16";
    case TensorType::kInt8:
      return "int8";
  }
  return "unknown";
}

std::string BuiltinOpName(int32_t code) {
  switch (static_cast<BuiltinOp>(code)) {
    case BuiltinOp::kAdd:
      return "ADD";
    case BuiltinOp::kAveragePool2d:
      return "AVERAGE_POOL_2D";
    case BuiltinOp::kConcatenation:
      return "CONCATENATION";
    case BuiltinOp::kConv2d:
      return "CONV_2D";
    case BuiltinOp::kDepthwiseConv2d:
      return "DEPTHWISE_CONV_2D";
    case BuiltinOp::kFullyConnected:
      return "FULLY_CONNECTED";
    case BuiltinOp::kLogistic:
      return "LOGISTIC";
    case BuiltinOp::kMaxPool2d:
      return "MAX_POOL_2D";
    case BuiltinOp::kMul:
      return "MUL";
    case BuiltinOp::kRelu:
      return "RELU";
    case BuiltinOp::kRelu6:
      return "RELU6";
    case BuiltinOp::kReshape:
      return "RESHAPE";
    case BuiltinOp::kSoftmax:
      return "SOFTMAX";
    case BuiltinOp::kPad:
      return "PAD";
    case BuiltinOp::kMean:
      return "MEAN";
    case BuiltinOp::kQuantize:
      return "QUANTIZE";
  }
  return "BUILTIN_" + std::to_string(code);
}

uint8_t BuiltinOptionsUnionType(const BuiltinOptions& options) {
  struct Visitor {
    uint8_t operator()(std::monostate) const { return 0; }
    uint8_t operator()(const Conv2DOptions&) const { return 1; }
    uint8_t operator()(const DepthwiseConv2DOptions&) const { return 2; }
    uint8_t operator()(const Pool2DOptions&) const { return 5; }
    uint8_t operator()(const FullyConnectedOptions&) const { return 8; }
    uint8_t operator()(const SoftmaxOptions&) const { return 9; }
    uint8_t operator()(const ConcatenationOptions&) const { return 10; }
    uint8_t operator()(const AddOptions&) const { return 11; }
    uint8_t operator()(const ReshapeOptions&) const { return 17; }
    uint8_t operator()(const MulOptions&) const { return 21; }
    uint8_t operator()(const PadOptions&) const { return 22; }
    uint8_t operator()(const ReducerOptions&) const { return 27; }
    uint8_t operator()(const OtherOptions& o) const { return o.union_type; }
  };
  return std::visit(Visitor{}, options);
}

uint32_t ModelDef::OpcodeIndex(BuiltinOp op, int32_t version) {
  for (size_t i = 0; i < operator_codes.size(); ++i)
    if (operator_codes[i].builtin_code == static_cast<int32_t>(op) && operator_codes[i].version == version &&
        operator_codes[i].custom_code.empty())
      return static_cast<uint32_t>(i);
  operator_codes.push_back({static_cast<int32_t>(op), version, {}});
  return static_cast<uint32_t>(operator_codes.size() - 1);
}

}  // namespace hil::model
