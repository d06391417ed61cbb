#include "hil/store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <set>

namespace hil::store {
namespace {

using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hil_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "hil.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::set<std::string> Tables() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &st, nullptr);
    std::set<std::string> names;
    while (sqlite3_step(st) == SQLITE_ROW) names.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return names;
  }

  static JobInfo Info(int ordinal) {
    JobInfo j;
    j.ordinal = ordinal;
    j.model_name = "kws-s1";
    j.model_sha256 = "ab12";
    j.model_bytes = 1234;
    j.board_kind = "posix-host";
    j.board_instance = "posix-host#1";
    j.clock_hz = 1000000000;
    j.warmup = 1;
    j.iterations = 3;
    j.repetitions = 1;
    return j;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, CreatesTheLatestSchemaInWalMode) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store) << store.error().message;
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, SqliteStore::kSchemaVersion);
  const auto tables = Tables();
  for (const char* t : {"schema_version", "runs", "jobs", "samples", "op_profiles", "memory", "environment"})
    EXPECT_TRUE(tables.contains(t)) << t;
  EXPECT_TRUE(std::filesystem::exists(path_ + "-wal"));
}

TEST_F(SqliteStoreTest, MigratesAVersion1FileAndKeepsItsRows) {
  {
    auto old = SqliteStore::Open(path_, {.target_version = 1});
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_EQ(*(*old)->SchemaVersion(), 1);
    EXPECT_FALSE(Tables().contains("environment"));
    // Write through raw SQL with version-1 columns only, as an old hil would have.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO runs(id, suite_name, suite_path, started_at, status) "
                           "VALUES (7, 'old', 'old.yaml', '2026-01-01T00:00:00Z', 'pass');"
                           "INSERT INTO jobs(id, run_id, ordinal, model_name, model_sha256, model_bytes, board_kind, "
                           "board_instance, warmup, iterations, repetitions, status, started_at) "
                           "VALUES (1, 7, 0, 'm', 'h', 1, 'b', 'b#1', 0, 1, 1, 'pass', 'x');"
                           "INSERT INTO samples VALUES (1, 0, 0, 0, 42, 'ns', 'host-monotonic');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(*(*store)->SchemaVersion(), SqliteStore::kSchemaVersion);
  EXPECT_TRUE(Tables().contains("environment"));
  auto runs = (*store)->ListRuns();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].id, 7);
  auto jobs = (*store)->ListJobs(7);
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].info.clock_hz, 0u);  // the new columns' defaults
  EXPECT_EQ((*jobs)[0].flash_bytes, 0u);
  EXPECT_FALSE((*jobs)[0].energy_uj.has_value());
  EXPECT_EQ((*jobs)[0].samples, std::vector<uint64_t>{42});
  // Later features work on the migrated file.
  ASSERT_TRUE((*store)->SetEnvironment(7, {{"host", "h1"}}));
  EXPECT_EQ((*(*store)->Environment(7))[0].second, "h1");
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerVersion) {
  {
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteStore::Open(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Status::kBadState);
  EXPECT_THAT(store.error().message, HasSubstr("schema version 99"));
  EXPECT_THAT(store.error().message, HasSubstr(path_));
}

TEST_F(SqliteStoreTest, OpenFailsClearlyWhenTheFolderIsMissing) {
  auto store = SqliteStore::Open((dir_ / "no" / "such" / "dir" / "x.db").string());
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error().message, HasSubstr("no/such/dir/x.db"));
}

