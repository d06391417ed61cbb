// CONV_2D with the Cortex-M DSP extension: im2col of two output pixels at a time into interleaved
// int16 rows (input offset added, padding as zeros; dsp_dot.h's pair rows), then 2x2 (pixels x output
// channels) SMLAD dot products. When the input channels are not a multiple of 4, a pixel is first
// gathered as int8 (padding as the input zero point, which the offset turns into 0) and then widened
// in whole groups. Requantisation: the portable kernel's results (MultiplyByQuantizedMultiplierFast).
// Grouped convolutions (and a missing scratch) take the portable kernel.
#include "kernels/conv2d_s8.h"

#if defined(__ARM_FEATURE_DSP)

#include <cstring>

#include "kernels/dsp_dot.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

int32_t RowValues(const Conv2dParams& p) { return p.filter_h * p.filter_w * p.filter_in_c; }
bool Gathers(const Conv2dParams& p) { return (p.in_c & 3) != 0; }
size_t GatherBytes(const Conv2dParams& p) { return Gathers(p) ? (static_cast<size_t>(RowValues(p)) + 3u) & ~size_t{3} : 0; }

// Fills pixel `which` of the pair rows with output pixel `pixel`'s window; a pixel past the end
// (pixel < 0) is filled with zeros.
void FillColumn(const Conv2dParams& p, const int8_t* input_b, int32_t pixel, int32_t which, int16_t* rows,
                int8_t* gather) {
  const int32_t n = RowValues(p);
  if (pixel < 0) {
    for (int32_t k = 0; k < n; ++k) rows[dsp::PairSlot(k, n, which)] = 0;
    return;
  }
  const int32_t oy = pixel / p.out_w;
  const int32_t ox = pixel - oy * p.out_w;
  const int32_t in_y0 = oy * p.stride_h - p.pad_h;
  const int32_t in_x0 = ox * p.stride_w - p.pad_w;
  const int8_t zero_point = static_cast<int8_t>(-p.input_offset);
  int32_t k = 0;
  for (int32_t fy = 0; fy < p.filter_h; ++fy) {
    const int32_t iy = in_y0 + p.dilation_h * fy;
    const bool row_ok = iy >= 0 && iy < p.in_h;
    for (int32_t fx = 0; fx < p.filter_w; ++fx) {
      const int32_t ix = in_x0 + p.dilation_w * fx;
      const int8_t* src = row_ok && ix >= 0 && ix < p.in_w
                              ? input_b + (static_cast<size_t>(iy) * p.in_w + ix) * p.in_c
                              : nullptr;
      if (gather != nullptr) {
        if (src != nullptr) {
          for (int32_t c = 0; c < p.in_c; ++c) gather[k + c] = src[c];
        } else {
          for (int32_t c = 0; c < p.in_c; ++c) gather[k + c] = zero_point;
        }
      } else {
        dsp::FillPair(rows, n, which, k, src, p.in_c, p.input_offset);
      }
      k += p.in_c;
    }
  }
  if (gather != nullptr) dsp::FillPair(rows, n, which, 0, gather, n, p.input_offset);
}

inline int8_t Requantize(const Conv2dParams& p, const QuantParams& q, const int32_t* bias, int32_t oc, int32_t acc) {
  uint32_t a = static_cast<uint32_t>(acc);
  if (bias != nullptr) a += static_cast<uint32_t>(bias[oc]);
  int32_t v = MultiplyByQuantizedMultiplierFast(static_cast<int32_t>(a), q.multiplier[oc], q.shift[oc]);
  v = WrapAdd(v, p.output_offset);
  return static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
}

}  // namespace

size_t Conv2dS8DspScratchBytes(const Conv2dParams& p) {
  if (p.filter_in_c != p.in_c) return 0;  // grouped: portable kernel
  return dsp::PairRowsHalfwords(RowValues(p)) * sizeof(int16_t) + GatherBytes(p);
}

Status Conv2dS8Dsp(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                   const int32_t* bias, void* scratch, int8_t* output) {
  if (p.filter_in_c != p.in_c || scratch == nullptr) return Conv2dS8(p, q, input, filter, bias, scratch, output);
  const int32_t n = RowValues(p);
  int16_t* rows = static_cast<int16_t*>(scratch);
  int8_t* gather = Gathers(p) ? reinterpret_cast<int8_t*>(rows + dsp::PairRowsHalfwords(n)) : nullptr;
  const int32_t pixels = p.out_h * p.out_w;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * p.in_w * p.in_c;
    for (int32_t px = 0; px < pixels; px += 2) {
      const bool two = px + 1 < pixels;
      FillColumn(p, input_b, px, 0, rows, gather);
      FillColumn(p, input_b, two ? px + 1 : -1, 1, rows, gather);
      int8_t* out0 = output + (static_cast<size_t>(b) * pixels + px) * p.out_c;
      int8_t* out1 = out0 + p.out_c;
      int32_t oc = 0;
      for (; oc + 1 < p.out_c; oc += 2) {
        const int8_t* f0 = filter + static_cast<size_t>(oc) * n;
        int32_t acc[4] = {0, 0, 0, 0};
        dsp::Dot2x2Pair(rows, f0, f0 + n, n, acc);
        out0[oc] = Requantize(p, q, bias, oc, acc[0]);
        out0[oc + 1] = Requantize(p, q, bias, oc + 1, acc[1]);
        if (two) {
          out1[oc] = Requantize(p, q, bias, oc, acc[2]);
          out1[oc + 1] = Requantize(p, q, bias, oc + 1, acc[3]);
        }
      }
      if (oc < p.out_c) {
        int32_t acc[2] = {0, 0};
        dsp::Dot1x2Pair(rows, filter + static_cast<size_t>(oc) * n, n, acc);
        out0[oc] = Requantize(p, q, bias, oc, acc[0]);
        if (two) out1[oc] = Requantize(p, q, bias, oc, acc[1]);
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_DSP
