// hil-tflm-dump: runs one model once on TensorFlow Lite Micro (host build, reference kernels) and writes
// the same files as hil-engine-dump, so TFLM is an operator-by-operator oracle for our engine.
//   hil-tflm-dump MODEL.tflite INPUT.bin DIR [--arena-bytes N]
//   hil-tflm-dump --info MODEL.tflite [--arena-bytes N]
// INPUT.bin holds the raw bytes of every model input, concatenated in input order.
// Writes DIR/opNNN_<OP>_t<tensor>.bin (operator NNN's first output after the run) and
// DIR/final_output.bin (all outputs, in order). --info prints each operator's input and output
// tensors and the arena used, without running.
// Exit codes: 0 success, 1 a failure (TFLM's own messages and ours on stderr), 2 usage.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "hil/agent/tflm_operators.h"
#include "hil/common/host_file.h"
#include "tensorflow/compiler/mlir/lite/schema/schema_utils.h"
#include "tensorflow/lite/micro/memory_helpers.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace hil::tflm_dump {
namespace {

constexpr size_t kDefaultArenaBytes = 64u << 20;
// TFLM places its allocator and planner in the arena without checking that they fit (8.4 KB in this
// build) and crashes when they do not, so smaller arenas are refused up front.
constexpr size_t kMinArenaBytes = 64u << 10;
constexpr int kMaxResourceVariables = 64;

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  std::string why;
  if (hil::host_file::ReadRegular(path, 256u << 20, out, &why) == hil::Status::kOk) return true;
  std::fprintf(stderr, "hil-tflm-dump: %s: %s\n", path.c_str(), why.c_str());
  return false;
}

bool WriteFile(const std::string& path, const void* data, size_t bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = bytes == 0 || std::fwrite(data, 1, bytes, f) == bytes;
  return std::fclose(f) == 0 && ok;
}

std::string Describe(const tflite::SubGraph& graph, int tensor) {
  if (tensor < 0) return "-";
  const tflite::Tensor* t = graph.tensors()->Get(tensor);
  std::string s = "t" + std::to_string(tensor) + ":" + tflite::EnumNameTensorType(t->type()) + "[";
  if (t->shape() != nullptr) {
    for (size_t i = 0; i < t->shape()->size(); ++i) s += (i ? "x" : "") + std::to_string(t->shape()->Get(i));
  }
  return s + "]";
}

const char* OpName(const tflite::Model& model, const tflite::Operator& op) {
  return tflite::EnumNameBuiltinOperator(tflite::GetBuiltinCode(model.operator_codes()->Get(op.opcode_index())));
}

void PrintInfo(const tflite::Model& model) {
  const tflite::SubGraph& graph = *model.subgraphs()->Get(0);
  for (size_t i = 0; i < graph.operators()->size(); ++i) {
    const tflite::Operator& op = *graph.operators()->Get(i);
    std::printf("op%03zu %s in", i, OpName(model, op));
    for (int t : *op.inputs()) std::printf(" %s", Describe(graph, t).c_str());
    std::printf(" out");
    for (int t : *op.outputs()) std::printf(" %s", Describe(graph, t).c_str());
    std::printf("\n");
  }
}

