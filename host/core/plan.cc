#include "hil/core/plan.h"

namespace hil {

std::vector<Job> PlanJobs(const Suite& suite) {
  std::vector<Job> jobs;
  for (size_t m = 0; m < suite.models.size(); ++m) {
    for (size_t b = 0; b < suite.boards.size(); ++b) {
      for (const Settings& s : suite.settings) {
        Job job;
        job.ordinal = static_cast<int>(jobs.size());
        job.model_index = m;
        job.board_index = b;
        job.board_kind = suite.boards[b].kind;
        job.settings = s;
        jobs.push_back(job);
      }
    }
  }
  return jobs;
}

}  // namespace hil
