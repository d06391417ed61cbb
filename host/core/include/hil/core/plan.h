// Job planning: the cross product models x board kinds x settings, in suite order.
#pragma once

#include <string>
#include <vector>

#include "hil/core/suite.h"

namespace hil {

struct Job {
  int ordinal = 0;           // 0-based position in the plan
  size_t model_index = 0;    // into Suite::models
  size_t board_index = 0;    // into Suite::boards
  std::string board_kind;
  Settings settings;
};

std::vector<Job> PlanJobs(const Suite& suite);

}  // namespace hil
