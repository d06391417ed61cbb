#include "hil/model/tflite_io.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "hil/core/file.h"
#include "hil/model/flatbuffer_builder.h"
#include "hil/model/flatbuffer_reader.h"

namespace hil::model {
namespace {

constexpr std::string_view kFileIdentifier = "TFL3";

// schema.fbs field ids.
namespace model_f {
enum { kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4 };
}
namespace subgraph_f {
enum { kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3, kName = 4 };
}
namespace tensor_f {
enum { kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kIsVariable = 5 };
}
namespace quant_f {
enum { kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kDetailsType = 4, kDetails = 5, kQuantizedDimension = 6 };
}
namespace buffer_f {
enum { kData = 0, kOffset = 1, kSize = 2 };
}
namespace operator_f {
enum { kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kOptionsType = 3, kOptions = 4, kCustomOptions = 5 };
}
namespace opcode_f {
enum { kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3 };
}
constexpr int32_t kPlaceholderForGreaterOpCodes = 127;

std::string TensorLabel(const ModelDef& m, size_t i) {
  return "tensor " + std::to_string(i) + " (" + m.tensors[i].name + ")";
}

int64_t ElementCount(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// ---- writing ----

FlatOffset WriteOptions(FlatBufferBuilder& b, const BuiltinOptions& options) {
  struct Visitor {
    FlatBufferBuilder& b;
    FlatOffset operator()(std::monostate) const { return {}; }
    FlatOffset operator()(const Conv2DOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.padding), 0);
      b.AddInt32(1, o.stride_w, 0);
      b.AddInt32(2, o.stride_h, 0);
      b.AddInt8(3, static_cast<int8_t>(o.activation), 0);
      b.AddInt32(4, o.dilation_w, 1);
      b.AddInt32(5, o.dilation_h, 1);
      return b.EndTable();
    }
    FlatOffset operator()(const DepthwiseConv2DOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.padding), 0);
      b.AddInt32(1, o.stride_w, 0);
      b.AddInt32(2, o.stride_h, 0);
      b.AddInt32(3, o.depth_multiplier, 0);
      b.AddInt8(4, static_cast<int8_t>(o.activation), 0);
      b.AddInt32(5, o.dilation_w, 1);
      b.AddInt32(6, o.dilation_h, 1);
      return b.EndTable();
    }
    FlatOffset operator()(const FullyConnectedOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.activation), 0);
      b.AddInt8(1, o.weights_format, 0);
      b.AddBool(2, o.keep_num_dims, false);
      b.AddBool(3, o.asymmetric_quantize_inputs, false);
      return b.EndTable();
    }
    FlatOffset operator()(const Pool2DOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.padding), 0);
      b.AddInt32(1, o.stride_w, 0);
      b.AddInt32(2, o.stride_h, 0);
      b.AddInt32(3, o.filter_w, 0);
      b.AddInt32(4, o.filter_h, 0);
      b.AddInt8(5, static_cast<int8_t>(o.activation), 0);
      return b.EndTable();
    }
    FlatOffset operator()(const ReshapeOptions& o) const {
      FlatOffset shape;
      if (o.new_shape) shape = b.CreateVector(*o.new_shape);
      b.StartTable();
      b.AddOffset(0, shape);
      return b.EndTable();
    }
    FlatOffset operator()(const SoftmaxOptions& o) const {
      b.StartTable();
      b.AddFloat(0, o.beta, 0.0f);
      return b.EndTable();
    }
    FlatOffset operator()(const AddOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.activation), 0);
      b.AddBool(1, o.pot_scale_int16, true);
      return b.EndTable();
    }
    FlatOffset operator()(const MulOptions& o) const {
      b.StartTable();
      b.AddInt8(0, static_cast<int8_t>(o.activation), 0);
      return b.EndTable();
    }
    FlatOffset operator()(const ConcatenationOptions& o) const {
      b.StartTable();
      b.AddInt32(0, o.axis, 0);
      b.AddInt8(1, static_cast<int8_t>(o.activation), 0);
      return b.EndTable();
    }
    FlatOffset operator()(const ReducerOptions& o) const {
      b.StartTable();
      b.AddBool(0, o.keep_dims, false);
      return b.EndTable();
    }
    FlatOffset operator()(const PadOptions&) const {
      b.StartTable();
      return b.EndTable();
    }
    FlatOffset operator()(const OtherOptions&) const {
      b.StartTable();
      return b.EndTable();
    }
  };
  return std::visit(Visitor{b}, options);
}

