#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// SELECT_V2: output = condition ? x : y element by element (a non-zero condition byte is true), the
// three inputs broadcast to the output (shapes right-aligned to 5 dims; a stride of 0 repeats an input
// along a dimension of size 1). Raw copies: T is the element's storage (uint8_t for int8, uint16_t for
// int16, uint32_t for float32).
struct SelectParams {
  int32_t out_dims[5];
  int32_t cond_stride[5], x_stride[5], y_stride[5];
};

template <typename T>
Status SelectV2(const SelectParams& p, const uint8_t* condition, const T* x, const T* y, void* scratch, T* output);

}  // namespace hil::agent::engine
