// What real converter output carries beside the graph, and what TensorFlow Lite Micro accepts: the engine
// must load and run such models exactly as their plain twins, and refuse only what it cannot read safely.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddChild;
using testing::AddScalar;
using testing::BuildModel;
using testing::FbNodeP;
using testing::ModelSpec;
using testing::Scalars;
using testing::Table;
using testing::Tables;

FbNodeP String(const std::string& s) { return Scalars(std::vector<uint8_t>(s.begin(), s.end()), 1); }

// Loads `bytes` (16-byte aligned copy), runs it on `input` and returns output 0; `status` gets Load's.
struct Outcome {
  Status status = Status::kInternal;
  std::string detail;
  std::vector<uint8_t> output;
};
Outcome LoadAndRun(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& input) {
  Outcome r;
  std::vector<uint8_t> storage(bytes.size() + 16);
  uint8_t* model = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  std::copy(bytes.begin(), bytes.end(), model);
  std::vector<uint8_t> arena(1 << 16);
  auto interp = std::make_unique<Interpreter>();
  r.status = interp->Load(model, bytes.size(), arena.data(), arena.size());
  r.detail = interp->ErrorDetail();
  if (r.status != Status::kOk) return r;
  const TensorView in = interp->input(0);
  EXPECT_EQ(in.bytes, input.size());
  std::copy(input.begin(), input.end(), in.data);
  EXPECT_EQ(interp->Invoke(nullptr), Status::kOk) << interp->ErrorDetail();
  const TensorView out = interp->output(0);
  r.output.assign(out.data, out.data + out.bytes);
  return r;
}

const std::vector<uint8_t> kInput = {3, 250, 17, 128};  // int8 1x4: 3, -6, 17, -128

// A published person-detection model was refused with "tensor 33: per-channel quantization does not
// match dimension 3": a depthwise convolution's int32 bias of shape [C] carried C scales with
// quantized_dimension 3, as older converters wrote it. TFLite Micro never reads a bias's quantization.
TEST(ConverterQuirks, PerChannelFieldsOnABiasAreNotAReasonToRefuse) {
  ModelSpec m = testing::TinyDepthwiseAdd();
  const std::vector<uint8_t> input(9 * 2, 7);
  const Outcome plain = LoadAndRun(BuildModel(m), input);
  ASSERT_EQ(plain.status, Status::kOk) << plain.detail;
  int bias = -1;
  for (size_t t = 0; t < m.tensors.size(); ++t)
    if (m.tensors[t].type == 2 && m.tensors[t].buffer != 0) bias = static_cast<int>(t);
  ASSERT_GE(bias, 0);
  const int32_t channels = m.tensors[bias].shape[0];
  m.tensors[bias].scales.assign(channels, 0.01f);
  m.tensors[bias].zero_points.assign(channels, 0);
  m.tensors[bias].quant_dim = 3;  // out of range for a 1-D tensor
  const Outcome quirky = LoadAndRun(BuildModel(m), input);
  ASSERT_EQ(quirky.status, Status::kOk) << quirky.detail;
  EXPECT_EQ(quirky.output, plain.output);
}

// The filter's own per-channel scales are read, so a mismatch there still refuses the model.
TEST(ConverterQuirks, PerChannelFieldsOnAFilterAreStillChecked) {
  ModelSpec m = testing::TinyConvNet();
  m.tensors[1].scales = {0.1f, 0.2f};  // two scales for three output channels
  m.tensors[1].zero_points = {0, 0};
  const Outcome r = LoadAndRun(BuildModel(m), std::vector<uint8_t>(32, 1));
  EXPECT_EQ(r.status, Status::kModelInvalid);
  EXPECT_NE(r.detail.find("filter scales"), std::string::npos) << r.detail;
}

// Metadata (a buffer naming the minimum runtime version, offline memory plans, ...), signature
// definitions, shape signatures with -1, operator codes of older converters (only
// deprecated_builtin_code) and a second subgraph no operator calls: none changes what runs.
TEST(ConverterQuirks, MetadataSignaturesShapeSignaturesLegacyCodesAndSpareSubgraphsLoad) {
  const ModelSpec base = testing::TinyFullyConnected();
  const Outcome plain = LoadAndRun(BuildModel(base), kInput);
  ASSERT_EQ(plain.status, Status::kOk) << plain.detail;

  ModelSpec m = base;
  m.buffers.push_back({'1', '.', '5', '.', '0', 0});
  const uint32_t meta_buffer = static_cast<uint32_t>(m.buffers.size() - 1);
  FbNodeP meta = Table();
  AddChild(meta, 0, String("min_runtime_version"));
  AddScalar(meta, 1, 4, meta_buffer);
  m.root_fields.push_back({5, testing::Ints({static_cast<int32_t>(meta_buffer)})});  // metadata_buffer
  m.root_fields.push_back({6, Tables({meta})});                                      // metadata
  FbNodeP in_map = Table(), out_map = Table(), signature = Table();
  AddChild(in_map, 0, String("serving_default_input:0"));
  AddScalar(in_map, 1, 4, 0);
  AddChild(out_map, 0, String("StatefulPartitionedCall:0"));
  AddScalar(out_map, 1, 4, static_cast<uint64_t>(base.outputs[0]));
  AddChild(signature, 0, Tables({in_map}));
  AddChild(signature, 1, Tables({out_map}));
  AddChild(signature, 2, String("serving_default"));
  AddScalar(signature, 4, 4, 0);
  m.root_fields.push_back({7, Tables({signature})});  // signature_defs
  m.tensors[0].shape_signature = {-1, 4};
  m.legacy_opcodes = true;
  testing::SubgraphSpec spare;  // a copy of the model nothing calls
  spare.tensors = base.tensors;
  spare.ops = base.ops;
  spare.inputs = base.inputs;
  spare.outputs = base.outputs;
  m.subgraphs.push_back(spare);
  const Outcome quirky = LoadAndRun(BuildModel(m), kInput);
  ASSERT_EQ(quirky.status, Status::kOk) << quirky.detail;
  EXPECT_EQ(quirky.output, plain.output);
}

// Buffers stored after the flatbuffer (models over 2 GB: offset/size) are refused by name: TFLite Micro
// does not read them either, and the data is not where a bounds check could find it.
TEST(ConverterQuirks, ExternalBuffersAreRefusedByName) {
  ModelSpec m = testing::TinyFullyConnected();
  const uint32_t weights = m.tensors[1].buffer;
  m.buffers[weights] = {};
  m.external_buffers.push_back({weights, 64, 12});
  const Outcome r = LoadAndRun(BuildModel(m), kInput);
  EXPECT_EQ(r.status, Status::kUnsupportedOperator);
  EXPECT_NE(r.detail.find("external (offset) buffers are not supported"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace hil::agent::engine
