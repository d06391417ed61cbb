// Shared by the local runner (runner.cc) and the farm's submitter and daemon (farm.cc); not an API
// (host/cli/include/hil/cli/runner.h is).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hil/board/board.h"
#include "hil/board/board_kind.h"
#include "hil/cli/runner.h"
#include "hil/core/error.h"
#include "hil/core/plan.h"
#include "hil/core/suite.h"
#include "hil/power/power_monitor.h"
#include "hil/store/store.h"

namespace hil::cli::internal {

struct ModelBlob {
  std::vector<uint8_t> bytes;
  std::string sha256;
};

// What one request may make the farm generate and read: a submission to the farm API is bounded so a
// few bytes of suite cannot cost the daemon minutes and gigabytes (a 60-byte `generate:` line names
// 256 MiB of weights). `cancelled` is asked before each model.
struct ModelLimits {
  size_t max_models = SIZE_MAX;
  uint64_t max_generated_bytes = UINT64_MAX;  // the sum of GeneratedModelBytesBound over the suite
  std::function<bool()> cancelled;
};

// Reads or generates every model of the suite; errors name the suite file, line and field (kTimeout
// when `limits.cancelled` said so).
Result<std::vector<ModelBlob>> ResolveModels(const Suite& suite, const ModelLimits& limits = {});
// Reads the suite's input files (none for random inputs); errors name the suite file, line and field.
Result<std::vector<std::vector<uint8_t>>> ResolveInputs(const Suite& suite);

// What a planned suite runs on, read and checked before any board starts, as `hil run` and a farm
// submission both need it: ResolveModels, then CheckModelsRunnable, then ResolveInputs.
struct SuiteData {
  std::vector<ModelBlob> blobs;
  std::vector<std::vector<uint8_t>> inputs;
};
Result<SuiteData> ResolveSuiteData(const Suite& suite, const ModelLimits& limits = {});

// Every model of the suite loads in the engine with operators it runs; else an error naming the suite
// line, and every missing operator and type (issue 16: refused at planning, before any board starts).
Result<void> CheckModelsRunnable(const Suite& suite, const std::vector<ModelBlob>& blobs);
// "known kinds: a, b, c" for messages about a kind that is not there.
std::string Known(const std::map<std::string, board::BoardKind>& kinds);

// The stored description of a planned job; `instance` is empty until a board takes it (farm runs).
store::JobInfo JobInfoFor(const Suite& suite, const std::vector<ModelBlob>& blobs, const std::map<std::string, board::BoardKind>& kinds,
                          const Job& job, const std::string& instance);

// The boards and power monitors of a host's farm instances, one slot per instance. A local run owns
// its pool; a daemon keeps one across the runs it works on, so boards stay up between jobs.
struct BoardPool {
  std::map<std::string, std::unique_ptr<board::Board>> boards;
  std::map<std::string, std::unique_ptr<power::PowerMonitor>> monitors;
};

// Runs a suite's jobs on a farm's boards and stores the results (runner.cc).
class Runner {
 public:
  // `pool`: a daemon's, whose boards outlive the run; null for a pool of the run's own.
  Runner(const RunOptions& options, const Suite& suite, std::vector<ModelBlob> blobs, std::vector<std::vector<uint8_t>> inputs,
         std::map<std::string, board::BoardKind> kinds, board::Farm farm, store::Store& store, BoardPool* pool = nullptr);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // A local run: every planned job on this host's boards, results in the store.
  Result<RunOutcome> Run();
  // A run on a farm across hosts, followed by its submitter: the suite's facts (git commit and
  // branch) for the run's environment, then, once its jobs have ended, its regression check.
  std::vector<std::pair<std::string, std::string>> SuiteFacts();
  Result<int> CheckRegressionsOf(int64_t run_id);
  // Daemon mode: one job of run `run_id`, claimed from the queue, on `inst` (its slot exists in the
  // pool). The result is complete and checked against the budget, not stored.
  store::JobResult ExecuteClaimed(int64_t run_id, const Job& job, const board::BoardInstance& inst, bool& unhealthy);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// hil run with a postgresql:// farm (farm.cc): submits the run and follows it until its jobs end.
Result<RunOutcome> SubmitAndFollow(const RunOptions& options, const Suite& suite, const std::vector<ModelBlob>& blobs,
                                   const std::vector<std::vector<uint8_t>>& inputs,
                                   const std::map<std::string, board::BoardKind>& kinds, const std::string& farm);

}  // namespace hil::cli::internal
