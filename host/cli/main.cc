// hil: the TinyHIL command line. Thin: parses arguments and calls the modules.
//   hil run SUITE.yaml|--resume RUN [--db PATH] [--farm FILE] [--build-dir DIR] [--boards DIR] [--junit FILE] [--json FILE|-] [--quiet]
//   hil boards [scan] [--farm FILE] [--boards DIR]
//   hil boards power-cycle INSTANCE [--off-ms N] [--farm FILE] [--boards DIR]
//   hil results [--db PATH] [--run ID [--ops] [--kernels [--boards DIR]] [--format table|json|csv]]
//   hil compare RUN_A RUN_B [--db PATH] [--threshold PCT]
//   hil baseline set NAME RUN | hil baseline show [NAME]
//   hil model gen NAME --seed N -o FILE
//   hil inspect MODEL [--json] [--board KIND]
//   hil infer MODEL --input IN.bin [--input ...] --output OUT.bin [--repeat N] [--dump-dir DIR]
// Exit codes: 0 pass, 1 a check failed, 2 usage or infrastructure error.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "hil/board/agent_engines.h"
#include "hil/board/board_kind.h"
#include "hil/board/posix_board.h"
#include "hil/board/hub_power.h"
#include "hil/store/open_store.h"
#include "hil/store/pg_store.h"
#include "hil/board/usb_scan.h"
#include "hil/cli/model_commands.h"
#include "hil/cli/runner.h"
#include "hil/core/file.h"
#include "hil/core/sha256.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"
#include "hil/report/compare.h"
#include "hil/report/export.h"
#include "hil/report/kernels.h"
#include "hil/report/summary_table.h"
#include "hil/store/sqlite_store.h"
#include "hil/web/commands.h"
#include "hil/web/report_data.h"

#ifndef HIL_SOURCE_DIR
#define HIL_SOURCE_DIR "."
#endif
#ifndef HIL_BINARY_DIR
#define HIL_BINARY_DIR "build"
#endif

namespace {

using hil::cli::kExitCheckFailed;
using hil::cli::kExitError;
using hil::cli::kExitPass;

// Interrupted: kill the agents we started (they would outlive us on a pty), mark the run
// "interrupted" in the store, then leave; every finished job is already committed. The store is
// written by a watcher thread, not in the handler (SQLite is not async-signal-safe): the handler
// hands the signal over through a pipe. A second signal, or one outside a run, leaves at once; a
// run left "running" that way (or by SIGKILL) is marked when the store is next opened.
int g_signal_pipe[2] = {-1, -1};
std::atomic<int> g_signals{0};
std::atomic<int64_t> g_run_id{0};

void OnSignal(int signal) {
  if (g_signals.fetch_add(1) == 0 && g_signal_pipe[1] >= 0) {
    const unsigned char s = static_cast<unsigned char>(signal);
    if (write(g_signal_pipe[1], &s, 1) == 1) return;
  }
  hil::board::KillAllAgents();
  static const char kMsg[] = "hil: interrupted; agents stopped\n";
  (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  _exit(128 + signal);
}

void WatchSignals(std::string db_path) {
  unsigned char s = 0;
  while (read(g_signal_pipe[0], &s, 1) != 1) {
  }
  hil::board::KillAllAgents();
  std::string what = "agents stopped";
  if (const int64_t run = g_run_id.load(); run > 0) {
    auto store = hil::store::SqliteStore::Open(db_path);
    if (store && (*store)->MarkInterrupted(run)) what += "; run " + std::to_string(run) + " marked interrupted (hil run --resume " +
                                                        std::to_string(run) + " finishes it)";
    else what += "; run " + std::to_string(run) + " could not be marked interrupted";
  }
  std::cerr << "hil: interrupted; " << what << std::endl;
  _exit(128 + s);
}

int Error(const std::string& message) {
  std::cerr << "hil: " << message << "\n";
  return kExitError;
}

std::string DefaultBoardsDir() {
  if (const char* env = std::getenv("HIL_BOARDS_DIR"); env && *env) return env;
  return std::string(HIL_SOURCE_DIR) + "/boards";
}

// The build folder holding target-agent/: the one this hil lives in (<build>/host/hil), else the
// one it was configured for.
std::string DefaultBuildDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto build = exe.parent_path().parent_path();
    if (std::filesystem::is_directory(build / "target-agent", ec)) return build.string();
  }
  return HIL_BINARY_DIR;
}

