#pragma once

#include "kernels/fully_connected_s8.h"

namespace hil::agent::engine {

// FULLY_CONNECTED with int16 activations and int8 weights ("16x8"): input [batches, accum_depth],
// filter [out_depth, accum_depth], the FullyConnectedParams of the int8 kernel. Reference kernels only;
// no scratch. All return kOk.
//
// Per-tensor weights (one scale): acc = sum((w + filter_offset) * (x + input_offset)) + bias, then
// p.multiplier / p.shift, + output_offset, clamp: TFLite applies the weight zero point here.
// Per-channel weights (QuantParams per output channel): the weight zero point is not applied.
// "Bias32" kernels take an int32 bias and accumulate in int32 (wrapping) with the 32-bit
// MultiplyByQuantizedMultiplier; the others an int64 bias (little-endian int64 values at any alignment)
// and accumulator with MultiplyByQuantizedMultiplier64 (every shift <= 7, checked by the prepare
// function). Bias may be null.
size_t FullyConnectedS16ScratchBytes(const FullyConnectedParams& p);
Status FullyConnectedS16(const FullyConnectedParams& p, const int16_t* input, const int8_t* filter,
                         const void* bias, void* scratch, int16_t* output);
Status FullyConnectedS16Bias32(const FullyConnectedParams& p, const int16_t* input, const int8_t* filter,
                               const int32_t* bias, void* scratch, int16_t* output);
Status FullyConnectedPerChannelS16(const FullyConnectedParams& p, const QuantParams& q, const int16_t* input,
                                   const int8_t* filter, const void* bias, void* scratch, int16_t* output);
Status FullyConnectedPerChannelS16Bias32(const FullyConnectedParams& p, const QuantParams& q, const int16_t* input,
                                         const int8_t* filter, const int32_t* bias, void* scratch,
                                         int16_t* output);

}  // namespace hil::agent::engine
