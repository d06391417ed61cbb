// PgStore beyond the shared contract: migrations under concurrency and from a newer build, exact
// round trips of what SQL text quoting or number formatting could damage, and connection errors.
#include "hil/store/pg_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <thread>

#include "hil/store/testing/pg_server.h"

namespace hil::store {
namespace {

using ::testing::HasSubstr;

testing::PgServer* Server() { return testing::PgServer::Shared(); }

std::string FreshDatabase() {
  static int n = 0;
  const std::string db = "pg_" + std::to_string(++n);
  auto c = Server()->CreateDatabase(db);
  EXPECT_TRUE(c) << c.error().message;
  return Server()->Conninfo(db);
}

TEST(PgStore, HostsOpeningAFreshDatabaseAtOnceMigrateItOnce) {
  ASSERT_NE(Server(), nullptr);
  const std::string conninfo = FreshDatabase();
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      auto s = PgStore::Open(conninfo);
      if (!s) errors[i] = s.error().message;
    });
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto s = PgStore::Open(conninfo);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*(*s)->SchemaVersion(), PgStore::kSchemaVersion);
}

TEST(PgStore, ADatabaseFromANewerBuildIsRefused) {
  ASSERT_NE(Server(), nullptr);
  const std::string conninfo = FreshDatabase();
  ASSERT_TRUE(PgStore::Open(conninfo));
  PGconn* c = PQconnectdb(conninfo.c_str());
  PQclear(PQexec(c, "UPDATE schema_version SET version = 99"));
  PQfinish(c);
  auto s = PgStore::Open(conninfo);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Status::kBadState);
  EXPECT_THAT(s.error().message, HasSubstr("schema version 99 is newer"));
}

TEST(PgStore, TextAndNumbersRoundTripExactly) {
  ASSERT_NE(Server(), nullptr);
  auto s = PgStore::Open(FreshDatabase());
  ASSERT_TRUE(s) << s.error().message;
  auto run = (*s)->BeginRun({"quote's \"suite\"", "a\\b.yaml"});
  ASSERT_TRUE(run);
  JobInfo info;
  info.model_name = "m,{x}";
  info.board_instance = "b#1";
  info.kernel = "dsp";
  auto job = (*s)->BeginJob(*run, info);
  ASSERT_TRUE(job);
  JobResult r;
  r.status = kPass;
  r.unit = "cycles";
  r.source = "dwt";
  for (int i = 0; i < 2000; ++i) r.samples.push_back({i / 1000, 0, i % 1000, static_cast<uint64_t>(1'000'000'007ull * (2000 - i))});
  r.ops = {{0, 3, "CONV_2D \"a\",{b}\\c", 5, 1ull << 40}};
  r.energy_uj = 1.2345678901234567e-5;
  r.energy_source = "energy:ppk2";
  r.memory = MemoryRow{4000000000u, 1, 2, 3, 4};
  ASSERT_TRUE((*s)->FinishJob(*job, r));
  auto jobs = (*s)->ListJobs(*run);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  const JobRow& j = (*jobs)[0];
  EXPECT_EQ(j.info.model_name, "m,{x}");
  EXPECT_EQ(j.info.kernel, "dsp");
  ASSERT_EQ(j.samples.size(), 2000u);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(j.samples[i], 1'000'000'007ull * (2000 - i)) << i;
  EXPECT_EQ(*j.energy_uj, 1.2345678901234567e-5);
  EXPECT_EQ(j.memory->arena_bytes, 4000000000u);
  auto ops = (*s)->OpProfile(*job);
  ASSERT_TRUE(ops);
  EXPECT_EQ((*ops)[0].op_name, "CONV_2D \"a\",{b}\\c");
  EXPECT_EQ((*ops)[0].value, 1ull << 40);
  auto runs = (*s)->ListRuns();
  EXPECT_EQ((*runs)[0].suite_name, "quote's \"suite\"");
}

TEST(PgStore, AServerThatIsNotThereIsNotFoundWithoutThePassword) {
  auto s = PgStore::Open("postgresql://hil:secret@127.0.0.1:1/nothing?connect_timeout=2");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Status::kNotFound);
  EXPECT_THAT(s.error().message, HasSubstr("store postgresql://hil@127.0.0.1:1/nothing: cannot connect"));
  EXPECT_THAT(s.error().message, ::testing::Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace hil::store
