#pragma once

#include "kernels/add_s8.h"

namespace hil::agent::engine {

// TFLite's int16 ADD: the int8 arithmetic (AddParams) with left_shift 15 and int16 clamps; zero points
// need not be 0 (TFLite Micro does not require it).
size_t AddS16ScratchBytes(const AddParams& p);
Status AddS16(const AddParams& p, const int16_t* input1, const int16_t* input2, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
