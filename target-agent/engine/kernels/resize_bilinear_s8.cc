#include "kernels/resize_bilinear_s8.h"

namespace hil::agent::engine {

int32_t BilinearScaleQ10(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return ((in_size - 1) * 1024 + (out_size - 1) / 2) / (out_size - 1);
  return (in_size * 1024 + out_size / 2) / out_size;
}

void BilinearSourceQ10(int32_t out, int32_t scale_q10, bool half_pixel_centers, int32_t in_size, int32_t* pos,
                       int32_t* lo, int32_t* hi) {
  const int32_t v = half_pixel_centers ? out * scale_q10 + scale_q10 / 2 - 512 : out * scale_q10;
  *pos = v;
  const int32_t l = v / 1024;  // truncating toward zero, as C does
  *lo = l > 0 ? l : 0;
  const int32_t h = (v + 1023) / 1024;
  *hi = h < in_size - 1 ? h : in_size - 1;
}

Status ResizeBilinearS8(const ResizeParams& p, const int8_t* input, int8_t* output) {
  const int32_t sy = BilinearScaleQ10(p.in_h, p.out_h, p.align_corners);
  const int32_t sx = BilinearScaleQ10(p.in_w, p.out_w, p.align_corners);
  const int32_t d = p.depth;
  auto at = [&](int32_t b, int32_t y, int32_t x) {
    return input + ((static_cast<size_t>(b) * p.in_h + y) * p.in_w + x) * static_cast<size_t>(d);
  };
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t y = 0; y < p.out_h; ++y) {
      int32_t py, y0, y1;
      BilinearSourceQ10(y, sy, p.half_pixel_centers, p.in_h, &py, &y0, &y1);
      // Weights of rows y1 and y0. With half-pixel centres a source can lie before row 0 and wy1 is
      // negative (down to -512); otherwise both are in [0, 1024].
      const int32_t wy1 = py - 1024 * y0;
      const int32_t wy0 = 1024 - wy1;
      for (int32_t x = 0; x < p.out_w; ++x) {
        int32_t px, x0, x1;
        BilinearSourceQ10(x, sx, p.half_pixel_centers, p.in_w, &px, &x0, &x1);
        const int32_t wx1 = px - 1024 * x0;
        const int32_t wx0 = 1024 - wx1;
        // TFLite sums the four products in int64; they fit int32 exactly: |sum| <= 128 *
        // (|wy0| + |wy1|) * (|wx0| + |wx1|) <= 128 * 2048^2 = 2^29.
        const int32_t w00 = wy0 * wx0, w10 = wy1 * wx0, w01 = wy0 * wx1, w11 = wy1 * wx1;
        const int8_t* p00 = at(b, y0, x0);
        const int8_t* p10 = at(b, y1, x0);
        const int8_t* p01 = at(b, y0, x1);
        const int8_t* p11 = at(b, y1, x1);
        for (int32_t c = 0; c < d; ++c) {
          const int32_t sum = p00[c] * w00 + p10[c] * w10 + p01[c] * w01 + p11[c] * w11;
          // Q20 to integer, rounding half away from zero (a zero sum takes the negative nudge: 0).
          const int32_t r = (sum + (sum > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
          *output++ = static_cast<int8_t>(r);  // the weights keep r inside [-128, 127]
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
