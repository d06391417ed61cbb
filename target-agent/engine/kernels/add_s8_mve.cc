// ADD with Helium/MVE: four elements per vector (int8 widened to int32 lanes on load, offset and left
// shift in one VMLAS), through the reference's own arithmetic: VQRDMULH is
// SaturatingRoundingDoublingHighMul exactly and the rounding shifts are gemmlowp's vector
// RoundingDivideByPOT (as in mve_requant.h), so results equal the portable kernel's; the row tail by
// tail predication. Broadcasting goes by rows (broadcast_rows.h): an input that repeats along the row
// is rescaled once per row with the scalar reference arithmetic. Other parameters than PrepareAdd's
// (left shift 20, shifts in [-31, 0]) and those where the reference's sums could overflow (|offset| >
// 256) or its clamp is not a max then min (act_min > act_max) take the portable kernel.
#include "kernels/add_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/broadcast_rows.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

struct Consts {
  int32_t scale, offset1, offset2;         // 2^left_shift, offsets << left_shift
  int32_t m1, m2, mo, e1, e2, eo;          // multipliers; shifts as QuantizeMultiplier gives them (<= 0)
  int32x4_t minus1, minus2, minus_o;       // the shifts in every lane
  int32_t out_offset;
  int32x4_t lo, hi;
};

// RoundingDivideByPOT(x, -shift) per lane, shift in [-31, 0] in every lane of `shift`: a negative x is
// lowered by one (saturating) before VRSHL's round-half-up shift, which makes it round half away from
// zero; with shift 0 nothing changes.
inline int32x4_t RoundingDivideByPot(int32x4_t x, int32x4_t shift, int32_t shift_scalar) {
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(x, shift), 31);
  return vrshlq_n_s32(vqaddq_s32(x, fixup), shift_scalar);
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp((offset + x) << left_shift, m, shift) per lane.
inline int32x4_t Rescale(int32x4_t x, int32_t scale, int32_t offset, int32_t m, int32x4_t shift, int32_t shift_scalar) {
  return RoundingDivideByPot(vqrdmulhq_n_s32(vmlasq_n_s32(x, vdupq_n_s32(scale), offset), m), shift, shift_scalar);
}

inline int32x4_t Output(int32x4_t sum, const Consts& k) {
  int32x4_t y = RoundingDivideByPot(vqrdmulhq_n_s32(sum, k.mo), k.minus_o, k.eo);
  y = vaddq_n_s32(y, k.out_offset);
  return vminq_s32(vmaxq_s32(y, k.lo), k.hi);
}

void RowBoth(const int8_t* a, const int8_t* b, int8_t* out, int32_t n, const Consts& k) {
  for (int32_t i = 0; i < n; i += 4) {
    const mve_pred16_t pred = vctp32q(static_cast<uint32_t>(n - i));
    const int32x4_t s1 = Rescale(vldrbq_z_s32(a + i, pred), k.scale, k.offset1, k.m1, k.minus1, k.e1);
    const int32x4_t s2 = Rescale(vldrbq_z_s32(b + i, pred), k.scale, k.offset2, k.m2, k.minus2, k.e2);
    vstrbq_p_s32(out + i, Output(vaddq_s32(s1, s2), k), pred);
  }
}

// x advances along the row (rescaled with offset, m, shift); the other input's rescaled value is `fixed`.
void RowOne(const int8_t* x, int32_t offset, int32_t m, int32x4_t shift, int32_t shift_scalar, int32_t fixed,
            int8_t* out, int32_t n, const Consts& k) {
  for (int32_t i = 0; i < n; i += 4) {
    const mve_pred16_t pred = vctp32q(static_cast<uint32_t>(n - i));
    const int32x4_t s = Rescale(vldrbq_z_s32(x + i, pred), k.scale, offset, m, shift, shift_scalar);
    vstrbq_p_s32(out + i, Output(vaddq_n_s32(s, fixed), k), pred);
  }
}

}  // namespace

size_t AddS8MveScratchBytes(const AddParams&) { return 0; }

Status AddS8Mve(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output) {
  if (p.left_shift != 20 || p.input1_offset < -256 || p.input1_offset > 256 || p.input2_offset < -256 ||
      p.input2_offset > 256 || p.input1_shift < -31 || p.input1_shift > 0 || p.input2_shift < -31 ||
      p.input2_shift > 0 || p.output_shift < -31 || p.output_shift > 0 || p.act_min > p.act_max)
    return AddS8(p, input1, input2, scratch, output);
  Consts k;
  k.scale = 1 << p.left_shift;
  k.offset1 = p.input1_offset * k.scale;
  k.offset2 = p.input2_offset * k.scale;
  k.m1 = p.input1_multiplier;
  k.m2 = p.input2_multiplier;
  k.mo = p.output_multiplier;
  k.e1 = p.input1_shift;
  k.e2 = p.input2_shift;
  k.eo = p.output_shift;
  k.minus1 = vdupq_n_s32(k.e1);
  k.minus2 = vdupq_n_s32(k.e2);
  k.minus_o = vdupq_n_s32(k.eo);
  k.out_offset = p.output_offset;
  k.lo = vdupq_n_s32(p.act_min);
  k.hi = vdupq_n_s32(p.act_max);
  // The scalar reference arithmetic, for an input that repeats along a row.
  auto scaled1 = [&](int8_t x) {
    return MultiplyByQuantizedMultiplierSmallerThanOneExp((p.input1_offset + x) * k.scale, k.m1, k.e1);
  };
  auto scaled2 = [&](int8_t x) {
    return MultiplyByQuantizedMultiplierSmallerThanOneExp((p.input2_offset + x) * k.scale, k.m2, k.e2);
  };
  const BroadcastRows rows = MakeBroadcastRows(p.shape);
  ForEachBroadcastRow(rows, [&](int32_t i1, int32_t i2, int32_t o) {
    const int8_t* a = input1 + i1;
    const int8_t* b = input2 + i2;
    int8_t* out = output + o;
    if (rows.step1 != 0 && rows.step2 != 0) {
      RowBoth(a, b, out, rows.row, k);
    } else if (rows.step1 != 0) {
      RowOne(a, k.offset1, k.m1, k.minus1, k.e1, scaled2(*b), out, rows.row, k);
    } else if (rows.step2 != 0) {
      RowOne(b, k.offset2, k.m2, k.minus2, k.e2, scaled1(*a), out, rows.row, k);
    } else {
      const int32_t raw = WrapAdd(
          MultiplyByQuantizedMultiplierSmallerThanOneExp(scaled1(*a) + scaled2(*b), k.mo, k.eo), k.out_offset);
      const int8_t v = static_cast<int8_t>(Clamp(raw, p.act_min, p.act_max));
      for (int32_t i = 0; i < rows.row; ++i) out[i] = v;
    }
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_MVE
