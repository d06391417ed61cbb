#pragma once

#include "kernels/transpose_conv_s8.h"

namespace hil::agent::engine {

// TRANSPOSE_CONV with int16 activations and int8 filters ("16x8"): the TransposeConvParams of the
// int8 kernel (input_offset and output_offset are not applied: int16 zero points are 0), int64
// accumulators in the scratch, requantized with MultiplyByQuantizedMultiplier64 (every shift <= 7,
// checked by the prepare function). Reference kernel only.

// The scratch: one int64 accumulator per output element (8-aligned).
size_t TransposeConvS16ScratchBytes(const TransposeConvParams& p);
// int64 bias (may be null; little-endian int64 values at any alignment). Returns kOk.
Status TransposeConvS16(const TransposeConvParams& p, const QuantParams& q, const int16_t* input,
                        const int8_t* filter, const void* bias, void* scratch, int16_t* output);
// int16 bias (may be null), widened to int64 as TFLite does. Returns kOk.
Status TransposeConvS16Bias16(const TransposeConvParams& p, const QuantParams& q, const int16_t* input,
                              const int8_t* filter, const int16_t* bias, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
