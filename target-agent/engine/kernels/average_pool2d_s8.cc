#include "kernels/average_pool2d_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t AveragePool2dS8ScratchBytes(const PoolParams&) { return 0; }

Status AveragePool2dS8(const PoolParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        const int32_t in_y0 = oy * p.stride_h - p.pad_h;
        const int32_t fx0 = in_x0 < 0 ? -in_x0 : 0;
        const int32_t fx1 = p.filter_w < p.in_w - in_x0 ? p.filter_w : p.in_w - in_x0;
        const int32_t fy0 = in_y0 < 0 ? -in_y0 : 0;
        const int32_t fy1 = p.filter_h < p.in_h - in_y0 ? p.filter_h : p.in_h - in_y0;
        for (int32_t c = 0; c < p.channels; ++c) {
          int32_t acc = 0;  // wraps past 2^24 taps (a 16 MiB window), as TFLite's int32 sum would
          int32_t count = 0;
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            for (int32_t fx = fx0; fx < fx1; ++fx) {
              const int32_t iy = in_y0 + fy;
              const int32_t ix = in_x0 + fx;
              acc = WrapAdd(acc, input[((static_cast<size_t>(b) * p.in_h + iy) * p.in_w + ix) * p.channels + c]);
              ++count;
            }
          }
          if (count == 0) return Status::kKernelFailed;
          acc = acc > 0 ? WrapAdd(acc, count / 2) / count : WrapSub(acc, count / 2) / count;
          output[((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels + c] =
              static_cast<int8_t>(Clamp(acc, p.act_min, p.act_max));
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
