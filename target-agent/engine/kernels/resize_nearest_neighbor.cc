#include "kernels/resize_nearest_neighbor.h"

#include <cmath>
#include <cstring>

namespace hil::agent::engine {

int32_t NearestNeighborIndex(int32_t out, int32_t in_size, int32_t out_size, bool align_corners,
                             bool half_pixel_centers) {
  // Float as TFLite computes it: the int sizes converted, one division, one addition, one product.
  const float scale = (align_corners && out_size > 1)
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float pos = (static_cast<float>(out) + offset) * scale;
  const float r = align_corners ? std::round(pos) : std::floor(pos);
  int32_t v = r >= static_cast<float>(in_size - 1) ? in_size - 1 : static_cast<int32_t>(r);
  if (v < 0) v = 0;  // only reachable with half_pixel_centers, where TFLite clamps too
  return v;
}

Status ResizeNearestNeighbor(const ResizeParams& p, const void* input, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t pixel = static_cast<size_t>(p.depth) * p.elem_bytes;
  const size_t row = static_cast<size_t>(p.in_w) * pixel;
  for (int32_t b = 0; b < p.batches; ++b) {
    const uint8_t* image = in + static_cast<size_t>(b) * p.in_h * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      const uint8_t* src_row =
          image +
          static_cast<size_t>(NearestNeighborIndex(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers)) * row;
      for (int32_t x = 0; x < p.out_w; ++x) {
        const int32_t ix = NearestNeighborIndex(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
        std::memcpy(out, src_row + static_cast<size_t>(ix) * pixel, pixel);
        out += pixel;
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
