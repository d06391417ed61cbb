// `hil run`: plan a suite's jobs, run each on a board of its kind, check outputs against the host
// reference, and write everything to the store as it goes.
//
// Everything that can be checked before touching a board is checked first (suite, board kinds, farm,
// model files): such an error creates no run. Once the run exists, a failing job is stored as an
// "error" or "fail" row and the run continues; earlier rows are never lost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
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
  // A farm across hosts (farm_path is postgresql://...): how long to follow a run while no daemon
  // is alive before giving up (the jobs stay queued).
  std::chrono::milliseconds follow_without_daemons{30000};
};

struct RunOutcome {
  int64_t run_id = 0;
  std::vector<store::JobRow> jobs;  // as stored
  int exit_code = kExitError;
  std::string status;               // run status: pass, fail, error
};

// Errors (kNotFound, kBadArgument, ...) are the up-front ones: nothing was run.
Result<RunOutcome> RunSuite(const RunOptions& options);

// `hil daemon`: serves a farm host's boards (its farm file) to a farm across hosts. Claims the jobs
// of its board kinds from the PostgreSQL queue (store/pg_queue.h), runs each on a free board of its
// kind (one worker per board, boards kept up between jobs), renews the lease while it runs, and
// completes it with the result; a board that fails after recovery gives its job back and is
// drained. Heartbeats every second. Returns when `stop` is set (SIGINT/SIGTERM), or after
// `exit_when_idle` without work when that is set.
struct DaemonOptions {
  std::string db;         // postgresql://... (the farm's database)
  std::string id;         // this daemon's name in the database; claims are owned by "<id>/<instance>"
  std::string boards_dir;
  std::string farm_path;  // this host's boards; default <boards_dir>/farms/default.yaml
  std::string build_dir;
  std::chrono::milliseconds lease{30000};
  int max_attempts = 3;   // claims of a job before it is quarantined
  std::chrono::milliseconds poll{2000};
  std::chrono::milliseconds exit_when_idle{0};
  // A board that has been idle this long is checked (CheckAlive), recovered if it does not answer,
  // and drained when that fails, so the queue's jobs go to healthy boards. 0: never while idle.
  std::chrono::milliseconds health_interval{60000};
  std::chrono::milliseconds response_timeout{1000};
  std::chrono::milliseconds execute_timeout{60000};
  int link_attempts = 5;
  std::ostream* progress = nullptr;
  // The HTTP API (daemon_api.h): off when api_port < 0; 0 picks a free port.
  int api_port = -1;
  std::string api_bind = "127.0.0.1";
  std::string api_token;              // required with the API: requests carry "Authorization: Bearer <token>"
  size_t api_max_body = 64u << 20;    // larger submissions are refused (413)
  std::string api_tls_cert;           // PEM certificate and key: the API serves HTTPS
  std::string api_tls_key;
};
// Serves until `stop` turns true (or idle past exit_when_idle). A stop takes effect within a second:
// the API closes, idle boards stop claiming, and jobs still running a third of a second later are given
// back to the queue (not counted as an attempt) and the process ends at once with 0 (their threads
// wait on agents that are stopped then). Without jobs in hand it returns 0.
Result<int> RunDaemon(const DaemonOptions& options, const std::atomic<bool>& stop);

// Submits a suite given as text to a farm across hosts (the files it names must be inside `base_dir`,
// the folder of the files uploaded with it: SuitePaths::kConfined; its board kinds are resolved
// against `boards_dir`): the suite is checked as `hil run` checks it,
// then its run and jobs are queued. Returns the run id and the number of jobs. Errors: the suite's
// (kBadArgument, kNotFound, naming `file` and the line) and the database's.
struct Submitted {
  int64_t run_id = 0;
  size_t jobs = 0;
};
// A submission's models: at most this many, generating at most this many bytes (by
// model::GeneratedModelBytesBound, before any is generated).
inline constexpr size_t kMaxSubmittedModels = 256;
inline constexpr uint64_t kMaxSubmittedGeneratedBytes = uint64_t{64} << 20;

// `cancelled` (if given) is asked between the checks, before anything is written: true ends the
// submission with kTimeout and queues nothing (the client that sent it has gone).
Result<Submitted> SubmitSuite(const std::string& farm_db, std::string_view suite_text, const std::string& file, const std::string& base_dir,
                              const std::string& boards_dir, const std::function<bool()>& cancelled = nullptr);

// SubmitSuite's checks without the database: the suite parsed confined to `base_dir`, its board kinds
// known, its models read and runnable, its inputs read. Returns the number of jobs it would queue.
Result<size_t> CheckSubmittedSuite(std::string_view suite_text, const std::string& file, const std::string& base_dir,
                                   const std::string& boards_dir);

// Facts about this host and build for the environment table.
std::vector<std::pair<std::string, std::string>> HostEnvironment();

}  // namespace hil::cli
