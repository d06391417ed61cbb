// SPLIT, SPLIT_V and UNPACK for any element size: the input is `outer` rows, each the outputs'
// blocks one after the other, output i taking axis_size(i) * inner_bytes bytes per row (the
// inverse of Concat).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct SplitParams {
  uint32_t outer;         // product of the input dims before the axis
  uint32_t inner_bytes;   // product of the dims after the axis, times the element size
  uint32_t uniform_axis;  // every output's axis size when axis_sizes is null (SPLIT; UNPACK: 1)
};

// outputs[i] receives outer * axis_size(i) * inner_bytes bytes, axis_size(i) = axis_sizes[i] (or
// p.uniform_axis when axis_sizes is null). Returns kOk.
Status Split(const SplitParams& p, int count, const uint8_t* input, const uint32_t* axis_sizes,
             uint8_t* const* outputs);

}  // namespace hil::agent::engine
