#pragma once

#include "kernels/conv2d_s8.h"

namespace hil::agent::engine {

// CONV_2D with int16 activations and int8 filters ("16x8"): the Conv2dParams of the int8 kernel
// (input_offset and output_offset are not applied: int16 zero points are 0), per-output-channel
// QuantParams, grouped convolutions included (filter_in_c = in_c / groups). Reference kernels only.
size_t Conv2dS16ScratchBytes(const Conv2dParams& p);

// int64 bias (may be null; little-endian int64 values at any alignment) and an int64 accumulator,
// requantized with MultiplyByQuantizedMultiplier64 (every shift <= 7, checked by the prepare function).
// Returns kOk.
Status Conv2dS16(const Conv2dParams& p, const QuantParams& q, const int16_t* input, const int8_t* filter,
                 const void* bias, void* scratch, int16_t* output);

// int32 bias (may be null) and an int32 accumulator (wrapping), requantized with the 32-bit
// MultiplyByQuantizedMultiplier, as TFLite does for a 16x8 model quantized with int32 biases. Returns kOk.
Status Conv2dS16Bias32(const Conv2dParams& p, const QuantParams& q, const int16_t* input, const int8_t* filter,
                       const int32_t* bias, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
