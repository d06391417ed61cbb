// The hil executable end to end, as a user runs it: exit codes, messages that name the file, board
// or field at fault, and a store whose earlier runs survive every failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <random>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <fstream>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "hil/power/testing/fake_io_manager.h"
#include "hil/power/testing/fake_lpm01a.h"
#include "hil/store/pg_store.h"
#include "hil/store/sqlite_store.h"
#include <libpq-fe.h>
#include "hil/store/testing/pg_server.h"
#include "hil/power/testing/fake_ppk2.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// A shell command line as given; its stdout (and whatever it redirects there).
Result Shell(const std::string& cmd) {
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// `env` is prepended to the command line ("NAME=value "); `merge_stderr` false discards stderr.
Result Hil(const std::string& args, const std::string& env = "", bool merge_stderr = true) {
  return Shell(env + std::string(HIL_EXE) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

// A shell command line, stdout and stderr together.
Result Sh(const std::string& cmd) { return Shell(cmd + " 2>&1"); }

// A TCP connection to 127.0.0.1:port; -1 when refused.
int ConnectLocal(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  close(fd);
  return -1;
}

// The port a daemon announced in its log ("API on http://127.0.0.1:PORT/api/v1/"); 0 when it did not
// within 10 s.
int AnnouncedApiPort(const std::string& log, const std::string& scheme = "http") {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto at = text.find("API on " + scheme + "://"); at != std::string::npos) {
      const auto colon = text.find(':', at + 9 + scheme.size());
      return std::atoi(text.c_str() + colon + 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

class HilCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_cli_test_" + std::to_string(getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "hil.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string Run(const std::string& suite) { return "run " + suite + " --db " + db_; }

  // One good run in the store, to check that later failures leave it alone.
  void SeedStore() {
    const auto suite = Write("ok.yaml", "name: ok\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                        "settings: {warmup: 0, iterations: 3}\n");
    auto r = Hil(Run(suite));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void ExpectSeedRunIntact() {
    auto r = Hil("results --db " + db_);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, ::testing::ContainsRegex(" 1 +ok +pass +1 "));
    auto jobs = Hil("results --db " + db_ + " --run 1");
    EXPECT_EQ(jobs.exit_code, 0) << jobs.output;
    EXPECT_THAT(jobs.output, HasSubstr("fc:16,units=4-s3"));
    EXPECT_THAT(jobs.output, HasSubstr("1 job: 1 pass"));
  }

  std::filesystem::path dir_;
  std::string db_;

  // A farm of one POSIX agent whose timestamp GPIO goes to `fifo` and whose power monitor is
  // `monitor` ("ppk2:/dev/pts/N").
  std::string MonitoredFarm(const std::string& fifo, const std::string& monitor) {
    return Write("farm.yaml", "name: bench\ninstances:\n  - id: posix-host#7\n    kind: posix-host\n"
                              "    args: [--timestamp-gpio, " + fifo + "]\n    power_monitor: " + monitor + "\n");
  }

  // A PPK2 emulator in live mode: its logic-port bit `gpio_bit` follows the timestamp GPIO FIFO
  // dir_/gpio.fifo, 1000 uA inside the windows and 20 uA outside, 10 us samples.
  static hil::power::testing::FakePpk2::Trace LivePpk2Trace(const std::filesystem::path& dir, int gpio_bit = 0) {
    hil::power::testing::FakePpk2::Trace trace;
    trace.metadata = hil::power::testing::FakePpk2::SimpleMetadata();
    trace.live = hil::power::testing::FakePpk2::Live{(dir / "gpio.fifo").string(), gpio_bit, 1000, 20, 10};
    return trace;
  }
};

// `hil daemon ARGS...` in the background, its stderr in `log`; SIGKILLed with the test unless it was
// stopped, so no daemon outlives a failed assertion.
class Daemon {
 public:
  Daemon(const std::vector<std::string>& args, const std::string& log) {
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "w", stderr);
      std::vector<char*> argv = {const_cast<char*>(HIL_EXE), const_cast<char*>("daemon")};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(HIL_EXE, argv.data());
      _exit(127);
    }
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon() { Stop(SIGKILL); }
  pid_t pid() const { return pid_; }
  // Sends `signal` and returns the wait status (-1 when already stopped).
  int Stop(int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return status;
  }

 private:
  pid_t pid_ = 0;
};

TEST_F(HilCli, PosixSmokePassesAgainstThePosixAgent) {
  auto r = Hil(Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("outputs==host-reference: pass"));
  EXPECT_THAT(r.output, HasSubstr("ns:host-monotonic"));
  EXPECT_THAT(r.output, HasSubstr("0 fail, 0 error"));
  auto runs = Hil("results --db " + db_);
  EXPECT_THAT(runs.output, HasSubstr("posix-smoke"));
  auto jobs = Hil("results --db " + db_ + " --run 1");
  EXPECT_THAT(jobs.output, ::testing::ContainsRegex("firmware.posix-host#[12]: tinyhil-agent-posix"));
  EXPECT_THAT(jobs.output, HasSubstr("git_commit: "));
  auto ops = Hil("results --db " + db_ + " --run 1 --ops");
  EXPECT_EQ(ops.exit_code, 0) << ops.output;
  EXPECT_THAT(ops.output, HasSubstr("DEPTHWISE_CONV_2D"));  // kws is a DS-CNN
  EXPECT_THAT(ops.output, HasSubstr("TOTAL ns"));
}

TEST_F(HilCli, NonexistentSuiteExits2AndNamesIt) {
  SeedStore();
  auto r = Hil(Run((dir_ / "missing.yaml").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("missing.yaml: no such file"));
  ExpectSeedRunIntact();
}

TEST_F(HilCli, UnknownBoardExits2AndNamesBoardFileAndLine) {
  SeedStore();
  const auto suite = Write("bad_board.yaml", "name: b\nmodels:\n  - {generate: kws, seed: 1}\nboards:\n  - posix-host\n  - nucleo-h7\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr(suite + ":6: boards[1]: unknown board kind 'nucleo-h7' (known: "));
  EXPECT_THAT(r.output, HasSubstr("posix-host"));
  ExpectSeedRunIntact();
}

TEST_F(HilCli, MalformedSuiteExits2WithTheLine) {
  SeedStore();
  const auto suite = Write("syntax.yaml", "name: s\nmodels: [a\nboards: [posix-host]\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, ::testing::ContainsRegex(suite + ":[0-9]+: YAML syntax error"));
  const auto typo = Write("typo.yaml", "name: s\nmodels: [a.tflite]\nboards: [posix-host]\nsettings: {iterations: many}\n");
  r = Hil(Run(typo));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr(typo + ":4: settings.iterations: expected an integer"));
  ExpectSeedRunIntact();
}

TEST_F(HilCli, MissingModelFileExits2AndNamesIt) {
  const auto suite = Write("nomodel.yaml", "name: s\nmodels:\n  - path: nothere.tflite\nboards: [posix-host]\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr(suite + ":3: models[0].path: cannot read"));
  EXPECT_THAT(r.output, HasSubstr("nothere.tflite"));
}

// A model the engine cannot load is refused while planning, before any board starts, naming the suite
// line and the reason; no run is stored and the stored ones are untouched.
TEST_F(HilCli, InvalidModelIsRefusedAtPlanningAndNothingIsStored) {
  SeedStore();
  Write("garbage.tflite", std::string(5000, 'x'));
  const auto suite = Write("mixed.yaml", "name: mixed\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\n  - path: garbage.tflite\n"
                                         "boards: [posix-host]\nsettings: {warmup: 0, iterations: 2}\nchecks: {outputs: none}\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr(suite + ":4: models[1] (garbage): malformed .tflite: file identifier is not \"TFL3\""));
  EXPECT_THAT(r.output, Not(HasSubstr("posix-host#")));  // no board was started
  ExpectSeedRunIntact();
  auto jobs = Hil("results --db " + db_ + " --run 2");
  EXPECT_NE(jobs.exit_code, 0);
  EXPECT_THAT(jobs.output, HasSubstr("no run 2"));
}

TEST_F(HilCli, UnreachableAgentIsAJobErrorNamingTheBoard) {
  SeedStore();
  const auto suite = Write("ok2.yaml", "name: ok2\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n");
  auto r = Hil(Run(suite) + " --build-dir " + (dir_ / "no-build").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, ::testing::ContainsRegex("board posix-host#[12]: agent executable"));
  EXPECT_THAT(r.output, HasSubstr("not found"));
  ExpectSeedRunIntact();
}

// Damage on the link (dropped, corrupted, duplicated bytes: bad-CRC frames, truncated chunks) is
// recovered by retransmission and duplicate suppression: results are identical and checks pass.
TEST_F(HilCli, LightLinkDamageIsRecovered) {
  const auto suite = Write("faults.yaml", "name: faults\nmodels:\n  - {generate: kws, seed: 1}\nboards: [posix-host]\n"
                                          "inputs: {random: {seed: 5, count: 2}}\nsettings: {warmup: 0, iterations: 5}\n");
  auto r = Hil(Run(suite) + " --inject-faults seed=11,drop=0.00003,corrupt=0.00003,duplicate=0.00003 --timeout-ms 100 "
                            "--execute-timeout-ms 3000 --attempts 10");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("outputs==host-reference: pass (2 compared)"));
  auto env = Hil("results --db " + db_ + " --run 1");
  // Either POSIX instance of the default farm may take the job; the damage was in its path.
  EXPECT_THAT(env.output, ::testing::ContainsRegex("link.posix-host#[12]: posix-host#[12] \\(pid [0-9]+, faulty:(tty:/dev/pts/|unix:)"));
  EXPECT_THAT(env.output, ::testing::ContainsRegex("link_stats.posix-host#[12]: [0-9]+ requests, [1-9][0-9]* retransmissions"));
}

// Damage beyond what retransmission can cover ends in a clear error naming the board and link, exit
// 2, and earlier results stay.
TEST_F(HilCli, HeavyLinkDamageFailsClearly) {
  SeedStore();
  const auto suite = Write("faults.yaml", "name: faults\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = Hil(Run(suite) + " --inject-faults seed=2,corrupt=0.2 --timeout-ms 50 --attempts 3");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex("board posix-host#[12]: no (HELLO|reply to [A-Z_]+)"));
  EXPECT_THAT(r.output, ::testing::ContainsRegex("faulty:(tty:/dev/pts/|unix:)"));
  ExpectSeedRunIntact();
}

// A board that keeps failing after a restart is marked unhealthy; the jobs of its kind that no
// healthy instance is left to run are stored as errors that say so, and the run ends (exit 2).
TEST_F(HilCli, BoardThatCannotRecoverIsMarkedUnhealthyAndItsJobsAreStoredAsErrors) {
  const auto suite = Write("sick.yaml",
                           "name: sick\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\n  - {generate: 'fc:8,units=2', seed: 4}\n"
                           "  - {generate: 'fc:8,units=3', seed: 5}\nboards: [posix-host]\n");
  const auto farm = Write("farm.yaml", "name: one\ninstances:\n  - {id: posix-host#9, kind: posix-host}\n");
  auto r = Hil(Run(suite) + " --farm " + farm + " --inject-faults seed=2,drop=1 --timeout-ms 50 --attempts 2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("after recovery from: "));
  EXPECT_THAT(r.output, HasSubstr("board posix-host#9 marked unhealthy"));
  EXPECT_THAT(r.output, HasSubstr("no healthy board of kind posix-host left (unhealthy: posix-host#9)"));
  EXPECT_THAT(r.output, HasSubstr("3 jobs: 0 pass, 0 fail, 3 error"));
}

// One emulated board over its UART and over RTT through the gdbstub: both pass, the link appears in
// the environment, and the instruction counts are the same figure.
TEST_F(HilCli, UartAndRttGiveTheSameCountsOnAnEmulatedBoard) {
  auto r = Hil(Run(HIL_SOURCE_DIR "/suites/links.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> medians;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("kws-s1 ", 0) != 0) continue;
    std::istringstream cols(line);
    std::string model, board, status, median;
    cols >> model >> board >> status >> median;
    EXPECT_EQ(status, "pass") << line;
    medians.push_back(median);
  }
  ASSERT_EQ(medians.size(), 2u) << r.output;
  EXPECT_EQ(medians[0], medians[1]);
  EXPECT_THAT(r.output, HasSubstr("instructions:qemu-icount"));
  auto env = Hil("results --db " + db_ + " --run 1");
  EXPECT_THAT(env.output, HasSubstr("rtt:gdb:127.0.0.1:"));
}

// The kernel variant is chosen per job: the DSP variant runs bit-exact and in fewer instructions on
// the Cortex-M4, and a core without it (Cortex-M3) refuses it by name, as a stored job error.
TEST_F(HilCli, KernelVariantIsChosenPerJobAndRefusedWhereNotBuilt) {
  const auto suite = Write("kv.yaml",
                           "name: kv\nmodels:\n  - {generate: 'fc:256,units=64', seed: 3}\nboards: [mps2-an386, mps2-an385]\n"
                           "settings:\n  - {warmup: 0, iterations: 2, kernel: ref}\n  - {warmup: 0, iterations: 2, kernel: dsp}\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2) << r.output;  // the M3 job with dsp is an error
  EXPECT_THAT(r.output, HasSubstr("kernel variant dsp is not built for this core"));
  EXPECT_THAT(r.output, HasSubstr("4 jobs: 3 pass, 0 fail, 1 error"));
  long ref = -1, dsp = -1;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cols(line);
    std::string model, board, tag;
    cols >> model >> board;
    if (board != "mps2-an386#1") continue;
    std::string next;
    cols >> next;
    if (next == "[dsp]") cols >> next >> dsp;  // status, then the median
    else cols >> ref;
  }
  ASSERT_GT(ref, 0) << r.output;
  ASSERT_GT(dsp, 0) << r.output;
  EXPECT_LT(dsp * 2, ref);  // SMLAD does two MACs per instruction
}

// TensorFlow Lite Micro as a second engine on the POSIX agent (its host build, reference kernels):
// `engine: [tinyhil, tflm]` runs each model on both; TFLM's outputs pass the same check against the
// host reference as ours; the engine is stored per job and compared by `hil results --kernels`.
// Models: the zoo's shapes and single operators, and (when ../shared is there) MLPerf Tiny's own.
// Without a TFLM checkout the agent has no TFLM, and a suite asking for it says why.
TEST_F(HilCli, TflmEngineRunsBesideOursWithTheSameOutputs) {
  std::string models =
      "  - {name: kws, generate: kws, seed: 1}\n"
      "  - {name: conv, generate: 'conv2d:16x16x8,oc=16,k=3x3,s=2,pad=same,act=relu', seed: 2}\n"
      "  - {name: dw, generate: 'depthwise:16x16x8,dm=2,k=3x3', seed: 2}\n"
      "  - {name: add, generate: 'add:8x8x16,b=1x1x16', seed: 2}\n"
      "  - {name: pool, generate: 'avgpool:15x13x24,k=2x2,s=1,pad=valid,act=relu', seed: 2}\n";
  int expect_jobs = 10;
  if (std::string(HIL_SHARED_DIR).size() && std::filesystem::exists(std::string(HIL_SHARED_DIR) + "/models/ad_autoencoder_int8.tflite")) {
    models += "  - {name: ad-mlperf, path: " + std::string(HIL_SHARED_DIR) + "/models/ad_autoencoder_int8.tflite}\n";
    models += "  - {name: ic-mlperf, path: " + std::string(HIL_SHARED_DIR) + "/models/ic_resnet8_int8.tflite}\n";
    expect_jobs += 4;
  }
  const auto suite = Write("engines.yaml", "name: engines\nmodels:\n" + models +
                                               "inputs: {random: {seed: 3, count: 2}}\nboards: [posix-host]\n"
                                               "settings: {warmup: 0, iterations: 2, engine: [tinyhil, tflm]}\n"
                                               "checks: {outputs: host-reference}\n");
  auto r = Hil(Run(suite));
#if HIL_HAVE_TFLM
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(std::to_string(expect_jobs) + " jobs: " + std::to_string(expect_jobs) + " pass"));
  EXPECT_THAT(r.output, ::testing::ContainsRegex("kws +posix-host#[12] \\[tflm\\] +pass"));
  auto boards = Hil("boards");
  EXPECT_THAT(boards.output, HasSubstr("posix-host: host-cpu"));
  EXPECT_THAT(boards.output, HasSubstr("engines: tinyhil, tflm"));

  // Stored per job, compared per model: both engines' rows, TFLM's arena, the ratio to TFLM.
  auto k = Hil("results --run 1 --kernels --ops --db " + db_);
  ASSERT_EQ(k.exit_code, 0) << k.output;
  EXPECT_THAT(k.output, HasSubstr("VS TFLM"));
  EXPECT_THAT(k.output, ::testing::ContainsRegex("kws +posix-host +host-cpu +tinyhil +ref +[0-9]+ +ns:host-monotonic"));
  EXPECT_THAT(k.output, ::testing::ContainsRegex("kws +posix-host +host-cpu +tflm +ref +[0-9]+ +ns:host-monotonic .* 1\\.00x +[0-9]+ +pass"));
  EXPECT_THAT(k.output, ::testing::ContainsRegex("kws +posix-host +[0-9]+ +CONV_2D +tflm +ref +tinyhil ref"));
  auto json = Hil("results --run 1 --format json --db " + db_, "", false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  int tflm = 0;
  for (const auto& j : doc["jobs"]) tflm += j["engine"] == "tflm";
  EXPECT_EQ(tflm, expect_jobs / 2);
#else
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("engine tflm is not built into the posix-host agent: no TensorFlow Lite Micro checkout"));
#endif
}

// An engine a board's agent was built without: `hil boards` says so with the build's reason, and a
// job asking for it fails with that reason before the board starts, the run's other jobs going on.
// The lm3s6965evb never has TFLM (its flash and RAM hold one engine), whatever the build's settings.
TEST_F(HilCli, EngineTheAgentLacksIsRefusedWithTheBuildsReason) {
  auto boards = Hil("boards");
  ASSERT_EQ(boards.exit_code, 0) << boards.output;
  EXPECT_THAT(boards.output, ::testing::ContainsRegex("lm3s6965evb: cortex-m3 [^\n]*\n +engines: tinyhil \\(tflm: the lm3s6965evb's 256 KiB of flash"));
  EXPECT_THAT(boards.output, ::testing::ContainsRegex("mps2-an386-mlperf: [^\n]*\n +engines: tinyhil \\(tflm: an MLPerf Tiny DUT runs the model compiled"));
  const auto suite = Write("lacks.yaml", "name: lacks\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [lm3s6965evb]\n"
                                         "settings: {warmup: 0, iterations: 2, engine: [tinyhil, tflm]}\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("engine tflm is not built into the lm3s6965evb agent: the lm3s6965evb's 256 KiB of flash"));
  EXPECT_THAT(r.output, HasSubstr("2 jobs: 1 pass, 0 fail, 1 error"));
}

// hil boards scan, end to end through libusb: under umockdev the farm's ST-LINK (by serial) is
// present, a second probe the farm names is missing (exit 1), and devices the farm does not list
// are shown as unknown.
TEST_F(HilCli, BoardsScanFindsTheFarmsProbesThroughLibusb) {
  ASSERT_EQ(system("command -v umockdev-run >/dev/null 2>&1"), 0)
      << "umockdev-run not found: install the Debian package umockdev (packages/debian.txt lists it)";
  const auto farm = Write("desk.yaml",
                          "name: desk\ninstances:\n"
                          "  - {id: nucleo#1, kind: mps2-an386, probe: '0483:374b:066DFF535254887767184931', flasher: openocd, link: rtt}\n"
                          "  - {id: nucleo#2, kind: mps2-an386, probe: '0483:374b:NOTPLUGGEDIN', flasher: openocd, link: rtt}\n");
  const std::string devices = std::string(HIL_SOURCE_DIR) + "/host/board/testing/umockdev/farm_devices.umockdev";
  const std::string cmd = "umockdev-run --device " + devices + " -- " + std::string(HIL_EXE) + " boards scan --farm " + farm + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_THAT(out, ::testing::ContainsRegex("present +nucleo#1 +probe"));
  EXPECT_THAT(out, ::testing::ContainsRegex("missing +nucleo#2 +probe"));
  EXPECT_THAT(out, HasSubstr("unknown"));
  EXPECT_THAT(out, HasSubstr("1915:c00a"));  // the PPK2 no instance names
}

TEST_F(HilCli, UsageErrorsExit2) {
  EXPECT_EQ(Hil("").exit_code, 2);
  EXPECT_EQ(Hil("frobnicate").exit_code, 2);
  EXPECT_EQ(Hil("run").exit_code, 2);
  EXPECT_EQ(Hil("--help").exit_code, 0);
  for (const char* bad : {"-1", "0", "x", "99999999999999999999"}) {
    auto r = Hil(std::string("run --resume ") + bad + " --db " + db_);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.output, HasSubstr(std::string("--resume: expected a run id (a positive number), got '") + bad + "'")) << r.output;
  }
}

TEST_F(HilCli, BoardsListsKindsAndInstances) {
  auto r = Hil("boards");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("posix-host: host-cpu @ 1000000000 Hz"));
  EXPECT_THAT(r.output, HasSubstr("posix-host#1: posix-host"));
}

TEST_F(HilCli, ResultsOnAMissingStoreOrRunIsAnError) {
  EXPECT_EQ(Hil("results --db " + (dir_ / "none.db").string()).exit_code, 2);
  SeedStore();
  auto r = Hil("results --db " + db_ + " --run 42");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("no run 42"));
}

TEST_F(HilCli, ModelGenWritesAFile) {
  const auto out = (dir_ / "kws.tflite").string();
  auto r = Hil("model gen kws --seed 1 -o " + out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_GT(std::filesystem::file_size(out), 1000u);
  EXPECT_EQ(Hil("model gen no-such-model --seed 1 -o " + out).exit_code, 2);
}

// CI outputs: JUnit XML valid against the schema in the tree, JSON, and the stored run as CSV.
TEST_F(HilCli, RunWritesJUnitAndJsonAndResultsExportCsv) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) FAIL() << "xmllint is missing: apt-get install libxml2-utils";
  const auto junit = (dir_ / "out.xml").string(), json = (dir_ / "out.json").string();
  auto r = Hil(Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml") + " --junit " + junit + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string cmd = "xmllint --noout --schema " HIL_SOURCE_DIR "/tests/junit.xsd " + junit;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(xml, HasSubstr("tests=\"4\" failures=\"0\" errors=\"0\""));  // 2 jobs + 2 output checks
  EXPECT_THAT(xml, HasSubstr("kws-s1 on posix-host#"));
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(doc["run"]["id"], 1);
  EXPECT_EQ(doc["summary"]["pass"], 2);
  EXPECT_EQ(doc["jobs"].size(), 2u);
  EXPECT_GT(doc["jobs"][0]["stats"]["median"].get<double>(), 0);
  EXPECT_TRUE(doc["environment"].contains("suite_sha256"));

  auto csv = Hil("results --db " + db_ + " --run 1 --format csv", "", false);
  EXPECT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'), 3);
  EXPECT_THAT(csv.output, HasSubstr("run_id,job_id,model,"));
  auto js = Hil("results --db " + db_ + " --run 1 --format json", "", false);
  EXPECT_EQ(nlohmann::json::parse(js.output)["jobs"][1]["model"], "fc-small");
  EXPECT_EQ(Hil("results --db " + db_ + " --format json").exit_code, 2);  // needs --run
  EXPECT_EQ(Hil("results --db " + db_ + " --run 1 --format yaml").exit_code, 2);

  // --json - puts the document alone on stdout; --quiet leaves only the summary line.
  auto quiet = Hil(Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml") + " --json -", "", false);
  ASSERT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(quiet.output)["run"]["id"], 2);
  auto q = Hil(Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml") + " --quiet");
  EXPECT_EQ(q.exit_code, 0);
  EXPECT_EQ(q.output, "2 jobs: 2 pass, 0 fail, 0 error (run 3 in " + db_ + ")\n");
}

// Measured energy on a board with a power monitor: the POSIX agent pulses its timestamp GPIO into a
// PPK2 emulator on a pty whose logic port follows it and whose current is 1000 uA between the
// falling edge that opens a window and the one that closes it. The stored energy per inference must
// be exactly V x I x (window samples x 10 us) / inferences.
TEST_F(HilCli, PowerMonitorMeasuresEnergyPerInferenceOverTheTimestampWindows) {
  using hil::power::testing::FakePpk2;
  const FakePpk2::Trace trace = LivePpk2Trace(dir_);
  auto fake = FakePpk2::Start(trace);
  ASSERT_TRUE(fake) << fake.error().message;
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: 'fc:64,units=16', seed: 3}\nboards: [posix-host]\n"
                                          "settings: {warmup: 1, iterations: 4, repetitions: 3}\n");
  const auto farm = MonitoredFarm(trace.live->gpio_fifo, "ppk2:" + (*fake)->slave_path());
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  const auto stats = (*fake)->live_stats();
  ASSERT_EQ(r.exit_code, 0) << r.output << "\nfake: " << stats.windows << " windows, " << stats.window_samples << " in windows of "
                            << stats.samples << " samples";
  EXPECT_EQ(stats.windows, 3u);  // one per INVOKE; the check run happened before the capture
  ASSERT_GT(stats.window_samples, 0u);
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  const auto& energy = doc["jobs"][0]["energy"];
  ASSERT_TRUE(energy.is_object()) << doc["jobs"][0].dump();
  const double expected = 3.3 * 1000 * 10e-6 * static_cast<double>(stats.window_samples) / (3 * 4);
  EXPECT_NEAR(energy["uj_per_inference"].get<double>(), expected, expected * 1e-9);
  EXPECT_THAT(energy["source"].get<std::string>(), HasSubstr("energy:ppk2"));
  EXPECT_THAT(r.output, Not(HasSubstr("~")));  // a measurement, not an estimate
}

// The same measurement through an X-NUCLEO-LPM01A emulator: its D7 events follow the agent's
// timestamp pulses, 1000 uA inside the windows, 1 kHz. Energy per inference = V x I x (window
// values x 1 ms) / inferences, exactly.
TEST_F(HilCli, Lpm01aMeasuresEnergyPerInferenceFromItsD7Events) {
  using hil::power::testing::FakeLpm01a;
  FakeLpm01a::Trace trace;
  trace.live = FakeLpm01a::Live{(dir_ / "gpio.fifo").string(), "1000-06", "0020-06", 1};
  auto fake = FakeLpm01a::Start(trace);
  ASSERT_TRUE(fake) << fake.error().message;
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: 'fc:64,units=16', seed: 3}\nboards: [posix-host]\n"
                                          "settings: {warmup: 1, iterations: 4, repetitions: 3}\n");
  const auto farm = MonitoredFarm(trace.live->gpio_fifo, "lpm01a:" + (*fake)->slave_path());
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  const auto stats = (*fake)->live_stats();
  ASSERT_EQ(r.exit_code, 0) << r.output << "\nfake: " << stats.windows << " windows, " << stats.window_values << " in windows of "
                            << stats.values << " values";
  EXPECT_EQ(stats.windows, 3u);
  ASSERT_GT(stats.window_values, 0u);
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  const auto& energy = doc["jobs"][0]["energy"];
  ASSERT_TRUE(energy.is_object()) << doc["jobs"][0].dump();
  const double expected = 3.3 * 1000 * 1e-3 * static_cast<double>(stats.window_values) / (3 * 4);
  EXPECT_NEAR(energy["uj_per_inference"].get<double>(), expected, expected * 1e-9);
  EXPECT_THAT(energy["source"].get<std::string>(), HasSubstr("energy:lpm01a"));
  const auto commands = (*fake)->commands();
  EXPECT_NE(std::find(commands.begin(), commands.end(), "volt 3300m"), commands.end());
  EXPECT_NE(std::find(commands.begin(), commands.end(), "freq 1k"), commands.end());
}

// The same bench with the timestamp GPIO on another logic-port bit than the kind says: the monitor
// sees no windows, and the job is an error that says so, with its latency samples still stored.
TEST_F(HilCli, PowerMonitorWithoutWindowsIsAJobErrorThatKeepsTheLatency) {
  using hil::power::testing::FakePpk2;
  const FakePpk2::Trace trace = LivePpk2Trace(dir_, 5);
  auto fake = FakePpk2::Start(trace);
  ASSERT_TRUE(fake) << fake.error().message;
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: 'fc:64,units=16', seed: 3}\nboards: [posix-host]\n"
                                          "settings: {warmup: 0, iterations: 2, repetitions: 2}\n");
  const auto farm = MonitoredFarm(trace.live->gpio_fifo, "ppk2:" + (*fake)->slave_path());
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("saw 0 timestamp windows, expected 2 (one per INVOKE)"));
  EXPECT_THAT(r.output, HasSubstr("the job's other figures are kept"));
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(doc["jobs"][0]["status"], "error");
  EXPECT_GT(doc["jobs"][0]["stats"]["median"].get<double>(), 0);
  EXPECT_FALSE(doc["jobs"][0].contains("energy"));
}