// An SQLite file that must exist already, or a PostgreSQL database (postgresql://...).
hil::Result<std::unique_ptr<hil::store::Store>> OpenExisting(const std::string& db_path) {
  std::error_code ec;
  if (!hil::store::IsPostgres(db_path) && !std::filesystem::exists(db_path, ec))
    return hil::Fail(hil::Status::kNotFound, "store " + db_path + ": no such file (run `hil run` first)");
  return hil::store::OpenStore(db_path);
}

// What `hil run` writes besides the terminal table.
struct RunOutputs {
  std::string junit_path;
  std::string json_path;  // "-": stdout, instead of the table
  bool quiet = false;
};

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return bool(out);
}

// A stored run in one of the machine-readable formats ("json", "csv", "junit").
hil::Result<std::string> ExportRun(hil::store::Store& store, int64_t run_id, const std::string& format) {
  auto jobs = store.ListJobs(run_id);
  if (!jobs) return std::unexpected(jobs.error());
  auto runs = store.ListRuns();
  if (!runs) return std::unexpected(runs.error());
  hil::store::RunRow run;
  for (const auto& r : *runs)
    if (r.id == run_id) run = r;
  auto env = store.Environment(run_id);
  if (!env) return std::unexpected(env.error());
  if (format == "json") return hil::report::RunJson(run, *env, *jobs);
  if (format == "csv") return hil::report::JobsCsv(run, *jobs);
  return hil::report::JUnitXml(run, *env, *jobs);
}

int CmdRun(hil::cli::RunOptions options, const RunOutputs& outputs) {
  options.progress = outputs.quiet ? nullptr : &std::cerr;
  options.progress_tty = isatty(STDERR_FILENO) != 0;
  if (options.resume_run_id > 0) {
    auto store = OpenExisting(options.db_path);
    if (!store) return Error(store.error().message);
    auto runs = (*store)->ListRuns();
    if (!runs) return Error(runs.error().message);
    const hil::store::RunRow* found = nullptr;
    for (const auto& r : *runs)
      if (r.id == options.resume_run_id) found = &r;
    if (!found) return Error("store " + options.db_path + ": no run " + std::to_string(options.resume_run_id));
    if (found->status == hil::store::kPass || found->status == hil::store::kFail || found->status == hil::store::kError)
      return Error("run " + std::to_string(found->id) + " finished (" + found->status + "): nothing to resume");
    if (options.suite_path.empty()) options.suite_path = found->suite_path;
  } else if (options.suite_path.empty()) {
    return Error("run: a suite file is required (or --resume RUN)");
  }
  if (hil::store::IsPostgres(options.farm_path)) {
    // A farm across hosts: the run lives in the farm's database, and its daemons run the jobs. A
    // signal leaves at once; the queued jobs still run and the run can be followed again there.
    options.db_path = options.farm_path;
  } else if (pipe(g_signal_pipe) == 0) {
    std::thread(WatchSignals, options.db_path).detach();
  }
  options.on_run_started = [](int64_t id) { g_run_id = id; };
  auto outcome = hil::cli::RunSuite(options);
  if (!outcome) return Error(outcome.error().message);
  int exit_code = outcome->exit_code;
  if (!outputs.junit_path.empty() || !outputs.json_path.empty()) {
    auto store = hil::store::OpenStore(options.db_path);
    if (!store) return Error(store.error().message);
    for (const auto& [format, path] : {std::pair{std::string("junit"), outputs.junit_path}, std::pair{std::string("json"), outputs.json_path}}) {
      if (path.empty()) continue;
      auto text = ExportRun(**store, outcome->run_id, format);
      if (!text) return Error(text.error().message);
      if (path == "-") std::cout << *text;
      else if (!WriteText(path, *text)) exit_code = Error("cannot write " + format + " to " + path);
    }
  }
  if (outputs.json_path == "-") return exit_code;  // stdout carries the JSON alone
  if (!outputs.quiet) std::cout << hil::report::SummaryTable(outcome->jobs, {.color = isatty(STDOUT_FILENO) != 0});
  std::cout << hil::report::SummaryLine(outcome->jobs) << " (run " << outcome->run_id << " in "
            << (hil::store::IsPostgres(options.db_path) ? hil::store::DescribeConninfo(options.db_path) : options.db_path) << ")\n";
  return exit_code;
}


