// SHAPE: the input's dims as an int32 or int64 vector.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct ShapeParams {
  int32_t rank;
  int32_t dims[5];
  uint32_t elem_bytes;  // 4 (int32) or 8 (int64)
};

// Writes p.rank elements. Returns kOk.
Status Shape(const ShapeParams& p, const void* input, void* scratch, void* output);

}  // namespace hil::agent::engine
