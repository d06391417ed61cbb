#include "kernels/concatenation_s8.h"

#include <cstring>

namespace hil::agent::engine {

size_t ConcatenationS8ScratchBytes(const ConcatenationParams&) { return 0; }

Status ConcatenationS8(const ConcatenationParams& p, int count, const int8_t* const* inputs,
                       const int32_t* axis_sizes, void*, int8_t* output) {
  int8_t* out = output;
  for (int32_t o = 0; o < p.outer; ++o) {
    for (int i = 0; i < count; ++i) {
      const size_t block = static_cast<size_t>(axis_sizes[i]) * p.inner;
      std::memcpy(out, inputs[i] + o * block, block);
      out += block;
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
