#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// input [batches, accum_depth], filter [out_depth, accum_depth], per-tensor requantisation.
struct FullyConnectedParams {
  int32_t batches, accum_depth, out_depth;
  int32_t input_offset, filter_offset, output_offset;
  int32_t multiplier, shift, act_min, act_max;
};

size_t FullyConnectedS8ScratchBytes(const FullyConnectedParams& p);
Status FullyConnectedS8(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                        const int32_t* bias, void* scratch, int8_t* output);

// Cortex-M DSP-extension variant (fully_connected_s8_dsp.cc), defined only when __ARM_FEATURE_DSP:
// the same contract and byte-identical outputs. Its scratch holds the input row as int16 (0 bytes
// when filter_offset != 0, which it hands to FullyConnectedS8).
size_t FullyConnectedS8DspScratchBytes(const FullyConnectedParams& p);
Status FullyConnectedS8Dsp(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                           const int32_t* bias, void* scratch, int8_t* output);

// Helium/MVE variant (fully_connected_s8_mve.cc), defined only when __ARM_FEATURE_MVE; no scratch.
size_t FullyConnectedS8MveScratchBytes(const FullyConnectedParams& p);
Status FullyConnectedS8Mve(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                           const int32_t* bias, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
