// QUANTIZE float32 -> int8 / int16 (TFLite's reference_ops::AffineQuantize):
//   out = clamp((int32)round(x / scale) + zero_point) to the output type,
// divided in float32 and rounded half away from zero (std::round), as the reference does. Where the
// reference's int32 arithmetic is undefined (|x / scale| at or beyond 2^31, infinities, NaN) TFLite's bytes
// depend on the machine: on x86 the conversion gives INT32_MIN and adding the zero point wraps (so even
// -inf can come out as the type's maximum), on Arm it saturates (NaN -> 0) before the same addition. This
// kernel saturates without wrapping: such values go to the type's limit of their sign, NaN to the zero point.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct AffineQuantizeParams {
  int32_t count;
  int32_t zero_point;
  float scale;  // > 0
};

Status AffineQuantizeF32ToS8(const AffineQuantizeParams& p, const float* input, void* scratch, int8_t* output);
Status AffineQuantizeF32ToS16(const AffineQuantizeParams& p, const float* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
