// DYNAMIC_UPDATE_SLICE: the operand with a smaller update tensor written over it at start indices
// read at run time (clamped so the update fits, as TFLite does), for any element size.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct DynamicUpdateSliceParams {
  uint32_t elem_bytes = 1;
  int32_t rank = 0;              // 0..5
  int32_t operand_dims[5] = {};  // also the output's
  int32_t update_dims[5] = {};   // update_dims[d] <= operand_dims[d]
};

// `starts` holds rank start indices (any value: each is clamped to [0, operand - update]).
// Returns kOk.
Status DynamicUpdateSlice(const DynamicUpdateSliceParams& p, const void* operand, const void* update,
                          const int64_t* starts, void* output);

}  // namespace hil::agent::engine
