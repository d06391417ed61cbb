// The embedded default Store: one SQLite file in WAL mode with a versioned schema. Opening a file
// applies the ordered migrations it lacks, each in its own transaction, and records the version in
// table schema_version. A file written by a newer TinyHIL (higher version) is refused.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hil/store/store.h"

struct sqlite3;

namespace hil::store {

class SqliteStore final : public Store {
 public:
  static constexpr int kSchemaVersion = 7;

  struct Options {
    int target_version = kSchemaVersion;  // tests build older files by migrating only this far
  };

  // Opens or creates `path` (its folder must exist; ":memory:" works). Errors: kNotFound (cannot open),
  // kBadState (schema newer than this build), kInternal (SQL failure), each naming the file.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path) { return Open(path, Options{}); }
  ~SqliteStore() override;

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

  // Named baselines (schema v4). SetBaseline points `name` at a run (kNotFound when there is no
  // such run), replacing an earlier one of that name.
  Result<void> SetBaseline(const std::string& name, int64_t run_id) override;
  Result<std::vector<BaselineRow>> Baselines() override;
  Result<std::optional<int64_t>> BaselineRun(const std::string& name) override;
  // The newest finished run (pass or fail) of `suite_name` recorded on `git_branch` with an id below
  // `before_run_id`.
  Result<std::optional<int64_t>> LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                 int64_t before_run_id) override;
  // Interrupted runs (schema v4). MarkInterrupted sets a running run and its running jobs to
  // "interrupted". Open does that for every run left "running" by a process of this host that is
  // gone (killed, crashed). ResumeRun reopens a run that is not running: its unfinished jobs are
  // deleted (to be planned again), finished ones kept; kBadState when it is still running.
  Result<void> MarkInterrupted(int64_t run_id) override;
  Result<void> ResumeRun(int64_t run_id) override;

  // Records the regression found for a job; a passing job becomes "fail".
  Result<void> MarkRegression(int64_t job_id, const std::string& detail) override;

 private:
  Result<void> MarkVanishedRuns();
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<void> Exec(const char* sql);
  Result<void> Migrate(int target_version);
  std::unexpected<Error> SqlError(const std::string& what);

  sqlite3* db_;
  std::string path_;
};

}  // namespace hil::store
