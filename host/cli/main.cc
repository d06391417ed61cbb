// hil: the TinyHIL command line. Thin: parses arguments and calls the modules.
//   hil run SUITE.yaml [--db PATH] [--farm FILE] [--build-dir DIR] [--boards DIR]
//   hil boards [--farm FILE] [--boards DIR]
//   hil results [--db PATH] [--run ID [--ops]]
//   hil model gen NAME --seed N -o FILE
// Exit codes: 0 pass, 1 a check failed, 2 usage or infrastructure error.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "hil/board/board_kind.h"
#include "hil/board/posix_board.h"
#include "hil/cli/runner.h"
#include "hil/core/sha256.h"
#include "hil/model/tflite_io.h"
#include "hil/model/zoo.h"
#include "hil/report/summary_table.h"
#include "hil/store/sqlite_store.h"

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

// Interrupted: kill the agents we started (they would outlive us on a pty), then leave. The run
// stays "running" in the store; every finished job is already committed.
void OnSignal(int signal) {
  hil::board::KillAllAgents();
  static const char kMsg[] = "hil: interrupted; agents stopped\n";
  (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  _exit(128 + signal);
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

int CmdRun(hil::cli::RunOptions options) {
  options.progress = &std::cerr;
  auto outcome = hil::cli::RunSuite(options);
  if (!outcome) return Error(outcome.error().message);
  std::cout << hil::report::SummaryTable(outcome->jobs, {.color = isatty(STDOUT_FILENO) != 0});
  std::cout << hil::report::SummaryLine(outcome->jobs) << " (run " << outcome->run_id << " in " << options.db_path << ")\n";
  return outcome->exit_code;
}

int CmdBoards(const std::string& boards_dir, const std::string& farm_arg) {
  std::vector<hil::Error> broken;
  auto kinds = hil::board::LoadBoardKinds(boards_dir, &broken);
  if (!kinds) return Error(kinds.error().message);
  for (const auto& e : broken) std::cerr << "hil: warning: skipped a board kind: " << e.message << "\n";
  std::cout << "Board kinds (" << boards_dir << "):\n";
  for (const auto& [name, k] : *kinds) {
    std::cout << "  " << name << ": " << k.core << " @ " << k.clock_hz << " Hz, platform " << k.platform << ", transport "
              << k.transport;
    if (!k.description.empty()) std::cout << " - " << k.description;
    std::cout << "\n";
  }
  const std::string farm_path = farm_arg.empty() ? boards_dir + "/farms/default.yaml" : farm_arg;
  auto farm = hil::board::LoadFarm(farm_path, *kinds);
  if (!farm) return Error(farm.error().message);
  std::cout << "Farm " << (farm->name.empty() ? "(unnamed)" : farm->name) << " (" << farm_path << "):\n";
  for (const auto& i : farm->instances)
    std::cout << "  " << i.id << ": " << i.kind << (i.transport.empty() ? "" : " over " + i.transport) << "\n";
  return kExitPass;
}

int CmdResults(const std::string& db_path, int64_t run_id, bool ops) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return Error("store " + db_path + ": no such file (run `hil run` first)");
  auto store = hil::store::SqliteStore::Open(db_path);
  if (!store) return Error(store.error().message);
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
  cmd_run->add_option("suite", run.suite_path, "Suite file (suites/*.yaml)")->required();
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

  std::string boards_dir = DefaultBoardsDir(), farm_path;
  auto* cmd_boards = app.add_subcommand("boards", "List board kinds and the farm's instances");
  cmd_boards->add_option("--boards", boards_dir, "Folder of board kinds")->capture_default_str();
  cmd_boards->add_option("--farm", farm_path, "Farm file (default: <boards>/farms/default.yaml)");

  std::string results_db = "results/hil.db";
  int64_t run_id = 0;
  auto* cmd_results = app.add_subcommand("results", "List stored runs; with --run, that run's jobs");
  cmd_results->add_option("--db", results_db, "SQLite result store")->capture_default_str();
  cmd_results->add_option("--run", run_id, "Run id");
  bool results_ops = false;
  cmd_results->add_flag("--ops", results_ops, "With --run: per-operator profile of each job");

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
      return CmdRun(run);
    }
    if (*cmd_boards) return CmdBoards(boards_dir, farm_path);
    if (*cmd_results) return CmdResults(results_db, run_id, results_ops);
    if (*cmd_gen) return CmdModelGen(gen_name, gen_seed, gen_out);
  } catch (const std::exception& e) {  // a library threw past its adapter: still a clean exit code
    return Error(std::string("internal error: ") + e.what());
  }
  return kExitError;
}
