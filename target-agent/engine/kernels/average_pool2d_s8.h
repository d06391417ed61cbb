#pragma once

#include "kernels/pool_s8.h"

namespace hil::agent::engine {

size_t AveragePool2dS8ScratchBytes(const PoolParams& p);
// Returns kKernelFailed when a window holds no input element (as TFLite's reference does).
Status AveragePool2dS8(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output);

// Cortex-M DSP-extension variant (average_pool2d_s8_dsp.cc), defined only when __ARM_FEATURE_DSP: the
// same contract and byte-identical outputs, padded edge windows included; no scratch. Filters wider
// than 256 go to AveragePool2dS8.
size_t AveragePool2dS8DspScratchBytes(const PoolParams& p);
Status AveragePool2dS8Dsp(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output);

// Helium/MVE variant (average_pool2d_s8_mve.cc), defined only when __ARM_FEATURE_MVE; no scratch.
// Filters wider than 256 or of more than 4088 taps go to AveragePool2dS8.
size_t AveragePool2dS8MveScratchBytes(const PoolParams& p);
Status AveragePool2dS8Mve(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
