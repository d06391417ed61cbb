#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// MAXIMUM and MINIMUM on raw values (TFLite compares quantized values as they are; the converter gives
// inputs and output one quantization), with broadcasting. Maximum is a > b ? a : b and Minimum
// a < b ? a : b, so for float32 a NaN second input wins and a NaN first input loses, as in TFLite.
// Instantiated for int8_t, int16_t, int32_t, int64_t and float.
struct MaximumMinimumParams {
  Broadcast5 shape;
};

template <typename T>
Status Maximum(const MaximumMinimumParams& p, const T* input1, const T* input2, void* scratch, T* output);
template <typename T>
Status Minimum(const MaximumMinimumParams& p, const T* input1, const T* input2, void* scratch, T* output);

}  // namespace hil::agent::engine
