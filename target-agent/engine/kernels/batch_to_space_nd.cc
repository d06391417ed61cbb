#include "kernels/batch_to_space_nd.h"

#include <cstring>

namespace hil::agent::engine {

namespace {

size_t Pixel(const int32_t* dims, int32_t n, int32_t y, int32_t x) {
  return ((static_cast<size_t>(n) * dims[1] + y) * dims[2] + x) * dims[3];
}

}  // namespace

Status BatchToSpaceNd(const BatchSpaceParams& p, const void* input, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t pixel = static_cast<size_t>(p.in_dims[3]) * p.elem_bytes;
  for (int32_t ib = 0; ib < p.in_dims[0]; ++ib) {
    const int32_t ob = ib % p.out_dims[0];
    const int32_t s = ib / p.out_dims[0];
    for (int32_t iy = 0; iy < p.in_dims[1]; ++iy) {
      const int32_t oy = iy * p.block_h + s / p.block_w - p.before_h;
      if (oy < 0 || oy >= p.out_dims[1]) continue;
      for (int32_t ix = 0; ix < p.in_dims[2]; ++ix) {
        const int32_t ox = ix * p.block_w + s % p.block_w - p.before_w;
        if (ox < 0 || ox >= p.out_dims[2]) continue;
        std::memcpy(out + Pixel(p.out_dims, ob, oy, ox) * p.elem_bytes,
                    in + Pixel(p.in_dims, ib, iy, ix) * p.elem_bytes, pixel);
      }
    }
  }
  return Status::kOk;
}

Status SpaceToBatchNd(const BatchSpaceParams& p, const void* input, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t pixel = static_cast<size_t>(p.in_dims[3]) * p.elem_bytes;
  for (int32_t ob = 0; ob < p.out_dims[0]; ++ob) {
    const int32_t ib = ob % p.in_dims[0];
    const int32_t s = ob / p.in_dims[0];
    const int32_t shift_h = s / p.block_w, shift_w = s % p.block_w;
    for (int32_t oy = 0; oy < p.out_dims[1]; ++oy) {
      const int32_t iy = oy * p.block_h + shift_h - p.before_h;
      for (int32_t ox = 0; ox < p.out_dims[2]; ++ox) {
        const int32_t ix = ox * p.block_w + shift_w - p.before_w;
        uint8_t* dst = out + Pixel(p.out_dims, ob, oy, ox) * p.elem_bytes;
        if (iy < 0 || iy >= p.in_dims[1] || ix < 0 || ix >= p.in_dims[2]) {
          std::memset(dst, p.pad_byte, pixel);
        } else {
          std::memcpy(dst, in + Pixel(p.in_dims, ib, iy, ix) * p.elem_bytes, pixel);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
