#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// int32 ADD, SUB, MUL, DIV and SQUARED_DIFFERENCE, with broadcasting. Sums, differences and products
// wrap (two's complement, as TFLite's arithmetic does on every target it runs on); ADD, SUB, MUL and DIV
// then clamp to [act_min, act_max] (PrepareAdd passes the full range: TFLite Micro's int32 ADD ignores
// the fused activation); SQUARED_DIFFERENCE never clamps.
struct Int32BinaryParams {
  Broadcast5 shape;
  int32_t act_min, act_max;
};

Status AddS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void* scratch, int32_t* output);
Status SubS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void* scratch, int32_t* output);
Status MulS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void* scratch, int32_t* output);
// C++ division (toward zero); INT32_MIN / -1 wraps to INT32_MIN. Returns kKernelFailed when a divisor
// is 0 (the output is then incomplete).
Status DivS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void* scratch, int32_t* output);
Status SquaredDifferenceS32(const Int32BinaryParams& p, const int32_t* input1, const int32_t* input2, void* scratch,
                            int32_t* output);

}  // namespace hil::agent::engine
