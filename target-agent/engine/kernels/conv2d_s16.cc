#include "kernels/conv2d_s16.h"

#include "kernels/bias.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// Acc is uint32_t (TFLite's int32 accumulator, wrapping) or uint64_t (its int64 one); Bias int32_t or
// void (int64, see BiasAt).
template <typename Acc, typename Bias>
void Conv2dS16T(const Conv2dParams& p, const QuantParams& q, const int16_t* input, const int8_t* filter,
                const Bias* bias, int16_t* output) {
  const int32_t groups = p.in_c / p.filter_in_c;
  const int32_t out_per_group = p.out_c / groups;
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        for (int32_t oc = 0; oc < p.out_c; ++oc) {
          const int32_t group = oc / out_per_group;
          Acc acc = 0;
          for (int32_t fy = 0; fy < p.filter_h; ++fy) {
            const int32_t iy = in_y0 + p.dilation_h * fy;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int32_t fx = 0; fx < p.filter_w; ++fx) {
              const int32_t ix = in_x0 + p.dilation_w * fx;
              if (ix < 0 || ix >= p.in_w) continue;
              const int16_t* in = input + ((static_cast<size_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c +
                                  static_cast<size_t>(group) * p.filter_in_c;
              const int8_t* f =
                  filter + ((static_cast<size_t>(oc) * p.filter_h + fy) * p.filter_w + fx) * p.filter_in_c;
              for (int32_t ic = 0; ic < p.filter_in_c; ++ic)
                acc += static_cast<Acc>(static_cast<int32_t>(f[ic]) * static_cast<int32_t>(in[ic]));
            }
          }
          if (bias != nullptr) acc += static_cast<Acc>(BiasAt(bias, oc));
          int32_t v;
          if constexpr (sizeof(Acc) == 8) {
            v = MultiplyByQuantizedMultiplier64(static_cast<int64_t>(acc), q.multiplier[oc], q.shift[oc]);
          } else {
            v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), q.multiplier[oc], q.shift[oc]);
          }
          output[((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] =
              static_cast<int16_t>(Clamp(v, p.act_min, p.act_max));
        }
      }
    }
  }
}

}  // namespace

size_t Conv2dS16ScratchBytes(const Conv2dParams&) { return 0; }

Status Conv2dS16(const Conv2dParams& p, const QuantParams& q, const int16_t* input, const int8_t* filter,
                 const void* bias, void*, int16_t* output) {
  Conv2dS16T<uint64_t>(p, q, input, filter, bias, output);
  return Status::kOk;
}

Status Conv2dS16Bias32(const Conv2dParams& p, const QuantParams& q, const int16_t* input, const int8_t* filter,
                       const int32_t* bias, void*, int16_t* output) {
  Conv2dS16T<uint32_t>(p, q, input, filter, bias, output);
  return Status::kOk;
}

}  // namespace hil::agent::engine
