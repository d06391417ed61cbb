#include "kernels/gather.h"

#include <cstring>

namespace hil::agent::engine {

int64_t LoadIndex(const void* indices, uint32_t index_bytes, int32_t i) {
  const uint8_t* p = static_cast<const uint8_t*>(indices) + static_cast<size_t>(i) * index_bytes;
  if (index_bytes == 8) {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

Status Gather(const GatherParams& p, const void* params, const void* indices, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(params);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t slice = static_cast<size_t>(p.inner) * p.elem_bytes;
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t o = 0; o < p.outer; ++o) {
      const size_t in_row = static_cast<size_t>(b) * p.outer + o;
      for (int32_t k = 0; k < p.coords; ++k) {
        const int64_t idx = LoadIndex(indices, p.index_bytes, b * p.coords + k);
        if (idx < 0 || idx >= p.axis_size) return Status::kKernelFailed;
        std::memcpy(out, in + (in_row * p.axis_size + static_cast<size_t>(idx)) * slice, slice);
        out += slice;
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
