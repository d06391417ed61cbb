#include "kernels/split.h"

#include <cstring>

namespace hil::agent::engine {

Status Split(const SplitParams& p, int count, const uint8_t* input, const uint32_t* axis_sizes,
             uint8_t* const* outputs) {
  const uint8_t* in = input;
  for (uint32_t o = 0; o < p.outer; ++o) {
    for (int i = 0; i < count; ++i) {
      const size_t block = static_cast<size_t>(axis_sizes != nullptr ? axis_sizes[i] : p.uniform_axis) * p.inner_bytes;
      std::memcpy(outputs[i] + o * block, in, block);
      in += block;
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
