#include "kernels/conv2d_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t Conv2dS8ScratchBytes(const Conv2dParams&) { return 0; }

Status Conv2dS8(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                const int32_t* bias, void*, int8_t* output) {
  const int32_t groups = p.in_c / p.filter_in_c;
  const int32_t out_per_group = p.out_c / groups;
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        for (int32_t oc = 0; oc < p.out_c; ++oc) {
          const int32_t group = oc / out_per_group;
          uint32_t acc = 0;  // wraps like the reference's int32 on any real target
          for (int32_t fy = 0; fy < p.filter_h; ++fy) {
            const int32_t iy = in_y0 + p.dilation_h * fy;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int32_t fx = 0; fx < p.filter_w; ++fx) {
              const int32_t ix = in_x0 + p.dilation_w * fx;
              if (ix < 0 || ix >= p.in_w) continue;
              const int8_t* in = input + ((static_cast<size_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c +
                                 static_cast<size_t>(group) * p.filter_in_c;
              const int8_t* f = filter + ((static_cast<size_t>(oc) * p.filter_h + fy) * p.filter_w + fx) * p.filter_in_c;
              for (int32_t ic = 0; ic < p.filter_in_c; ++ic) acc += static_cast<uint32_t>(f[ic] * (in[ic] + p.input_offset));
            }
          }
          if (bias != nullptr) acc += static_cast<uint32_t>(bias[oc]);
          int32_t v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), q.multiplier[oc], q.shift[oc]);
          v = WrapAdd(v, p.output_offset);
          output[((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] =
              static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