// A monitor that stops streaming mid-capture: a clear error naming it, the latency kept, and the
// next job opens the monitor again.
TEST_F(HilCli, PowerMonitorThatStopsStreamingIsNamedAndTheJobKeepsItsLatency) {
  using hil::power::testing::FakePpk2;
  const FakePpk2::Trace trace = LivePpk2Trace(dir_);
  FakePpk2::Faults faults;
  faults.stall_after_samples = 10;  // about 1 ms into the capture, which lasts some 100 kws inferences
  auto fake = FakePpk2::Start(trace, faults);
  ASSERT_TRUE(fake) << fake.error().message;
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: kws, seed: 1}\nboards: [posix-host]\n"
                                          "settings: {warmup: 0, iterations: 100, repetitions: 1}\n");
  const auto farm = MonitoredFarm(trace.live->gpio_fifo, "ppk2:" + (*fake)->slave_path());
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("power monitor ppk2:tty:" + (*fake)->slave_path()));
  EXPECT_THAT(r.output, HasSubstr("the instrument stopped streaming"));
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(doc["jobs"][0]["status"], "error");
  EXPECT_GT(doc["jobs"][0]["stats"]["median"].get<double>(), 0);
}

// Physical boards through the real OpenOCD and pyOCD with no probe attached, and pyOCD asked for a
// target it does not know: each job is an error naming the board, the step and the tool's own words;
// the run ends with exit 2.
TEST_F(HilCli, PhysicalBoardsWithoutTheirProbesAreJobErrorsNamingTheStepAndTheTool) {
  if (std::system("command -v openocd >/dev/null && (command -v pyocd || command -v pyocd-flashtool) >/dev/null") != 0)
    FAIL() << "openocd or pyocd is missing: apt-get install openocd python3-pyocd";
  std::filesystem::create_directories(dir_ / "boards");
  auto kind = [](const std::string& name, const std::string& pyocd_target) {
    return "name: " + name + "\ndescription: an M4 board on the bench\ncore: cortex-m4\nclock_hz: 25000000\nplatform: mps2-an386\n"
           "transport: uart\nbaud_rate: 115200\nflash_bytes: 4194304\nram_bytes: 4194304\n"
           "agent: firmware/mps2-an386/ports/cortex-m/hil-agent-mps2-an386.elf\n"
           "probe:\n  openocd_interface: interface/cmsis-dap.cfg\n  openocd_target: target/stm32f4x.cfg\n  pyocd_target: " +
           pyocd_target + "\nenergy: {model: none}\n";
  };
  Write("boards/bench-openocd.yaml", kind("bench-openocd", "stm32f412xg"));
  Write("boards/bench-pyocd.yaml", kind("bench-pyocd", "stm32f412xg"));
  Write("boards/bench-typo.yaml", kind("bench-typo", "stm32f412xq"));
  const auto farm = Write("farm.yaml", "name: bench\ninstances:\n"
                                       "  - {id: bench-openocd#1, kind: bench-openocd, probe: '0d28:0204:NOSUCHPROBE', flasher: openocd,"
                                       " serial_port: /dev/ttyACM9}\n"
                                       "  - {id: bench-pyocd#1, kind: bench-pyocd, probe: '0d28:0204:NOSUCHPROBE', flasher: pyocd,"
                                       " serial_port: /dev/ttyACM9}\n"
                                       "  - {id: bench-typo#1, kind: bench-typo, flasher: pyocd, serial_port: /dev/ttyACM9}\n");
  const auto suite = Write("bench.yaml", "name: bench\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\n"
                                         "boards: [bench-openocd, bench-pyocd, bench-typo]\n");
  auto r = Hil(Run(suite) + " --farm " + farm + " --boards " + (dir_ / "boards").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("board bench-openocd#1: flash: openocd"));
  EXPECT_THAT(r.output, HasSubstr("Error: unable to find a matching CMSIS-DAP device"));  // OpenOCD's own line
  EXPECT_THAT(r.output, HasSubstr("board bench-pyocd#1: flash: pyocd"));
  EXPECT_THAT(r.output, HasSubstr("There is no debug probe connected"));  // pyOCD's
  EXPECT_THAT(r.output, HasSubstr("board bench-typo#1: flash: pyocd"));
  EXPECT_THAT(r.output, HasSubstr("wrong or unknown target"));
  EXPECT_THAT(r.output, HasSubstr("3 jobs: 0 pass, 0 fail, 3 error"));
}