TEST_F(SqliteStoreTest, RoundTripsARun) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  Store& s = **store;
  auto run = s.BeginRun({"quickstart", "suites/quickstart.yaml"});
  ASSERT_TRUE(run);
  ASSERT_TRUE(s.SetEnvironment(*run, {{"host", "h"}, {"compiler", "gcc 12"}}));
  auto job = s.BeginJob(*run, Info(0));
  ASSERT_TRUE(job);
  JobResult r;
  r.status = kPass;
  r.check = "outputs==host-reference: pass";
  r.unit = "ns";
  r.source = "host-monotonic";
  r.samples = {{0, 0, 0, 30}, {0, 0, 1, 10}, {0, 0, 2, 20}};
  r.ops = {{0, 3, "CONV_2D", 3, 900}, {1, 9, "FULLY_CONNECTED", 3, 90}};
  r.memory = MemoryRow{65536, 4000, 8192, 1200, 100};
  r.flash_bytes = 70123;
  r.kernel = "dsp";
  r.energy_uj = 2.5;
  r.energy_source = "estimate: 52 uA/MHz at 3.0 V";
  ASSERT_TRUE(s.FinishJob(*job, r));
  ASSERT_TRUE(s.FinishRun(*run, kPass));

  auto runs = s.ListRuns();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, "pass");
  EXPECT_EQ((*runs)[0].job_count, 1);
  EXPECT_FALSE((*runs)[0].finished_at.empty());
  auto jobs = s.ListJobs(*run);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  const JobRow& j = (*jobs)[0];
  EXPECT_EQ(j.status, "pass");
  EXPECT_EQ(j.unit, "ns");
  EXPECT_EQ(j.source, "host-monotonic");
  EXPECT_EQ(j.samples, (std::vector<uint64_t>{30, 10, 20}));
  ASSERT_TRUE(j.memory);
  EXPECT_EQ(j.memory->arena_used, 4000u);
  EXPECT_EQ(j.info.board_instance, "posix-host#1");
  EXPECT_EQ(j.info.clock_hz, 1000000000u);
  EXPECT_EQ(j.flash_bytes, 70123u);
  EXPECT_EQ(j.info.kernel, "dsp");  // the variant in effect replaces the one asked for
  ASSERT_TRUE(j.energy_uj);
  EXPECT_DOUBLE_EQ(*j.energy_uj, 2.5);
  EXPECT_EQ(j.energy_source, "estimate: 52 uA/MHz at 3.0 V");
  auto ops = s.OpProfile(j.id);
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 2u);
  EXPECT_EQ((*ops)[0].op_name, "CONV_2D");
  EXPECT_EQ((*ops)[1].value, 90u);
  auto env = s.Environment(*run);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->size(), 2u);
}

TEST_F(SqliteStoreTest, AFailedLaterJobKeepsEarlierRowsAcrossReopen) {
  int64_t run_id = 0;
  {
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store);
    auto run = (*store)->BeginRun({"s", "s.yaml"});
    ASSERT_TRUE(run);
    run_id = *run;
    auto job1 = (*store)->BeginJob(run_id, Info(0));
    JobResult ok;
    ok.status = kPass;
    ok.unit = "ns";
    ok.source = "host-monotonic";
    ok.samples = {{0, 0, 0, 5}};
    ASSERT_TRUE((*store)->FinishJob(*job1, ok));
    auto job2 = (*store)->BeginJob(run_id, Info(1));
    ASSERT_TRUE(job2);
    // The process dies here: job 2 never finishes, the run is never closed.
  }
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(run_id);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].status, "pass");
  EXPECT_EQ((*jobs)[0].samples, std::vector<uint64_t>{5});
  EXPECT_EQ((*jobs)[1].status, "running");
  EXPECT_EQ((*(*store)->ListRuns())[0].status, "running");
}

TEST_F(SqliteStoreTest, FinishJobOnAMissingJobRollsBack) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  JobResult r;
  r.status = kPass;
  r.samples = {{0, 0, 0, 1}};
  auto done = (*store)->FinishJob(12345, r);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, Status::kNotFound);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM samples", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ListJobsOfAnUnknownRunIsNotFound) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  auto jobs = (*store)->ListJobs(99);
  ASSERT_FALSE(jobs);
  EXPECT_EQ(jobs.error().code, Status::kNotFound);
  EXPECT_THAT(jobs.error().message, HasSubstr("no run 99"));
}

TEST_F(SqliteStoreTest, MigratesAVersion3FileToBaselines) {
  int64_t run_id = 0, job_id = 0;
  {
    auto old = SqliteStore::Open(path_, {.target_version = 3});
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_FALSE(Tables().contains("baselines"));
    // Rows as a version-3 hil wrote them.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO runs(id, suite_name, suite_path, started_at, status) "
                           "VALUES (3, 's', 's.yaml', '2026-01-01T00:00:00Z', 'running');"
                           "INSERT INTO jobs(id, run_id, ordinal, model_name, model_sha256, model_bytes, board_kind, "
                           "board_instance, warmup, iterations, repetitions, status, started_at, flash_bytes) "
                           "VALUES (5, 3, 0, 'm', 'h', 1, 'b', 'b#1', 0, 1, 1, 'pass', 'x', 100);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    run_id = 3;
    job_id = 5;
  }
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(*(*store)->SchemaVersion(), SqliteStore::kSchemaVersion);
  EXPECT_TRUE(Tables().contains("baselines"));
  auto jobs = (*store)->ListJobs(run_id);
  ASSERT_TRUE(jobs) << jobs.error().message;
  EXPECT_EQ((*jobs)[0].regression, "");  // the new column's default
  EXPECT_EQ((*jobs)[0].id, job_id);
  // A run an old hil left running has no pid: it is not taken for interrupted.
  EXPECT_EQ((*(*store)->ListRuns())[0].status, "running");
  ASSERT_TRUE((*store)->SetBaseline("nightly", run_id));
  EXPECT_EQ(*(*store)->BaselineRun("nightly"), std::optional<int64_t>(run_id));
}

