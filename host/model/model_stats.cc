#include "hil/model/model_stats.h"

#include <algorithm>
#include <map>

#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

uint64_t Elements(const std::vector<int32_t>& shape) {
  uint64_t n = 1;
  for (int32_t d : shape) n *= static_cast<uint64_t>(std::max(d, 0));
  return n;
}

const char* ActivationName(Activation a) {
  switch (a) {
    case Activation::kNone:
      return "";
    case Activation::kRelu:
      return " RELU";
    case Activation::kReluN1To1:
      return " RELU_N1_TO_1";
    case Activation::kRelu6:
      return " RELU6";
    case Activation::kTanh:
      return " TANH";
  }
  return " ?";
}
const char* PaddingName(Padding p) { return p == Padding::kSame ? "SAME" : "VALID"; }

// Weighted operators beyond the three MLPerf Tiny uses, counted the same way (one multiply-accumulate
// per weight use):
//   TRANSPOSE_CONV  input_elements x kernel_h x kernel_w x out_channels   (weights [oc, kh, kw, ic])
//   BATCH_MATMUL    out_elements x the contracted dimension
//   SVDF            batch x features x (input size + memory size)
//   UNIDIRECTIONAL_SEQUENCE_LSTM  steps x batch x (elements of every input and recurrent weight matrix)
uint64_t OtherOperatorMacs(const ModelDef& m, const OperatorDef& op) {
  auto shape = [&](size_t k) -> std::vector<int32_t> {
    if (k >= op.inputs.size() || op.inputs[k] < 0) return {};
    return m.tensors[op.inputs[k]].shape;
  };
  auto out = [&]() -> std::vector<int32_t> { return op.outputs.empty() ? std::vector<int32_t>{} : m.tensors[op.outputs[0]].shape; };
  switch (m.builtin_code(op)) {
    case 67: {  // TRANSPOSE_CONV: output_shape, weights, input, bias
      const auto w = shape(1);
      return w.size() == 4 ? Elements(shape(2)) * static_cast<uint64_t>(w[1]) * w[2] * w[0] : 0;
    }
    case 126: {  // BATCH_MATMUL: lhs [..., M, K] (adj_x, whose options are not modelled here, is rare)
      const auto lhs = shape(0);
      return lhs.size() < 2 ? 0 : Elements(out()) * static_cast<uint64_t>(lhs.back());
    }
    case 27: {  // SVDF: input [batch, input], weights_feature [features, input], weights_time [features, memory]
      const auto in = shape(0), wf = shape(1), wt = shape(2);
      if (in.size() != 2 || wf.size() != 2 || wt.size() != 2) return 0;
      return static_cast<uint64_t>(in[0]) * wf[0] * (static_cast<uint64_t>(wf[1]) + wt[1]);
    }
    case 44: {  // UNIDIRECTIONAL_SEQUENCE_LSTM: inputs 1-4 input weights [units, input], 5-8 recurrent
      const auto in = shape(0);
      if (in.empty() || in.back() <= 0) return 0;
      const uint64_t steps_x_batch = Elements(in) / static_cast<uint64_t>(in.back());
      uint64_t weights = 0;
      for (size_t k = 1; k <= 8; ++k) weights += shape(k).empty() ? 0 : Elements(shape(k));
      return steps_x_batch * weights;
    }
    default:
      return 0;
  }
}

}  // namespace

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

std::vector<std::string> OperatorNames(const ModelDef& model) {
  std::vector<std::string> names;
  for (const OperatorDef& op : model.operators)
    names.push_back(op.opcode_index < model.operator_codes.size() ? BuiltinOpName(model.builtin_code(op)) : "?");
  return names;
}

std::string OperatorSummary(const ModelDef& model) {
  std::vector<std::string> order;
  std::map<std::string, int> counts;
  for (const std::string& n : OperatorNames(model)) {
    if (counts[n]++ == 0) order.push_back(n);
  }
  std::string s;
  for (const std::string& n : order) {
    if (!s.empty()) s += ", ";
    s += n;
    if (counts[n] > 1) s += " x" + std::to_string(counts[n]);
  }
  return s;
}

