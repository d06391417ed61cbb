// The Store on PostgreSQL, for a farm that spans several hosts: every farm host's daemon and every
// `hil run` write to one database. Same contract as SqliteStore (store_contract_test runs both);
// the schema is the same in PostgreSQL's types (BIGSERIAL ids, BIGINT counts, DOUBLE PRECISION
// energy) and is versioned the same way: Open applies the migrations the database lacks, each in
// its own transaction, under an advisory lock so that hosts opening it at once do not race, and
// refuses a database written by a newer TinyHIL.
//
// Thread: one thread per PgStore object (one libpq connection each).
#pragma once

#include <memory>
#include <string>

#include "hil/store/store.h"

struct pg_conn;

namespace hil::store {

class PgStore final : public Store {
 public:
  static constexpr int kSchemaVersion = 4;

  // Connects with a libpq connection string: "postgresql://user@host:port/db" or "host=... port=...".
  // Errors: kNotFound (cannot connect: the server's or libpq's reason), kBadState (schema newer
  // than this build), kInternal (SQL failure), each naming the database without its password.
  static Result<std::unique_ptr<PgStore>> Open(const std::string& conninfo);
  ~PgStore() override;

  Result<int> SchemaVersion();

  Result<int64_t> BeginRun(const RunInfo& run) override;
  Result<void> SetEnvironment(int64_t run_id, const std::vector<std::pair<std::string, std::string>>& facts) override;
  Result<int64_t> BeginJob(int64_t run_id, const JobInfo& job) override;
  Result<void> FinishJob(int64_t job_id, const JobResult& result) override;
  Result<void> FinishRun(int64_t run_id, const std::string& status) override;
  Result<std::vector<RunRow>> ListRuns() override;
  Result<std::vector<JobRow>> ListJobs(int64_t run_id) override;
  Result<std::vector<std::pair<std::string, std::string>>> Environment(int64_t run_id) override;
  Result<std::vector<OpProfileRow>> OpProfile(int64_t job_id) override;
  Result<std::vector<OutputRow>> Outputs(int64_t job_id) override;
  Result<void> SetBaseline(const std::string& name, int64_t run_id) override;
  Result<std::vector<BaselineRow>> Baselines() override;
  Result<std::optional<int64_t>> BaselineRun(const std::string& name) override;
  Result<std::optional<int64_t>> LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                 int64_t before_run_id) override;
  Result<void> MarkInterrupted(int64_t run_id) override;
  Result<void> ResumeRun(int64_t run_id) override;
  Result<void> MarkRegression(int64_t job_id, const std::string& detail) override;

  // "postgresql://hil@127.0.0.1:5433/hil" (the password, if any, left out): how errors name it.
  const std::string& name() const { return name_; }

 private:
  PgStore(pg_conn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  Result<void> Migrate();

  pg_conn* conn_;
  std::string name_;
};

// The connection string without its password, for messages ("postgresql://hil@host:5432/db",
// "host=... user=... dbname=..."), built from what libpq parsed.
std::string DescribeConninfo(const std::string& conninfo);

}  // namespace hil::store
