#include "kernels/pad.h"

#include <cstring>

#include "kernels/fill.h"

namespace hil::agent::engine {

Status ConstantPad(const ConstantPadParams& p, const void* input, const void* pad_value, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  const uint8_t* value = static_cast<const uint8_t*>(pad_value);
  uint8_t* out = static_cast<uint8_t*>(output);
  const uint32_t eb = p.elem_bytes;
  int32_t od[5];
  for (int d = 0; d < 5; ++d) od[d] = p.before[d] + p.in_dims[d] + p.after[d];
  auto inside = [&](int d, int32_t i) { return i >= p.before[d] && i < p.before[d] + p.in_dims[d]; };
  const size_t before = static_cast<size_t>(p.before[4]) * eb;
  const size_t row = static_cast<size_t>(p.in_dims[4]) * eb;
  const size_t after = static_cast<size_t>(p.after[4]) * eb;
  // Row by row of the innermost dimension: a row outside the input in any outer dimension is all
  // border; an inside row is border, an input row, border.
  for (int32_t i0 = 0; i0 < od[0]; ++i0) {
    for (int32_t i1 = 0; i1 < od[1]; ++i1) {
      for (int32_t i2 = 0; i2 < od[2]; ++i2) {
        for (int32_t i3 = 0; i3 < od[3]; ++i3) {
          if (inside(0, i0) && inside(1, i1) && inside(2, i2) && inside(3, i3)) {
            FillElements(out, value, static_cast<size_t>(p.before[4]), eb);
            out += before;
            std::memcpy(out, in, row);
            out += row;
            in += row;
            FillElements(out, value, static_cast<size_t>(p.after[4]), eb);
            out += after;
          } else {
            FillElements(out, value, static_cast<size_t>(od[4]), eb);
            out += before + row + after;
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
