#include "kernels/resize_bilinear_f32.h"

#include <cmath>

namespace hil::agent::engine {

float BilinearScaleF32(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  return static_cast<float>(in_size) / static_cast<float>(out_size);
}

void BilinearSourceF32(int32_t out, float scale, bool half_pixel_centers, int32_t in_size, float* pos, int32_t* lo,
                       int32_t* hi) {
  const float v =
      half_pixel_centers ? (static_cast<float>(out) + 0.5f) * scale - 0.5f : static_cast<float>(out) * scale;
  *pos = v;
  const int32_t l = static_cast<int32_t>(std::floor(v));
  *lo = l > 0 ? l : 0;
  const int32_t h = static_cast<int32_t>(std::ceil(v));
  *hi = h < in_size - 1 ? h : in_size - 1;
}

Status ResizeBilinearF32(const ResizeParams& p, const float* input, float* output) {
  const float sy = BilinearScaleF32(p.in_h, p.out_h, p.align_corners);
  const float sx = BilinearScaleF32(p.in_w, p.out_w, p.align_corners);
  const int32_t d = p.depth;
  auto at = [&](int32_t b, int32_t y, int32_t x) {
    return input + ((static_cast<size_t>(b) * p.in_h + y) * p.in_w + x) * static_cast<size_t>(d);
  };
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t y = 0; y < p.out_h; ++y) {
      float fy;
      int32_t y0, y1;
      BilinearSourceF32(y, sy, p.half_pixel_centers, p.in_h, &fy, &y0, &y1);
      for (int32_t x = 0; x < p.out_w; ++x) {
        float fx;
        int32_t x0, x1;
        BilinearSourceF32(x, sx, p.half_pixel_centers, p.in_w, &fx, &x0, &x1);
        const float* p00 = at(b, y0, x0);
        const float* p10 = at(b, y1, x0);
        const float* p01 = at(b, y0, x1);
        const float* p11 = at(b, y1, x1);
        for (int32_t c = 0; c < d; ++c) {
          // TFLite's expression, term for term (a compiler that fuses multiply-adds does so alike).
          *output++ = p00[c] * (1 - (fy - y0)) * (1 - (fx - x0)) + p10[c] * (fy - y0) * (1 - (fx - x0)) +
                      p01[c] * (1 - (fy - y0)) * (fx - x0) + p11[c] * (fy - y0) * (fx - x0) + 0.0f;
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