int CmdCompare(const std::string& db_path, int64_t base_run, int64_t candidate_run, double threshold_pct) {
  auto store = OpenExisting(db_path);
  if (!store) return Error(store.error().message);
  auto base = (*store)->ListJobs(base_run);
  if (!base) return Error(base.error().message);
  auto candidate = (*store)->ListJobs(candidate_run);
  if (!candidate) return Error(candidate.error().message);
  const auto rows = hil::report::CompareJobs(*base, *candidate, threshold_pct);
  std::cout << hil::report::CompareTable(rows, base_run, candidate_run, threshold_pct);
  for (const auto& r : rows)
    if (r.base && r.candidate && r.comparison.verdict == hil::Verdict::kRegression) return kExitCheckFailed;
  return kExitPass;
}

int CmdBaseline(const std::string& db_path, bool set, const std::string& name, int64_t run_id) {
  auto store = OpenExisting(db_path);
  if (!store) return Error(store.error().message);
  if (set) {
    if (auto r = (*store)->SetBaseline(name, run_id); !r) return Error(r.error().message);
    std::cout << "baseline " << name << " = run " << run_id << "\n";
    return kExitPass;
  }
  auto all = (*store)->Baselines();
  if (!all) return Error(all.error().message);
  bool found = false;
  for (const auto& b : *all) {
    if (!name.empty() && b.name != name) continue;
    found = true;
    std::cout << b.name << ": run " << b.run_id << " (" << b.suite_name << ", started " << b.run_started_at << "; set "
              << b.set_at << ")\n";
  }
  if (!name.empty() && !found) return Error("store " + db_path + ": no baseline '" + name + "'");
  if (name.empty() && !found) std::cout << "no baselines (set one with `hil baseline set NAME RUN`)\n";
  return kExitPass;
}

int CmdBoards(const std::string& boards_dir, const std::string& farm_arg, const std::string& build_dir) {
  std::vector<hil::Error> broken;
  auto kinds = hil::board::LoadBoardKinds(boards_dir, &broken);
  if (!kinds) return Error(kinds.error().message);
  for (const auto& e : broken) std::cerr << "hil: warning: skipped a board kind: " << e.message << "\n";
  std::cout << "Board kinds (" << boards_dir << "):\n";
  for (const auto& [name, k] : *kinds) {
    std::cout << "  " << name << ": " << k.core << " @ " << k.clock_hz << " Hz, platform " << k.platform << ", transport "
              << k.transport;
    if (!k.description.empty()) std::cout << " - " << k.description;
    // The engines its agent was built with (suite `settings: {engine: ...}`), or why one is missing.
    std::cout << "\n      engines: " << hil::board::EnginesLine(hil::board::ReadAgentEngines(k, build_dir)) << "\n";
  }
  const std::string farm_path = farm_arg.empty() ? boards_dir + "/farms/default.yaml" : farm_arg;
  auto farm = hil::board::LoadFarm(farm_path, *kinds);
  if (!farm) return Error(farm.error().message);
  std::cout << "Farm " << (farm->name.empty() ? "(unnamed)" : farm->name) << " (" << farm_path << "):\n";
  for (const auto& i : farm->instances)
    std::cout << "  " << i.id << ": " << i.kind << (i.transport.empty() ? "" : " over " + i.transport) << "\n";
  return kExitPass;
}

// hil boards scan: which of the farm's probes, serial adapters and power monitors are plugged in
// (libusb), which are missing, and which USB devices of those kinds the farm does not know.
int CmdBoardsScan(const std::string& boards_dir, const std::string& farm_arg) {
  std::vector<hil::Error> broken;
  auto kinds = hil::board::LoadBoardKinds(boards_dir, &broken);
  if (!kinds) return Error(kinds.error().message);
  const std::string farm_path = farm_arg.empty() ? boards_dir + "/farms/default.yaml" : farm_arg;
  auto farm = hil::board::LoadFarm(farm_path, *kinds);
  if (!farm) return Error(farm.error().message);
  auto report = hil::board::ScanBoards(*farm);
  if (!report) return Error(report.error().message);
  std::cout << report->ToText();
  // Missing hardware is a failed check (exit 1), not a usage error: the scan itself worked.
  return report->missing() ? kExitCheckFailed : kExitPass;
}

