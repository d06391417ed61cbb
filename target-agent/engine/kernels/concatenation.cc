#include "kernels/concatenation.h"

#include <cstring>

namespace hil::agent::engine {

Status Concat(const ConcatParams& p, int count, const uint8_t* const* inputs, const uint32_t* axis_sizes,
              uint8_t* output) {
  uint8_t* out = output;
  for (uint32_t o = 0; o < p.outer; ++o) {
    for (int i = 0; i < count; ++i) {
      const size_t block = static_cast<size_t>(axis_sizes != nullptr ? axis_sizes[i] : p.uniform_axis) * p.inner_bytes;
      std::memcpy(out, inputs[i] + o * block, block);
      out += block;
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