// hil boards power-cycle refuses what it cannot do, naming why: an unknown instance, an instance
// without a hub port, a hub that is not there. (The hub requests themselves are tested against a
// fake hub in host/board.)
TEST_F(HilCli, BoardsPowerCycleNamesWhatIsMissing) {
  const auto farm = Write("farm.yaml", "name: bench\ninstances:\n"
                                       "  - {id: nucleo-f411re#1, kind: nucleo-f411re, flasher: openocd, serial_port: /dev/ttyACM0,"
                                       " hub: '9-9:2'}\n"
                                       "  - {id: nucleo-f411re#2, kind: nucleo-f411re, flasher: openocd, serial_port: /dev/ttyACM1}\n");
  auto r = Hil("boards power-cycle nucleo-f411re#1 --farm " + farm);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("board nucleo-f411re#1: hub 9-9: no USB device at that port path"));
  r = Hil("boards power-cycle nucleo-f411re#2 --farm " + farm);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("instance nucleo-f411re#2 in " + farm + " names no hub port"));
  r = Hil("boards power-cycle nucleo-f411re#3 --farm " + farm);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("no instance 'nucleo-f411re#3'"));
}

// The same run into PostgreSQL instead of the SQLite file: `--db postgresql://...` stores every job
// there (read back through PgStore), with the same figures a run into SQLite gets.
TEST_F(HilCli, RunStoresIntoPostgresql) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("farm"));
  const std::string uri = (*server)->Uri("farm");
  auto r = Hil("run " HIL_SOURCE_DIR "/suites/posix-smoke.yaml --db " + uri);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("2 jobs: 2 pass, 0 fail, 0 error (run 1 in " + uri + ")"));
  auto store = hil::store::PgStore::Open(uri);
  ASSERT_TRUE(store) << store.error().message;
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.status, "pass") << j.info.model_name;
    EXPECT_EQ(j.samples.size(), 40u) << j.info.model_name;  // 2 inputs x 20 iterations
    EXPECT_TRUE(j.memory) << j.info.model_name;
  }
  auto ops = (*store)->OpProfile((*jobs)[0].id);
  ASSERT_TRUE(ops);
  EXPECT_FALSE(ops->empty());
  auto env = (*store)->Environment(1);
  ASSERT_TRUE(env);
  bool suite_hash = false;
  for (const auto& [k, v] : *env) suite_hash = suite_hash || k == "suite_sha256";
  EXPECT_TRUE(suite_hash);
  // The other commands read the same database.
  auto results = Hil("results --db " + uri + " --run 1");
  EXPECT_EQ(results.exit_code, 0) << results.output;
  EXPECT_THAT(results.output, HasSubstr("kws-s1"));
  const auto html = (dir_ / "report.html").string();
  auto report = Hil("report --db " + uri + " -o " + html);
  EXPECT_EQ(report.exit_code, 0) << report.output;
  std::ifstream page(html);
  const std::string text((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("posix-smoke"));
  // An unreachable database is a clear error naming it, before any job runs.
  auto bad = Hil("run " HIL_SOURCE_DIR "/suites/posix-smoke.yaml --db postgresql://hil@127.0.0.1:1/none");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("store postgresql://hil@127.0.0.1:1/none: cannot connect"));
}

