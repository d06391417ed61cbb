// ADD's arithmetic (add_s8.cc) rewritten with fewer instructions for the DSP-extension variant
// (add_s8_dsp.cc), with the same result for every pair of int8 inputs. Portable (SMMULR has a C
// twin) so kernels_test compares it with the reference over all 65536 input pairs.
//
// Why it is exact, for the parameters MakeAddFast accepts (left shift 20, |offset| <= 128,
// multipliers >= 0, shifts in [-29, 0], |output offset| <= 2^28, activation range inside int8;
// PrepareAdd's parameters are such unless a scale ratio is below about 2^-29, and anything else runs
// the reference kernel):
// - SaturatingRoundingDoublingHighMul(a, m) = floor((a*m + 2^30) / 2^31) when it does not saturate
//   (see MultiplyByQuantizedMultiplierFast), which is SMMULR(2a, m) = floor((2a*m + 2^31) / 2^32).
//   Here |a| <= 256 * 2^20, so 2a fits and nothing saturates.
// - RoundingDivideByPOT(x, e) = floor((2x + 2^e - [x < 0]) / 2^(e+1)) for e >= 0: for e >= 1 it is
//   floor((x + 2^(e-1) - [x < 0]) / 2^e) (round half away from zero) because an integer plus one half
//   never crosses a multiple of 2^e; for e = 0 both sides are x. (x >> 31) is -[x < 0].
// - Bounds: |input + offset| <= 256, so the scaled inputs stay within 2^28, their sum within 2^29, the
//   doubled sum within 2^30 and the output product within 2^29: 2x + 2^e with e <= 29 never overflows.
#pragma once

#include <cstdint>

#include "kernels/add_s8.h"
#include "kernels/quant.h"

namespace hil::agent::engine::add_fast {

// SMMULR: the high word of a * b, rounded (2^31 added before taking it).
inline int32_t MulHighRounded(int32_t a, int32_t b) {
#if defined(__ARM_FEATURE_DSP)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return static_cast<int32_t>((static_cast<int64_t>(a) * b + (INT64_C(1) << 31)) >> 32);
#endif
}

// RoundingDivideByPOT(x, e) given pot = 2^e and shift = e + 1 (|x| <= 2^29, e in [0, 29]).
inline int32_t RoundingShift(int32_t x, int32_t pot, int32_t shift) {
  return (x * 2 + pot + (x >> 31)) >> shift;
}

// One input's rescaling to the common scale: MultiplyByQuantizedMultiplierSmallerThanOneExp(
// (x + offset) << 20, multiplier, shift).
struct InputScale {
  int32_t offset;  // the input offset << 21 (the doubling of SMMULR's operand folded in)
  int32_t multiplier, pot, shift;
};
struct AddFast {
  InputScale in1, in2;
  int32_t out_multiplier, out_pot, out_shift, out_offset, act_min, act_max;
};

inline bool MakeInputScale(int32_t offset, int32_t multiplier, int32_t shift, InputScale* s) {
  if (offset < -128 || offset > 128 || multiplier < 0 || shift < -29 || shift > 0) return false;
  s->offset = offset * (1 << 21);
  s->multiplier = multiplier;
  s->pot = INT32_C(1) << -shift;
  s->shift = 1 - shift;
  return true;
}

// False when `p` lies outside the range over which the rewrite is proven exact (the caller then runs
// the reference kernel).
inline bool MakeAddFast(const AddParams& p, AddFast* f) {
  if (p.left_shift != 20 || p.output_multiplier < 0 || p.output_shift < -29 || p.output_shift > 0 ||
      p.output_offset < -(1 << 28) || p.output_offset > (1 << 28) || p.act_min < -128 || p.act_max > 127 ||
      p.act_min > p.act_max || !MakeInputScale(p.input1_offset, p.input1_multiplier, p.input1_shift, &f->in1) ||
      !MakeInputScale(p.input2_offset, p.input2_multiplier, p.input2_shift, &f->in2))
    return false;
  f->out_multiplier = p.output_multiplier;
  f->out_pot = INT32_C(1) << -p.output_shift;
  f->out_shift = 1 - p.output_shift;
  f->out_offset = p.output_offset;
  f->act_min = p.act_min;
  f->act_max = p.act_max;
  return true;
}

// An input value rescaled to the common scale.
inline int32_t Scaled(int32_t x, const InputScale& s) {
  return RoundingShift(MulHighRounded(s.offset + x * (1 << 21), s.multiplier), s.pot, s.shift);
}

// The output for the sum of two scaled inputs, before the activation clamp (offset added).
inline int32_t Unclamped(int32_t sum, const AddFast& f) {
  return RoundingShift(MulHighRounded(sum * 2, f.out_multiplier), f.out_pot, f.out_shift) + f.out_offset;
}

inline int8_t Output(int32_t sum, const AddFast& f) {
  return static_cast<int8_t>(Clamp(Unclamped(sum, f), f.act_min, f.act_max));
}

}  // namespace hil::agent::engine::add_fast
