// CAST: a plain C++ value conversion per element, as TFLite Micro's cast.cc (no quantization
// arithmetic: an int8 3 becomes the float 3.0 whatever its scale). Inputs int8, int16, int32,
// float32 or bool; outputs int8, int16, int32 or float32.
//   integer -> narrower integer: the low bits (two's complement wrap: int32 300 -> int8 44).
//   integer or bool -> float32: the nearest float (ties to even: int32 16777217 -> 16777216.0f).
//   float32 -> integer: truncated toward zero to int32, then the low bits; NaN and values outside
//     int32 (undefined behaviour in C++) give INT32_MIN first, as x86's cvttss2si does, so the host
//     build of TFLite Micro agrees (float 300.7 -> int8 44, 1e10 -> int32 INT32_MIN -> int8 0).
//   bool -> integer: 0 or 1 (any nonzero byte is true).
#pragma once

#include "kernels/common.h"
#include "hil/engine/interpreter.h"

namespace hil::agent::engine {

struct CastParams {
  uint32_t count;
  TensorType in_type;
  TensorType out_type;
};

// Whether Cast converts between these types.
bool CastSupported(TensorType in, TensorType out);

// Returns kOk, or kKernelFailed for a type pair CastSupported refuses. Input and output may be
// unaligned.
Status Cast(const CastParams& p, const void* input, void* scratch, void* output);

}  // namespace hil::agent::engine