// A farm across hosts on loopback: three daemons, each with its own emulated board (QEMU
// mps2-an386), serve one PostgreSQL queue; `hil run --farm postgresql://...` submits a suite and
// follows it. One daemon is killed with SIGKILL while it holds a job: its lease expires, another
// daemon runs the job, and every job is stored exactly once.
TEST_F(HilCli, FarmAcrossHostsSurvivesADaemonKilledMidJob) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("farm"));
  const std::string uri = (*server)->Uri("farm");
  std::vector<std::unique_ptr<Daemon>> daemons;
  for (int d = 1; d <= 3; ++d) {
    const std::string n = std::to_string(d);
    const auto farm = Write("host" + n + ".yaml", "name: host" + n + "\ninstances:\n  - {id: host" + n + "-an386, kind: mps2-an386}\n");
    daemons.push_back(std::make_unique<Daemon>(std::vector<std::string>{"--db", uri, "--farm", farm, "--id", "d" + n, "--lease-ms", "1500"},
                                               (dir_ / ("d" + n + ".log")).string()));
  }
  std::string models;
  for (int seed = 1; seed <= 6; ++seed) models += "  - {generate: kws, seed: " + std::to_string(seed) + "}\n";
  const auto suite = Write("farm.yaml", "name: farm\nmodels:\n" + models +
                                        "inputs: {random: {seed: 3, count: 1}}\nboards: [mps2-an386]\nsettings: {warmup: 0, iterations: 2}\n");
  Result run;
  std::thread submitter([&] { run = Hil("run " + suite + " --farm " + uri); });
  // Kill daemon 1 while it holds a job.
  bool killed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  PGconn* watch = PQconnectdb((*server)->Conninfo("farm").c_str());
  while (!killed && std::chrono::steady_clock::now() < deadline) {
    PGresult* r = PQexec(watch, "SELECT count(*) FROM queue WHERE state='leased' AND lease_owner LIKE 'd1/%'");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && std::atoi(PQgetvalue(r, 0, 0)) > 0) {
      daemons[0]->Stop(SIGKILL);
      killed = true;
    }
    PQclear(r);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  submitter.join();
  for (auto& d : daemons) d->Stop();
  ASSERT_TRUE(killed) << "daemon 1 never held a job";
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("6 jobs: 6 pass, 0 fail, 0 error"));
  auto store = hil::store::PgStore::Open(uri);
  ASSERT_TRUE(store) << store.error().message;
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 6u);
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.status, "pass") << j.info.model_name;
    EXPECT_EQ(j.samples.size(), 2u) << j.info.model_name;  // stored once: 1 input x 2 iterations
    EXPECT_THAT(j.info.board_instance, ::testing::MatchesRegex("host[23]-an386|host1-an386")) << j.info.model_name;
  }
  PGresult* r = PQexec(watch, "SELECT count(*) FROM queue_attempts WHERE owner LIKE 'd1/%' AND outcome = 'lease expired'");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), "1");
  PQclear(r);
  r = PQexec(watch, "SELECT count(*) FROM queue WHERE state='done'");
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), "6");
  PQclear(r);
  PQfinish(watch);
}

// SIGTERM to a daemon running a job: it leaves within a second and gives the job back to the queue,
// uncounted (no attempt in its history, none spent); another daemon then runs it and the run passes.
// On a farm the engine travels with the queued job: a daemon runs the TFLM job on TFLM, and the
// shared store has each job's engine.
TEST_F(HilCli, FarmJobsKeepTheirEngine) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("farm"));
  const std::string uri = (*server)->Uri("farm");
  const auto farm = Write("host.yaml", "name: host\ninstances:\n  - {id: host-posix, kind: posix-host}\n");
  Daemon daemon({"--db", uri, "--farm", farm, "--id", "d1"}, (dir_ / "d1.log").string());
  const auto suite = Write("farm.yaml", "name: farm\nmodels:\n  - {generate: kws, seed: 1}\ninputs: {random: {seed: 3, count: 1}}\n"
                                        "boards: [posix-host]\nsettings: {warmup: 0, iterations: 2, engine: [tinyhil, tflm]}\n");
  auto run = Hil("run " + suite + " --farm " + uri);
  daemon.Stop();
  auto store = hil::store::PgStore::Open(uri);
  ASSERT_TRUE(store) << store.error().message;
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  std::map<std::string, std::string> status_by_engine;
  std::map<std::string, uint32_t> arena_by_engine;
  for (const auto& j : *jobs) {
    status_by_engine[j.info.engine] = j.status + (j.error.empty() ? "" : ": " + j.error);
    if (j.memory) arena_by_engine[j.info.engine] = j.memory->arena_used;
  }
#if HIL_HAVE_TFLM
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("2 jobs: 2 pass, 0 fail, 0 error"));
  EXPECT_EQ(status_by_engine["tinyhil"], "pass");
  EXPECT_EQ(status_by_engine["tflm"], "pass");
  // The daemon really ran it on TFLM (the store's engine is the submitter's): TFLM plans the same
  // model into more arena than ours (its allocator's own records live there).
  ASSERT_TRUE(arena_by_engine.contains("tinyhil") && arena_by_engine.contains("tflm"));
  EXPECT_GT(arena_by_engine["tflm"], arena_by_engine["tinyhil"]);
#else
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(status_by_engine["tinyhil"], "pass");
  EXPECT_THAT(status_by_engine["tflm"], HasSubstr("engine tflm is not built into the posix-host agent"));
#endif
}

