// `hil run`: plan a suite's jobs, run each on a board of its kind, check outputs against the host
// reference, and write everything to the store as it goes.
//
// Everything that can be checked before touching a board is checked first (suite, board kinds, farm,
// model files): such an error creates no run. Once the run exists, a failing job is stored as an
// "error" or "fail" row and the run continues; earlier rows are never lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "hil/core/error.h"
#include "hil/store/store.h"

namespace hil::cli {

// Exit codes of the hil tool.
inline constexpr int kExitPass = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitError = 2;  // usage or infrastructure

struct RunOptions {
  std::string suite_path;
  std::string db_path = "results/hil.db";
  std::string boards_dir;   // boards/<kind>.yaml
  std::string farm_path;    // default: <boards_dir>/farms/default.yaml
  std::string build_dir;    // where hil-agent-posix was built
  std::chrono::milliseconds response_timeout{1000};
  std::chrono::milliseconds execute_timeout{60000};
  int max_attempts = 5;
  std::string inject_faults;  // testing aid: damage every board link (link/testing FaultyLink spec)
  std::ostream* progress = nullptr;  // one line per job; null for silence
  bool progress_tty = false;         // progress is a terminal: keep a live status line under the lines
  int64_t resume_run_id = 0;         // > 0: run only the jobs this interrupted run did not finish
  std::function<void(int64_t run_id)> on_run_started;  // called once the run exists in the store
  std::chrono::steady_clock::time_point started{};     // set by RunSuite: for the run's timing
};

struct RunOutcome {
  int64_t run_id = 0;
  std::vector<store::JobRow> jobs;  // as stored
  int exit_code = kExitError;
  std::string status;               // run status: pass, fail, error
};

// Errors (kNotFound, kBadArgument, ...) are the up-front ones: nothing was run.
Result<RunOutcome> RunSuite(const RunOptions& options);

// Facts about this host and build for the environment table.
std::vector<std::pair<std::string, std::string>> HostEnvironment();

}  // namespace hil::cli
