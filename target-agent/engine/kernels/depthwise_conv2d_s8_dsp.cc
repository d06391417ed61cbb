// DEPTHWISE_CONV_2D with the Cortex-M DSP extension. Depth multiplier 1: four channels at a time
// held in registers across the window, SXTB16/SXTAB16 to widen (offset added) and SMLABB/SMLATT to
// accumulate. Other depth multipliers: four consecutive output channels at a time (their filter bytes
// are one word), each lane's input value loaded by byte (one load per input channel the four share)
// and multiplied with SMLABB/SMLATB. Requantization: the portable kernel's results
// (MultiplyByQuantizedMultiplierFast).
#include "kernels/depthwise_conv2d_s8.h"

#if defined(__ARM_FEATURE_DSP)

#include "kernels/dsp_dot.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {
inline int8_t Requantize(const DepthwiseConv2dParams& p, const QuantParams& q, const int32_t* bias, int32_t oc,
                         uint32_t acc) {
  if (bias != nullptr) acc += static_cast<uint32_t>(bias[oc]);
  int32_t v = MultiplyByQuantizedMultiplierFast(static_cast<int32_t>(acc), q.multiplier[oc], q.shift[oc]);
  v = WrapAdd(v, p.output_offset);
  return static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
}

// How the four output channels of a block share input channels: kAny (any multiplier, one load per
// lane), kPairs (multiplier 2: lanes 0-1 and 2-3 share one), kQuads (a multiple of 4: all four share one).
enum class Lanes { kAny, kPairs, kQuads };

// The window sums of output channels [oc, oc + 4) of one pixel. `in` points at channel 0 of the
// window's first (fy0, fx0) input pixel, `f` at the filter's (fy0, fx0) tap; both advance by tap.
template <Lanes kLanes>
inline void MultiplierBlock(const DepthwiseConv2dParams& p, const int8_t* in, const int8_t* f, int32_t oc,
                            int32_t taps_h, int32_t taps_w, uint32_t acc[4]) {
  const int32_t dm = p.depth_multiplier;
  const int32_t i0 = oc / dm, i1 = (oc + 1) / dm, i2 = (oc + 2) / dm, i3 = (oc + 3) / dm;
  const int32_t off = p.input_offset;
  const size_t in_step_x = static_cast<size_t>(p.dilation_w) * p.in_c;
  const size_t in_step_y = static_cast<size_t>(p.dilation_h) * p.in_w * p.in_c;
  const size_t f_step_x = static_cast<size_t>(p.out_c);
  const size_t f_step_y = static_cast<size_t>(p.filter_w) * p.out_c;
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  f += oc;
  for (int32_t fy = 0; fy < taps_h; ++fy, in += in_step_y, f += f_step_y) {
    const int8_t* x = in;
    const int8_t* w = f;
    for (int32_t fx = 0; fx < taps_w; ++fx, x += in_step_x, w += f_step_x) {
      const int32_t wf = dsp::Load32(w);
      const int32_t f02 = __sxtb16(wf);
      const int32_t f13 = dsp::Sxtb16Ror8(wf);
      if constexpr (kLanes == Lanes::kQuads) {
        const int32_t x0 = x[i0] + off;
        a0 = __smlabb(f02, x0, a0);
        a2 = __smlatb(f02, x0, a2);
        a1 = __smlabb(f13, x0, a1);
        a3 = __smlatb(f13, x0, a3);
      } else if constexpr (kLanes == Lanes::kPairs) {
        const int32_t x0 = x[i0] + off, x2 = x[i2] + off;
        a0 = __smlabb(f02, x0, a0);
        a2 = __smlatb(f02, x2, a2);
        a1 = __smlabb(f13, x0, a1);
        a3 = __smlatb(f13, x2, a3);
      } else {
        const int32_t x0 = x[i0] + off, x1 = x[i1] + off, x2 = x[i2] + off, x3 = x[i3] + off;
        a0 = __smlabb(f02, x0, a0);
        a2 = __smlatb(f02, x2, a2);
        a1 = __smlabb(f13, x1, a1);
        a3 = __smlatb(f13, x3, a3);
      }
    }
  }
  acc[0] = static_cast<uint32_t>(a0);
  acc[1] = static_cast<uint32_t>(a1);
  acc[2] = static_cast<uint32_t>(a2);
  acc[3] = static_cast<uint32_t>(a3);
}