TEST_F(HilCli, DaemonGivesItsJobBackOnSigtermAndAnotherFinishesIt) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("giveback"));
  const std::string uri = (*server)->Uri("giveback");
  const auto farm1 = Write("h1.yaml", "name: h1\ninstances:\n  - {id: h1-posix, kind: posix-host}\n");
  const auto farm2 = Write("h2.yaml", "name: h2\ninstances:\n  - {id: h2-posix, kind: posix-host}\n");
  auto d1 = std::make_unique<Daemon>(std::vector<std::string>{"--db", uri, "--farm", farm1, "--id", "d1"}, (dir_ / "d1.log").string());
  const auto suite = Write("long.yaml", "name: long\nmodels:\n  - {generate: vww, seed: 1}\ninputs: {random: {seed: 3, count: 1}}\n"
                                        "boards: [posix-host]\nsettings: {warmup: 0, iterations: 400}\n");
  Result run;
  std::thread submitter([&] { run = Hil("run " + suite + " --farm " + uri); });
  PGconn* watch = PQconnectdb((*server)->Conninfo("giveback").c_str());
  auto query = [&](const std::string& sql) {
    PGresult* r = PQexec(watch, sql.c_str());
    const std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  };
  bool leased = false;
  for (int i = 0; i < 600 && !leased; ++i) {
    leased = query("SELECT count(*) FROM queue WHERE state='leased' AND lease_owner LIKE 'd1/%'") == "1";
    if (!leased) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(leased) << "daemon 1 never took the job";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // well into its 400 inferences
  const auto term = std::chrono::steady_clock::now();
  const int status = d1->Stop(SIGTERM);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - term);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(took, std::chrono::seconds(5));
  std::printf("SIGTERM to exit with a job in hand: %lld ms\n", static_cast<long long>(took.count()));
  std::ifstream in(dir_ / "d1.log");
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(log, HasSubstr("given back to the queue: the daemon is stopping"));
  EXPECT_EQ(query("SELECT state || ' ' || attempts FROM queue"), "queued 0");
  EXPECT_EQ(query("SELECT count(*) FROM queue_attempts"), "0");

  auto d2 = std::make_unique<Daemon>(std::vector<std::string>{"--db", uri, "--farm", farm2, "--id", "d2"}, (dir_ / "d2.log").string());
  submitter.join();
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("1 job: 1 pass, 0 fail, 0 error"));
  EXPECT_EQ(query("SELECT owner || ' ' || attempt || ' ' || outcome FROM queue_attempts"), "d2/h2-posix 1 done");
  EXPECT_EQ(d2->Stop(SIGTERM), 0);
  PQfinish(watch);
}

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// The daemon's HTTP API: a token on every request; a suite submitted as JSON, its model file in
// base64, runs to completion on the daemon's board; bad requests are refused naming the field;
// oversized bodies are refused; a run of a kind no daemon has is cancelled and ends.
TEST_F(HilCli, DaemonApiSubmitsFollowsCancelsAndRefusesBadRequests) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("api"));
  const std::string uri = (*server)->Uri("api");
  const std::string token = "s3cret-token-of-the-farm";
  const auto token_file = Write("token", token + "\n");
  const auto farm = Write("host.yaml", "name: host\ninstances:\n  - {id: api-posix, kind: posix-host}\n");
  const std::string log = (dir_ / "daemon.log").string();
  Daemon daemon({"--db", uri, "--farm", farm, "--id", "api", "--api-port", "0", "--api-token-file", token_file, "--api-max-bytes", "100000"},
                log);
  const int port = AnnouncedApiPort(log);
  ASSERT_GT(port, 0) << "the daemon did not announce its API";
  httplib::Client api("127.0.0.1", port);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};

  // Without the token, or with another one: 401.
  auto r = api.Get("/api/v1/runs/1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = api.Get("/api/v1/runs/1", {{"Authorization", "Bearer s3cret-token-of-the-farX"}});
  EXPECT_EQ(r->status, 401);

  // A suite with a model file: runs on the daemon's board.
  ASSERT_EQ(Hil("model gen 'fc:16,units=4' --seed 3 -o " + (dir_ / "m.tflite").string()).exit_code, 0);
  std::ifstream model_in(dir_ / "m.tflite", std::ios::binary);
  const std::string model((std::istreambuf_iterator<char>(model_in)), std::istreambuf_iterator<char>());
  nlohmann::json submit = {{"suite", "name: api\nmodels:\n  - {path: models/m.tflite}\nboards: [posix-host]\nsettings: {warmup: 0, iterations: 2}\n"},
                           {"files", {{"models/m.tflite", Base64(model)}}}};
  r = api.Post("/api/v1/runs", auth, submit.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto run = nlohmann::json::parse(r->body);
  EXPECT_EQ(run["jobs"], 1);
  const std::string run_path = "/api/v1/runs/" + std::to_string(run["run_id"].get<int64_t>());
  nlohmann::json status;
  for (int i = 0; i < 300; ++i) {
    r = api.Get(run_path, auth);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    status = nlohmann::json::parse(r->body);
    if (status["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status["status"], "pass") << status.dump();
  EXPECT_EQ(status["done"], 1);
  r = api.Get(run_path + "/jobs", auth);
  ASSERT_EQ(r->status, 200);
  const auto jobs = nlohmann::json::parse(r->body);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["status"], "pass");
  EXPECT_EQ(jobs[0]["board_instance"], "api-posix");
  EXPECT_GT(jobs[0]["median"].get<double>(), 0);

  // Bad requests name what is wrong.
  auto refused = [&](const std::string& body, int status_code, const std::string& says) {
    auto x = api.Post("/api/v1/runs", auth, body, "application/json");
    ASSERT_TRUE(x);
    EXPECT_EQ(x->status, status_code) << body << " -> " << x->body;
    EXPECT_THAT(x->body, HasSubstr(says)) << body;
  };
  refused("{not json", 400, "body: not JSON");
  refused(R"({"suite": 3})", 400, "body.suite: missing, or not a string");
  refused(R"({"suite": "name: x", "extra": 1})", 400, "body.extra: unknown field");
  refused(R"({"suite": "name: x", "files": {"../x.tflite": "AAAA"}})", 400, "body.files.../x.tflite: not a relative path");
  refused(R"({"suite": "name: x", "files": {"x.tflite": "not base64!"}})", 400, "body.files.x.tflite: not valid base64");
  refused(nlohmann::json{{"suite", "name: x\nmodels:\n  - {generate: kws, seed: 1}\nboards: [no-such-board]\n"}}.dump(), 400,
          "unknown board kind 'no-such-board'");
  refused(R"({"suite": "name: [x"})", 400, "suite:");
  refused(std::string(200000, ' '), 413, "");
  // A submitted suite reaches only the files it uploads: any other path is refused by field, and
  // nothing of the file it named is read or echoed.
  const std::string posix = "boards: [posix-host]\n";
  for (const auto& [suite, says] : std::vector<std::pair<std::string, std::string>>{
           {"name: x\nmodels:\n  - path: /etc/passwd\n" + posix, "suite:3: models[0].path: '/etc/passwd' is not one of the suite's uploaded files"},
           {"name: x\nmodels:\n  - {generate: kws, seed: 1}\ninputs: {files: [/etc/passwd]}\n" + posix,
            "inputs.files[0]: '/etc/passwd' is not one of the suite's uploaded files"},
           {"name: x\nmodels:\n  - {generate: kws, seed: 1}\ninputs: {folder: ., labels: /etc/shadow}\n" + posix,
            "inputs.labels: '/etc/shadow' is not one of the suite's uploaded files"},
           {"name: x\nmodels:\n  - ../../../../etc/passwd\n" + posix, "models[0]: '../../../../etc/passwd' is not one"},
           {"name: x\nname: y\nmodels:\n  - {generate: kws, seed: 1}\n" + posix, "suite:2: key 'name' given twice in one mapping (first at line 1)"},
           {"name: x\nmodels:\n  - {generate: 'conv2d:99999x99999x3', seed: 1}\n" + posix, "more than the 64 MiB a generated tensor may have"},
           // 60 bytes naming 256 MiB of weights: refused before any is drawn.
           {"name: x\nmodels:\n  - {generate: 'fc:16384,units=16384', seed: 1}\n" + posix,
            "suite:3: models[0].generate: the suite's generated models come to 257 MiB by this one, more than the 64 MiB one submission may generate"},
           {"name: x\nmodels: [" + [] {
              std::string many;
              for (int i = 0; i < 300; ++i) many += (i ? ", " : "") + std::string("{generate: tiny, seed: ") + std::to_string(i) + "}";
              return many;
            }() + "]\n" + posix,
            "suite: models: 300 models, more than the 256 one submission may name"},
       }) {
    auto x = api.Post("/api/v1/runs", auth, nlohmann::json{{"suite", suite}}.dump(), "application/json");
    ASSERT_TRUE(x);
    EXPECT_EQ(x->status, 400) << suite << " -> " << x->body;
    EXPECT_THAT(x->body, HasSubstr(says)) << suite;
    EXPECT_THAT(x->body, Not(HasSubstr("root:"))) << suite;
  }
  r = api.Get("/api/v1/runs/abc", auth);
  EXPECT_EQ(r->status, 400);
  r = api.Get("/api/v1/runs/999", auth);
  EXPECT_EQ(r->status, 404);

  // A run of a kind no daemon serves stays queued until cancelled; then it ends.
  r = api.Post("/api/v1/runs", auth,
               nlohmann::json{{"suite", "name: nobody\nmodels:\n  - {generate: 'fc:8,units=2', seed: 1}\nboards: [mps3-an547]\n"}}.dump(),
               "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string other = "/api/v1/runs/" + std::to_string(nlohmann::json::parse(r->body)["run_id"].get<int64_t>());
  r = api.Post(other + "/cancel", auth, "", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(nlohmann::json::parse(r->body)["cancelled"], 1);
  r = api.Get(other, auth);
  status = nlohmann::json::parse(r->body);
  EXPECT_EQ(status["status"], "error");
  EXPECT_EQ(status["cancelled"], 1);

  const int wstatus = daemon.Stop();
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
}

// The daemon API's HTTP layer against hostile clients, through the daemon as a farm host runs it:
// a chunked body far past --api-max-bytes is cut without the daemon growing, a client that trickles
// its headers holds up nobody and is cut, plain HTTP bound beyond loopback is announced loudly,
// HTTPS works with curl, and SIGTERM ends the daemon promptly with such clients connected.
TEST_F(HilCli, DaemonApiHoldsItsLimitsAgainstHostileClientsAndStopsPromptly) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("hostile"));
  const std::string uri = (*server)->Uri("hostile");
  const std::string token = "another-s3cret-token-here";
  const auto token_file = Write("token", token + "\n");
  const auto farm = Write("host.yaml", "name: host\ninstances:\n  - {id: h-posix, kind: posix-host}\n");
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  auto rss_kib = [](pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0L;
  };

  const std::string log = (dir_ / "daemon.log").string();
  Daemon daemon({"--db", uri, "--farm", farm, "--id", "hostile", "--api-port", "0", "--api-bind", "0.0.0.0", "--api-token-file",
                 token_file, "--api-max-bytes", "100000"},
                log);
  const int port = AnnouncedApiPort(log);
  ASSERT_GT(port, 0) << read(log);
  EXPECT_THAT(read(log), HasSubstr("WARNING: the daemon API serves plain HTTP beyond this host, on http://0.0.0.0:"));
  EXPECT_THAT(read(log), HasSubstr("give --api-tls-cert and --api-tls-key"));
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/runs";
  const std::string auth = " -H 'Authorization: Bearer " + token + "' ";

  // 50 MB chunked (no Content-Length to refuse up front) against a 100 kB limit.
  const auto big = dir_ / "big.json";
  {
    std::ofstream out(big, std::ios::binary);
    out << "{\"suite\": \"" << std::string(50u << 20, 'x') << "\"}";
  }
  const long rss_before = rss_kib(daemon.pid());
  auto chunked = Sh("curl -sS --max-time 60 -w ' %{http_code}' -X POST" + auth + "-H 'Transfer-Encoding: chunked' --data-binary @" +
                    big.string() + " " + base);
  EXPECT_TRUE(chunked.output.find(" 413") != std::string::npos || chunked.exit_code != 0) << chunked.output;
  EXPECT_THAT(chunked.output, Not(HasSubstr(" 201")));
  const long rss_after = rss_kib(daemon.pid());
  EXPECT_LT(rss_after - rss_before, 20 * 1024) << "the daemon grew from " << rss_before << " to " << rss_after << " KiB";
  // The same declared: 413 naming the limit.
  auto declared = Sh("curl -sS --max-time 60 -w ' %{http_code}' -X POST" + auth + "--data-binary @" + big.string() + " " + base);
  EXPECT_THAT(declared.output, HasSubstr("more than the 100000 this server takes"));
  EXPECT_THAT(declared.output, HasSubstr(" 413"));
  // Without a token, the body is never read: 401 at once.
  auto no_token = Sh("curl -sS --max-time 60 -w ' %{http_code}' -X POST --data-binary @" + big.string() + " " + base);
  EXPECT_THAT(no_token.output, HasSubstr(" 401"));

  // Eight clients trickling header lines (no token needed for that): a normal request is answered
  // meanwhile, and each of them is cut when its head is not in after the head deadline (10 s).
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    const int fd = ConnectLocal(port);
    ASSERT_GE(fd, 0);
    ASSERT_GT(send(fd, "GET /api/v1/runs/1 HTTP/1.1\r\n", 29, MSG_NOSIGNAL), 0);
    slow.push_back(fd);
  }
  const auto asked = std::chrono::steady_clock::now();
  auto normal = Sh("curl -sS --max-time 30 -w ' %{http_code}'" + auth + base + "/1");
  EXPECT_THAT(normal.output, HasSubstr("no run 1\"} 404"));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(5)) << "a normal request waited behind slow clients";
  size_t open = slow.size();
  const auto trickle = std::chrono::steady_clock::now();
  while (open > 0 && std::chrono::steady_clock::now() - trickle < std::chrono::seconds(25)) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    open = 0;
    for (int fd : slow) {
      char c;
      const ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
      const bool closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
      if (!closed && send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL) > 0) ++open;
    }
  }
  EXPECT_EQ(open, 0u) << "clients trickling headers kept their connections for 25 s";

  // 200 clients at once, each a request that opens the database: all answered (handlers take turns,
  // so the database's connection limit is never reached).
  std::vector<int> many;
  for (int i = 0; i < 200; ++i) {
    const int fd = ConnectLocal(port);
    ASSERT_GE(fd, 0);
    many.push_back(fd);
  }
  const std::string get = "GET /api/v1/runs/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
  for (int fd : many) ASSERT_GT(send(fd, get.data(), get.size(), MSG_NOSIGNAL), 0);
  int answered = 0;
  std::string first_other;
  for (int fd : many) {
    std::string got;
    char buf[4096];
    timeval tv{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
    close(fd);
    if (got.find("404 Not Found") != std::string::npos && got.find("no run 1") != std::string::npos) ++answered;
    else if (first_other.empty()) first_other = got.empty() ? "(nothing)" : got;
  }
  EXPECT_EQ(answered, 200) << "first other answer: " << first_other;

  // SIGTERM with a slow client connected and a request body half sent: the daemon leaves promptly.
  const int half = ConnectLocal(port);
  ASSERT_GE(half, 0);
  const std::string head = "POST /api/v1/runs HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 5000\r\n\r\n{\"suite\":";
  ASSERT_GT(send(half, head.data(), head.size(), MSG_NOSIGNAL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto term = std::chrono::steady_clock::now();
  const int wstatus = daemon.Stop(SIGTERM);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - term);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
  EXPECT_LT(took, std::chrono::seconds(5));
  std::printf("SIGTERM to exit with a client mid-body: %lld ms\n", static_cast<long long>(took.count()));
  close(half);
  for (int fd : slow) close(fd);

  // HTTPS: a certificate made here; curl checks it against the daemon.
  const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
  ASSERT_EQ(Sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout " +
               key + " -out " + cert).exit_code,
            0);
  const std::string tls_log = (dir_ / "daemon_tls.log").string();
  Daemon tls({"--db", uri, "--farm", farm, "--id", "hostile-tls", "--api-port", "0", "--api-token-file", token_file, "--api-tls-cert", cert,
              "--api-tls-key", key},
             tls_log);
  const int tls_port = AnnouncedApiPort(tls_log, "https");
  ASSERT_GT(tls_port, 0) << read(tls_log);
  EXPECT_THAT(read(tls_log), Not(HasSubstr("WARNING")));
  auto over_tls = Sh("curl -sS --max-time 30 -w ' %{http_code}' --cacert " + cert + auth + "https://127.0.0.1:" + std::to_string(tls_port) +
                     "/api/v1/runs/1");
  EXPECT_THAT(over_tls.output, HasSubstr("no run 1\"} 404"));
  // The database gone: 500 with a request number, and nothing of the connection string.
  server->reset();
  auto db_down = Sh("curl -sS --max-time 30 -w ' %{http_code}' --cacert " + cert + auth + "https://127.0.0.1:" + std::to_string(tls_port) +
                    "/api/v1/runs/1");
  EXPECT_THAT(db_down.output, HasSubstr("internal error in the farm (the daemon's log has it under request "));
  EXPECT_THAT(db_down.output, HasSubstr(" 500"));
  EXPECT_THAT(db_down.output, Not(HasSubstr("postgresql")));
  EXPECT_THAT(db_down.output, Not(HasSubstr(uri)));
  EXPECT_THAT(read(tls_log), HasSubstr("hil daemon API: internal error (request "));
  const int tls_status = tls.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(tls_status)) << tls_status;  // its heartbeat fails without a database: exit 0 or 2, never a crash
}

// `hil serve` beyond loopback says loudly that it is plain HTTP; with a certificate it serves HTTPS
// (curl checks it) and says nothing; bad TLS files are refused naming them; SIGTERM ends it.
TEST_F(HilCli, ServeWarnsOnPlainHttpBeyondLoopbackAndServesHttps) {
  SeedStore();
  const std::string exe = HIL_EXE;
  auto plain = Sh("timeout -k 5 2 " + exe + " serve --db " + db_ + " --port 0 --bind 0.0.0.0");
  EXPECT_THAT(plain.output, HasSubstr("serving http://0.0.0.0:"));
  EXPECT_THAT(plain.output, HasSubstr("WARNING: hil serve serves plain HTTP beyond this host"));
  EXPECT_EQ(plain.exit_code, 124) << plain.output;  // ended by timeout's SIGTERM, not its SIGKILL
  auto local = Sh("timeout -k 5 1 " + exe + " serve --db " + db_ + " --port 0");
  EXPECT_THAT(local.output, HasSubstr("serving http://127.0.0.1:"));
  EXPECT_THAT(local.output, Not(HasSubstr("WARNING")));

  const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
  ASSERT_EQ(Sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout " +
               key + " -out " + cert).exit_code,
            0);
  const std::string out = (dir_ / "serve.out").string();
  auto https = Sh("(" + exe + " serve --db " + db_ + " --port 0 --tls-cert " + cert + " --tls-key " + key + " > " + out +
                  " 2>&1 & pid=$!; for i in $(seq 100); do grep -q serving " + out + " && break; sleep 0.1; done; url=$(sed -n 's/^serving //p' " +
                  out + "); curl -sS --max-time 20 --cacert " + cert + " \"${url}api/runs\"; echo; kill -TERM $pid; wait $pid; echo \"exit=$?\"; cat " +
                  out + ")");
  EXPECT_THAT(https.output, HasSubstr("\"suite\":\"ok\""));
  EXPECT_THAT(https.output, HasSubstr("serving https://127.0.0.1:"));
  auto bad = Hil("serve --db " + db_ + " --port 0 --tls-cert " + cert + " --tls-key " + (dir_ / "missing.pem").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("hil: serve: TLS key " + (dir_ / "missing.pem").string() + ": cannot open (No such file or directory)"));
  auto half = Hil("serve --db " + db_ + " --port 0 --tls-cert " + cert);
  EXPECT_EQ(half.exit_code, 2) << half.output;
  EXPECT_THAT(half.output, HasSubstr("HTTPS needs both a certificate and its key"));
}

