#include "kernels/gather_nd.h"

#include <cstring>

namespace hil::agent::engine {

Status GatherNd(const GatherNdParams& p, const void* params, const int32_t* indices, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(params);
  uint8_t* out = static_cast<uint8_t*>(output);
  const uint8_t* idx = reinterpret_cast<const uint8_t*>(indices);
  const size_t slice = static_cast<size_t>(p.slice_size) * p.elem_bytes;
  for (int32_t i = 0; i < p.slices; ++i) {
    int64_t from = 0;
    for (int32_t j = 0; j < p.depth; ++j) {
      int32_t v;
      std::memcpy(&v, idx + 4 * (static_cast<size_t>(i) * p.depth + j), 4);
      from += static_cast<int64_t>(v) * p.dim_step[j];
    }
    if (from < 0 || from + p.slice_size > p.params_count) return Status::kKernelFailed;
    std::memcpy(out + static_cast<size_t>(i) * slice, in + static_cast<size_t>(from) * p.elem_bytes, slice);
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