// hil boards power-cycle: turns the hub port that powers a farm instance off and on again (the
// farm's `hub: <location>:<port>`), as the runner does for a board that a reset did not bring back.
int CmdBoardsPowerCycle(const std::string& boards_dir, const std::string& farm_arg, const std::string& id, int off_ms) {
  std::vector<hil::Error> broken;
  auto kinds = hil::board::LoadBoardKinds(boards_dir, &broken);
  if (!kinds) return Error(kinds.error().message);
  const std::string farm_path = farm_arg.empty() ? boards_dir + "/farms/default.yaml" : farm_arg;
  auto farm = hil::board::LoadFarm(farm_path, *kinds);
  if (!farm) return Error(farm.error().message);
  const hil::board::BoardInstance* inst = nullptr;
  for (const auto& i : farm->instances)
    if (i.id == id) inst = &i;
  if (!inst) return Error("no instance '" + id + "' in " + farm_path);
  if (inst->hub.port <= 0) return Error("instance " + id + " in " + farm_path + " names no hub port (farm field hub: \"1-1.2:3\")");
  auto hub = hil::board::OpenUsbHub(inst->hub.location);
  if (!hub) return Error("board " + id + ": " + hub.error().message);
  if (auto r = hil::board::PowerCycleHubPort(**hub, inst->hub.port, std::chrono::milliseconds(off_ms)); !r)
    return Error("board " + id + ": " + r.error().message);
  std::cout << "board " << id << ": power-cycled " << (*hub)->Describe() << " port " << inst->hub.port << " (off " << off_ms << " ms)\n";
  return kExitPass;
}

// `hil results --run N --kernels`: the run's kernel variants side by side (hil/report/kernels.h).
int CmdResultsKernels(hil::store::Store& store, const std::string& db_path, int64_t run_id, bool ops,
                      const std::string& boards_dir) {
  auto groups = hil::web::KernelGroups(store, run_id, {.db_path = db_path, .boards_dir = boards_dir, .filter = {}});
  if (!groups) return Error(groups.error().message);
  std::cout << "run " << run_id << ": engines and kernel variants per model x board kind\n";
  std::cout << hil::report::KernelTable(*groups, ops);
  return kExitPass;
}

int CmdResults(const std::string& db_path, int64_t run_id, bool ops, bool kernels, const std::string& boards_dir,
               const std::string& format) {
  auto store = OpenExisting(db_path);
  if (!store) return Error(store.error().message);
  if (kernels) {
    if (run_id <= 0) return Error("--kernels needs --run ID");
    if (format != "table") return Error("--kernels prints a table: drop --format " + format);
    return CmdResultsKernels(**store, db_path, run_id, ops, boards_dir);
  }
  if (format != "table") {
    if (run_id <= 0) return Error("--format " + format + " needs --run ID");
    auto text = ExportRun(**store, run_id, format);
    if (!text) return Error(text.error().message);
    std::cout << *text;
    return kExitPass;
  }
  if (run_id <= 0) {
    auto runs = (*store)->ListRuns();
    if (!runs) return Error(runs.error().message);
    std::cout << hil::report::RunsTable(*runs);
    return kExitPass;
  }
  auto jobs = (*store)->ListJobs(run_id);
  if (!jobs) return Error(jobs.error().message);
  auto env = (*store)->Environment(run_id);
  if (env) {
    for (const auto& [k, v] : *env) std::cout << k << ": " << v << "\n";
    std::cout << "\n";
  }
  std::cout << hil::report::SummaryTable(*jobs, {.color = isatty(STDOUT_FILENO) != 0});
  std::cout << hil::report::SummaryLine(*jobs) << "\n";
  if (ops) {
    for (const auto& j : *jobs) {
      auto rows = (*store)->OpProfile(j.id);
      if (!rows) return Error(rows.error().message);
      if (rows->empty()) continue;
      std::cout << "\n" << j.info.model_name << " on " << j.info.board_instance << " (job " << j.id
                << ", figures summed over the last INVOKE):\n";
      std::cout << hil::report::OpProfileTable(*rows, j.unit);
    }
  }
  return kExitPass;
}

