// Element-wise float32 functions as TFLite Micro's reference kernels compute them (the float-only
// operators EXP, LOG, SQRT, RSQRT, SIN, COS, NEG, FLOOR, CEIL, ROUND, SQUARE, ABS, and the float paths of
// the activations). Single-precision <cmath> functions, so results equal TFLite's wherever both use the
// same libm.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

enum class UnaryF32Op : int32_t {
  kAbs,
  kCeil,
  kCos,
  kElu,        // x < 0 ? expm1(x) : x
  kExp,
  kFloor,
  kHardSwish,  // x * min(6, max(0, x + 3)) / 6
  kLeakyRelu,  // x > 0 ? x : x * alpha
  kLog,
  kLogistic,   // 1 for x > 16.619047, exp(x) for x < -9, else 1 / (1 + exp(-x))
  kNeg,
  kRelu,
  kRelu6,
  kRound,      // half to even
  kRsqrt,      // 1 / sqrt(x)
  kSin,
  kSqrt,
  kSquare,
  kTanh,
};

struct UnaryF32Params {
  int32_t count;
  UnaryF32Op op;
  float alpha;  // kLeakyRelu only
};

size_t UnaryF32ScratchBytes(const UnaryF32Params& p);
Status UnaryF32(const UnaryF32Params& p, const float* input, void* scratch, float* output);

}  // namespace hil::agent::engine
