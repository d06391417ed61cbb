// DEPTHWISE_CONV_2D with Helium/MVE, for depth multiplier 1: four channels per vector (int8 widened
// to int32 lanes on load, input offset added per lane), accumulated across the window in registers;
// the last channels through tail predication. Requantisation: mve_requant.h, identical to the
// portable kernel's. Other depth multipliers take the portable kernel.
#include "kernels/depthwise_conv2d_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/mve_requant.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

size_t DepthwiseConv2dS8MveScratchBytes(const DepthwiseConv2dParams&) { return 0; }

Status DepthwiseConv2dS8Mve(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, void* scratch, int8_t* output) {
  if (p.depth_multiplier != 1) return DepthwiseConv2dS8(p, q, input, filter, bias, scratch, output);
  const int32_t channels = p.in_c;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * channels;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0 = 0, fy1 = p.filter_h;
      while (fy0 < fy1 && in_y0 + p.dilation_h * fy0 < 0) ++fy0;
      while (fy1 > fy0 && in_y0 + p.dilation_h * (fy1 - 1) >= p.in_h) --fy1;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0 = 0, fx1 = p.filter_w;
        while (fx0 < fx1 && in_x0 + p.dilation_w * fx0 < 0) ++fx0;
        while (fx1 > fx0 && in_x0 + p.dilation_w * (fx1 - 1) >= p.in_w) --fx1;
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
