// TFLite's int16 -> int16 softmax (reference_ops::SoftmaxInt16): input zero point 0, output scale
// 1/32768 and zero point 0. Per row: d = q - max, s = MultiplyByQuantizedMultiplier(d, M, shift) with
// M = s_in * beta / (10 / 65535), e = LUT_exp(clamp(s + 32767)) in Q0.15; the row sum (Q16.15) is
// normalised to [1, 2), the reciprocal read from LUT_1/(1+x), and each e scaled by it.
// The two 513-entry tables (kernels/lut_s16.h) are built by the operator's prepare with
// PopulateSoftmaxS16Luts and live in the arena; the kernel only reads them.
#pragma once

#include "kernels/common.h"
#include "kernels/lut_s16.h"

namespace hil::agent::engine {

struct SoftmaxS16Params {
  int32_t outer, depth;  // depth <= 65536 (the int32 row sum of Q0.15 values cannot overflow)
  int32_t input_multiplier, input_shift;
  uint32_t exp_lut, recip_lut;  // arena offsets of the tables (kLutS16Entries int16 each)
};

// exp over [-10, 0] (input scale 10/65535, zero point 32767) and 1/(1+x) over [0, 1] (input scale
// 1/65535, zero point -32768), both to output scale 2/65535, zero point 0, as TFLite Micro's prepare.
void PopulateSoftmaxS16Luts(int16_t* exp_lut, int16_t* recip_lut);

size_t SoftmaxS16ScratchBytes(const SoftmaxS16Params& p);
// `output` must not overlap `input` (each row's exponentials are kept in the output until scaled).
Status SoftmaxS16(const SoftmaxS16Params& p, const int16_t* exp_lut, const int16_t* recip_lut, const int16_t* input,
                  void* scratch, int16_t* output);

}  // namespace hil::agent::engine
