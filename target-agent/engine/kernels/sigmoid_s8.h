// Parameters shared by LOGISTIC and TANH (gemmlowp fixed point, 4 input integer bits).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct SigmoidParams {
  int32_t count, input_zero_point, input_range_radius, input_multiplier, input_left_shift;
};

}  // namespace hil::agent::engine
