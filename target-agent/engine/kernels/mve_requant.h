// Requantisation of four int32 accumulators at once for the Helium/MVE kernels (*_s8_mve.cc):
// MultiplyByQuantizedMultiplier, then the output offset (wrapping) and the activation clamp, with the
// same results as the scalar reference in quant.h for every input. It is gemmlowp's own vector form
// of that arithmetic (the one TFLite's optimised kernels use): VQRDMULH equals
// SaturatingRoundingDoublingHighMul exactly (ties of negative products included, and the one
// saturating case), and the sign fixup followed by VRSHL equals RoundingDivideByPOT (round half away
// from zero). Only compiled when __ARM_FEATURE_MVE is defined.
#pragma once

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include <cstdint>

namespace hil::agent::engine::mve {

// shift as produced by QuantizeMultiplier (positive = left), per lane.
inline int32x4_t Requantize(int32x4_t acc, int32x4_t multiplier, int32x4_t shift, int32_t output_offset,
                            int32_t act_min, int32_t act_max) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vmaxq_s32(shift, zero);
  const int32x4_t minus_right = vminq_s32(shift, zero);
  int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, left), multiplier);
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(x, minus_right), 31);  // -1 for x < 0 when shifting right
  x = vrshlq_s32(vqaddq_s32(x, fixup), minus_right);
  x = vaddq_n_s32(x, output_offset);
  x = vmaxq_s32(x, vdupq_n_s32(act_min));
  return vminq_s32(x, vdupq_n_s32(act_max));
}

}  // namespace hil::agent::engine::mve

#endif  // __ARM_FEATURE_MVE
