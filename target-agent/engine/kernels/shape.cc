#include "kernels/shape.h"

#include <cstring>

namespace hil::agent::engine {

Status Shape(const ShapeParams& p, const void*, void*, void* output) {
  uint8_t* out = static_cast<uint8_t*>(output);
  for (int32_t i = 0; i < p.rank; ++i) {
    if (p.elem_bytes == 8) {
      const int64_t v = p.dims[i];
      std::memcpy(out + 8 * i, &v, 8);
    } else {
      std::memcpy(out + 4 * i, &p.dims[i], 4);
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
