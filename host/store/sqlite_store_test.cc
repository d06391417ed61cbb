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

}  // namespace
}  // namespace hil::store
