#include "hil/model/tflite_model.h"

#include "hil/engine/interpreter.h"

namespace hil::model {

int TensorTypeBytes(TensorType type) {
  switch (type) {
    case TensorType::kFloat32:
    case TensorType::kInt32:
    case TensorType::kUint32:
      return 4;
    case TensorType::kFloat16:
    case TensorType::kInt16:
    case TensorType::kUint16:
      return 2;
    case TensorType::kUint8:
    case TensorType::kBool:
    case TensorType::kInt8:
      return 1;
    case TensorType::kInt64:
    case TensorType::kUint64:
    case TensorType::kFloat64:
    case TensorType::kComplex64:
      return 8;
    case TensorType::kString:
    case TensorType::kInt4:  // two per byte: not a whole number of bytes per element
      return 0;
  }
  return 0;
}

const char* TensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::kFloat32: return "float32";
    case TensorType::kFloat16: return "float16";
    case TensorType::kInt32: return "int32";
    case TensorType::kUint8: return "uint8";
    case TensorType::kInt64: return "int64";
    case TensorType::kString: return "string";
    case TensorType::kBool: return "bool";
    case TensorType::kInt16: return "int16";
    case TensorType::kComplex64: return "complex64";
    case TensorType::kInt8: return "int8";
    case TensorType::kFloat64: return "float64";
    case TensorType::kUint64: return "uint64";
    case TensorType::kUint32: return "uint32";
    case TensorType::kUint16: return "uint16";
    case TensorType::kInt4: return "int4";
  }
  return "unknown";
}

std::string BuiltinOpName(int32_t code) {
  // The engine's table of the schema's names (host may use the engine; it has them all).
  if (code >= 0 && code <= 0xFFFF) {
    const std::string name = agent::engine::OpcodeName(static_cast<uint16_t>(code));
    if (name != "UNKNOWN") return name;
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
