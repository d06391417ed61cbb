// Test helper: writes small .tflite FlatBuffers from a description, front to back (every offset
// points forward; each vtable sits just before its table). Host-only; used by tests, the fuzzer's
// seed generator and nothing on the target.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hil::agent::engine::testing {

// A FlatBuffers object: a table, a vector of scalars, or a vector of tables.
struct FbNode {
  enum class Kind { kTable, kScalars, kTables, kString } kind = Kind::kTable;
  struct Field {
    int id;
    int bytes;         // 1, 2, 4 or 8 for scalars; 4 for offsets
    uint64_t value;    // scalar bits
    std::shared_ptr<FbNode> child;  // offset field when set
  };
  std::vector<Field> fields;                     // kTable
  std::vector<uint8_t> data;                     // kScalars (little-endian elements), kString (its bytes)
  uint32_t elem_bytes = 1;                       // kScalars
  std::vector<std::shared_ptr<FbNode>> elems;    // kTables
};
using FbNodeP = std::shared_ptr<FbNode>;

FbNodeP Table();
FbNodeP Scalars(const std::vector<uint8_t>& bytes, uint32_t elem_bytes);
FbNodeP Ints(const std::vector<int32_t>& v);
FbNodeP Int64s(const std::vector<int64_t>& v);
FbNodeP Floats(const std::vector<float>& v);
FbNodeP Tables(const std::vector<FbNodeP>& v);
// A FlatBuffers string: a byte vector followed by a NUL that its length does not count.
FbNodeP String(const std::string& s);
void AddScalar(const FbNodeP& table, int id, int bytes, uint64_t value);
void AddFloat(const FbNodeP& table, int id, float value);
void AddChild(const FbNodeP& table, int id, const FbNodeP& child);

// Serialises with `root` as the root table (optional file identifier "TFL3").
std::vector<uint8_t> Serialize(const FbNodeP& root, bool identifier = true);

// ---- TFLite models ----
struct TensorSpec {
  std::vector<int32_t> shape;
  int type = 9;  // TensorType: 9 int8, 7 int16, 2 int32, 4 int64, 6 bool, 0 float32, 13 resource
  uint32_t buffer = 0;
  std::vector<float> scales;      // empty: no quantization
  std::vector<int64_t> zero_points;
  int32_t quant_dim = 0;
  bool variable = false;          // is_variable (state of SVDF, LSTM)
  std::vector<int32_t> shape_signature;  // written when not empty (converters put -1 for dynamic sizes)
};
struct OpSpec {
  int32_t builtin_code = 0;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  uint8_t options_type = 0;
  FbNodeP options;  // may be null
  std::string custom_code;  // for builtin_code 32 (CUSTOM)
};
// A subgraph after the first (the body of IF, WHILE or CALL_ONCE): its own tensors (indices local to
// it), operators and inputs/outputs; buffers and operator codes are the model's.
struct SubgraphSpec {
  std::vector<TensorSpec> tensors;
  std::vector<OpSpec> ops;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
};
struct ModelSpec {
  std::vector<TensorSpec> tensors;  // subgraph 0 (the model)
  std::vector<OpSpec> ops;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<std::vector<uint8_t>> buffers;  // buffers[0] should be empty
  std::vector<SubgraphSpec> subgraphs;        // subgraphs 1, 2, ... (none: a one-subgraph model)
  // Converter output the engine must accept: operator codes as older converters wrote them (only
  // deprecated_builtin_code), and further fields of the Model table (metadata, signature_defs, ...).
  bool legacy_opcodes = false;
  std::vector<std::pair<int, FbNodeP>> root_fields;
  // Buffers whose data a model over 2 GB keeps after the flatbuffer (offset and size fields).
  struct ExternalBuffer {
    uint32_t buffer;
    uint64_t offset, size;
  };
  std::vector<ExternalBuffer> external_buffers;
};
std::vector<uint8_t> BuildModel(const ModelSpec& spec);

// Little-endian bytes of values, for constant buffers.
std::vector<uint8_t> BytesOf(const std::vector<int8_t>& v);
std::vector<uint8_t> BytesOf(const std::vector<int32_t>& v);
std::vector<uint8_t> BytesOf(const std::vector<int16_t>& v);
std::vector<uint8_t> BytesOf(const std::vector<int64_t>& v);
std::vector<uint8_t> BytesOf(const std::vector<float>& v);

// Ready-made tiny valid models (int8).
// FULLY_CONNECTED: input [1,4] (scale 0.5, zp -1), weights [3,4] (scale 0.25), bias [3], output [1,3]
// (scale 1, zp 2), RELU.
ModelSpec TinyFullyConnected();
// CONV_2D 3x3 SAME stride 1 on [1,4,4,2] -> [1,4,4,3] (per-channel), then AVERAGE_POOL_2D 2x2 stride 2,
// RESHAPE to [1,12], SOFTMAX.
ModelSpec TinyConvNet();
// DEPTHWISE_CONV_2D (multiplier 2) on [1,3,3,2], ADD with the input-shaped second input, MAX_POOL, MUL.
ModelSpec TinyDepthwiseAdd();

// Every ready-made model plus one per remaining operator (LOGISTIC, TANH, RELU, RELU6, QUANTIZE from
// int8 and float, DEQUANTIZE, PAD + MEAN + CONCATENATION), named for the fuzzer's seed files.
struct NamedModel {
  const char* name;
  std::vector<uint8_t> bytes;
};
std::vector<NamedModel> SeedModels();

}  // namespace hil::agent::engine::testing
