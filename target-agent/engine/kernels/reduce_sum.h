// MEAN and SUM of int8 or int16 tensors over a set of axes, with TFLite Micro's integer arithmetic
// (reference_ops::QuantizedMeanOrSum): the int32 sum of the raw values of each output element (wrapping as
// the reference's int32 additions do), minus input_zero_point * N (N values per output element), requantised
// with MultiplyByQuantizedMultiplier, plus the output zero point, clamped to the type. MEAN differs from SUM
// only in its multiplier: input_scale / output_scale with 1/N folded in by the prepare function (see
// ops/reduce.cc), so one kernel serves both.
#pragma once

#include "kernels/common.h"
#include "kernels/reduce_shape.h"

namespace hil::agent::engine {

struct ReduceSumParams {
  ReduceShape shape;
  int32_t reduced_count;  // N: input elements per output element
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;  // with shift: as MultiplyByQuantizedMultiplier takes them (-31 <= shift <= 30)
  int32_t shift;
};

// Scratch: one int32 accumulator per output element.
size_t ReduceSumScratchBytes(const ReduceSumParams& p);
Status ReduceSumS8(const ReduceSumParams& p, const int8_t* input, void* scratch, int8_t* output);
Status ReduceSumS16(const ReduceSumParams& p, const int16_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
