#pragma once

#include "kernels/add_s8.h"

namespace hil::agent::engine {

// TFLite's int8 SUB: ADD's arithmetic (AddParams, left_shift 20) with the rescaled second input
// subtracted. PrepareSub computes the multipliers in float, as TFLite Micro does.
size_t SubS8ScratchBytes(const AddParams& p);
Status SubS8(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
