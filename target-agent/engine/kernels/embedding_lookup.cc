#include "kernels/embedding_lookup.h"

#include <cstring>

namespace hil::agent::engine {

Status EmbeddingLookup(const EmbeddingLookupParams& p, const int32_t* ids, const void* value, void* output) {
  const uint8_t* table = static_cast<const uint8_t*>(value);
  const uint8_t* id_bytes = reinterpret_cast<const uint8_t*>(ids);
  const size_t row_bytes = static_cast<size_t>(p.columns) * p.elem_bytes;
  for (int32_t i = 0; i < p.ids; ++i) {
    int32_t id;
    std::memcpy(&id, id_bytes + 4 * static_cast<size_t>(i), 4);
    if (id < 0 || id >= p.rows) return Status::kKernelFailed;
    const uint8_t* row = table + static_cast<size_t>(id) * row_bytes;
    if (!p.dequantize) {
      std::memcpy(static_cast<uint8_t*>(output) + static_cast<size_t>(i) * row_bytes, row, row_bytes);
      continue;
    }
    float* dst = static_cast<float*>(output) + static_cast<size_t>(i) * p.columns;
    for (int32_t c = 0; c < p.columns; ++c) {
      // The int8 value converted to float, times the scale: one float multiplication.
      dst[c] = static_cast<float>(static_cast<int8_t>(row[c])) * p.scale;
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