int CmdModelGen(const std::string& name, uint64_t seed, const std::string& out) {
  auto bytes = hil::model::GenerateModel(name, seed);
  if (!bytes) return Error("model " + name + ": " + bytes.error());
  if (auto w = hil::model::WriteFileBytes(out, *bytes); !w) return Error("cannot write " + out + ": " + w.error());
  std::cout << "wrote " << out << " (" << bytes->size() << " bytes, sha256 " << hil::Sha256Hex(*bytes) << ")\n";
  return kExitPass;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TinyHIL: hardware-in-the-loop tests and profiling for TinyML models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hil " HIL_VERSION);

  hil::cli::RunOptions run;
  run.boards_dir = DefaultBoardsDir();
  run.build_dir = DefaultBuildDir();
  auto* cmd_run = app.add_subcommand("run", "Run a suite: every model on every board kind, checked and stored");
  cmd_run->add_option("suite", run.suite_path, "Suite file (suites/*.yaml); with --resume, default: the run's");
  cmd_run->add_option("--resume", run.resume_run_id, "Finish interrupted run RUN: run only the jobs it did not finish")
      ->check(CLI::Validator(
          [](std::string& v) {
            const bool digits = !v.empty() && v.size() < 19 && v.find_first_not_of("0123456789") == std::string::npos;
            return digits && std::stoll(v) > 0 ? std::string() : "expected a run id (a positive number), got '" + v + "'";
          },
          "RUN"));
  cmd_run->add_option("--db", run.db_path, "SQLite result store")->capture_default_str();
  cmd_run->add_option("--farm", run.farm_path, "Farm file (default: <boards>/farms/default.yaml)");
  cmd_run->add_option("--build-dir", run.build_dir, "Build folder with target-agent/ports/posix/hil-agent-posix")->capture_default_str();
  cmd_run->add_option("--boards", run.boards_dir, "Folder of board kinds (boards/<kind>.yaml)")->capture_default_str();
  int timeout_ms = 1000, execute_timeout_ms = 60000;
  cmd_run->add_option("--timeout-ms", timeout_ms, "Reply timeout per attempt for quick requests")->capture_default_str();
  cmd_run->add_option("--execute-timeout-ms", execute_timeout_ms, "Reply timeout per attempt for LOAD_END and INVOKE")
      ->capture_default_str();
  cmd_run->add_option("--attempts", run.max_attempts, "Attempts per request before giving up")->capture_default_str();
  cmd_run->add_option("--inject-faults", run.inject_faults,
                      "Testing aid: damage every board link, e.g. seed=1,drop=0.001,corrupt=0.001,duplicate=0.001");
  RunOutputs run_outputs;
  cmd_run->add_option("--junit", run_outputs.junit_path, "Write JUnit XML (one testcase per job and per check) to FILE");
  cmd_run->add_option("--json", run_outputs.json_path, "Write the run as JSON to FILE ('-': to stdout, instead of the table)");
  cmd_run->add_flag("--quiet,-q", run_outputs.quiet, "No progress lines and no table: the summary line only");

  std::string boards_dir = DefaultBoardsDir(), farm_path;
  auto* cmd_boards = app.add_subcommand("boards", "List board kinds and the farm's instances");
  cmd_boards->add_option("--boards", boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_boards->add_option("--farm", farm_path, "Farm file (default: <boards>/farms/default.yaml)");
  std::string boards_build_dir = DefaultBuildDir();
  cmd_boards->add_option("--build-dir", boards_build_dir, "Build folder with the agents and firmware (their engines are read there)")
      ->capture_default_str();
  auto* cmd_scan = cmd_boards->add_subcommand("scan", "Find the farm's probes, serial adapters and power monitors on USB");
  cmd_scan->add_option("--boards", boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_scan->add_option("--farm", farm_path, "Farm file (default: <boards>/farms/default.yaml)");
  std::string cycle_id;
  int cycle_off_ms = 2000;
  auto* cmd_cycle = cmd_boards->add_subcommand("power-cycle", "Turn the USB hub port that powers a board off and on");
  cmd_cycle->add_option("instance", cycle_id, "Farm instance id, e.g. nucleo-f411re#1")->required();
  cmd_cycle->add_option("--off-ms", cycle_off_ms, "How long the port stays off")->capture_default_str()->check(CLI::Range(100, 60000));
  cmd_cycle->add_option("--boards", boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_cycle->add_option("--farm", farm_path, "Farm file (default: <boards>/farms/default.yaml)");

  hil::cli::DaemonOptions daemon;
  daemon.boards_dir = DefaultBoardsDir();
  daemon.build_dir = DefaultBuildDir();
  int daemon_lease_ms = 30000, daemon_idle_exit_ms = 0;
  auto* cmd_daemon = app.add_subcommand("daemon", "Serve this host's boards to a farm across hosts (a PostgreSQL job queue)");
  cmd_daemon->add_option("--db", daemon.db, "The farm's database, postgresql://user@host:port/db")->required();
  cmd_daemon->add_option("--id", daemon.id, "This daemon's name in the farm (default: <host>-<pid>)");
  cmd_daemon->add_option("--farm", daemon.farm_path, "This host's boards (default: <boards>/farms/default.yaml)");
  cmd_daemon->add_option("--boards", daemon.boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_daemon->add_option("--build-dir", daemon.build_dir, "Build folder with the agents and firmware")->capture_default_str();
  cmd_daemon->add_option("--lease-ms", daemon_lease_ms, "How long a claim lasts unless renewed")->capture_default_str()->check(CLI::Range(200, 3600000));
  cmd_daemon->add_option("--max-attempts", daemon.max_attempts, "Claims of a job before it is quarantined")->capture_default_str()->check(CLI::Range(1, 100));
  cmd_daemon->add_option("--exit-when-idle-ms", daemon_idle_exit_ms, "Stop after this long without work (0: never)")->capture_default_str();
  int64_t daemon_health_ms = 60000;
  cmd_daemon->add_option("--health-interval-ms", daemon_health_ms,
                         "Check an idle board after this long; recover it, or drain it when that fails (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  std::string api_token_file;
  cmd_daemon->add_option("--api-port", daemon.api_port, "Serve the HTTP API on this port (0: a free one; default: no API)");
  cmd_daemon->add_option("--api-bind", daemon.api_bind, "Address the API listens on")->capture_default_str();
  cmd_daemon->add_option("--api-token-file", api_token_file, "File holding the API's bearer token (required with --api-port)");
  cmd_daemon->add_option("--api-max-bytes", daemon.api_max_body, "Largest submission accepted (bytes received, chunked or not)")->capture_default_str();
  cmd_daemon->add_option("--api-tls-cert", daemon.api_tls_cert, "Serve the API over HTTPS with this PEM certificate (with --api-tls-key)");
  cmd_daemon->add_option("--api-tls-key", daemon.api_tls_key, "The PEM private key of --api-tls-cert");

  std::string results_db = "results/hil.db";
  int64_t run_id = 0;
  auto* cmd_results = app.add_subcommand("results", "List stored runs; with --run, that run's jobs");
  cmd_results->add_option("--db", results_db, "SQLite result store")->capture_default_str();
  cmd_results->add_option("--run", run_id, "Run id");
  bool results_ops = false;
  cmd_results->add_flag("--ops", results_ops,
                        "With --run: per-operator profile of each job (with --kernels: per-operator speed-ups)");
  bool results_kernels = false;
  cmd_results->add_flag("--kernels", results_kernels,
                        "With --run: engines and kernel variants per model x board: median, per MAC, speed-up over ref, "
                        "% of the core's peak, ratio to TFLM, arena");
  std::string results_boards = DefaultBoardsDir();
  cmd_results->add_option("--boards", results_boards, "With --kernels: folder of board kinds (for each kind's core)")
      ->capture_default_str();
  std::string results_format = "table";
  cmd_results->add_option("--format", results_format, "With --run: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();

  std::string compare_db = "results/hil.db";
  int64_t compare_a = 0, compare_b = 0;
  double compare_threshold = 5.0;
  auto* cmd_compare = app.add_subcommand("compare", "Compare two runs per model x board: medians, delta, significance");
  cmd_compare->add_option("run_a", compare_a, "Base run id")->required();
  cmd_compare->add_option("run_b", compare_b, "Candidate run id")->required();
  cmd_compare->add_option("--db", compare_db, "SQLite result store")->capture_default_str();
  cmd_compare->add_option("--threshold", compare_threshold, "Relative change (%) below which nothing is flagged")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();

  std::string baseline_db = "results/hil.db", baseline_name;
  int64_t baseline_run = 0;
  auto* cmd_baseline = app.add_subcommand("baseline", "Named baselines that suites' `regressions:` compare with");
  cmd_baseline->require_subcommand(1);
  auto* cmd_baseline_set = cmd_baseline->add_subcommand("set", "Point NAME at RUN");
  cmd_baseline_set->add_option("name", baseline_name, "Baseline name")->required();
  cmd_baseline_set->add_option("run", baseline_run, "Run id")->required();
  cmd_baseline_set->add_option("--db", baseline_db, "SQLite result store")->capture_default_str();
  auto* cmd_baseline_show = cmd_baseline->add_subcommand("show", "List baselines, or the one named");
  cmd_baseline_show->add_option("name", baseline_name, "Baseline name");
  cmd_baseline_show->add_option("--db", baseline_db, "SQLite result store")->capture_default_str();

  hil::web::RegisterWebCommands(app, DefaultBoardsDir());  // hil report, hil serve
  hil::cli::RegisterModelCommands(app, DefaultBoardsDir(), DefaultBuildDir());  // hil inspect, hil infer

  auto* cmd_model = app.add_subcommand("model", "Model tools");
  cmd_model->require_subcommand(1);
  std::string gen_name, gen_out;
  uint64_t gen_seed = 1;
  auto* cmd_gen = cmd_model->add_subcommand("gen", "Generate a synthetic int8 .tflite model (zoo name or kernel spec)");
  cmd_gen->add_option("name", gen_name, "kws, ic, vww, ad, sww, tiny, or a kernel spec such as fc:64,units=10")->required();
  cmd_gen->add_option("--seed", gen_seed, "Weight seed")->capture_default_str();
  cmd_gen->add_option("-o,--output", gen_out, "Output .tflite file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    if (*cmd_run) {
      run.response_timeout = std::chrono::milliseconds(timeout_ms);
      run.execute_timeout = std::chrono::milliseconds(execute_timeout_ms);
      return CmdRun(run, run_outputs);
    }
    if (*cmd_daemon) {
      if (!hil::store::IsPostgres(daemon.db)) return Error("daemon: --db must be a PostgreSQL database (postgresql://...), got " + daemon.db);
      if (daemon.id.empty()) {
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        daemon.id = std::string(host) + "-" + std::to_string(getpid());
      }
      daemon.lease = std::chrono::milliseconds(daemon_lease_ms);
      if (daemon.api_port >= 0) {
        if (api_token_file.empty()) return Error("daemon: --api-port needs --api-token-file (the API takes no request without a token)");
        auto token = hil::ReadRegularFile(api_token_file, 4096);
        if (!token) return Error("daemon: --api-token-file " + token.error().message);
        daemon.api_token = token->substr(0, token->find('\n'));
        while (!daemon.api_token.empty() && std::isspace(static_cast<unsigned char>(daemon.api_token.back()))) daemon.api_token.pop_back();
      }
      daemon.exit_when_idle = std::chrono::milliseconds(daemon_idle_exit_ms);
      daemon.health_interval = std::chrono::milliseconds(daemon_health_ms);
      daemon.progress = &std::cerr;
      // SIGINT/SIGTERM: leave within a second, jobs in hand given back to the queue (a second signal
      // leaves at once).
      static std::atomic<bool> stop{false};
      struct sigaction graceful = {};
      graceful.sa_handler = [](int sig) {
        if (stop.exchange(true)) {
          hil::board::KillAllAgents();
          _exit(128 + sig);
        }
      };
      sigemptyset(&graceful.sa_mask);
      for (int sig : {SIGINT, SIGTERM}) sigaction(sig, &graceful, nullptr);
      auto r = hil::cli::RunDaemon(daemon, stop);
      if (!r) return Error(r.error().message);
      return *r;
    }
    if (*cmd_boards) {
      if (*cmd_cycle) return CmdBoardsPowerCycle(boards_dir, farm_path, cycle_id, cycle_off_ms);
      return *cmd_scan ? CmdBoardsScan(boards_dir, farm_path) : CmdBoards(boards_dir, farm_path, boards_build_dir);
    }
    if (*cmd_results) return CmdResults(results_db, run_id, results_ops, results_kernels, results_boards, results_format);
    if (*cmd_compare) return CmdCompare(compare_db, compare_a, compare_b, compare_threshold);
    if (*cmd_baseline) return CmdBaseline(baseline_db, cmd_baseline_set->parsed(), baseline_name, baseline_run);
    if (*cmd_gen) return CmdModelGen(gen_name, gen_seed, gen_out);
  } catch (const std::exception& e) {  // a library threw past its adapter: still a clean exit code
    return Error(std::string("internal error: ") + e.what());
  }
  return kExitError;
}
