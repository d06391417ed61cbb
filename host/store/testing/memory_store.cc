#include "hil/store/testing/memory_store.h"

#include <algorithm>

namespace hil::store::testing {

Result<int64_t> MemoryStore::BeginRun(const RunInfo& run) {
  RunRow r;
  r.id = next_run_++;
  r.suite_name = run.suite_name;
  r.suite_path = run.suite_path;
  r.started_at = "now";
  r.status = kRunning;
  runs_[r.id] = r;
  return r.id;
}

Result<void> MemoryStore::SetEnvironment(int64_t run_id, const std::vector<std::pair<std::string, std::string>>& facts) {
  if (!runs_.contains(run_id)) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  for (const auto& [k, v] : facts) env_[run_id][k] = v;
  return {};
}

Result<int64_t> MemoryStore::BeginJob(int64_t run_id, const JobInfo& job) {
  if (!runs_.contains(run_id)) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  JobRow j;
  j.id = next_job_++;
  j.run_id = run_id;
  j.info = job;
  j.status = kRunning;
  jobs_[j.id] = j;
  ++runs_[run_id].job_count;
  return j.id;
}

Result<void> MemoryStore::FinishJob(int64_t job_id, const JobResult& result) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Fail(Status::kNotFound, "memory store: no job " + std::to_string(job_id));
  JobRow& j = it->second;
  j.status = result.status;
  j.error = result.error;
  j.check = result.check;
  j.check_detail = result.check_detail;
  j.unit = result.unit;
  j.source = result.source;
  for (const auto& s : result.samples) j.samples.push_back(s.value);
  j.memory = result.memory;
  j.flash_bytes = result.flash_bytes;
  if (!result.kernel.empty()) j.info.kernel = result.kernel;
  j.energy_uj = result.energy_uj;
  j.energy_source = result.energy_source;
  ops_[job_id] = result.ops;
  outputs_[job_id] = result.outputs;
  std::sort(outputs_[job_id].begin(), outputs_[job_id].end(), [](const OutputRow& a, const OutputRow& b) {
    return std::pair(a.input_index, a.output_index) < std::pair(b.input_index, b.output_index);
  });
  return {};
}

Result<void> MemoryStore::FinishRun(int64_t run_id, const std::string& status) {
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  it->second.status = status;
  it->second.finished_at = "later";
  return {};
}

Result<std::vector<RunRow>> MemoryStore::ListRuns() {
  std::vector<RunRow> out;
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) out.push_back(it->second);
  return out;
}

Result<std::vector<JobRow>> MemoryStore::ListJobs(int64_t run_id) {
  if (!runs_.contains(run_id)) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  std::vector<JobRow> out;
  for (const auto& [id, j] : jobs_)
    if (j.run_id == run_id) out.push_back(j);
  std::stable_sort(out.begin(), out.end(), [](const JobRow& a, const JobRow& b) { return a.info.ordinal < b.info.ordinal; });
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> MemoryStore::Environment(int64_t run_id) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto it = env_.find(run_id); it != env_.end())
    for (const auto& kv : it->second) out.push_back(kv);
  return out;
}

Result<std::vector<OpProfileRow>> MemoryStore::OpProfile(int64_t job_id) {
  if (auto it = ops_.find(job_id); it != ops_.end()) return it->second;
  return std::vector<OpProfileRow>{};
}

}  // namespace hil::store::testing

namespace hil::store::testing {

Result<void> MemoryStore::SetBaseline(const std::string& name, int64_t run_id) {
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  baselines_[name] = BaselineRow{name, run_id, "now", it->second.suite_name, it->second.started_at};
  return {};
}

Result<std::vector<BaselineRow>> MemoryStore::Baselines() {
  std::vector<BaselineRow> out;
  for (const auto& [name, b] : baselines_) out.push_back(b);
  return out;
}

Result<std::optional<int64_t>> MemoryStore::BaselineRun(const std::string& name) {
  if (auto it = baselines_.find(name); it != baselines_.end()) return std::optional<int64_t>(it->second.run_id);
  return std::optional<int64_t>();
}

Result<std::optional<int64_t>> MemoryStore::LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                            int64_t before_run_id) {
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    const RunRow& r = it->second;
    if (r.id >= before_run_id || r.suite_name != suite_name || (r.status != kPass && r.status != kFail)) continue;
    auto env = env_.find(r.id);
    if (env != env_.end() && env->second.contains("git_branch") && env->second.at("git_branch") == git_branch)
      return std::optional<int64_t>(r.id);
  }
  return std::optional<int64_t>();
}

Result<void> MemoryStore::MarkInterrupted(int64_t run_id) {
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  if (it->second.status == kRunning) it->second.status = kInterrupted;
  for (auto& [id, j] : jobs_)
    if (j.run_id == run_id && j.status == kRunning) j.status = kInterrupted;
  return {};
}

Result<void> MemoryStore::ResumeRun(int64_t run_id) {
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return Fail(Status::kNotFound, "memory store: no run " + std::to_string(run_id));
  if (it->second.status == kRunning) return Fail(Status::kBadState, "memory store: run " + std::to_string(run_id) + " is still running");
  for (auto j = jobs_.begin(); j != jobs_.end();) {
    const std::string& s = j->second.status;
    if (j->second.run_id == run_id && s != kPass && s != kFail && s != kError) {
      ops_.erase(j->first);
      outputs_.erase(j->first);
      --it->second.job_count;
      j = jobs_.erase(j);
    } else {
      ++j;
    }
  }
  it->second.status = kRunning;
  it->second.finished_at.clear();
  return {};
}

Result<void> MemoryStore::MarkRegression(int64_t job_id, const std::string& detail) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return Fail(Status::kNotFound, "memory store: no job " + std::to_string(job_id));
  it->second.regression = detail;
  if (it->second.status == kPass) it->second.status = kFail;
  return {};
}

}  // namespace hil::store::testing

namespace hil::store::testing {

Result<std::vector<OutputRow>> MemoryStore::Outputs(int64_t job_id) {
  if (auto it = outputs_.find(job_id); it != outputs_.end()) return it->second;
  return std::vector<OutputRow>{};
}

}  // namespace hil::store::testing
