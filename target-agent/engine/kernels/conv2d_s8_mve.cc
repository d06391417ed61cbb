// CONV_2D with Helium/MVE: an int8 im2col row per output pixel (padding filled with the input zero
// point, so it adds nothing) or, for 1x1 filters without padding, the input pixel itself; then four
// output channels per pass with VMLADAVA.S8 (16 MACs per instruction, tail-predicated loads). The
// input offset enters once per channel as offset x sum(filter), equal to the portable sum modulo 2^32.
// Requantisation: mve_requant.h, identical to the portable kernel's. Grouped convolutions take the
// portable kernel.
#include "kernels/conv2d_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include <cstring>

#include "kernels/mve_requant.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

int32_t RowValues(const Conv2dParams& p) { return p.filter_h * p.filter_w * p.filter_in_c; }

inline int8_t Requantize(const Conv2dParams& p, const QuantParams& q, const int32_t* bias, int32_t oc, int32_t acc) {
  uint32_t a = static_cast<uint32_t>(acc);
  if (bias != nullptr) a += static_cast<uint32_t>(bias[oc]);
  int32_t v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(a), q.multiplier[oc], q.shift[oc]);
  v = WrapAdd(v, p.output_offset);
  return static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
}

// offset x sum of the filter row, modulo 2^32.
int32_t OffsetTimesSum(const int8_t* f, int32_t n, int32_t offset) {
  int32_t sum = 0;
  for (int32_t k = 0; k < n; k += 16) {
    const mve_pred16_t pred = vctp8q(static_cast<uint32_t>(n - k));
    sum = vaddvaq_s8(sum, vldrbq_z_s8(f + k, pred));
  }
  return static_cast<int32_t>(static_cast<uint32_t>(sum) * static_cast<uint32_t>(offset));
}

}  // namespace

size_t Conv2dS8MveScratchBytes(const Conv2dParams& p) {
  if (p.filter_in_c != p.in_c) return 0;
  return static_cast<size_t>(p.out_c) * sizeof(int32_t) + ((static_cast<size_t>(RowValues(p)) + 15u) & ~size_t{15});
}

Status Conv2dS8Mve(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                   const int32_t* bias, void* scratch, int8_t* output) {
  if (p.filter_in_c != p.in_c || scratch == nullptr) return Conv2dS8(p, q, input, filter, bias, scratch, output);
  const int32_t n = RowValues(p);
  int32_t* base = static_cast<int32_t*>(scratch);
  int8_t* row = reinterpret_cast<int8_t*>(base + p.out_c);
  for (int32_t oc = 0; oc < p.out_c; ++oc) base[oc] = OffsetTimesSum(filter + static_cast<size_t>(oc) * n, n, p.input_offset);
  const bool direct = p.filter_h == 1 && p.filter_w == 1 && p.pad_h == 0 && p.pad_w == 0;
  const int8_t zero_point = static_cast<int8_t>(-p.input_offset);
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * p.in_w * p.in_c;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        const int8_t* x = row;
        if (direct) {
          x = input_b + (static_cast<size_t>(in_y0) * p.in_w + in_x0) * p.in_c;
        } else {
          int8_t* dst = row;
          for (int32_t fy = 0; fy < p.filter_h; ++fy) {
            const int32_t iy = in_y0 + p.dilation_h * fy;
            for (int32_t fx = 0; fx < p.filter_w; ++fx) {
              const int32_t ix = in_x0 + p.dilation_w * fx;
              if (iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w) {
                std::memcpy(dst, input_b + (static_cast<size_t>(iy) * p.in_w + ix) * p.in_c, static_cast<size_t>(p.in_c));
              } else {
                std::memset(dst, zero_point, static_cast<size_t>(p.in_c));
              }
              dst += p.in_c;
            }
          }
        }
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c;
        int32_t oc = 0;
        for (; oc + 4 <= p.out_c; oc += 4) {
          const int8_t* f0 = filter + static_cast<size_t>(oc) * n;
          const int8_t* f1 = f0 + n;
          const int8_t* f2 = f1 + n;
          const int8_t* f3 = f2 + n;
          int32_t a0 = base[oc], a1 = base[oc + 1], a2 = base[oc + 2], a3 = base[oc + 3];
          for (int32_t k = 0; k < n; k += 16) {
            const mve_pred16_t pred = vctp8q(static_cast<uint32_t>(n - k));
            const int8x16_t xv = vldrbq_z_s8(x + k, pred);
            a0 = vmladavaq_s8(a0, vldrbq_z_s8(f0 + k, pred), xv);
            a1 = vmladavaq_s8(a1, vldrbq_z_s8(f1 + k, pred), xv);
            a2 = vmladavaq_s8(a2, vldrbq_z_s8(f2 + k, pred), xv);
            a3 = vmladavaq_s8(a3, vldrbq_z_s8(f3 + k, pred), xv);
          }
          int32x4_t acc = vdupq_n_s32(a0);
          acc = vsetq_lane_s32(a1, acc, 1);
          acc = vsetq_lane_s32(a2, acc, 2);
          acc = vsetq_lane_s32(a3, acc, 3);
          if (bias != nullptr) acc = vaddq_s32(acc, vldrwq_s32(bias + oc));
          vstrbq_s32(out + oc, mve::Requantize(acc, vldrwq_s32(q.multiplier + oc), vldrwq_s32(q.shift + oc),
                                               p.output_offset, p.act_min, p.act_max));
        }
        for (; oc < p.out_c; ++oc) {
          const int8_t* f = filter + static_cast<size_t>(oc) * n;
          int32_t a = base[oc];
          for (int32_t k = 0; k < n; k += 16) {
            const mve_pred16_t pred = vctp8q(static_cast<uint32_t>(n - k));
            a = vmladavaq_s8(a, vldrbq_z_s8(f + k, pred), vldrbq_z_s8(x + k, pred));
          }
          out[oc] = Requantize(p, q, bias, oc, a);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_MVE
