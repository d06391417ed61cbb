#include "hil/web/testing/kernel_seed.h"

#include <fstream>
#include <vector>

#include "hil/core/sha256.h"
#include "hil/model/zoo.h"

namespace hil::web::testing {
namespace {

struct SeedJob {
  const char* model;
  const char* generator;
  const char* board;
  uint64_t clock_hz;
  const char* kernel;
  uint64_t fc;       // per inference, op 0
  uint64_t softmax;  // per inference, op 1
  const char* engine = "tinyhil";
  uint32_t arena_used = 0;  // GET_MEMORY's, when set
};

constexpr int kIterations = 3;

}  // namespace

Result<int64_t> SeedKernelRun(store::Store& store, const std::string& suite_path) {
  {
    std::ofstream f(suite_path, std::ios::trunc);
    f << "name: kernels-seeded\n"
         "models:\n"
         "  - {name: fc-64x10, generate: \"fc:64,units=10\", seed: 1}\n"
         "  - {name: tiny, generate: tiny, seed: 1}\n"
         "inputs: {random: {seed: 7, count: 1}}\n"
         "boards: [mps2-an386, mps3-an547, mps2-an505]\n"
         "settings:\n"
         "  - {warmup: 1, iterations: 3, kernel: ref}\n"
         "  - {warmup: 1, iterations: 3, kernel: auto}\n";
    if (!f.flush()) return Fail(Status::kNotFound, "cannot write " + suite_path);
  }
  const SeedJob jobs[] = {
      {"fc-64x10", "fc:64,units=10", "mps2-an386", 25'000'000, "ref", 6000, 400},
      {"fc-64x10", "fc:64,units=10", "mps2-an386", 25'000'000, "dsp", 2000, 400, "tinyhil", 1200},
      // TensorFlow Lite Micro with CMSIS-NN on the same board: ours with dsp is 2900 / 2400 = 1.21x of it.
      {"fc-64x10", "fc:64,units=10", "mps2-an386", 25'000'000, "dsp", 2400, 500, "tflm", 1648},
      {"fc-64x10", "fc:64,units=10", "mps3-an547", 32'000'000, "ref", 4500, 300},
      {"fc-64x10", "fc:64,units=10", "mps3-an547", 32'000'000, "mve", 900, 300},
      {"fc-64x10", "fc:64,units=10", "mps2-an505", 25'000'000, "ref", 4600, 400},
      {"tiny", "tiny", "mps2-an386", 25'000'000, "ref", 800, 100},
  };
  auto run = store.BeginRun({.suite_name = "kernels-seeded", .suite_path = suite_path});
  if (!run) return std::unexpected(run.error());
  int ordinal = 0;
  for (const auto& s : jobs) {
    auto bytes = model::GenerateModel(s.generator, 1);
    if (!bytes) return Fail(Status::kInternal, std::string("model ") + s.generator + ": " + bytes.error());
    store::JobInfo info;
    info.ordinal = ordinal++;
    info.model_name = s.model;
    info.model_sha256 = Sha256Hex(*bytes);
    info.model_bytes = bytes->size();
    info.board_kind = s.board;
    info.board_instance = std::string(s.board) + "#1";
    info.clock_hz = s.clock_hz;
    info.warmup = 1;
    info.iterations = kIterations;
    info.repetitions = 1;
    info.kernel = s.kernel == std::string("ref") ? "ref" : "auto";
    info.engine = s.engine;
    auto job = store.BeginJob(*run, info);
    if (!job) return std::unexpected(job.error());
    store::JobResult r;
    r.status = store::kPass;
    r.check = "outputs==host-reference: pass (1 compared)";
    r.unit = "instructions";
    r.source = "qemu-icount";
    for (int i = 0; i < kIterations; ++i) r.samples.push_back({0, 0, i, s.fc + s.softmax});
    r.ops = {{0, 9, "FULLY_CONNECTED", kIterations, kIterations * s.fc}, {1, 25, "SOFTMAX", kIterations, kIterations * s.softmax}};
    r.kernel = s.kernel;
    if (s.arena_used) r.memory = store::MemoryRow{65536, s.arena_used, 16384, 2048, 4096};
    if (auto done = store.FinishJob(*job, r); !done) return std::unexpected(done.error());
  }
  if (auto done = store.FinishRun(*run, "pass"); !done) return std::unexpected(done.error());
  return *run;
}

}  // namespace hil::web::testing
