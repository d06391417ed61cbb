#include "kernels/depthwise_conv2d_s16.h"

#include "kernels/bias.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

size_t DepthwiseConv2dS16ScratchBytes(const DepthwiseConv2dParams&) { return 0; }

Status DepthwiseConv2dS16(const DepthwiseConv2dParams& p, const QuantParams& q, const int16_t* input,
                          const int8_t* filter, const void* bias, void*, int16_t* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        for (int32_t ic = 0; ic < p.in_c; ++ic) {
          for (int32_t m = 0; m < p.depth_multiplier; ++m) {
            const int32_t oc = m + ic * p.depth_multiplier;
            uint64_t acc = 0;  // int64 arithmetic that wraps instead of overflowing
            for (int32_t fy = 0; fy < p.filter_h; ++fy) {
              const int32_t iy = in_y0 + p.dilation_h * fy;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int32_t fx = 0; fx < p.filter_w; ++fx) {
                const int32_t ix = in_x0 + p.dilation_w * fx;
                if (ix < 0 || ix >= p.in_w) continue;
                const int32_t in = input[((static_cast<size_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c + ic];
                const int32_t f = filter[(static_cast<size_t>(fy) * p.filter_w + fx) * p.out_c + oc];
                acc += static_cast<uint64_t>(static_cast<int64_t>(f * in));
              }
            }
            if (bias != nullptr) acc += static_cast<uint64_t>(BiasAt(bias, oc));
            const int32_t v = MultiplyByQuantizedMultiplier64(static_cast<int64_t>(acc), q.multiplier[oc], q.shift[oc]);
            output[((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] =
                static_cast<int16_t>(Clamp(v, p.act_min, p.act_max));
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
