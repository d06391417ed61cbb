// An in-memory Store for tests of code that writes results (the runner, reports). Same contract as
// SqliteStore (store_contract_test.cc runs against both); nothing persists.
#pragma once

#include <map>

#include "hil/store/store.h"

namespace hil::store::testing {

class MemoryStore final : public Store {
 public:
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

 private:
  std::map<int64_t, RunRow> runs_;
  std::map<int64_t, JobRow> jobs_;
  std::map<int64_t, std::vector<OpProfileRow>> ops_;
  std::map<int64_t, std::map<std::string, std::string>> env_;
  std::map<std::string, BaselineRow> baselines_;
  std::map<int64_t, std::vector<OutputRow>> outputs_;
  int64_t next_run_ = 1;
  int64_t next_job_ = 1;
};

}  // namespace hil::store::testing
