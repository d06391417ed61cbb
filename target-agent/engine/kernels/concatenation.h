// CONCATENATION and PACK for any element size: the output is `outer` rows, each the inputs' blocks
// one after the other, input i contributing axis_size(i) * inner_bytes bytes per row.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct ConcatParams {
  uint32_t outer;        // product of the output dims before the axis
  uint32_t inner_bytes;  // product of the dims after the axis, times the element size
  uint32_t uniform_axis; // every input's axis size when axis_sizes is null (PACK: 1)
};

// inputs[i] holds outer * axis_size(i) * inner_bytes bytes, axis_size(i) = axis_sizes[i] (or
// p.uniform_axis when axis_sizes is null); the output holds their sum. Inputs may be unaligned.
// Returns kOk.
Status Concat(const ConcatParams& p, int count, const uint8_t* const* inputs, const uint32_t* axis_sizes,
              uint8_t* output);

}  // namespace hil::agent::engine