std::expected<ModelStats, std::string> AnalyzeModel(const ModelDef& m) {
  if (auto ok = ValidateModel(m, /*quantization=*/false); !ok) return std::unexpected(ok.error());
  ModelStats stats;
  for (const auto& b : m.buffers) stats.constant_bytes += b.size();
  for (int32_t i : m.inputs) stats.input_shapes.push_back(m.tensors[i].shape);
  for (int32_t i : m.outputs) stats.output_shapes.push_back(m.tensors[i].shape);

  auto shape_of = [&](const OperatorDef& op, size_t k, bool input) -> std::vector<int32_t> {
    const auto& list = input ? op.inputs : op.outputs;
    if (k >= list.size() || list[k] < 0) return {};
    return m.tensors[list[k]].shape;
  };
  for (size_t i = 0; i < m.operators.size(); ++i) {
    const OperatorDef& op = m.operators[i];
    OpStats s;
    s.index = static_cast<int>(i);
    s.builtin_code = m.builtin_code(op);
    s.name = BuiltinOpName(s.builtin_code);
    s.input_shape = shape_of(op, 0, true);
    s.output_shape = shape_of(op, 0, false);
    const std::vector<int32_t> filter = shape_of(op, 1, true);
    const uint64_t out = Elements(s.output_shape);
    switch (static_cast<BuiltinOp>(s.builtin_code)) {
      case BuiltinOp::kConv2d:
        if (filter.size() == 4) s.macs = out * static_cast<uint64_t>(filter[1]) * filter[2] * filter[3];
        if (auto* o = std::get_if<Conv2DOptions>(&op.options); o && filter.size() == 4)
          s.detail = std::to_string(filter[1]) + "x" + std::to_string(filter[2]) + " s" + std::to_string(o->stride_h) +
                     (o->stride_w != o->stride_h ? "," + std::to_string(o->stride_w) : "") + " " +
                     PaddingName(o->padding) + ActivationName(o->activation);
        break;
      case BuiltinOp::kDepthwiseConv2d:
        if (filter.size() == 4) s.macs = out * static_cast<uint64_t>(filter[1]) * filter[2];
        if (auto* o = std::get_if<DepthwiseConv2DOptions>(&op.options); o && filter.size() == 4)
          s.detail = std::to_string(filter[1]) + "x" + std::to_string(filter[2]) + " s" + std::to_string(o->stride_h) +
                     (o->stride_w != o->stride_h ? "," + std::to_string(o->stride_w) : "") + " " +
                     PaddingName(o->padding) + ActivationName(o->activation);
        break;
      case BuiltinOp::kFullyConnected:
        if (filter.size() == 2) s.macs = out * static_cast<uint64_t>(filter[1]);
        if (auto* o = std::get_if<FullyConnectedOptions>(&op.options)) {
          s.detail = ActivationName(o->activation);
          if (!s.detail.empty()) s.detail.erase(0, 1);
        }
        break;
      case BuiltinOp::kAveragePool2d:
      case BuiltinOp::kMaxPool2d:
        if (auto* o = std::get_if<Pool2DOptions>(&op.options))
          s.detail = std::to_string(o->filter_h) + "x" + std::to_string(o->filter_w) + " s" +
                     std::to_string(o->stride_h) + " " + PaddingName(o->padding) + ActivationName(o->activation);
        break;
      case BuiltinOp::kAdd:
        if (auto* o = std::get_if<AddOptions>(&op.options)) {
          s.detail = ActivationName(o->activation);
          if (!s.detail.empty()) s.detail.erase(0, 1);
        }
        break;
      default:
        s.macs = OtherOperatorMacs(m, op);
        break;
    }
    stats.total_macs += s.macs;
    stats.ops.push_back(std::move(s));
  }

  // Activation bytes live across each operator: a tensor lives from its producer (or the start, for
  // inputs) to its last consumer (or the end, for outputs). Constants are not counted.
  const size_t n_ops = m.operators.size();
  std::vector<int64_t> first(m.tensors.size(), -1), last(m.tensors.size(), -1);
  auto is_activation = [&](int32_t t) { return t >= 0 && m.buffers[m.tensors[t].buffer].empty(); };
  for (int32_t t : m.inputs) first[t] = 0;
  for (size_t i = 0; i < n_ops; ++i) {
    for (int32_t t : m.operators[i].outputs)
      if (is_activation(t) && first[t] < 0) first[t] = static_cast<int64_t>(i);
    for (int32_t t : m.operators[i].inputs)
      if (is_activation(t)) last[t] = static_cast<int64_t>(i);
  }
  for (int32_t t : m.outputs) last[t] = static_cast<int64_t>(n_ops);
  for (size_t i = 0; i < n_ops; ++i) {
    uint64_t live = 0;
    for (size_t t = 0; t < m.tensors.size(); ++t)
      if (first[t] >= 0 && first[t] <= static_cast<int64_t>(i) && last[t] >= static_cast<int64_t>(i))
        live += Elements(m.tensors[t].shape) * static_cast<uint64_t>(TensorTypeBytes(m.tensors[t].type));
    stats.activation_bytes_peak = std::max(stats.activation_bytes_peak, live);
  }
  return stats;
}

std::expected<ModelStats, std::string> AnalyzeTflite(std::span<const uint8_t> bytes) {
  auto model = ReadTflite(bytes);
  if (!model) return std::unexpected(model.error());
  return AnalyzeModel(*model);
}

}  // namespace hil::model
