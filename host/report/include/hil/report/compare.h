// Comparing two runs job by job: jobs pair up by model name and board kind (the n-th job of a pair
// in one run with the n-th in the other), and each pair's samples go through CompareSamples
// (hil/core/stats.h): a change counts only beyond the threshold and beyond the noise.
#pragma once

#include <string>
#include <vector>

#include "hil/core/stats.h"
#include "hil/store/store.h"

namespace hil::report {

struct JobComparison {
  std::string model_name;
  std::string board_kind;
  const store::JobRow* base = nullptr;       // null when only the candidate has the job
  const store::JobRow* candidate = nullptr;  // null when only the base has it
  Comparison comparison;
};

// Pairs in candidate order, then base-only jobs. The rows must outlive the result.
std::vector<JobComparison> CompareJobs(const std::vector<store::JobRow>& base, const std::vector<store::JobRow>& candidate,
                                       double threshold_pct);

// MODEL BOARD MEDIAN A MEDIAN B UNIT DELTA CI A CI B VERDICT; then one line per regression's reason.
std::string CompareTable(const std::vector<JobComparison>& rows, int64_t base_run, int64_t candidate_run, double threshold_pct);

// One sentence for a job's regression mark: "median 40154080 -> 42000000 instructions (+4.60%) against run 3: ...".
std::string RegressionDetail(const JobComparison& row, const std::string& against);

}  // namespace hil::report
