// The Store contract, run against every implementation: SqliteStore, PgStore (on a private
// PostgreSQL server started for this test process, one database per test) and the MemoryStore fake.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "hil/store/pg_store.h"
#include "hil/store/sqlite_store.h"
#include "hil/store/testing/memory_store.h"
#include "hil/store/testing/pg_server.h"

namespace hil::store {
namespace {

std::unique_ptr<Store> MakeStore(const std::string& kind, const std::filesystem::path& file);

// The parameter names the implementation ("sqlite", "memory").
class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');  // "Test/sqlite"
    file_ = std::filesystem::temp_directory_path() / ("hil_contract_" + std::to_string(getpid()) + "_" + name + ".db");
    store_ = MakeStore(GetParam(), file_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file_.string() + suffix);
  }
  std::filesystem::path file_;
  std::unique_ptr<Store> store_;
};

JobInfo Info(int ordinal, const std::string& model) {
  JobInfo j;
  j.ordinal = ordinal;
  j.model_name = model;
  j.board_instance = "b#1";
  j.clock_hz = 25000000;
  return j;
}

TEST_P(StoreContract, RunsListNewestFirstWithJobCounts) {
  auto a = store_->BeginRun({"a", "a.yaml"});
  auto b = store_->BeginRun({"b", "b.yaml"});
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(store_->BeginJob(*b, Info(0, "m")));
  auto runs = store_->ListRuns();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].suite_name, "b");
  EXPECT_EQ((*runs)[0].job_count, 1);
  EXPECT_EQ((*runs)[1].status, kRunning);
}

TEST_P(StoreContract, JobsComeBackInPlanOrderWithSamplesInOrder) {
  auto run = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(run);
  auto j1 = store_->BeginJob(*run, Info(1, "second"));
  auto j0 = store_->BeginJob(*run, Info(0, "first"));
  ASSERT_TRUE(j0 && j1);
  JobResult r;
  r.status = kFail;
  r.unit = "cycles";
  r.source = "systick";
  r.samples = {{0, 0, 0, 9}, {0, 0, 1, 7}, {1, 0, 0, 8}};
  r.check_detail = "input 0 output 0: 1 of 10 bytes differ";
  r.ops = {{0, 3, "CONV_2D", 3, 21}};
  ASSERT_TRUE(store_->FinishJob(*j0, r));
  auto jobs = store_->ListJobs(*run);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].info.model_name, "first");
  EXPECT_EQ((*jobs)[0].status, kFail);
  EXPECT_EQ((*jobs)[0].samples, (std::vector<uint64_t>{9, 7, 8}));
  EXPECT_EQ((*jobs)[0].unit, "cycles");
  EXPECT_EQ((*jobs)[0].info.clock_hz, 25000000u);
  EXPECT_EQ((*jobs)[0].check_detail, r.check_detail);
  EXPECT_FALSE((*jobs)[0].memory);
  EXPECT_EQ((*jobs)[1].status, kRunning);
  auto ops = store_->OpProfile(*j0);
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].value, 21u);
}

TEST_P(StoreContract, OutputsComeBackByInputThenOutputByteForByte) {
  auto run = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(run);
  auto j = store_->BeginJob(*run, Info(0, "m"));
  ASSERT_TRUE(j);
  JobResult r;
  r.status = kPass;
  r.outputs = {{1, 0, {0x00, 0xFF, 0x80}}, {0, 1, {0x7F}}, {0, 0, {0x00, 0x00, 0x01, 0x00}}};
  ASSERT_TRUE(store_->FinishJob(*j, r));
  auto out = store_->Outputs(*j);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, (std::vector<OutputRow>{{0, 0, {0x00, 0x00, 0x01, 0x00}}, {0, 1, {0x7F}}, {1, 0, {0x00, 0xFF, 0x80}}}));
  auto none = store_->Outputs(*j + 1000);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContract, UnknownIdsAreNotFound) {
  EXPECT_EQ(store_->ListJobs(77).error().code, Status::kNotFound);
  EXPECT_EQ(store_->FinishJob(77, JobResult{}).error().code, Status::kNotFound);
}

TEST_P(StoreContract, EnvironmentIsKeyValuePerRun) {
  auto run = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(run);
  ASSERT_TRUE(store_->SetEnvironment(*run, {{"host", "h"}, {"compiler", "gcc"}}));
  ASSERT_TRUE(store_->SetEnvironment(*run, {{"host", "h2"}}));  // a later fact replaces
  auto env = store_->Environment(*run);
  ASSERT_TRUE(env);
  ASSERT_EQ(env->size(), 2u);
  EXPECT_EQ((*env)[0], (std::pair<std::string, std::string>{"compiler", "gcc"}));
  EXPECT_EQ((*env)[1], (std::pair<std::string, std::string>{"host", "h2"}));
}