int Run(const std::string& model_path, const std::string& input_path, const std::string& dir, size_t arena_bytes,
        bool info) {
  std::vector<uint8_t> file;
  if (!ReadFile(model_path, &file) || file.empty()) {
    std::fprintf(stderr, "hil-tflm-dump: cannot read the model %s\n", model_path.c_str());
    return 1;
  }
  // TFLM reads constant tensors in place and expects them 16-byte aligned; a vector's buffer is not.
  std::unique_ptr<uint8_t[]> model_storage(new uint8_t[file.size() + 16]);
  uint8_t* model_data =
      model_storage.get() + ((16 - reinterpret_cast<uintptr_t>(model_storage.get()) % 16) % 16);
  std::memcpy(model_data, file.data(), file.size());
  // TFLM does not verify the flatbuffer: a malformed file must be an error here, not a crash there.
  flatbuffers::Verifier verifier(model_data, file.size());
  if (!tflite::VerifyModelBuffer(verifier)) {
    std::fprintf(stderr, "hil-tflm-dump: %s is not a valid .tflite flatbuffer\n", model_path.c_str());
    return 1;
  }
  const tflite::Model* model = tflite::GetModel(model_data);
  if (model->subgraphs() == nullptr || model->subgraphs()->size() == 0 || model->operator_codes() == nullptr ||
      model->subgraphs()->Get(0)->operators() == nullptr || model->subgraphs()->Get(0)->tensors() == nullptr) {
    std::fprintf(stderr, "hil-tflm-dump: %s has no operators in subgraph 0\n", model_path.c_str());
    return 1;
  }
  const tflite::SubGraph& graph = *model->subgraphs()->Get(0);
  if (info) PrintInfo(*model);

  hil::agent::TflmResolver resolver;
  if (!hil::agent::AddEveryTflmOperator(resolver)) {
    std::fprintf(stderr, "hil-tflm-dump: registering TFLM's operators failed\n");
    return 1;
  }
  std::unique_ptr<uint8_t[]> arena(new uint8_t[arena_bytes]);
  // Preserving every tensor (the linear planner: no memory reuse) keeps each operator's output readable
  // after Invoke. Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) need a table of their own.
  tflite::MicroAllocator* allocator =
      tflite::MicroAllocator::Create(arena.get(), arena_bytes, tflite::MemoryPlannerType::kLinear);
  tflite::MicroResourceVariables* variables =
      allocator != nullptr ? tflite::MicroResourceVariables::Create(allocator, kMaxResourceVariables) : nullptr;
  if (variables == nullptr) {
    std::fprintf(stderr, "hil-tflm-dump: the arena (%zu bytes) cannot hold TFLM's allocator\n", arena_bytes);
    return 1;
  }
  tflite::MicroInterpreter interp(model, resolver, allocator, variables);
  if (interp.AllocateTensors() != kTfLiteOk) {
    std::fprintf(stderr, "hil-tflm-dump: %s: AllocateTensors failed (arena %zu bytes)\n", model_path.c_str(),
                 arena_bytes);
    return 1;
  }
  if (info) {
    std::printf("arena_used_bytes=%zu (all tensors preserved)\n", interp.arena_used_bytes());
    return 0;
  }

  std::vector<uint8_t> input;
  if (!ReadFile(input_path, &input)) {
    std::fprintf(stderr, "hil-tflm-dump: cannot read the input %s\n", input_path.c_str());
    return 1;
  }
  size_t need = 0;
  for (size_t i = 0; i < interp.inputs_size(); ++i) need += interp.input(i)->bytes;
  if (input.size() != need) {
    std::fprintf(stderr, "hil-tflm-dump: input %s has %zu bytes, the model's inputs need %zu\n",
                 input_path.c_str(), input.size(), need);
    return 1;
  }
  size_t pos = 0;
  for (size_t i = 0; i < interp.inputs_size(); ++i) {
    TfLiteTensor* in = interp.input(i);
    std::memcpy(in->data.raw, input.data() + pos, in->bytes);
    pos += in->bytes;
  }
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "hil-tflm-dump: cannot create %s: %s\n", dir.c_str(), std::strerror(errno));
    return 1;
  }
  if (interp.Invoke() != kTfLiteOk) {
    std::fprintf(stderr, "hil-tflm-dump: %s: Invoke failed\n", model_path.c_str());
    return 1;
  }

  for (size_t i = 0; i < graph.operators()->size(); ++i) {
    const tflite::Operator& op = *graph.operators()->Get(i);
    if (op.outputs() == nullptr || op.outputs()->size() == 0) continue;  // ASSIGN_VARIABLE, CALL_ONCE
    const int t = op.outputs()->Get(0);
    const TfLiteEvalTensor* out = t >= 0 ? interp.GetTensor(t) : nullptr;
    size_t bytes = 0;
    if (out == nullptr || tflite::TfLiteEvalTensorByteLength(out, &bytes) != kTfLiteOk) {
      std::fprintf(stderr, "hil-tflm-dump: operator %zu: no readable output tensor\n", i);
      return 1;
    }
    char name[512];
    std::snprintf(name, sizeof name, "%s/op%03zu_%s_t%d.bin", dir.c_str(), i, OpName(*model, op), t);
    if (!WriteFile(name, out->data.raw, bytes)) {
      std::fprintf(stderr, "hil-tflm-dump: cannot write %s: %s\n", name, std::strerror(errno));
      return 1;
    }
  }
  std::vector<uint8_t> final_output;
  for (size_t i = 0; i < interp.outputs_size(); ++i) {
    const TfLiteTensor* out = interp.output(i);
    const uint8_t* data = reinterpret_cast<const uint8_t*>(out->data.raw);
    final_output.insert(final_output.end(), data, data + out->bytes);
  }
  const std::string final_path = dir + "/final_output.bin";
  if (!WriteFile(final_path, final_output.data(), final_output.size())) {
    std::fprintf(stderr, "hil-tflm-dump: cannot write %s\n", final_path.c_str());
    return 1;
  }
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: hil-tflm-dump MODEL.tflite INPUT.bin DIR [--arena-bytes N]\n"
               "       hil-tflm-dump --info MODEL.tflite [--arena-bytes N]\n");
  return 2;
}

}  // namespace
}  // namespace hil::tflm_dump

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  size_t arena_bytes = hil::tflm_dump::kDefaultArenaBytes;
  bool info = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--info") {
      info = true;
    } else if (a == "--arena-bytes" && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(argv[++i], &end, 0);
      if (end == argv[i] || *end != '\0' || n < hil::tflm_dump::kMinArenaBytes) {
        std::fprintf(stderr, "hil-tflm-dump: --arena-bytes takes a size of at least %zu\n",
                     hil::tflm_dump::kMinArenaBytes);
        return hil::tflm_dump::Usage();
      }
      arena_bytes = static_cast<size_t>(n);
    } else if (a.rfind("--", 0) == 0) {
      return hil::tflm_dump::Usage();
    } else {
      positional.push_back(a);
    }
  }
  if (info ? positional.size() != 1 : positional.size() != 3) return hil::tflm_dump::Usage();
  if (info) return hil::tflm_dump::Run(positional[0], "", "", arena_bytes, true);
  return hil::tflm_dump::Run(positional[0], positional[1], positional[2], arena_bytes, false);
}