std::vector<uint8_t> Serialise(const ModelDef& m) {
  FlatBufferBuilder b;
  // Buffers first: the builder writes back to front, so the bulky constant data ends up at the end of
  // the file, after the small tables a reader walks, as the TFLite converter lays it out.
  std::vector<FlatOffset> buffers;
  for (size_t i = m.buffers.size(); i-- > 0;) {
    FlatOffset data;
    if (!m.buffers[i].empty()) data = b.CreateByteVector(m.buffers[i], 16);
    b.StartTable();
    b.AddOffset(buffer_f::kData, data);
    buffers.push_back(b.EndTable());
  }
  std::reverse(buffers.begin(), buffers.end());

  std::vector<FlatOffset> operators;
  for (const OperatorDef& op : m.operators) {
    FlatOffset inputs = b.CreateVector(op.inputs);
    FlatOffset outputs = b.CreateVector(op.outputs);
    FlatOffset options = WriteOptions(b, op.options);
    b.StartTable();
    b.AddUint32(operator_f::kOpcodeIndex, op.opcode_index, 0);
    b.AddOffset(operator_f::kInputs, inputs);
    b.AddOffset(operator_f::kOutputs, outputs);
    b.AddUint8(operator_f::kOptionsType, BuiltinOptionsUnionType(op.options), 0);
    b.AddOffset(operator_f::kOptions, options);
    operators.push_back(b.EndTable());
  }

  std::vector<FlatOffset> tensors;
  for (const TensorDef& t : m.tensors) {
    FlatOffset shape = b.CreateVector(t.shape);
    FlatOffset name = b.CreateString(t.name);
    FlatOffset quant;
    if (t.quantization) {
      FlatOffset scale, zero_point;
      if (!t.quantization->scale.empty()) scale = b.CreateVector(t.quantization->scale);
      if (!t.quantization->zero_point.empty()) zero_point = b.CreateVector(t.quantization->zero_point);
      b.StartTable();
      b.AddOffset(quant_f::kScale, scale);
      b.AddOffset(quant_f::kZeroPoint, zero_point);
      b.AddInt32(quant_f::kQuantizedDimension, t.quantization->quantized_dimension, 0);
      quant = b.EndTable();
    }
    b.StartTable();
    b.AddOffset(tensor_f::kShape, shape);
    b.AddInt8(tensor_f::kType, static_cast<int8_t>(t.type), 0);
    b.AddUint32(tensor_f::kBuffer, t.buffer, 0);
    b.AddOffset(tensor_f::kName, name);
    b.AddOffset(tensor_f::kQuantization, quant);
    b.AddBool(tensor_f::kIsVariable, t.is_variable, false);
    tensors.push_back(b.EndTable());
  }

  FlatOffset sg_tensors = b.CreateOffsetVector(tensors);
  FlatOffset sg_inputs = b.CreateVector(m.inputs);
  FlatOffset sg_outputs = b.CreateVector(m.outputs);
  FlatOffset sg_operators = b.CreateOffsetVector(operators);
  FlatOffset sg_name = b.CreateString(m.subgraph_name);
  b.StartTable();
  b.AddOffset(subgraph_f::kTensors, sg_tensors);
  b.AddOffset(subgraph_f::kInputs, sg_inputs);
  b.AddOffset(subgraph_f::kOutputs, sg_outputs);
  b.AddOffset(subgraph_f::kOperators, sg_operators);
  b.AddOffset(subgraph_f::kName, sg_name);
  FlatOffset subgraph = b.EndTable();

  std::vector<FlatOffset> codes;
  for (const OperatorCodeDef& c : m.operator_codes) {
    FlatOffset custom;
    if (!c.custom_code.empty()) custom = b.CreateString(c.custom_code);
    b.StartTable();
    // Readers take max(deprecated_builtin_code, builtin_code); old readers only know field 0.
    b.AddInt8(opcode_f::kDeprecatedBuiltinCode,
              static_cast<int8_t>(std::min(c.builtin_code, kPlaceholderForGreaterOpCodes)), 0, true);
    b.AddOffset(opcode_f::kCustomCode, custom);
    b.AddInt32(opcode_f::kVersion, c.version, 1);
    b.AddInt32(opcode_f::kBuiltinCode, c.builtin_code, 0, true);
    codes.push_back(b.EndTable());
  }

  FlatOffset model_codes = b.CreateOffsetVector(codes);
  FlatOffset model_subgraphs = b.CreateOffsetVector(std::vector<FlatOffset>{subgraph});
  FlatOffset model_description = b.CreateString(m.description);
  FlatOffset model_buffers = b.CreateOffsetVector(buffers);
  b.StartTable();
  b.AddUint32(model_f::kVersion, m.version, 0, true);
  b.AddOffset(model_f::kOperatorCodes, model_codes);
  b.AddOffset(model_f::kSubgraphs, model_subgraphs);
  b.AddOffset(model_f::kDescription, model_description);
  b.AddOffset(model_f::kBuffers, model_buffers);
  FlatOffset root = b.EndTable();
  return b.Finish(root, kFileIdentifier);
}