TEST_F(SqliteStoreTest, BaselinesNameRunsAndReplaceEachOther) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  SqliteStore& s = **store;
  const int64_t a = *s.BeginRun({"s", "s.yaml"});
  const int64_t b = *s.BeginRun({"s", "s.yaml"});
  auto missing = s.SetBaseline("x", 99);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Status::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("no run 99"));
  ASSERT_TRUE(s.SetBaseline("release", a));
  ASSERT_TRUE(s.SetBaseline("nightly", a));
  ASSERT_TRUE(s.SetBaseline("nightly", b));
  auto all = s.Baselines();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "nightly");
  EXPECT_EQ((*all)[0].run_id, b);
  EXPECT_EQ((*all)[1].name, "release");
  EXPECT_EQ((*all)[1].suite_name, "s");
  EXPECT_FALSE(s.BaselineRun("none")->has_value());
}

TEST_F(SqliteStoreTest, LastRunOnBranchAndRegressionMarks) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  SqliteStore& s = **store;
  const int64_t r1 = *s.BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(s.SetEnvironment(r1, {{"git_branch", "main"}}));
  ASSERT_TRUE(s.FinishRun(r1, kPass));
  const int64_t r2 = *s.BeginRun({"s", "s.yaml"});
  ASSERT_TRUE(s.SetEnvironment(r2, {{"git_branch", "topic"}}));
  ASSERT_TRUE(s.FinishRun(r2, kPass));
  const int64_t r3 = *s.BeginRun({"s", "s.yaml"});  // still running: never a base
  ASSERT_TRUE(s.SetEnvironment(r3, {{"git_branch", "main"}}));
  const int64_t r4 = *s.BeginRun({"s", "s.yaml"});
  EXPECT_EQ(*s.LastRunOnBranch("s", "main", r4), std::optional<int64_t>(r1));
  EXPECT_EQ(*s.LastRunOnBranch("s", "topic", r4), std::optional<int64_t>(r2));
  EXPECT_FALSE(s.LastRunOnBranch("other", "main", r4)->has_value());
  const int64_t job = *s.BeginJob(r4, Info(0));
  JobResult r;
  r.status = kPass;
  ASSERT_TRUE(s.FinishJob(job, r));
  ASSERT_TRUE(s.MarkRegression(job, "median +8.0% against run 1"));
  auto jobs = s.ListJobs(r4);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[0].status, "fail");
  EXPECT_EQ((*jobs)[0].regression, "median +8.0% against run 1");
  EXPECT_EQ(s.MarkRegression(12345, "x").error().code, Status::kNotFound);
}

TEST_F(SqliteStoreTest, ARunWhoseProcessIsGoneIsInterruptedOnOpen) {
  int64_t mine = 0, gone = 0;
  {
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store);
    mine = *(*store)->BeginRun({"s", "s.yaml"});
    gone = *(*store)->BeginRun({"s", "s.yaml"});
    ASSERT_TRUE((*store)->BeginJob(gone, Info(0)));
  }
  // Run `gone` belonged to a process that no longer exists (pid 2^22 + 1 is beyond pid_max).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, ("UPDATE runs SET pid = 4194305 WHERE id = " + std::to_string(gone)).c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store);
  auto runs = (*store)->ListRuns();
  ASSERT_TRUE(runs);
  EXPECT_EQ((*runs)[0].id, gone);
  EXPECT_EQ((*runs)[0].status, "interrupted");
  EXPECT_EQ((*runs)[1].status, "running");  // this process is alive
  EXPECT_EQ((*(*store)->ListJobs(gone))[0].status, "interrupted");

  // Resume: unfinished jobs go, finished stay; a live run cannot be resumed.
  EXPECT_EQ((*store)->ResumeRun(mine).error().code, Status::kBadState);
  EXPECT_EQ((*store)->ResumeRun(99).error().code, Status::kNotFound);
  ASSERT_TRUE((*store)->ResumeRun(gone));
  EXPECT_TRUE((*(*store)->ListJobs(gone)).empty());
  EXPECT_EQ((*(*store)->ListRuns())[0].status, "running");
  ASSERT_TRUE((*store)->MarkInterrupted(mine));
  EXPECT_EQ((*(*store)->ListRuns())[1].status, "interrupted");
}

}  // namespace
}  // namespace hil::store
