// hil-engine-dump: runs one model once on the engine and writes every operator's output, named as
// TFLite Micro's reference dumps are, for comparison with tools/tflite_ref (differential_test.py).
//   hil-engine-dump MODEL.tflite INPUT.bin DIR
// INPUT.bin holds the raw bytes of every model input, concatenated in input order.
// Writes DIR/opNNN_<OP>_t<tensor>.bin per operator and DIR/final_output.bin (all outputs, in order).
// Exit codes: 0 success, 1 a failure (named on stderr), 2 usage.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "hil/common/host_file.h"
#include "hil/engine/interpreter.h"

namespace hil::agent::engine {
namespace {

constexpr size_t kArenaBytes = 4u << 20;

// 16-byte aligned, as Interpreter::Load requires for constant tensors read in place.
struct AlignedBlob {
  std::unique_ptr<uint8_t[]> storage;
  uint8_t* data = nullptr;
  size_t bytes = 0;
};

bool ReadFile(const std::string& path, std::vector<uint8_t>* out, std::string* why) {
  return host_file::ReadRegular(path, 256u << 20, out, why) == Status::kOk;
}

bool WriteFile(const std::string& path, const uint8_t* data, size_t bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, bytes, f) == bytes;
  return std::fclose(f) == 0 && ok;
}

struct DumpContext {
  const Interpreter* interp;
  std::string dir;
  std::vector<bool> seen;
  bool failed = false;
};

// Every output of every operator: opNNN_<OP>_t<tensor>.bin, the tensor being the output's index in
// the model (an operator with several outputs writes several files).
void Observe(void* context, int op_index, int /*output_index*/, const TensorView& out) {
  auto* ctx = static_cast<DumpContext*>(context);
  if (op_index < 0 || op_index >= static_cast<int>(ctx->seen.size())) {
    std::fprintf(stderr, "hil-engine-dump: observer got operator index %d\n", op_index);
    ctx->failed = true;
    return;
  }
  ctx->seen[op_index] = true;
  char name[512];
  std::snprintf(name, sizeof name, "%s/op%03d_%s_t%d.bin", ctx->dir.c_str(), op_index,
                OpcodeName(ctx->interp->opcode(op_index)), static_cast<int>(out.tensor));
  if (out.data == nullptr || !WriteFile(name, out.data, out.bytes)) {
    std::fprintf(stderr, "hil-engine-dump: cannot write %s: %s\n", name, std::strerror(errno));
    ctx->failed = true;
  }
}

int Run(const std::string& model_path, const std::string& input_path, const std::string& dir) {
  std::vector<uint8_t> file;
  std::string why;
  if (!ReadFile(model_path, &file, &why) || file.empty()) {
    std::fprintf(stderr, "hil-engine-dump: cannot read the model %s: %s\n", model_path.c_str(), why.empty() ? "empty" : why.c_str());
    return 1;
  }
  AlignedBlob blob;
  blob.storage.reset(new uint8_t[file.size() + 16]);
  blob.data = blob.storage.get() + ((16 - reinterpret_cast<uintptr_t>(blob.storage.get()) % 16) % 16);
  blob.bytes = file.size();
  std::memcpy(blob.data, file.data(), file.size());

  std::vector<uint8_t> input;
  if (!ReadFile(input_path, &input, &why)) {
    std::fprintf(stderr, "hil-engine-dump: cannot read the input %s: %s\n", input_path.c_str(), why.c_str());
    return 1;
  }
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "hil-engine-dump: cannot create %s: %s\n", dir.c_str(), std::strerror(errno));
    return 1;
  }

  std::unique_ptr<uint8_t[]> arena(new uint8_t[kArenaBytes]);
  auto interp = std::make_unique<Interpreter>();
  const Status st = interp->Load(blob.data, blob.bytes, arena.get(), kArenaBytes);
  if (st != Status::kOk) {
    std::fprintf(stderr, "hil-engine-dump: %s: Load: %s: %s\n", model_path.c_str(), StatusName(st),
                 interp->ErrorDetail());
    return 1;
  }

  size_t need = 0;
  for (int i = 0; i < interp->input_count(); ++i) need += interp->input(i).bytes;
  if (input.size() != need) {
    std::fprintf(stderr, "hil-engine-dump: input %s has %zu bytes, the model's inputs need %zu\n",
                 input_path.c_str(), input.size(), need);
    return 1;
  }
  size_t pos = 0;
  for (int i = 0; i < interp->input_count(); ++i) {
    const TensorView in = interp->input(i);
    std::memcpy(in.data, input.data() + pos, in.bytes);
    pos += in.bytes;
  }

  DumpContext ctx{interp.get(), dir, std::vector<bool>(interp->operator_count(), false)};
  interp->SetOpObserver(Observe, &ctx);
  const Status run = interp->Invoke(nullptr);
  interp->SetOpObserver(nullptr, nullptr);
  if (run != Status::kOk) {
    std::fprintf(stderr, "hil-engine-dump: %s: Invoke: %s: %s\n", model_path.c_str(), StatusName(run),
                 interp->ErrorDetail());
    return 1;
  }
  if (ctx.failed) return 1;
  for (int i = 0; i < interp->operator_count(); ++i) {
    if (!ctx.seen[i] && interp->operator_output_count(i) > 0) {  // ASSIGN_VARIABLE, CALL_ONCE have none
      std::fprintf(stderr, "hil-engine-dump: observer not called for operator %d\n", i);
      return 1;
    }
  }
  std::vector<uint8_t> final_output;
  for (int i = 0; i < interp->output_count(); ++i) {
    const TensorView out = interp->output(i);
    final_output.insert(final_output.end(), out.data, out.data + out.bytes);
  }
  const std::string final_path = dir + "/final_output.bin";
  if (!WriteFile(final_path, final_output.data(), final_output.size())) {
    std::fprintf(stderr, "hil-engine-dump: cannot write %s\n", final_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace hil::agent::engine

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: hil-engine-dump MODEL.tflite INPUT.bin DIR\n");
    return 2;
  }
  return hil::agent::engine::Run(argv[1], argv[2], argv[3]);
}
