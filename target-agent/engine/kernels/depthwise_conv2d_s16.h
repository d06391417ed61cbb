#pragma once

#include "kernels/depthwise_conv2d_s8.h"

namespace hil::agent::engine {

// DEPTHWISE_CONV_2D with int16 activations and int8 filters ("16x8"): the DepthwiseConv2dParams of
// the int8 kernel (input_offset and output_offset are not applied: int16 zero points are 0),
// per-output-channel QuantParams, an int64 bias (may be null; little-endian
// int64 values at any alignment; TFLite has no int32-bias variant) and an
// int64 accumulator requantized with MultiplyByQuantizedMultiplier64 (every shift <= 7, checked by the
// prepare function). Reference kernel only; no scratch. Returns kOk.
size_t DepthwiseConv2dS16ScratchBytes(const DepthwiseConv2dParams& p);
Status DepthwiseConv2dS16(const DepthwiseConv2dParams& p, const QuantParams& q, const int16_t* input,
                          const int8_t* filter, const void* bias, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
