#include "hil/model/inspect.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "hil/engine/interpreter.h"
#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"

namespace hil::model {
namespace {

namespace engine = agent::engine;

// The arena the host gives the engine to plan in: far more than any microcontroller has, so the
// plan's size is the model's need, not a shortfall. Pages the plan does not touch are never mapped.
constexpr size_t kHostArenaBytes = size_t{256} << 20;

uint64_t TensorBytes(const TensorDef& t) {
  uint64_t n = 1;
  for (int32_t d : t.shape) n *= static_cast<uint64_t>(std::max(d, 0));
  if (t.type == TensorType::kInt4) return (n + 1) / 2;
  return n * static_cast<uint64_t>(TensorTypeBytes(t.type));
}

TensorInfo Describe(const ModelDef& m, int32_t index) {
  const TensorDef& t = m.tensors[static_cast<size_t>(index)];
  TensorInfo i;
  i.index = index;
  i.name = t.name;
  i.shape = t.shape;
  i.type = TensorTypeName(t.type);
  i.bytes = TensorBytes(t);
  i.constant = !m.buffers[t.buffer].empty();
  i.variable = t.is_variable;
  if (t.quantization) {
    i.scales = t.quantization->scale.size();
    if (!t.quantization->scale.empty()) i.scale = t.quantization->scale[0];
    if (!t.quantization->zero_point.empty()) i.zero_point = t.quantization->zero_point[0];
  }
  return i;
}

// Operators whose constant int32/int64 vectors are biases.
bool Weighted(int32_t code) {
  switch (code) {
    case 3:    // CONV_2D
    case 4:    // DEPTHWISE_CONV_2D
    case 9:    // FULLY_CONNECTED
    case 27:   // SVDF
    case 44:   // UNIDIRECTIONAL_SEQUENCE_LSTM
    case 67:   // TRANSPOSE_CONV
    case 126:  // BATCH_MATMUL
      return true;
    default:
      return false;
  }
}

struct Issue {
  int op;
  std::string detail;
};

void CollectIssue(void* context, int op_index, uint16_t, Status, const char* detail) {
  static_cast<std::vector<Issue>*>(context)->push_back({op_index, detail});
}

// "CONV_2D at operator 3: int16 input ... (int8)" -> "int16 input ... (int8)"; "unsupported operator
// GATHER (36) at operator 9" -> "unsupported operator".
std::string Reason(const std::string& detail) {
  if (detail.rfind("unsupported operator", 0) == 0) return "unsupported operator";
  const size_t at = detail.find(" at operator ");
  if (at == std::string::npos) return detail;
  const size_t colon = detail.find(": ", at);
  return colon == std::string::npos ? detail : detail.substr(colon + 2);
}

}  // namespace

std::expected<Inspection, std::string> InspectModel(std::span<const uint8_t> bytes) {
  auto parsed = ReadTflite(bytes);
  if (!parsed) return std::unexpected(parsed.error());
  const ModelDef& m = *parsed;
  auto stats = AnalyzeModel(m);
  if (!stats) return std::unexpected(stats.error());

  Inspection r;
  r.model_bytes = bytes.size();
  r.schema_version = m.version;
  r.description = m.description;
  r.macs = stats->total_macs;
  r.constant_bytes = stats->constant_bytes;
  r.activation_peak_bytes = stats->activation_bytes_peak;
  for (int32_t t : m.inputs) r.inputs.push_back(Describe(m, t));
  for (int32_t t : m.outputs) r.outputs.push_back(Describe(m, t));
  for (size_t i = 0; i < m.operators.size(); ++i) {
    const OperatorDef& op = m.operators[i];
    LayerInfo l;
    l.index = static_cast<int>(i);
    l.builtin_code = m.builtin_code(op);
    l.op = stats->ops[i].name;
    const std::string& custom = m.operator_codes[op.opcode_index].custom_code;
    if (l.builtin_code == 32 && !custom.empty()) l.op = "CUSTOM:" + custom;
    l.detail = stats->ops[i].detail;
    l.macs = stats->ops[i].macs;
    for (int32_t t : op.inputs) {
      if (t < 0) continue;
      TensorInfo in = Describe(m, t);
      const bool bias = Weighted(l.builtin_code) && in.constant && in.shape.size() == 1 &&
                        (in.type == "int32" || in.type == "int64");
      if (bias) l.bias_bytes += in.bytes;
      else if (in.constant) l.weight_bytes += in.bytes;
      else l.input_bytes += in.bytes;
      l.inputs.push_back(std::move(in));
    }
    for (int32_t t : op.outputs) {
      TensorInfo out = Describe(m, t);
      l.output_bytes += out.bytes;
      l.outputs.push_back(std::move(out));
    }
    r.naive_bytes += l.input_bytes + l.output_bytes + l.weight_bytes + l.bias_bytes;
    r.layers.push_back(std::move(l));
  }

  // The engine's view: its plan, or every operator it cannot run. It reads the model in place, so the
  // copy is 16-byte aligned as the converter aligns buffers.
  std::unique_ptr<uint8_t[]> model(new uint8_t[bytes.size() + 16]);
  uint8_t* aligned = model.get() + (16 - reinterpret_cast<uintptr_t>(model.get()) % 16) % 16;
  std::memcpy(aligned, bytes.data(), bytes.size());
  std::unique_ptr<uint8_t[]> arena(new uint8_t[kHostArenaBytes]);
  auto interpreter = std::make_unique<engine::Interpreter>();
  std::vector<Issue> issues;
  const Status st = interpreter->Survey(aligned, bytes.size(), arena.get(), kHostArenaBytes, CollectIssue, &issues);
  if (st == Status::kOk) {
    r.arena_bytes = interpreter->arena_used();
  } else if (issues.empty()) {
    r.engine_error = std::string(StatusName(st)) + ": " + interpreter->ErrorDetail();
  } else {
    r.engine_error = "the engine cannot run " + std::to_string(issues.size()) + " of " +
                     std::to_string(m.operators.size()) + " operators";
  }
  std::map<std::string, size_t> by_op;
  for (const Issue& issue : issues) {
    const std::string name = issue.op >= 0 && static_cast<size_t>(issue.op) < r.layers.size() ? r.layers[issue.op].op : "?";
    auto [it, added] = by_op.emplace(name, r.unsupported.size());
    if (added) r.unsupported.push_back({name, {}, {}});
    UnsupportedOperator& u = r.unsupported[it->second];
    u.layers.push_back(issue.op);
    const std::string why = Reason(issue.detail);
    if (std::find(u.reasons.begin(), u.reasons.end(), why) == u.reasons.end()) u.reasons.push_back(why);
  }
  return r;
}

std::string UnsupportedSummary(const std::vector<UnsupportedOperator>& unsupported) {
  std::string s;
  for (const UnsupportedOperator& u : unsupported) {
    if (!s.empty()) s += "; ";
    s += u.op;
    if (u.layers.size() > 1) s += " x" + std::to_string(u.layers.size());
    s += u.layers.size() > 1 ? " (layers " : " (layer ";
    for (size_t i = 0; i < u.layers.size() && i < 8; ++i) s += (i ? ", " : "") + std::to_string(u.layers[i]);
    if (u.layers.size() > 8) s += ", ...";
    s += "): ";
    for (size_t i = 0; i < u.reasons.size(); ++i) s += (i ? " / " : "") + u.reasons[i];
  }
  return s;
}

}  // namespace hil::model