// Depth multipliers other than 1 (output channel c * dm + m reads input channel c). Out of line: inlined
// into DepthwiseConv2dS8Dsp it cost the depth-multiplier-1 loop 0.5% more instructions (register
// pressure), which suites/kernels.yaml's regression check caught.
template <Lanes kLanes>
__attribute__((noinline)) Status DepthwiseMultiplierDsp(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                              const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t dm = p.depth_multiplier;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * p.in_c;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0, fy1;  // taps inside the input: [fy0, fy1)
      TapsInside(in_y0, p.dilation_h, p.filter_h, p.in_h, &fy0, &fy1);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0, fx1;
        TapsInside(in_x0, p.dilation_w, p.filter_w, p.in_w, &fx0, &fx1);
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * p.out_c;
        const int32_t taps_h = fy1 - fy0, taps_w = fx1 - fx0;
        // With no tap inside the input the sums are zero and nothing is read.
        const int8_t* in = taps_h > 0 && taps_w > 0
                               ? input_b + static_cast<size_t>(in_y0 + p.dilation_h * fy0) * row_bytes +
                                     static_cast<size_t>(in_x0 + p.dilation_w * fx0) * p.in_c
                               : input_b;
        const int8_t* f = filter + (static_cast<size_t>(fy0) * p.filter_w + fx0) * p.out_c;
        int32_t oc = 0;
        for (; oc + 4 <= p.out_c; oc += 4) {
          uint32_t acc[4];
          MultiplierBlock<kLanes>(p, in, f, oc, taps_h, taps_w, acc);
          out[oc] = Requantize(p, q, bias, oc, acc[0]);
          out[oc + 1] = Requantize(p, q, bias, oc + 1, acc[1]);
          out[oc + 2] = Requantize(p, q, bias, oc + 2, acc[2]);
          out[oc + 3] = Requantize(p, q, bias, oc + 3, acc[3]);
        }
        for (; oc < p.out_c; ++oc) {
          const int32_t ic = oc / dm;
          uint32_t acc = 0;
          for (int32_t fy = 0; fy < taps_h; ++fy) {
            const int8_t* x = in + static_cast<size_t>(p.dilation_h) * fy * row_bytes + ic;
            const int8_t* w = f + static_cast<size_t>(fy) * p.filter_w * p.out_c + oc;
            for (int32_t fx = 0; fx < taps_w; ++fx) {
              acc += static_cast<uint32_t>(*w * (*x + p.input_offset));
              x += static_cast<size_t>(p.dilation_w) * p.in_c;
              w += p.out_c;
            }
          }
          out[oc] = Requantize(p, q, bias, oc, acc);
        }
      }
    }
  }
  return Status::kOk;
}
}  // namespace

size_t DepthwiseConv2dS8DspScratchBytes(const DepthwiseConv2dParams&) { return 0; }

Status DepthwiseConv2dS8Dsp(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, void*, int8_t* output) {
  if (p.depth_multiplier == 2) return DepthwiseMultiplierDsp<Lanes::kPairs>(p, q, input, filter, bias, output);
  if (p.depth_multiplier % 4 == 0) return DepthwiseMultiplierDsp<Lanes::kQuads>(p, q, input, filter, bias, output);
  if (p.depth_multiplier != 1) return DepthwiseMultiplierDsp<Lanes::kAny>(p, q, input, filter, bias, output);
  const int32_t channels = p.in_c;
  const int32_t off2 = dsp::PairOf(p.input_offset);
  const size_t row_bytes = static_cast<size_t>(p.in_w) * channels;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0, fy1;  // taps inside the input: [fy0, fy1)
      TapsInside(in_y0, p.dilation_h, p.filter_h, p.in_h, &fy0, &fy1);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0, fx1;
        TapsInside(in_x0, p.dilation_w, p.filter_w, p.in_w, &fx0, &fx1);
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * channels;
        int32_t c = 0;
        for (; c + 4 <= channels; c += 4) {
          int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            const int8_t* in = input_b + static_cast<size_t>(in_y0 + p.dilation_h * fy) * row_bytes +
                               static_cast<size_t>(in_x0 + p.dilation_w * fx0) * channels + c;
            const int8_t* f = filter + (static_cast<size_t>(fy) * p.filter_w + fx0) * channels + c;
            for (int32_t fx = fx0; fx < fx1; ++fx) {
              const int32_t wi = dsp::Load32(in);
              const int32_t wf = dsp::Load32(f);
              in += static_cast<size_t>(p.dilation_w) * channels;
              f += channels;
              const int32_t x02 = __sxtab16(off2, wi);
              const int32_t x13 = dsp::Sxtab16Ror8(off2, wi);
              const int32_t f02 = __sxtb16(wf);
              const int32_t f13 = dsp::Sxtb16Ror8(wf);
              a0 = __smlabb(f02, x02, a0);
              a2 = __smlatt(f02, x02, a2);
              a1 = __smlabb(f13, x13, a1);
              a3 = __smlatt(f13, x13, a3);
            }
          }
          out[c] = Requantize(p, q, bias, c, static_cast<uint32_t>(a0));
          out[c + 1] = Requantize(p, q, bias, c + 1, static_cast<uint32_t>(a1));
          out[c + 2] = Requantize(p, q, bias, c + 2, static_cast<uint32_t>(a2));
          out[c + 3] = Requantize(p, q, bias, c + 3, static_cast<uint32_t>(a3));
        }
        for (; c < channels; ++c) {
          uint32_t acc = 0;
          for (int32_t fy = fy0; fy < fy1; ++fy) {
            for (int32_t fx = fx0; fx < fx1; ++fx) {
              const int32_t iy = in_y0 + p.dilation_h * fy;
              const int32_t ix = in_x0 + p.dilation_w * fx;
              const int32_t x = input_b[static_cast<size_t>(iy) * row_bytes + static_cast<size_t>(ix) * channels + c];
              const int32_t w = filter[(static_cast<size_t>(fy) * p.filter_w + fx) * channels + c];
              acc += static_cast<uint32_t>(w * (x + p.input_offset));
            }
          }
          out[c] = Requantize(p, q, bias, c, acc);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_DSP
