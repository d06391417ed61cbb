#include "kernels/transpose_conv_s8.h"

#include <cstring>

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t TransposeConvS8ScratchBytes(const TransposeConvParams& p) {
  return static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.out_c * sizeof(uint32_t);
}

Status TransposeConvS8(const TransposeConvParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                       const int32_t* bias, void* scratch, int8_t* output) {
  uint32_t* acc = static_cast<uint32_t*>(scratch);  // TFLite's int32 accumulators, wrapping
  std::memset(acc, 0, TransposeConvS8ScratchBytes(p));
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t iy = 0; iy < p.in_h; ++iy) {
      const int32_t oy0 = iy * p.stride_h - p.pad_h;
      for (int32_t ix = 0; ix < p.in_w; ++ix) {
        const int32_t ox0 = ix * p.stride_w - p.pad_w;
        const int8_t* in = input + ((static_cast<size_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c;
        for (int32_t fy = 0; fy < p.filter_h; ++fy) {
          const int32_t oy = oy0 + fy;
          if (oy < 0 || oy >= p.out_h) continue;
          for (int32_t fx = 0; fx < p.filter_w; ++fx) {
            const int32_t ox = ox0 + fx;
            if (ox < 0 || ox >= p.out_w) continue;
            uint32_t* a = acc + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c;
            for (int32_t oc = 0; oc < p.out_c; ++oc) {
              const int8_t* f = filter + ((static_cast<size_t>(oc) * p.filter_h + fy) * p.filter_w + fx) * p.in_c;
              uint32_t sum = 0;
              for (int32_t ic = 0; ic < p.in_c; ++ic)
                sum += static_cast<uint32_t>((in[ic] + p.input_offset) * f[ic]);
              a[oc] += sum;
            }
          }
        }
      }
    }
  }
  const size_t pixels = static_cast<size_t>(p.batches) * p.out_h * p.out_w;
  for (size_t i = 0; i < pixels; ++i) {
    for (int32_t oc = 0; oc < p.out_c; ++oc) {
      uint32_t v = acc[i * p.out_c + oc];
      if (bias != nullptr) v += static_cast<uint32_t>(bias[oc]);
      const int32_t r = WrapAdd(MultiplyByQuantizedMultiplier(static_cast<int32_t>(v), q.multiplier[oc], q.shift[oc]),
                                p.output_offset);
      output[i * p.out_c + oc] = static_cast<int8_t>(Clamp(r, p.act_min, p.act_max));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