// Files that are not regular files, wherever a user can name one: refused at once naming the file
// and the field, never read (/dev/zero has no end), never opened to block (a FIFO with no writer).
// Each command runs under `timeout`, so a hang fails the test instead of stalling it.
TEST_F(HilCli, FilesThatAreNotRegularAreRefusedNamingTheField) {
  SeedStore();
  const std::string fifo = (dir_ / "model.fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string folder = dir_.string();
  const std::string posix = "boards: [posix-host]\nsettings: {warmup: 0, iterations: 1}\n";
  const std::string gen = "models:\n  - {generate: 'fc:16,units=4', seed: 3}\n";
  struct Case {
    std::string suite, says;
  };
  for (const Case& c : std::vector<Case>{
           {"name: z\nmodels:\n  - path: /dev/zero\n" + posix, "models[0].path: cannot read /dev/zero: is a character device, not a regular file"},
           {"name: f\nmodels:\n  - path: " + fifo + "\n" + posix, "models[0].path: cannot read " + fifo + ": is a FIFO, not a regular file"},
           {"name: d\nmodels:\n  - path: " + folder + "\n" + posix, "models[0].path: cannot read " + folder + ": is a directory"},
           {"name: i\n" + gen + "inputs: {files: [/dev/zero]}\n" + posix, "/dev/zero: is a character device, not a regular file"},
           {"name: l\n" + gen + "inputs: {folder: " + folder + ", labels: " + fifo + "}\n" + posix, fifo + ": is a FIFO, not a regular file"},
       }) {
    const std::string suite = Write("s.yaml", c.suite);
    auto r = Hil(Run(suite), "timeout -k 5 60 ");
    EXPECT_EQ(r.exit_code, 2) << c.suite << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr(c.says)) << c.suite;
  }
  auto suite_fifo = Hil(Run(fifo), "timeout -k 5 60 ");
  EXPECT_EQ(suite_fifo.exit_code, 2) << suite_fifo.output;
  EXPECT_THAT(suite_fifo.output, HasSubstr(fifo + ": is a FIFO, not a regular file"));
  // The model tools beside hil: a folder or a device is an error, not an abort.
  const std::filesystem::path build = std::filesystem::path(HIL_EXE).parent_path().parent_path();
  const std::string input = Write("in.bin", std::string(64, '\0'));
  const std::string model = (dir_ / "m.tflite").string();
  ASSERT_EQ(Hil("model gen 'fc:16,units=4' --seed 3 -o " + model).exit_code, 0);
  const std::string modelgen = (build / "host/model/hil-modelgen").string() + " --info ";
  const std::string dump = (build / "target-agent/engine/hil-engine-dump").string() + " ";
  for (const std::string& arg : {folder, std::string("/dev/zero"), fifo}) {
    for (const std::string& command : {modelgen + arg, dump + arg + " " + input + " " + folder, dump + model + " " + arg + " " + folder}) {
      auto r = Sh("timeout -k 5 30 " + command);
      const std::string& tool = command;
      EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << tool << " " << arg << " -> " << r.exit_code << "\n" << r.output;
      EXPECT_THAT(r.output, HasSubstr(arg)) << tool;
      EXPECT_THAT(r.output, ::testing::AnyOf(HasSubstr("is a directory"), HasSubstr("is a character device"), HasSubstr("is a FIFO")))
          << tool << " " << arg;
    }
  }
  ExpectSeedRunIntact();
}

// The children of `parent` whose command name starts with `comm` (from /proc).
std::vector<pid_t> ChildrenNamed(pid_t parent, const std::string& comm) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream stat(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
    if (ppid == parent && text.compare(open + 1, comm.size(), comm) == 0) out.push_back(std::stoi(name));
  }
  return out;
}

// A daemon checks its idle boards (--health-interval-ms): a board whose firmware hangs is recovered
// when its driver can (QEMU: reset or restart) and drained when it cannot (a POSIX agent has no
// recovery), so no claimed job waits on it; healthy idle boards are left alone.
TEST_F(HilCli, DaemonChecksIdleBoardsRecoversOrDrainsThem) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("health"));
  const std::string uri = (*server)->Uri("health");
  const auto farm = Write("host.yaml", "name: host\ninstances:\n  - {id: h-posix, kind: posix-host}\n  - {id: h-an386, kind: mps2-an386}\n");
  const std::string log = (dir_ / "daemon.log").string();
  Daemon daemon({"--db", uri, "--farm", farm, "--id", "h", "--health-interval-ms", "200"}, log);
  const auto suite = Write("h.yaml", "name: h\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host, mps2-an386]\n"
                                     "settings: {warmup: 0, iterations: 1}\n");
  auto run = Hil("run " + suite + " --farm " + uri);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto read_log = [&] {
    std::ifstream in(log);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // five intervals with both boards up and well
  EXPECT_THAT(read_log(), Not(HasSubstr("idle health check"))) << read_log();
  // Both firmwares hang (SIGSTOP): the process is there, nothing answers.
  const auto agents = ChildrenNamed(daemon.pid(), "hil-agent-posi");
  const auto qemus = ChildrenNamed(daemon.pid(), "qemu-system-arm");
  ASSERT_EQ(agents.size(), 1u);
  ASSERT_EQ(qemus.size(), 1u);
  kill(agents[0], SIGSTOP);
  kill(qemus[0], SIGSTOP);
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    text = read_log();
    if (text.find("board h-posix drained: idle health check") != std::string::npos &&
        text.find("board h-an386: idle health check") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(text, HasSubstr("board h-posix drained: idle health check: "));
  EXPECT_THAT(text, HasSubstr("cannot recover in place"));
  EXPECT_THAT(text, ::testing::ContainsRegex("board h-an386: idle health check: [^\n]*; recovered"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find("idle health check") != std::string::npos) std::printf("[daemon] %s\n", line.c_str());
  kill(agents[0], SIGKILL);
  // The recovered emulator serves the next run; the drained board takes no job.
  const auto again = Write("h2.yaml", "name: h2\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [mps2-an386]\n"
                                      "settings: {warmup: 0, iterations: 1}\n");
  auto second = Hil("run " + again + " --farm " + uri);
  EXPECT_EQ(second.exit_code, 0) << second.output << read_log();
  const int wstatus = daemon.Stop();
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
}

// Runs on a farm across hosts get the same budget and regression checks as local ones: the daemon
// checks the budget with the job, the submitter compares the run with the last one on its branch.
TEST_F(HilCli, FarmRunsCheckBudgetsAndRegressions) {
  auto server = hil::store::testing::PgServer::Start();
  ASSERT_TRUE(server) << server.error().message;
  ASSERT_TRUE((*server)->CreateDatabase("checks"));
  const std::string uri = (*server)->Uri("checks");
  const auto farm = Write("host.yaml", "name: host\ninstances:\n  - {id: c-posix, kind: posix-host}\n");
  Daemon daemon({"--db", uri, "--farm", farm, "--id", "c"}, (dir_ / "daemon.log").string());
  const auto suite = Write("checks.yaml", "name: checks\nmodels:\n  - {generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                          "settings: {warmup: 0, iterations: 3}\nbudgets:\n  posix-host: {ram_peak_bytes: 10}\n"
                                          "regressions: {against: last-run, threshold_pct: 0.5}\n");
  auto first = Hil("run " + suite + " --farm " + uri, "HIL_GIT_BRANCH=farm-test ");
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_THAT(first.output, HasSubstr("budget: FAIL ram_peak_bytes"));
  EXPECT_THAT(first.output, HasSubstr("regressions: nothing to compare with"));
  auto second = Hil("run " + suite + " --farm " + uri, "HIL_GIT_BRANCH=farm-test ");
  EXPECT_THAT(second.output, HasSubstr("the last of checks on branch farm-test"));
  auto store = hil::store::PgStore::Open(uri);
  ASSERT_TRUE(store);
  auto env = (*store)->Environment(2);
  ASSERT_TRUE(env);
  std::map<std::string, std::string> facts(env->begin(), env->end());
  EXPECT_EQ(facts["git_branch"], "farm-test");
  EXPECT_THAT(facts["regressions"], HasSubstr("compared with run 1"));
}

// Accuracy mode for anomaly detection: labelled samples (0 normal, 1 anomalous) through the ad
// autoencoder on the POSIX agent; the AUC of the reconstruction error is reported and checked.
// Flipping every label must give 1 - AUC (no ties between the classes here), a threshold above the
// AUC fails the job, and a label other than 0/1 is refused naming the sample.
TEST_F(HilCli, AnomalyDetectionAucOverLabelledSamples) {
  std::filesystem::create_directories(dir_ / "samples");
  std::mt19937 rng(11);
  std::string labels, flipped;
  for (int i = 0; i < 10; ++i) {
    std::string bytes(640, '\0');
    // Half quiet samples around zero, half loud ones: they reconstruct differently.
    const int amplitude = i % 2 ? 120 : 8;
    for (auto& b : bytes) b = static_cast<char>(static_cast<int>(rng() % (2 * amplitude + 1)) - amplitude);
    const std::string name = "s" + std::to_string(i) + ".bin";
    std::ofstream(dir_ / "samples" / name, std::ios::binary) << bytes;
    labels += name + " " + std::to_string(i % 2) + "\n";
    flipped += name + " " + std::to_string(1 - i % 2) + "\n";
  }
  Write("labels.txt", labels);
  Write("flipped.txt", flipped);
  auto suite = [&](const std::string& labels_file, const std::string& auc) {
    return Write("ad-" + labels_file + auc + ".yaml", "name: ad-accuracy\nmodels:\n  - {generate: ad, seed: 1}\n"
                                                      "inputs: {folder: samples, labels: " + labels_file + "}\nboards: [posix-host]\n"
                                                      "settings: {warmup: 0, iterations: 1}\nchecks: {outputs: host-reference, auc: " +
                                                      auc + "}\n");
  };
  auto auc_of = [](const std::string& output) {
    const auto at = output.find("auc: ");
    if (at == std::string::npos) return -1.0;
    return std::atof(output.c_str() + output.find('(', at) + 1);
  };
  auto a = Hil(Run(suite("labels.txt", "0")));
  ASSERT_EQ(a.exit_code, 0) << a.output;
  EXPECT_THAT(a.output, HasSubstr("over 10 samples: 5 normal, 5 anomalous; needs 0.000)"));
  {
    // Every sample's output is stored with the job.
    auto store = hil::store::SqliteStore::Open(db_);
    ASSERT_TRUE(store);
    auto jobs = (*store)->ListJobs(1);
    ASSERT_TRUE(jobs && jobs->size() == 1u);
    auto outputs = (*store)->Outputs((*jobs)[0].id);
    ASSERT_TRUE(outputs);
    ASSERT_EQ(outputs->size(), 10u);
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ((*outputs)[i].input_index, i);
      EXPECT_EQ((*outputs)[i].bytes.size(), 640u);
    }
  }
  auto b = Hil(Run(suite("flipped.txt", "0")));
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_NEAR(auc_of(a.output) + auc_of(b.output), 1.0, 0.0015) << a.output << b.output;
  const double best = std::max(auc_of(a.output), auc_of(b.output));
  auto strict = Hil(Run(suite(auc_of(a.output) >= auc_of(b.output) ? "labels.txt" : "flipped.txt", std::to_string(std::min(1.0, best + 0.01)))));
  if (best < 0.99) {
    EXPECT_EQ(strict.exit_code, 1) << strict.output;
    EXPECT_THAT(strict.output, HasSubstr("auc: FAIL"));
  }
  Write("bad.txt", "s0.bin 0\ns1.bin 2\n");
  auto bad = Hil(Run(suite("bad.txt", "0.5")));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("checks.auc: input 1 ("));
  EXPECT_THAT(bad.output, HasSubstr("has label 2; expected 0 (normal) or 1 (anomalous)"));
}

// hil run on a board that speaks MLPerf Tiny's DUT protocol instead of ours (a third party's
// submission; here the POSIX agent's MLPerf personality with the job's model): latency from the
// DUT's m-lap-us lines, outputs from its m-results checked against the host reference, each
// sample's printed results stored.
TEST_F(HilCli, MlperfTinyDutBoardsRunThroughTheirOwnProtocol) {
  const auto suite = Write("dut.yaml", "name: dut\nmodels:\n  - {generate: kws, seed: 1}\n  - {generate: 'fc:64,units=10', seed: 2}\n"
                                       "inputs: {random: {seed: 4, count: 2}}\nboards: [posix-mlperf]\n"
                                       "settings: {warmup: 1, iterations: 3, repetitions: 2}\n");
  const auto farm = Write("farm.yaml", "name: dut\ninstances:\n  - {id: dut#1, kind: posix-mlperf}\n");
  auto r = Hil(Run(suite) + " --farm " + farm);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("outputs==host-reference (3 decimals): pass (2 compared)"));
  EXPECT_THAT(r.output, HasSubstr("ns:mlperf-lap-us"));
  EXPECT_THAT(r.output, HasSubstr("2 jobs: 2 pass, 0 fail, 0 error"));
  auto store = hil::store::SqliteStore::Open(db_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs && jobs->size() == 2u);
  EXPECT_EQ((*jobs)[0].samples.size(), 4u);  // 2 inputs x 2 repetitions, one figure per infer
  auto outputs = (*store)->Outputs((*jobs)[0].id);
  ASSERT_TRUE(outputs && outputs->size() == 2u);
  const std::string printed((*outputs)[0].bytes.begin(), (*outputs)[0].bytes.end());
  EXPECT_EQ(std::count(printed.begin(), printed.end(), ','), 11) << printed;  // kws: 12 classes
  auto env = Hil("results --db " + db_ + " --run 1");
  EXPECT_THAT(env.output, HasSubstr("firmware.dut#1: MLPerf Tiny DUT tinyhil-posix (model "));
}

