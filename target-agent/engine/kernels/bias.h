// Bias elements for kernels that take several bias types (the 16x8 kernels: int64, int32 or int16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hil::agent::engine {

// An int64 bias is passed as `const void*`: converters align constant buffers to 4 bytes only, so
// the model's int64 values are read in place at any alignment.
inline int64_t BiasAt(const void* bias, int32_t i) {
  int64_t v;
  std::memcpy(&v, static_cast<const uint8_t*>(bias) + 8 * static_cast<size_t>(i), sizeof v);
  return v;
}
inline int64_t BiasAt(const int32_t* bias, int32_t i) { return bias[i]; }
inline int64_t BiasAt(const int16_t* bias, int32_t i) { return bias[i]; }

}  // namespace hil::agent::engine
