#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// CONCATENATION of int8 tensors sharing one quantisation: outer x (axis_i x inner) blocks.
struct ConcatenationParams {
  int32_t outer;       // product of dims before the axis
  int32_t inner;       // product of dims after the axis
  int32_t out_axis;    // output size along the axis
};

size_t ConcatenationS8ScratchBytes(const ConcatenationParams& p);
// inputs[i] has axis size axis_sizes[i]; their sum is p.out_axis.
Status ConcatenationS8(const ConcatenationParams& p, int count, const int8_t* const* inputs,
                       const int32_t* axis_sizes, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
