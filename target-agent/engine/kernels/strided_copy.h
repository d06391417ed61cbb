// A copy between two strided views of up to 6 dimensions, for any element size: the data movement
// of STRIDED_SLICE, SLICE, REVERSE_V2, TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH and the update of
// DYNAMIC_UPDATE_SLICE. No arithmetic on the values: int8, int16, int32, float32 and bool share it.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

constexpr int kCopyDims = 6;

// Element (i0..i5), 0 <= i_d < dims[d], goes from input element in_base + sum(i_d * in_step[d]) to
// output element out_base + sum(i_d * out_step[d]). Steps are in elements and may be negative or
// zero. The caller guarantees every such index (and every partial sum with the later indices 0)
// lies inside its tensor; unused dimensions have size 1.
struct StridedCopyParams {
  uint32_t elem_bytes = 1;  // 1, 2, 4 or 8
  int32_t dims[kCopyDims] = {1, 1, 1, 1, 1, 1};
  int32_t in_step[kCopyDims] = {};
  int32_t out_step[kCopyDims] = {};
  int32_t in_base = 0;
  int32_t out_base = 0;
};

// The steps of a dense row-major tensor of `rank` dims: steps[d] = product of dims[d+1..rank).
void DenseSteps(const int32_t* dims, int rank, int32_t* steps);

// Drops dimensions of size 1 and merges neighbours that are contiguous in both views, so the
// innermost loop copies runs as long as possible; the copy it describes is unchanged.
void SimplifyStridedCopy(StridedCopyParams* p);

// Returns kOk.
Status StridedCopy(const StridedCopyParams& p, const void* input, void* output);

}  // namespace hil::agent::engine
