#pragma once

#include "kernels/batch_matmul_s8.h"

namespace hil::agent::engine {

// BATCH_MATMUL with int16 operands and output (all zero points 0, so the offsets are 0): int64
// accumulator, MultiplyByQuantizedMultiplier64 (shift <= 7, checked by the prepare function), clamp to
// [-32768, 32767]. Layout as for BatchMatMulS8. No scratch. Returns kOk.
size_t BatchMatMulS16ScratchBytes(const BatchMatMulParams& p);
Status BatchMatMulS16(const BatchMatMulParams& p, const int16_t* lhs, const int16_t* rhs, void* scratch,
                      int16_t* output);

}  // namespace hil::agent::engine
