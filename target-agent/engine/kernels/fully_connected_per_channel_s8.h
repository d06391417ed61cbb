#pragma once

#include "kernels/fully_connected_s8.h"

namespace hil::agent::engine {

// FULLY_CONNECTED int8 with per-channel weights: the FullyConnectedParams of the per-tensor kernel
// (multiplier, shift and filter_offset unused), one multiplier per output channel in q; TFLite does
// not apply the weight zero point here. acc = sum(w * (x + input_offset)) + bias (int32, wrapping;
// bias may be null). Reference kernel only; no scratch. Returns kOk.
size_t FullyConnectedPerChannelS8ScratchBytes(const FullyConnectedParams& p);
Status FullyConnectedPerChannelS8(const FullyConnectedParams& p, const QuantParams& q, const int8_t* input,
                                  const int8_t* filter, const int32_t* bias, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