// The same labelled anomaly-detection samples through an MLPerf Tiny DUT (ad01): the runner sends
// float32 features, the DUT prints one anomaly score per sample (3 decimals), and the AUC over those
// scores is the accuracy figure, as MLPerf Tiny computes it; our protocol on the same samples gives
// the same AUC up to the ties the printed decimals make.
TEST_F(HilCli, AnomalyDetectionAucThroughAnMlperfTinyDut) {
  std::filesystem::create_directories(dir_ / "samples");
  std::mt19937 rng(12);
  std::string labels;
  for (int i = 0; i < 12; ++i) {
    std::string bytes(640, '\0');
    const int amplitude = i % 3 == 0 ? 40 : 30 + i % 2 * 12;  // 4 louder (anomalous), 8 quiet or in between
    for (auto& b : bytes) b = static_cast<char>(static_cast<int>(rng() % (2 * amplitude + 1)) - amplitude);
    const std::string name = "s" + std::to_string(i) + ".bin";
    std::ofstream(dir_ / "samples" / name, std::ios::binary) << bytes;
    labels += name + " " + std::to_string(i % 3 == 0 ? 1 : 0) + "\n";
  }
  Write("labels.txt", labels);
  auto auc_of = [](const std::string& output, const std::string& board) {
    const auto row = output.find("ad-s1 on " + board);
    const auto at = output.find("auc: ", row);
    if (row == std::string::npos || at == std::string::npos) return -1.0;
    return std::atof(output.c_str() + output.find('(', at) + 1);
  };
  const auto suite = Write("ad.yaml", "name: ad-accuracy\nmodels:\n  - {generate: ad, seed: 1}\n"
                                      "inputs: {folder: samples, labels: labels.txt}\nboards: [posix-host, posix-mlperf]\n"
                                      "settings: {warmup: 0, iterations: 1}\nchecks: {outputs: host-reference, auc: 0.5}\n");
  auto r = Hil(Run(suite));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("over 12 samples: 8 normal, 4 anomalous; needs 0.500)"));
  const double ours = auc_of(r.output, "posix-host#"), theirs = auc_of(r.output, "posix-mlperf#1");
  ASSERT_GT(ours, 0.5) << r.output;
  ASSERT_GT(theirs, 0.5) << r.output;
  EXPECT_NEAR(theirs, ours, 0.05) << r.output;
  std::printf("[auc] ad-s1: our protocol %.3f, MLPerf Tiny DUT (printed scores) %.3f\n", ours, theirs);
  // The DUT's printed score per sample is stored with the job, and passed the host reference check.
  auto store = hil::store::SqliteStore::Open(db_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs);
  for (const auto& job : *jobs) {
    if (job.info.board_kind != "posix-mlperf") continue;
    EXPECT_THAT(job.check, HasSubstr("outputs==host-reference (3 decimals): pass (12 compared)"));
    auto outputs = (*store)->Outputs(job.id);
    ASSERT_TRUE(outputs && outputs->size() == 12u);
    const std::string score((*outputs)[0].bytes.begin(), (*outputs)[0].bytes.end());
    EXPECT_EQ(score.find(','), std::string::npos) << score;  // one value
  }
}

// Their stack and ours on one emulated chip (suites/mlperf-dut-qemu.yaml): MLPerf Tiny DUT firmware
// with kws compiled in, driven through MLPerf's protocol, against our agent on the same Cortex-M4F.
// Both are timed in instructions under -icount and run the same engine, so they agree within 0.1%
// (the MLPerf loop also copies the input each run); both get the kind's energy estimate. A model the
// firmware does not hold is refused by name.
TEST_F(HilCli, MlperfTinyFirmwareUnderQemuAgainstOurAgentOnTheSameChip) {
  auto r = Hil(Run(HIL_SOURCE_DIR "/suites/mlperf-dut-qemu.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("instructions:mlperf-lap-us/qemu-icount"));
  auto store = hil::store::SqliteStore::Open(db_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs && jobs->size() == 2u);
  std::map<std::string, double> median;
  for (const auto& job : *jobs) {
    ASSERT_FALSE(job.samples.empty()) << job.info.board_kind;
    std::vector<uint64_t> v(job.samples.begin(), job.samples.end());
    std::sort(v.begin(), v.end());
    median[job.info.board_kind] = static_cast<double>(v[v.size() / 2]);
    EXPECT_EQ(job.unit, "instructions") << job.info.board_kind;
    ASSERT_TRUE(job.energy_uj.has_value()) << job.info.board_kind;
  }
  ASSERT_GT(median["mps2-an386"], 1e6);
  EXPECT_NEAR(median["mps2-an386-mlperf"] / median["mps2-an386"], 1.0, 0.001) << median["mps2-an386-mlperf"] << " vs " << median["mps2-an386"];
  const auto other = Write("other.yaml", "name: other\nmodels:\n  - {generate: kws, seed: 2}\nboards: [mps2-an386-mlperf]\n"
                                         "settings: {warmup: 0, iterations: 1}\n");
  auto refused = Hil(Run(other));
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("board mps2-an386-mlperf#1: kind mps2-an386-mlperf's MLPerf Tiny firmware holds model 'kws:1', "
                                        "not kws-s2 ('kws:2')"));
}

// MLPerf Tiny's energy setup, emulated end to end: energy-mode DUT firmware (no m-lap-us; th_timestamp
// pulses the GPIO) reached through an interface board (EEMBC IO manager emulator, `dut` passthrough,
// the DUT's side paced at 9600 baud) and powered by an LPM01A whose D7 events follow the DUT's pulses. The latency is the monitor's
// window per infer over its runs; energy per inference = V x I x (window values x 1 ms) / inferences.
TEST_F(HilCli, MlperfTinyEnergyModeThroughAnInterfaceBoardAndAnLpm01a) {
  using hil::power::testing::FakeIoManager;
  using hil::power::testing::FakeLpm01a;
  FakeLpm01a::Trace trace;
  trace.live = FakeLpm01a::Live{(dir_ / "gpio.fifo").string(), "1000-06", "0020-06", 1};
  auto monitor = FakeLpm01a::Start(trace);
  ASSERT_TRUE(monitor) << monitor.error().message;
  hil::power::testing::IoManagerOptions io_options;
  io_options.dut_path = (dir_ / "dut-uart").string();
  io_options.pace_dut = true;  // the DUT's UART at 9600 baud, as in MLPerf Tiny's energy setup
  auto io = FakeIoManager::Start(io_options);
  ASSERT_TRUE(io) << io.error().message;
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: kws, seed: 1}\ninputs: {random: {seed: 4, count: 2}}\n"
                                          "boards: [posix-mlperf-energy]\nsettings: {warmup: 1, iterations: 10, repetitions: 2}\n");
  const auto farm = Write("farm.yaml", "name: bench\ninstances:\n  - id: dut#1\n    kind: posix-mlperf-energy\n"
                                       "    args: [--timestamp-gpio, " + trace.live->gpio_fifo + ", --pty-link, " + io_options.dut_path + "]\n"
                                       "    power_monitor: lpm01a:" + (*monitor)->slave_path() + "\n"
                                       "    interface_port: " + (*io)->slave_path() + "\n");
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  const auto stats = (*monitor)->live_stats();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ns:mlperf-gpio-window"));
  EXPECT_THAT(r.output, HasSubstr("outputs==host-reference (3 decimals): pass (2 compared)"));
  EXPECT_EQ(stats.windows, 4u);  // 2 inputs x 2 infers
  ASSERT_GT(stats.window_values, 0u);
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  const auto& job = doc["jobs"][0];
  const auto& energy = job["energy"];
  ASSERT_TRUE(energy.is_object()) << job.dump();
  const double expected = 3.3 * 1000 * 1e-3 * static_cast<double>(stats.window_values) / (2 * 2 * 10);
  EXPECT_NEAR(energy["uj_per_inference"].get<double>(), expected, expected * 1e-9);
  EXPECT_THAT(energy["source"].get<std::string>(), HasSubstr("energy:lpm01a"));
  // The latency samples are the windows (1 ms samples) over the 10 runs of each infer.
  auto store = hil::store::SqliteStore::Open(db_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(1);
  ASSERT_TRUE(jobs && jobs->size() == 1u);
  ASSERT_EQ((*jobs)[0].samples.size(), 4u);
  double window_ns = 0;
  for (const uint64_t ns : (*jobs)[0].samples) {
    EXPECT_EQ(ns % 100000, 0u) << "a whole number of 1 ms samples over 10 runs: " << ns;
    window_ns += static_cast<double>(ns) * 10;
  }
  EXPECT_NEAR(window_ns, static_cast<double>(stats.window_values) * 1e6, 4 * 1e6);
  // Everything went through the interface board's passthrough, input lines 26 bytes each.
  const auto commands = (*io)->commands();
  EXPECT_EQ(commands.front(), "name");
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "dut infer 10 1"), 4);
  EXPECT_EQ(std::count_if(commands.begin(), commands.end(), [](const std::string& c) { return c.rfind("dut db load", 0) == 0; }), 2);
  auto env = Hil("results --db " + db_ + " --run 1");
  EXPECT_THAT(env.output, HasSubstr("energy mode) through interface board 'tinyhil io-manager emulator'"));
}

// Energy-mode firmware prints no timestamps, so without a power monitor there is no latency to
// measure: the job is an error that says what is missing, and the run goes on.
TEST_F(HilCli, MlperfTinyEnergyModeWithoutAPowerMonitorIsAClearError) {
  const auto suite = Write("energy.yaml", "name: energy\nmodels:\n  - {generate: 'fc:64,units=10', seed: 2}\n"
                                          "boards: [posix-mlperf-energy]\nsettings: {warmup: 0, iterations: 2}\n");
  const auto farm = Write("farm.yaml", "name: bench\ninstances:\n  - {id: dut#1, kind: posix-mlperf-energy}\n");
  auto r = Hil(Run(suite) + " --farm " + farm);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("board dut#1: kind posix-mlperf-energy is mlperf_mode: energy (its firmware prints no m-lap-us), so its "
                                  "farm entry needs a power_monitor"));
  EXPECT_THAT(r.output, HasSubstr("1 job: 0 pass, 0 fail, 1 error"));
}

