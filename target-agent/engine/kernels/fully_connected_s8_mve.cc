// FULLY_CONNECTED with Helium/MVE: four output rows per pass with VMLADAVA.S8 on the int8 input
// (tail-predicated loads); the input offset enters as offset x sum(row), equal to the portable sum
// modulo 2^32. Requantisation: mve_requant.h, identical to the portable kernel's. A non-zero filter
// offset takes the portable kernel.
#include "kernels/fully_connected_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/mve_requant.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {
inline int8_t Requantize(const FullyConnectedParams& p, const int32_t* bias, int32_t oc, int32_t dot, int32_t fsum) {
  uint32_t a = static_cast<uint32_t>(dot) + static_cast<uint32_t>(fsum) * static_cast<uint32_t>(p.input_offset);
  if (bias != nullptr) a += static_cast<uint32_t>(bias[oc]);
  const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(static_cast<int32_t>(a), p.multiplier, p.shift), p.output_offset);
  return static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
}
}  // namespace

size_t FullyConnectedS8MveScratchBytes(const FullyConnectedParams&) { return 0; }

Status FullyConnectedS8Mve(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                           const int32_t* bias, void* scratch, int8_t* output) {
  if (p.filter_offset != 0) return FullyConnectedS8(p, input, filter, bias, scratch, output);
  const int32_t n = p.accum_depth;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* x = input + static_cast<size_t>(b) * n;
    int8_t* out = output + static_cast<size_t>(b) * p.out_depth;
    int32_t oc = 0;
    for (; oc + 4 <= p.out_depth; oc += 4) {
      const int8_t* f0 = filter + static_cast<size_t>(oc) * n;
      const int8_t* f1 = f0 + n;
      const int8_t* f2 = f1 + n;
      const int8_t* f3 = f2 + n;
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int32_t k = 0; k < n; k += 16) {
        const mve_pred16_t pred = vctp8q(static_cast<uint32_t>(n - k));
        const int8x16_t xv = vldrbq_z_s8(x + k, pred);
        const int8x16_t v0 = vldrbq_z_s8(f0 + k, pred);
        const int8x16_t v1 = vldrbq_z_s8(f1 + k, pred);
        const int8x16_t v2 = vldrbq_z_s8(f2 + k, pred);
        const int8x16_t v3 = vldrbq_z_s8(f3 + k, pred);
        a0 = vmladavaq_s8(a0, v0, xv);
        a1 = vmladavaq_s8(a1, v1, xv);
        a2 = vmladavaq_s8(a2, v2, xv);
        a3 = vmladavaq_s8(a3, v3, xv);
        s0 = vaddvaq_s8(s0, v0);
        s1 = vaddvaq_s8(s1, v1);
        s2 = vaddvaq_s8(s2, v2);
        s3 = vaddvaq_s8(s3, v3);
      }
      int32x4_t dot = vdupq_n_s32(a0);
      dot = vsetq_lane_s32(a1, dot, 1);
      dot = vsetq_lane_s32(a2, dot, 2);
      dot = vsetq_lane_s32(a3, dot, 3);
      int32x4_t sum = vdupq_n_s32(s0);
      sum = vsetq_lane_s32(s1, sum, 1);
      sum = vsetq_lane_s32(s2, sum, 2);
      sum = vsetq_lane_s32(s3, sum, 3);
      int32x4_t acc = vmlaq_n_s32(dot, sum, p.input_offset);  // wraps like the portable uint32 sum
      if (bias != nullptr) acc = vaddq_s32(acc, vldrwq_s32(bias + oc));
      vstrbq_s32(out + oc, mve::Requantize(acc, vdupq_n_s32(p.multiplier), vdupq_n_s32(p.shift), p.output_offset,
                                           p.act_min, p.act_max));
    }
    for (; oc < p.out_depth; ++oc) {
      const int8_t* f = filter + static_cast<size_t>(oc) * n;
      int32_t a = 0, s = 0;
      for (int32_t k = 0; k < n; k += 16) {
        const mve_pred16_t pred = vctp8q(static_cast<uint32_t>(n - k));
        const int8x16_t v = vldrbq_z_s8(f + k, pred);
        a = vmladavaq_s8(a, v, vldrbq_z_s8(x + k, pred));
        s = vaddvaq_s8(s, v);
      }
      out[oc] = Requantize(p, bias, oc, a, s);
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_MVE