// ---- reading ----

Activation ToActivation(int8_t v) { return static_cast<Activation>(v); }
Padding ToPadding(int8_t v) { return static_cast<Padding>(v); }

BuiltinOptions ReadOptions(uint8_t type, const std::optional<FlatTable>& t) {
  if (type == 0) return std::monostate{};
  if (!t) throw FlatError("operator names options type " + std::to_string(type) + " without a table");
  switch (type) {
    case 1: {
      Conv2DOptions o;
      o.padding = ToPadding(t->Scalar<int8_t>(0, 0));
      o.stride_w = t->Scalar<int32_t>(1, 0);
      o.stride_h = t->Scalar<int32_t>(2, 0);
      o.activation = ToActivation(t->Scalar<int8_t>(3, 0));
      o.dilation_w = t->Scalar<int32_t>(4, 1);
      o.dilation_h = t->Scalar<int32_t>(5, 1);
      return o;
    }
    case 2: {
      DepthwiseConv2DOptions o;
      o.padding = ToPadding(t->Scalar<int8_t>(0, 0));
      o.stride_w = t->Scalar<int32_t>(1, 0);
      o.stride_h = t->Scalar<int32_t>(2, 0);
      o.depth_multiplier = t->Scalar<int32_t>(3, 0);
      o.activation = ToActivation(t->Scalar<int8_t>(4, 0));
      o.dilation_w = t->Scalar<int32_t>(5, 1);
      o.dilation_h = t->Scalar<int32_t>(6, 1);
      return o;
    }
    case 5: {
      Pool2DOptions o;
      o.padding = ToPadding(t->Scalar<int8_t>(0, 0));
      o.stride_w = t->Scalar<int32_t>(1, 0);
      o.stride_h = t->Scalar<int32_t>(2, 0);
      o.filter_w = t->Scalar<int32_t>(3, 0);
      o.filter_h = t->Scalar<int32_t>(4, 0);
      o.activation = ToActivation(t->Scalar<int8_t>(5, 0));
      return o;
    }
    case 8: {
      FullyConnectedOptions o;
      o.activation = ToActivation(t->Scalar<int8_t>(0, 0));
      o.weights_format = t->Scalar<int8_t>(1, 0);
      o.keep_num_dims = t->Scalar<uint8_t>(2, 0) != 0;
      o.asymmetric_quantize_inputs = t->Scalar<uint8_t>(3, 0) != 0;
      return o;
    }
    case 9:
      return SoftmaxOptions{t->Scalar<float>(0, 0.0f)};
    case 10:
      return ConcatenationOptions{t->Scalar<int32_t>(0, 0), ToActivation(t->Scalar<int8_t>(1, 0))};
    case 11:
      return AddOptions{ToActivation(t->Scalar<int8_t>(0, 0)), t->Scalar<uint8_t>(1, 1) != 0};
    case 17:
      return ReshapeOptions{t->Vector<int32_t>(0)};
    case 21:
      return MulOptions{ToActivation(t->Scalar<int8_t>(0, 0))};
    case 22:
      return PadOptions{};
    case 27:
      return ReducerOptions{t->Scalar<uint8_t>(0, 0) != 0};
    default:
      return OtherOptions{type};
  }
}