TEST_P(StoreContract, BaselinesPointAtRunsAndAreReplacedByName) {
  auto a = store_->BeginRun({"s", "s.yaml"});
  auto b = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(store_->SetBaseline("nightly", 999).error().code, Status::kNotFound);
  ASSERT_TRUE(store_->SetBaseline("nightly", *a));
  ASSERT_TRUE(store_->SetBaseline("nightly", *b));
  ASSERT_TRUE(store_->SetBaseline("release", *a));
  auto all = store_->Baselines();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "nightly");
  EXPECT_EQ((*all)[0].run_id, *b);
  EXPECT_EQ((*all)[0].suite_name, "s");
  EXPECT_EQ(*store_->BaselineRun("release").value(), *a);
  EXPECT_FALSE(store_->BaselineRun("none").value());
}

TEST_P(StoreContract, LastRunOnBranchIsTheNewestFinishedOneBefore) {
  std::vector<int64_t> runs;
  for (int i = 0; i < 4; ++i) {
    auto r = store_->BeginRun({"s", "s.yaml"});
    ASSERT_TRUE(r);
    runs.push_back(*r);
    ASSERT_TRUE(store_->SetEnvironment(*r, {{"git_branch", i == 2 ? "other" : "main"}}));
  }
  ASSERT_TRUE(store_->FinishRun(runs[0], kPass));
  ASSERT_TRUE(store_->FinishRun(runs[1], kError));  // not a comparable run
  ASSERT_TRUE(store_->FinishRun(runs[2], kFail));   // another branch
  EXPECT_EQ(*store_->LastRunOnBranch("s", "main", runs[3]).value(), runs[0]);
  EXPECT_EQ(*store_->LastRunOnBranch("s", "other", runs[3]).value(), runs[2]);
  EXPECT_FALSE(store_->LastRunOnBranch("s", "main", runs[0]).value());
  EXPECT_FALSE(store_->LastRunOnBranch("t", "main", runs[3]).value());
}

TEST_P(StoreContract, ARegressionMakesAPassingJobFail) {
  auto run = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(run);
  auto j = store_->BeginJob(*run, Info(0, "m"));
  ASSERT_TRUE(j);
  JobResult r;
  r.status = kPass;
  ASSERT_TRUE(store_->FinishJob(*j, r));
  ASSERT_TRUE(store_->MarkRegression(*j, "median +12% against run 1"));
  auto jobs = store_->ListJobs(*run);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[0].status, kFail);
  EXPECT_EQ((*jobs)[0].regression, "median +12% against run 1");
  EXPECT_EQ(store_->MarkRegression(9999, "x").error().code, Status::kNotFound);
}

TEST_P(StoreContract, AnInterruptedRunResumesWithItsFinishedJobsOnly) {
  auto run = store_->BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(run);
  auto done = store_->BeginJob(*run, Info(0, "done"));
  auto cut = store_->BeginJob(*run, Info(1, "cut"));
  ASSERT_TRUE(done && cut);
  JobResult r;
  r.status = kPass;
  r.samples = {{0, 0, 0, 5}};
  ASSERT_TRUE(store_->FinishJob(*done, r));
  EXPECT_EQ(store_->ResumeRun(*run).error().code, Status::kBadState);  // still running
  ASSERT_TRUE(store_->MarkInterrupted(*run));
  auto jobs = store_->ListJobs(*run);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[1].status, kInterrupted);
  EXPECT_EQ((*store_->ListRuns())[0].status, kInterrupted);
  ASSERT_TRUE(store_->ResumeRun(*run));
  jobs = store_->ListJobs(*run);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].info.model_name, "done");
  EXPECT_EQ((*jobs)[0].samples, std::vector<uint64_t>{5});
  EXPECT_EQ((*store_->ListRuns())[0].status, kRunning);
  EXPECT_EQ((*store_->ListRuns())[0].job_count, 1);
  EXPECT_EQ(store_->ResumeRun(4242).error().code, Status::kNotFound);
}

// One server for the whole test process; each test gets a fresh database.
testing::PgServer* Server() { return testing::PgServer::Shared(); }

std::unique_ptr<Store> MakeStore(const std::string& kind, const std::filesystem::path& path) {
  if (kind == "memory") return std::make_unique<testing::MemoryStore>();
  if (kind == "postgresql") {
    testing::PgServer* server = Server();
    if (!server) return nullptr;
    static int databases = 0;
    const std::string db = "contract_" + std::to_string(++databases);
    if (auto c = server->CreateDatabase(db); !c) {
      ADD_FAILURE() << c.error().message;
      return nullptr;
    }
    auto s = PgStore::Open(server->Conninfo(db));
    if (!s) ADD_FAILURE() << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::filesystem::remove(path);
  auto s = SqliteStore::Open(path.string());
  if (!s) return nullptr;
  return std::move(*s);
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreContract, ::testing::Values("sqlite", "postgresql", "memory"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hil::store
