#include "kernels/mirror_pad.h"

#include <cstring>

namespace hil::agent::engine {

namespace {

// The input index that output index i of dimension d mirrors.
int32_t Source(const MirrorPadParams& p, int d, int32_t i) {
  const int32_t j = i - p.before[d];
  if (j < 0) return p.offset - 1 - j;
  if (j >= p.in_dims[d]) return 2 * p.in_dims[d] - 1 - p.offset - j;
  return j;
}

}  // namespace

Status MirrorPad(const MirrorPadParams& p, const void* input, void*, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t eb = p.elem_bytes;
  int32_t od[5], stride[5];
  for (int d = 0; d < 5; ++d) od[d] = p.before[d] + p.in_dims[d] + p.after[d];
  stride[4] = 1;
  for (int d = 3; d >= 0; --d) stride[d] = stride[d + 1] * p.in_dims[d + 1];
  for (int32_t i0 = 0; i0 < od[0]; ++i0) {
    const int32_t s0 = Source(p, 0, i0) * stride[0];
    for (int32_t i1 = 0; i1 < od[1]; ++i1) {
      const int32_t s1 = s0 + Source(p, 1, i1) * stride[1];
      for (int32_t i2 = 0; i2 < od[2]; ++i2) {
        const int32_t s2 = s1 + Source(p, 2, i2) * stride[2];
        for (int32_t i3 = 0; i3 < od[3]; ++i3) {
          const uint8_t* src = in + static_cast<size_t>(s2 + Source(p, 3, i3) * stride[3]) * eb;
          for (int32_t i = 0; i < p.before[4]; ++i, out += eb)
            std::memcpy(out, src + static_cast<size_t>(Source(p, 4, i)) * eb, eb);
          std::memcpy(out, src, static_cast<size_t>(p.in_dims[4]) * eb);
          out += static_cast<size_t>(p.in_dims[4]) * eb;
          for (int32_t i = p.before[4] + p.in_dims[4]; i < od[4]; ++i, out += eb)
            std::memcpy(out, src + static_cast<size_t>(Source(p, 4, i)) * eb, eb);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
