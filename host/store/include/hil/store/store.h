// Where results go. A run is written as it progresses: BeginRun, then per job BeginJob and
// FinishJob (one transaction each), then FinishRun. A job that fails later never loses rows
// written before it. Every number is stored with its unit and source ("ns" / "host-monotonic",
// "cycles" / "dwt") so an estimate is never mistaken for a measurement.
//
// Thread: one thread per Store object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hil/core/error.h"

namespace hil::store {

struct RunInfo {
  std::string suite_name;
  std::string suite_path;
};

struct JobInfo {
  int ordinal = 0;
  std::string model_name;
  std::string model_sha256;
  uint64_t model_bytes = 0;
  std::string board_kind;
  std::string board_instance;
  uint64_t clock_hz = 0;  // of the board kind, to convert cycles to time
  int warmup = 0;
  int iterations = 0;
  int repetitions = 0;
  std::string kernel;  // kernel variant in effect on the board ("ref", "dsp", "mve"); empty: not set
  std::string engine;  // the engine the job ran on: "tinyhil" (ours) or "tflm"; empty: ours (older stores)
};

// The job's engine with older stores' empty one named: "tinyhil" or "tflm".
inline std::string EngineOf(const JobInfo& job) { return job.engine.empty() ? "tinyhil" : job.engine; }

struct Sample {
  int input_index = 0;
  int repetition = 0;
  int iteration = 0;
  uint64_t value = 0;
};

struct OpProfileRow {
  int op_index = 0;
  uint16_t opcode = 0;
  std::string op_name;
  uint32_t calls = 0;
  uint64_t value = 0;  // summed over `calls`
};

// A board's output tensor for one input of a job (the check run's, before the timed ones).
struct OutputRow {
  int input_index = 0;
  int output_index = 0;
  std::vector<uint8_t> bytes;
  bool operator==(const OutputRow&) const = default;
};

struct MemoryRow {
  uint32_t arena_bytes = 0;
  uint32_t arena_used = 0;
  uint32_t stack_bytes = 0;
  uint32_t stack_used = 0;
  uint32_t static_bytes = 0;
};

// Job status values.
inline constexpr const char* kPass = "pass";      // ran, every check passed
inline constexpr const char* kFail = "fail";      // ran, a check failed
inline constexpr const char* kError = "error";    // could not run (board, link, model, agent error)
inline constexpr const char* kRunning = "running";
inline constexpr const char* kInterrupted = "interrupted";  // the process was stopped (SIGINT) or vanished

struct JobResult {
  std::string status = kError;
  std::string error;         // one sentence when status is "error"
  std::string check;         // "outputs==host-reference: pass", "skipped", ...
  std::string check_detail;  // first mismatch, when any
  std::string unit;          // of samples and op profile values: "ns", "cycles", "instructions"
  std::string source;        // "host-monotonic", "dwt", "systick", "qemu-icount"
  std::vector<Sample> samples;
  std::vector<OpProfileRow> ops;
  std::optional<MemoryRow> memory;
  uint64_t flash_bytes = 0;          // agent firmware image (0 for a host process)
  std::string kernel;                // kernel variant in effect (the agent's answer), e.g. "dsp"
  std::optional<double> energy_uj;   // per inference
  std::string energy_source;         // "estimate: ..." or the monitor, e.g. "lpm01a"
  std::vector<OutputRow> outputs;    // per input and output tensor, as the board computed them
};

struct RunRow {
  int64_t id = 0;
  std::string suite_name;
  std::string suite_path;
  std::string started_at;   // UTC, ISO 8601
  std::string finished_at;  // empty while running or after a crash
  std::string status;
  int job_count = 0;
};

struct JobRow {
  int64_t id = 0;
  int64_t run_id = 0;
  JobInfo info;
  std::string status;
  std::string error;
  std::string check;
  std::string check_detail;
  std::string unit;
  std::string source;
  std::vector<uint64_t> samples;  // timed iterations, in order
  std::optional<MemoryRow> memory;
  uint64_t flash_bytes = 0;
  std::optional<double> energy_uj;
  std::string energy_source;
  std::string regression;  // the regression found against a baseline; empty when none or not compared
};

struct BaselineRow {
  std::string name;
  int64_t run_id = 0;
  std::string set_at;
  std::string suite_name;  // of the run
  std::string run_started_at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Returns the new run's id; the run's status is "running" until FinishRun.
  virtual Result<int64_t> BeginRun(const RunInfo& run) = 0;
  // Adds key/value facts about the environment (host, tool version, compiler, git commit, firmware).
  virtual Result<void> SetEnvironment(int64_t run_id, const std::vector<std::pair<std::string, std::string>>& facts) = 0;
  // Records a job as "running" and returns its id.
  virtual Result<int64_t> BeginJob(int64_t run_id, const JobInfo& job) = 0;
  // Writes a job's outcome, samples, op profile and memory atomically.
  virtual Result<void> FinishJob(int64_t job_id, const JobResult& result) = 0;
  virtual Result<void> FinishRun(int64_t run_id, const std::string& status) = 0;

  // Newest first. kNotFound from ListJobs when the run does not exist.
  virtual Result<std::vector<RunRow>> ListRuns() = 0;
  virtual Result<std::vector<JobRow>> ListJobs(int64_t run_id) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> Environment(int64_t run_id) = 0;
  virtual Result<std::vector<OpProfileRow>> OpProfile(int64_t job_id) = 0;
  // The outputs FinishJob stored, by input then output index.
  virtual Result<std::vector<OutputRow>> Outputs(int64_t job_id) = 0;

  // Named baselines. SetBaseline points `name` at a run (kNotFound when there is no such run),
  // replacing an earlier one of that name.
  virtual Result<void> SetBaseline(const std::string& name, int64_t run_id) = 0;
  virtual Result<std::vector<BaselineRow>> Baselines() = 0;  // by name
  virtual Result<std::optional<int64_t>> BaselineRun(const std::string& name) = 0;
  // The newest finished run (pass or fail) of `suite_name` whose environment says git_branch =
  // `git_branch`, with an id below `before_run_id`.
  virtual Result<std::optional<int64_t>> LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                         int64_t before_run_id) = 0;
  // MarkInterrupted sets a running run and its running jobs to "interrupted". ResumeRun reopens a
  // run that is not running: its unfinished jobs are deleted (to be planned again), finished ones
  // (pass, fail, error) kept; kBadState when it is still running, kNotFound when there is none.
  virtual Result<void> MarkInterrupted(int64_t run_id) = 0;
  virtual Result<void> ResumeRun(int64_t run_id) = 0;
  // Records the regression found for a job; a passing job becomes "fail". kNotFound for no job.
  virtual Result<void> MarkRegression(int64_t job_id, const std::string& detail) = 0;
};

}  // namespace hil::store
