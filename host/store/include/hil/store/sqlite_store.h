// The embedded default Store: one SQLite file in WAL mode with a versioned schema. Opening a file
// applies the ordered migrations it lacks, each in its own transaction, and records the version in
// table schema_version. A file written by a newer TinyHIL (higher version) is refused.
#pragma once

#include <memory>
#include <string>

#include "hil/store/store.h"

struct sqlite3;

namespace hil::store {

class SqliteStore final : public Store {
 public:
  static constexpr int kSchemaVersion = 3;

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

 private:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<void> Exec(const char* sql);
  Result<void> Migrate(int target_version);
  std::unexpected<Error> SqlError(const std::string& what);

  sqlite3* db_;
  std::string path_;
};

}  // namespace hil::store
