#pragma once

#include "kernels/add_s8.h"

namespace hil::agent::engine {

// TFLite's int16 SUB: SubS8's arithmetic with left_shift 15 and int16 clamps.
size_t SubS16ScratchBytes(const AddParams& p);
Status SubS16(const AddParams& p, const int16_t* input1, const int16_t* input2, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
