// The hil executable end to end, as a user runs it: exit codes, messages that name the file, board
// or field at fault, and a store whose earlier runs survive every failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Result Hil(const std::string& args) {
  const std::string cmd = std::string(HIL_EXE) + " " + args + " 2>&1";
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

TEST_F(HilCli, InvalidModelIsAStoredJobErrorAndTheRunContinues) {
  SeedStore();
  Write("garbage.tflite", std::string(5000, 'x'));
  const auto suite = Write("mixed.yaml", "name: mixed\nmodels:\n  - path: garbage.tflite\n  - {generate: 'fc:16,units=4', seed: 3}\n"
                                         "boards: [posix-host]\nsettings: {warmup: 0, iterations: 2}\nchecks: {outputs: none}\n");
  auto r = Hil(Run(suite));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, ::testing::ContainsRegex("model garbage: board posix-host#[12]: agent refused LOAD_END"));
  EXPECT_THAT(r.output, HasSubstr("1 pass, 0 fail, 1 error"));  // the second model still ran
  ExpectSeedRunIntact();
  auto jobs = Hil("results --db " + db_ + " --run 2");
  EXPECT_THAT(jobs.output, HasSubstr("model invalid"));
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

TEST_F(HilCli, UsageErrorsExit2) {
  EXPECT_EQ(Hil("").exit_code, 2);
  EXPECT_EQ(Hil("frobnicate").exit_code, 2);
  EXPECT_EQ(Hil("run").exit_code, 2);
  EXPECT_EQ(Hil("--help").exit_code, 0);
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

}  // namespace