ModelDef Parse(std::span<const uint8_t> bytes) {
  if (FileIdentifier(bytes) != kFileIdentifier) throw FlatError("file identifier is not \"TFL3\" (not a TFLite model)");
  FlatTable root = RootTable(bytes);
  ModelDef m;
  m.version = root.Scalar<uint32_t>(model_f::kVersion, 0);
  m.description = root.String(model_f::kDescription);
  for (const FlatTable& c : root.TableVector(model_f::kOperatorCodes)) {
    OperatorCodeDef code;
    const int32_t deprecated = c.Scalar<int8_t>(opcode_f::kDeprecatedBuiltinCode, 0);
    code.builtin_code = std::max(deprecated, c.Scalar<int32_t>(opcode_f::kBuiltinCode, 0));
    code.version = c.Scalar<int32_t>(opcode_f::kVersion, 1);
    code.custom_code = c.String(opcode_f::kCustomCode);
    m.operator_codes.push_back(code);
  }
  for (const FlatTable& buf : root.TableVector(model_f::kBuffers)) {
    if (buf.Scalar<uint64_t>(buffer_f::kOffset, 0) > 1)
      throw FlatError("buffers stored outside the flatbuffer (offset/size) are not supported");
    auto data = buf.Bytes(buffer_f::kData);
    m.buffers.emplace_back(data ? std::vector<uint8_t>(data->begin(), data->end()) : std::vector<uint8_t>{});
  }
  std::vector<FlatTable> subgraphs = root.TableVector(model_f::kSubgraphs);
  if (subgraphs.empty()) throw FlatError("model has no subgraph");
  const FlatTable& sg = subgraphs[0];
  m.subgraph_name = sg.String(subgraph_f::kName);
  m.inputs = sg.Vector<int32_t>(subgraph_f::kInputs).value_or(std::vector<int32_t>{});
  m.outputs = sg.Vector<int32_t>(subgraph_f::kOutputs).value_or(std::vector<int32_t>{});
  for (const FlatTable& t : sg.TableVector(subgraph_f::kTensors)) {
    TensorDef tensor;
    tensor.shape = t.Vector<int32_t>(tensor_f::kShape).value_or(std::vector<int32_t>{});
    tensor.type = static_cast<TensorType>(t.Scalar<int8_t>(tensor_f::kType, 0));
    tensor.buffer = t.Scalar<uint32_t>(tensor_f::kBuffer, 0);
    tensor.name = t.String(tensor_f::kName);
    tensor.is_variable = t.Scalar<uint8_t>(tensor_f::kIsVariable, 0) != 0;
    if (auto q = t.Table(tensor_f::kQuantization)) {
      QuantizationDef quant;
      quant.scale = q->Vector<float>(quant_f::kScale).value_or(std::vector<float>{});
      quant.zero_point = q->Vector<int64_t>(quant_f::kZeroPoint).value_or(std::vector<int64_t>{});
      quant.quantized_dimension = q->Scalar<int32_t>(quant_f::kQuantizedDimension, 0);
      tensor.quantization = quant;
    }
    m.tensors.push_back(std::move(tensor));
  }
  for (const FlatTable& o : sg.TableVector(subgraph_f::kOperators)) {
    OperatorDef op;
    op.opcode_index = o.Scalar<uint32_t>(operator_f::kOpcodeIndex, 0);
    op.inputs = o.Vector<int32_t>(operator_f::kInputs).value_or(std::vector<int32_t>{});
    op.outputs = o.Vector<int32_t>(operator_f::kOutputs).value_or(std::vector<int32_t>{});
    op.options = ReadOptions(o.Scalar<uint8_t>(operator_f::kOptionsType, 0), o.Table(operator_f::kOptions));
    m.operators.push_back(std::move(op));
  }
  return m;
}

}  // namespace

