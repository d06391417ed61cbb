#pragma once

#include "kernels/mul_s8.h"

namespace hil::agent::engine {

// TFLite's int16 MUL: the int8 formula (MulParams) on int16 values; TFLite Micro requires every zero
// point to be 0, so the product fits int32 (at most 2^30).
size_t MulS16ScratchBytes(const MulParams& p);
Status MulS16(const MulParams& p, const int16_t* input1, const int16_t* input2, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
