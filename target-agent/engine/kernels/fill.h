// FILL and ZEROS_LIKE for any element size: every element of the output set to one value.
#pragma once

#include <cstring>

#include "kernels/common.h"

namespace hil::agent::engine {

struct FillParams {
  uint32_t count;       // output elements
  uint32_t elem_bytes;  // 1, 2, 4 or 8
};

// n elements of elem_bytes at dst, each a copy of the element at value (which may be unaligned).
inline void FillElements(uint8_t* dst, const uint8_t* value, size_t n, uint32_t elem_bytes) {
  if (elem_bytes == 1) {
    std::memset(dst, *value, n);
    return;
  }
  for (size_t i = 0; i < n; ++i, dst += elem_bytes) std::memcpy(dst, value, elem_bytes);
}

// The output's elements all become the element at `value`; all-zero bytes when `value` is null
// (ZEROS_LIKE: a literal 0 of the type, not a zero point). Returns kOk.
Status Fill(const FillParams& p, const void* value, void* scratch, void* output);

}  // namespace hil::agent::engine