std::expected<void, std::string> ValidateModel(const ModelDef& m, bool quantization) {
  auto fail = [](std::string s) { return std::unexpected(std::move(s)); };
  if (m.buffers.empty() || !m.buffers[0].empty()) return fail("buffer 0 must exist and be empty");
  if (m.inputs.empty() || m.outputs.empty()) return fail("subgraph needs at least one input and one output");
  const int64_t tensor_count = static_cast<int64_t>(m.tensors.size());
  auto bad_index = [&](int32_t i, bool allow_absent) {
    return allow_absent && i == -1 ? false : (i < 0 || i >= tensor_count);
  };
  for (int32_t i : m.inputs)
    if (bad_index(i, false)) return fail("subgraph input " + std::to_string(i) + " is not a tensor");
  for (int32_t i : m.outputs)
    if (bad_index(i, false)) return fail("subgraph output " + std::to_string(i) + " is not a tensor");
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const TensorDef& t = m.tensors[i];
    if (t.buffer >= m.buffers.size()) return fail(TensorLabel(m, i) + " names a missing buffer");
    for (int32_t d : t.shape)
      if (d < 0) return fail(TensorLabel(m, i) + " has a negative dimension");
    const auto& data = m.buffers[t.buffer];
    // int4 packs two elements per byte; a string tensor's size is its own business.
    if (!data.empty() && t.type != TensorType::kString) {
      const int64_t n = ElementCount(t.shape);
      const int64_t want = t.type == TensorType::kInt4 ? (n + 1) / 2 : n * TensorTypeBytes(t.type);
      if (static_cast<int64_t>(data.size()) != want)
        return fail(TensorLabel(m, i) + " has " + std::to_string(data.size()) + " bytes of data, its shape needs " +
                    std::to_string(want));
    }
    if (t.quantization && quantization) {
      const QuantizationDef& q = *t.quantization;
      if (q.scale.size() != q.zero_point.size() && !q.zero_point.empty())
        return fail(TensorLabel(m, i) + " has different numbers of scales and zero points");
      if (q.scale.size() > 1) {
        if (q.quantized_dimension < 0 || q.quantized_dimension >= static_cast<int32_t>(t.shape.size()) ||
            t.shape[q.quantized_dimension] != static_cast<int32_t>(q.scale.size()))
          return fail(TensorLabel(m, i) + " has " + std::to_string(q.scale.size()) +
                      " per-channel scales, not the size of its quantized dimension");
      }
      for (float s : q.scale)
        if (!(s > 0.0f)) return fail(TensorLabel(m, i) + " has a scale that is not positive");
    }
  }
  for (size_t i = 0; i < m.operators.size(); ++i) {
    const OperatorDef& op = m.operators[i];
    if (op.opcode_index >= m.operator_codes.size())
      return fail("operator " + std::to_string(i) + " names a missing operator code");
    for (int32_t t : op.inputs)
      if (bad_index(t, true))
        return fail("operator " + std::to_string(i) + " input " + std::to_string(t) + " is not a tensor");
    for (int32_t t : op.outputs)
      if (bad_index(t, false))
        return fail("operator " + std::to_string(i) + " output " + std::to_string(t) + " is not a tensor");
  }
  return {};
}

std::expected<std::vector<uint8_t>, std::string> WriteTflite(const ModelDef& model) {
  if (auto ok = ValidateModel(model); !ok) return std::unexpected("invalid model: " + ok.error());
  try {
    return Serialise(model);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("writing the flatbuffer failed: ") + e.what());
  }
}

std::expected<ModelDef, std::string> ReadTflite(std::span<const uint8_t> bytes) {
  ModelDef model;
  try {
    model = Parse(bytes);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("malformed .tflite: ") + e.what());
  }
  if (auto ok = ValidateModel(model, /*quantization=*/false); !ok) return std::unexpected("invalid .tflite: " + ok.error());
  return model;
}

std::expected<std::vector<uint8_t>, std::string> ReadFileBytes(const std::string& path, uint64_t max_bytes) {
  // A directory, a FIFO or a device (/dev/zero) would otherwise fail deep in the stream library,
  // block, or grow without bound: ReadRegularFileBytes checks the open file first.
  auto bytes = ReadRegularFileBytes(path, max_bytes);
  if (!bytes) return std::unexpected(bytes.error().message);
  return std::move(*bytes);
}

std::expected<void, std::string> WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::unexpected(path + ": cannot create (" + std::strerror(errno) + ")");
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return std::unexpected(path + ": write failed");
  return {};
}

}  // namespace hil::model
