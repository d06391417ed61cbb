// DEPTHWISE_CONV_2D with Helium/MVE: four output channels per vector (int8 widened to int32 lanes on
// load, input offset added per lane), accumulated across the window in registers; the last channels
// through tail predication. Depth multiplier 1 loads the four input channels contiguously; other
// multipliers gather each lane's input channel (output channel / multiplier) with VLDRB gather.
// Requantisation: mve_requant.h, identical to the portable kernel's.
#include "kernels/depthwise_conv2d_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/mve_requant.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// Depth multipliers other than 1 (output channel c * dm + m reads input channel c).
Status DepthwiseMultiplierMve(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                              const int8_t* filter, const int32_t* bias, int8_t* output) {
  const uint32_t dm = static_cast<uint32_t>(p.depth_multiplier);
  // Lane j of the block at output channel oc reads input channel (oc + j) / dm: the quotients and
  // remainders of the first block, stepped by 4 per block without a division.
  const uint32_t first_q[4] = {0 / dm, 1 / dm, 2 / dm, 3 / dm};
  const uint32_t first_r[4] = {0 % dm, 1 % dm, 2 % dm, 3 % dm};
  const uint32x4_t quot0 = vld1q_u32(first_q), rem0 = vld1q_u32(first_r);
  const uint32_t quot_step = 4 / dm, rem_step = 4 % dm;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * p.in_c;
  const size_t in_step_x = static_cast<size_t>(p.dilation_w) * p.in_c;
  const size_t in_step_y = static_cast<size_t>(p.dilation_h) * row_bytes;
  const size_t f_step_y = static_cast<size_t>(p.filter_w) * p.out_c;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0, fy1;
      TapsInside(in_y0, p.dilation_h, p.filter_h, p.in_h, &fy0, &fy1);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0, fx1;
        TapsInside(in_x0, p.dilation_w, p.filter_w, p.in_w, &fx0, &fx1);
        const int32_t taps_h = fy1 - fy0, taps_w = fx1 - fx0;
        // With no tap inside the input the sums are zero and nothing is read.
        const int8_t* in = taps_h > 0 && taps_w > 0
                               ? input_b + static_cast<size_t>(in_y0 + p.dilation_h * fy0) * row_bytes +
                                     static_cast<size_t>(in_x0 + p.dilation_w * fx0) * p.in_c
                               : input_b;
        const int8_t* f = filter + (static_cast<size_t>(fy0) * p.filter_w + fx0) * p.out_c;
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c;
        uint32x4_t quot = quot0, rem = rem0;
        for (int32_t oc = 0; oc < p.out_c; oc += 4) {
          const mve_pred16_t pred = vctp32q(static_cast<uint32_t>(p.out_c - oc));
          int32x4_t acc = vdupq_n_s32(0);
          const int8_t* in_row = in;
          const int8_t* f_row = f + oc;
          for (int32_t fy = 0; fy < taps_h; ++fy, in_row += in_step_y, f_row += f_step_y) {
            const int8_t* x = in_row;
            const int8_t* w = f_row;
            for (int32_t fx = 0; fx < taps_w; ++fx, x += in_step_x, w += p.out_c) {
              const int32x4_t xv = vaddq_n_s32(vldrbq_gather_offset_z_s32(x, quot, pred), p.input_offset);
              acc = vaddq_s32(acc, vmulq_s32(vldrbq_z_s32(w, pred), xv));
            }
          }
          if (bias != nullptr) acc = vaddq_s32(acc, vldrwq_z_s32(bias + oc, pred));
          vstrbq_p_s32(out + oc,
                       mve::Requantize(acc, vldrwq_z_s32(q.multiplier + oc, pred), vldrwq_z_s32(q.shift + oc, pred),
                                       p.output_offset, p.act_min, p.act_max),
                       pred);
          quot = vaddq_n_u32(quot, quot_step);
          rem = vaddq_n_u32(rem, rem_step);
          const mve_pred16_t carry = vcmpcsq_n_u32(rem, dm);  // rem >= dm
          quot = vaddq_m_n_u32(quot, quot, 1, carry);
          rem = vsubq_m_n_u32(rem, rem, dm, carry);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace

size_t DepthwiseConv2dS8MveScratchBytes(const DepthwiseConv2dParams&) { return 0; }

Status DepthwiseConv2dS8Mve(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, void*, int8_t* output) {
  if (p.depth_multiplier != 1) return DepthwiseMultiplierMve(p, q, input, filter, bias, output);
  const int32_t channels = p.in_c;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * channels;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0, fy1;
      TapsInside(in_y0, p.dilation_h, p.filter_h, p.in_h, &fy0, &fy1);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0, fx1;
        TapsInside(in_x0, p.dilation_w, p.filter_w, p.in_w, &fx0, &fx1);
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * channels;
        for (int32_t c = 0; c < channels; c += 4) {
          const mve_pred16_t pred = vctp32q(static_cast<uint32_t>(channels - c));
          int32x4_t acc = vdupq_n_s32(0);
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            const int8_t* in = input_b + static_cast<size_t>(in_y0 + p.dilation_h * fy) * row_bytes +
                               static_cast<size_t>(in_x0 + p.dilation_w * fx0) * channels + c;
            const int8_t* f = filter + (static_cast<size_t>(fy) * p.filter_w + fx0) * channels + c;
            for (int32_t fx = fx0; fx < fx1; ++fx) {
              const int32x4_t xv = vaddq_n_s32(vldrbq_z_s32(in, pred), p.input_offset);
              acc = vaddq_s32(acc, vmulq_s32(vldrbq_z_s32(f, pred), xv));
              in += static_cast<size_t>(p.dilation_w) * channels;
              f += channels;
            }
          }
          if (bias != nullptr) acc = vaddq_s32(acc, vldrwq_z_s32(bias + c, pred));
          vstrbq_p_s32(out + c,
                       mve::Requantize(acc, vldrwq_z_s32(q.multiplier + c, pred), vldrwq_z_s32(q.shift + c, pred),
                                       p.output_offset, p.act_min, p.act_max),
                       pred);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_MVE
