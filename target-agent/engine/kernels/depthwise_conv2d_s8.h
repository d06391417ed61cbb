#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// NHWC input, 1HWC filter with out_c = in_c * depth_multiplier, per-output-channel QuantParams.
struct DepthwiseConv2dParams {
  int32_t batches, in_h, in_w, in_c;
  int32_t out_h, out_w, out_c, depth_multiplier;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  int32_t input_offset, output_offset, act_min, act_max;
};

size_t DepthwiseConv2dS8ScratchBytes(const DepthwiseConv2dParams& p);
Status DepthwiseConv2dS8(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                         const int8_t* filter, const int32_t* bias, void* scratch, int8_t* output);

// Cortex-M DSP-extension variant (depthwise_conv2d_s8_dsp.cc), defined only when __ARM_FEATURE_DSP:
// the same contract and byte-identical outputs, every depth multiplier; no scratch.
size_t DepthwiseConv2dS8DspScratchBytes(const DepthwiseConv2dParams& p);
Status DepthwiseConv2dS8Dsp(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, void* scratch, int8_t* output);

// Helium/MVE variant (depthwise_conv2d_s8_mve.cc), defined only when __ARM_FEATURE_MVE: the same
// contract and byte-identical outputs, every depth multiplier; no scratch.
size_t DepthwiseConv2dS8MveScratchBytes(const DepthwiseConv2dParams& p);
Status DepthwiseConv2dS8Mve(const DepthwiseConv2dParams& p, const QuantParams& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