// Performance-mode MLPerf firmware with a power monitor: latency from its m-lap-us lines, energy
// from the monitor's windows (the DUT pulses its timestamp GPIO around the timed runs as well).
TEST_F(HilCli, MlperfTinyPerformanceModeAlsoMeasuresEnergyWithAMonitor) {
  using hil::power::testing::FakePpk2;
  const FakePpk2::Trace trace = LivePpk2Trace(dir_);
  auto fake = FakePpk2::Start(trace);
  ASSERT_TRUE(fake) << fake.error().message;
  const auto suite = Write("dut.yaml", "name: dut\nmodels:\n  - {generate: kws, seed: 1}\ninputs: {random: {seed: 4, count: 1}}\n"
                                       "boards: [posix-mlperf]\nsettings: {warmup: 1, iterations: 5, repetitions: 3}\n");
  const auto farm = Write("farm.yaml", "name: bench\ninstances:\n  - id: dut#1\n    kind: posix-mlperf\n"
                                       "    args: [--timestamp-gpio, " + trace.live->gpio_fifo + "]\n"
                                       "    power_monitor: ppk2:" + (*fake)->slave_path() + "\n");
  const auto json = (dir_ / "out.json").string();
  auto r = Hil(Run(suite) + " --farm " + farm + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ns:mlperf-lap-us"));
  const auto stats = (*fake)->live_stats();
  EXPECT_EQ(stats.windows, 3u);  // one per infer
  ASSERT_GT(stats.window_samples, 0u);
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  const auto& energy = doc["jobs"][0]["energy"];
  ASSERT_TRUE(energy.is_object()) << doc["jobs"][0].dump();
  const double expected = 3.3 * 1000 * 10e-6 * static_cast<double>(stats.window_samples) / (3 * 5);
  EXPECT_NEAR(energy["uj_per_inference"].get<double>(), expected, expected * 1e-9);
  EXPECT_THAT(energy["source"].get<std::string>(), HasSubstr("energy:ppk2"));
}

// A job that got much slower than its base is a regression: the run fails (exit 1), the job is
// marked, and compare shows it; a faster one is not flagged.
TEST_F(HilCli, RegressionsAgainstABaselineAndTheLastRunOnTheBranch) {
  auto suite = [&](const std::string& model, const std::string& against) {
    return Write("reg.yaml", "name: reg\nmodels:\n  - {name: m, generate: '" + model + "', seed: 3}\nboards: [posix-host]\n"
                             "settings: {warmup: 1, iterations: 15}\nchecks: {outputs: none}\n"
                             "regressions: {against: " + against + ", threshold_pct: 10}\n");
  };
  const std::string small = "fc:16,units=4", big = "conv2d:32x32x16,oc=32,k=3x3,s=1,pad=same,act=relu";
  const std::string branch = "HIL_GIT_BRANCH=topic ";
  // No base yet: nothing to compare, the run passes.
  auto r1 = Hil(Run(suite(small, "last-run")), branch);
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  EXPECT_THAT(r1.output, HasSubstr("nothing to compare with: no earlier finished run of reg on branch topic"));
  // Slower than run 1 on the same branch.
  auto r2 = Hil(Run(suite(big, "last-run")), branch);
  EXPECT_EQ(r2.exit_code, 1) << r2.output;
  EXPECT_THAT(r2.output, HasSubstr("regression: m on posix-host#"));
  EXPECT_THAT(r2.output, HasSubstr("against run 1 (the last of reg on branch topic)"));
  EXPECT_THAT(r2.output, HasSubstr("1 job: 0 pass, 1 fail"));
  // Another branch has no base.
  EXPECT_EQ(Hil(Run(suite(big, "last-run")), "HIL_GIT_BRANCH=other ").exit_code, 0);

  // Named baselines.
  auto missing = Hil(Run(suite(big, "baseline:nightly")), branch);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("reg.yaml:7: regressions.against: no baseline 'nightly'"));
  EXPECT_EQ(Hil("baseline set nightly 99 --db " + db_).exit_code, 2);
  auto set = Hil("baseline set nightly 1 --db " + db_);
  EXPECT_EQ(set.exit_code, 0) << set.output;
  auto show = Hil("baseline show --db " + db_);
  EXPECT_THAT(show.output, HasSubstr("nightly: run 1 (reg, started "));
  EXPECT_EQ(Hil("baseline show nope --db " + db_).exit_code, 2);
  auto r4 = Hil(Run(suite(big, "baseline:nightly")), branch);
  EXPECT_EQ(r4.exit_code, 1) << r4.output;
  EXPECT_THAT(r4.output, HasSubstr("against baseline nightly (run 1)"));
  auto stored = Hil("results --db " + db_ + " --run 4");
  EXPECT_THAT(stored.output, HasSubstr("regression: median "));
  EXPECT_THAT(stored.output, HasSubstr("regressions: compared with baseline nightly (run 1) at threshold 10%: 1 regression"));
  // Faster than the baseline: an improvement, not a failure.
  ASSERT_EQ(Hil("baseline set nightly 4 --db " + db_).exit_code, 0);
  EXPECT_EQ(Hil(Run(suite(small, "baseline:nightly")), branch).exit_code, 0);

  auto cmp = Hil("compare 1 2 --db " + db_);
  EXPECT_EQ(cmp.exit_code, 1) << cmp.output;
  EXPECT_THAT(cmp.output, HasSubstr("MEDIAN A (run 1)"));
  EXPECT_THAT(cmp.output, HasSubstr("1 regression, 0 improvements"));
  auto same = Hil("compare 2 4 --db " + db_ + " --threshold 1000");
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(Hil("compare 1 77 --db " + db_).exit_code, 2);
}

// A job beyond its board kind's budget fails (exit 1), naming the limit; limits it cannot measure
// on that board are said to be so.
TEST_F(HilCli, BudgetsFailJobsAndNameTheLimit) {
  const auto suite = Write("budget.yaml", "name: b\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                          "settings: {warmup: 0, iterations: 3}\n"
                                          "budgets:\n  posix-host: {latency_us: 0.001, ram_peak_bytes: 100000000, flash_bytes: 1000}\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex("budget: FAIL latency_us [0-9.]+ > 0.001 \\(budgets.posix-host.latency_us\\)"));
  EXPECT_THAT(r.output, HasSubstr("(not measured here: flash_bytes)"));
  EXPECT_THAT(r.output, HasSubstr("1 job: 0 pass, 1 fail"));
  const auto fits = Write("fits.yaml", "name: b\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                       "settings: {warmup: 0, iterations: 3}\nbudgets:\n  all: {latency_us: 1000000, ram_peak_bytes: 100000000}\n");
  auto ok = Hil(Run(fits));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("budget: pass (2 limits)"));
  // With no output check the budget is the job's only verdict: not "none; budget: ...".
  const auto unchecked = Write("unchecked.yaml", "name: b\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\n"
                                                 "boards: [posix-host]\nsettings: {warmup: 0, iterations: 3}\nchecks: {outputs: none}\n"
                                                 "budgets:\n  all: {latency_us: 1000000}\n");
  auto alone = Hil(Run(unchecked) + " --json -");
  EXPECT_EQ(alone.exit_code, 0) << alone.output;
  EXPECT_THAT(alone.output, HasSubstr("\"budget: pass (1 limit)\""));
  EXPECT_THAT(alone.output, Not(HasSubstr("none; budget")));
}

// A real hil process stopped mid-run: by SIGINT it marks the run interrupted itself; by SIGKILL the
// next open of the store finds the process gone and marks it. Either way `--resume` runs only the
// jobs that were not finished, and the run ends complete with each job once.
class HilInterrupt : public HilCli {
 protected:
  std::string LongSuite() {
    std::string text = "name: long\nmodels:\n";
    for (int i = 1; i <= 12; ++i) text += "  - {name: m" + std::to_string(i) + ", generate: kws, seed: " + std::to_string(i) + "}\n";
    text += "boards: [posix-host]\ninputs: {random: {seed: 1, count: 1}}\nsettings: {warmup: 0, iterations: 60}\n";
    return Write("long.yaml", text);
  }
  // Starts `hil run SUITE`, waits for its first finished job, sends `signal`, returns the exit status.
  int RunAndKill(const std::string& suite, int signal) {
    const std::string log = (dir_ / "stderr.txt").string();
    const pid_t pid = fork();
    if (pid == 0) {
      FILE* f = freopen(log.c_str(), "w", stderr);
      (void)f;
      if (!freopen("/dev/null", "w", stdout)) _exit(127);
      execl(HIL_EXE, HIL_EXE, "run", suite.c_str(), "--db", db_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (;;) {
      std::ifstream in(log);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("[1/12]") != std::string::npos) break;
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, signal);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void ExpectInterruptedThenResumed() {
    auto runs = Hil("results --db " + db_);
    EXPECT_THAT(runs.output, ::testing::ContainsRegex(" 1 +long +interrupted +[0-9]+ ")) << runs.output;
    auto partial = Hil("results --db " + db_ + " --run 1 --format json", "", false);
    const auto doc = nlohmann::json::parse(partial.output);
    EXPECT_LT(doc["summary"]["pass"].get<int>(), 12) << "the run finished before the signal";
    auto resumed = Hil("run --resume 1 --db " + db_);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_THAT(resumed.output, HasSubstr("resuming run 1: "));
    EXPECT_THAT(resumed.output, HasSubstr("12 jobs: 12 pass, 0 fail, 0 error (run 1 in"));
    auto again = Hil("run --resume 1 --db " + db_);
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_THAT(again.output, HasSubstr("run 1 finished (pass): nothing to resume"));
  }
};

TEST_F(HilInterrupt, SigintMarksTheRunInterruptedAndResumeFinishesIt) {
  const int code = RunAndKill(LongSuite(), SIGINT);
  EXPECT_EQ(code, 128 + SIGINT);
  std::ifstream in(dir_ / "stderr.txt");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("run 1 marked interrupted (hil run --resume 1 finishes it)"));
  ExpectInterruptedThenResumed();
}

TEST_F(HilInterrupt, SigkillLeavesARunThatTheNextOpenMarksInterrupted) {
  const int code = RunAndKill(LongSuite(), SIGKILL);
  EXPECT_EQ(code, 128 + SIGKILL);
  ExpectInterruptedThenResumed();
}

TEST_F(HilInterrupt, ResumeRefusesAChangedSuite) {
  const auto suite = LongSuite();
  ASSERT_EQ(RunAndKill(suite, SIGINT), 128 + SIGINT);
  std::ofstream(suite, std::ios::app) << "# edited\n";
  auto r = Hil("run --resume 1 --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("changed since the run began"));
}

// On a terminal the progress keeps a status line (jobs done of total, elapsed, ETA, each board's
// job) redrawn in place; piped, it is plain lines. `script` (bsdutils) gives hil a terminal.
TEST_F(HilCli, ProgressHasALiveStatusLineOnATerminalOnly) {
  if (std::system("script --version >/dev/null 2>&1") != 0) FAIL() << "script is missing: apt-get install bsdutils";
  const std::string inner = std::string(HIL_EXE) + " " + Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml");
  Result tty;
  {
    FILE* p = popen(("script -qec '" + inner + "' /dev/null 2>&1").c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) tty.output.append(buf.data(), n);
    tty.exit_code = pclose(p) == 0 ? 0 : 1;
  }
  EXPECT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_THAT(tty.output, ::testing::ContainsRegex("\r\x1b\\[K\\[1/2\\] [0-9]+m[0-9]{2}s ETA [0-9]+m[0-9]{2}s \\| posix-host#"));
  EXPECT_THAT(tty.output, HasSubstr("2 jobs: 2 pass"));
  auto piped = Hil(Run(HIL_SOURCE_DIR "/suites/posix-smoke.yaml"));
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_THAT(piped.output, ::testing::Not(HasSubstr("\x1b[K")));
  EXPECT_THAT(piped.output, ::testing::ContainsRegex("\\[2/2\\] [a-z-]+-s?[0-9a-z]* on posix-host#[12]: pass"));
}

// Inputs from files: a folder of samples with labels checks top-1 accuracy; a file of the wrong
// size is a job error naming it; a missing one stops the run before it starts.
TEST_F(HilCli, LabelledSamplesCheckTopOneAccuracy) {
  std::filesystem::create_directories(dir_ / "samples");
  std::string labels, wrong;
  for (int i = 0; i < 4; ++i) {
    std::string bytes(16, '\0');
    for (int k = 0; k < 16; ++k) bytes[k] = static_cast<char>((i * 37 + k * 11) & 0xff);
    Write("samples/s" + std::to_string(i) + ".bin", bytes);
    labels += "s" + std::to_string(i) + ".bin 2\n";
    wrong += "s" + std::to_string(i) + ".bin 99\n";  // no class 99: never right
  }
  Write("labels.txt", labels);
  Write("wrong.txt", wrong);
  auto suite = [&](const std::string& labels_file, const std::string& top1) {
    return Write("top1.yaml", "name: t\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                              "inputs: {folder: samples, labels: " + labels_file + "}\nsettings: {warmup: 0, iterations: 2}\n"
                              "checks: {outputs: host-reference, top1: " + top1 + "}\n");
  };
  auto ok = Hil(Run(suite("labels.txt", "0")));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, ::testing::ContainsRegex("top1: pass \\([0-4] of 4 = "));
  EXPECT_THAT(ok.output, HasSubstr("outputs==host-reference: pass (4 compared)"));
  auto bad = Hil(Run(suite("wrong.txt", "0.5")));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("top1: FAIL (0 of 4 = 0.0%, needs 50.0%)"));

  Write("samples/short.bin", std::string(5, 'x'));
  const auto raw = Write("raw.yaml", "name: r\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                     "inputs: {files: [samples/s0.bin, samples/short.bin]}\n");
  auto size = Hil(Run(raw));
  EXPECT_EQ(size.exit_code, 2) << size.output;
  EXPECT_THAT(size.output, HasSubstr("samples/short.bin: 5 bytes, but model m takes 16 bytes in input 0"));
  const auto missing = Write("missing.yaml", "name: r\nmodels:\n  - {name: m, generate: 'fc:16,units=4', seed: 3}\nboards: [posix-host]\n"
                                             "inputs: {files: [samples/none.bin]}\n");
  auto gone = Hil(Run(missing));
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_THAT(gone.output, HasSubstr(missing + ":5: inputs.files[0]: cannot read " + (dir_ / "samples/none.bin").string()));
}

}  // namespace
