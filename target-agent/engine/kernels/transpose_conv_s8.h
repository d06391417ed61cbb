#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// TRANSPOSE_CONV: NHWC input [batches, in_h, in_w, in_c], OHWI filter [out_c, filter_h, filter_w,
// in_c], NHWC output [batches, out_h, out_w, out_c], per-output-channel QuantParams. Each input pixel
// scatters input x filter into the output positions (y * stride - pad + fy, x * stride - pad + fx)
// that lie inside the output, accumulated in the scratch (one accumulator per output element), then
// bias, requantization and the activation clamp, as TFLite's reference kernel does.
struct TransposeConvParams {
  int32_t batches, in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w, pad_h, pad_w;
  int32_t input_offset, output_offset, act_min, act_max;
};

// The scratch: one int32 accumulator per output element (4-aligned).
size_t TransposeConvS8ScratchBytes(const TransposeConvParams& p);
// int8 input and output, int8 filter, int32 bias (may be null); the int32 accumulators wrap. Returns kOk.
Status TransposeConvS8(const TransposeConvParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                       const int32_t* bias, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
