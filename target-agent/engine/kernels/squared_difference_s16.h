#pragma once

#include "kernels/squared_difference_s8.h"

namespace hil::agent::engine {

// int16 SQUARED_DIFFERENCE (zero points 0, left_shift 0): SquaredDifferenceS8's arithmetic.
size_t SquaredDifferenceS16ScratchBytes(const SquaredDifferenceParams& p);
Status SquaredDifferenceS16(const SquaredDifferenceParams& p, const int16_t* input1, const int16_t* input2,
                            void* scratch, int16_t* output);

}  // namespace hil::agent::engine
