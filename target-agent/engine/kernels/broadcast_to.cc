#include "kernels/broadcast_to.h"

#include <cstring>

#include "kernels/fill.h"

namespace hil::agent::engine {

Status BroadcastTo(const BroadcastToParams& p, const void* input, void*, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t eb = p.elem_bytes;
  const int32_t* n = p.out_dims;
  const int32_t* st = p.in_step;
  const size_t row = static_cast<size_t>(n[4]) * eb;
  for (int32_t i0 = 0; i0 < n[0]; ++i0) {
    for (int32_t i1 = 0; i1 < n[1]; ++i1) {
      for (int32_t i2 = 0; i2 < n[2]; ++i2) {
        for (int32_t i3 = 0; i3 < n[3]; ++i3) {
          const uint8_t* src = in + static_cast<size_t>(i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3]) * eb;
          if (st[4] == 0) FillElements(out, src, static_cast<size_t>(n[4]), p.elem_bytes);
          else std::memcpy(out, src, row);
          out += row;
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
