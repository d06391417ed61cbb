#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// NHWC input, OHWI filter (filter_in_c = in_c / groups), per-output-channel QuantParams.
struct Conv2dParams {
  int32_t batches, in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t filter_h, filter_w, filter_in_c;
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  int32_t input_offset, output_offset, act_min, act_max;
};

size_t Conv2dS8ScratchBytes(const Conv2dParams& p);
// bias may be null. Returns kOk.
Status Conv2dS8(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                const int32_t* bias, void* scratch, int8_t* output);

// Cortex-M DSP-extension variant (conv2d_s8_dsp.cc), defined only when __ARM_FEATURE_DSP: the same
// contract and byte-identical outputs. Its scratch holds two int16 im2col rows (0 for grouped
// convolutions, which it hands to Conv2dS8).
size_t Conv2dS8DspScratchBytes(const Conv2dParams& p);
Status Conv2dS8Dsp(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                   const int32_t* bias, void* scratch, int8_t* output);

// Helium/MVE variant (conv2d_s8_mve.cc), defined only when __ARM_FEATURE_MVE: the same contract and
// byte-identical outputs. Scratch: per-channel offset terms (int32) and one int8 im2col row.
size_t Conv2dS8MveScratchBytes(const Conv2dParams& p);
Status Conv2dS8Mve(const Conv2dParams& p, const QuantParams& q, const int8_t* input, const int8_t* filter,
                   const int32_t* bias, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
