#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// TFLite's int8 DIV: a = input1 - zp1, b = input2 - zp2 (signs moved to a when b < 0); a is normalised
// by its leading sign bits and multiplied by the fixed-point reciprocal of b (GetReciprocal, 31 integer
// bits), then rescaled by output_multiplier (s1 / (s2 * s_out), computed in float) with the combined
// shift, offset and clamped to the activation range. PrepareDiv keeps output_shift <= 23 so the combined
// shift never turns left.
struct DivParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, output_offset;
  int32_t output_multiplier, output_shift, act_min, act_max;
};

size_t DivS8ScratchBytes(const DivParams& p);
// Returns kOk, or kKernelFailed when a divisor equals its zero point (a division by zero, which TFLite
// Micro does not define); the output is then incomplete.
Status DivS8(const DivParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
