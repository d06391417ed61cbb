#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// TFLite's int8 ADD: inputs rescaled to a common scale with 20 bits of headroom, summed, rescaled.
struct AddParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, output_offset, left_shift;
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift, act_min, act_max;
};

size_t AddS8ScratchBytes(const AddParams& p);
Status AddS8(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

// Cortex-M DSP-extension variant (add_s8_dsp.cc), defined only when __ARM_FEATURE_DSP: the same
// contract and byte-identical outputs, broadcasting included. Its scratch (2 KiB for ops of at least
// 1024 output elements, else none) holds tables of both inputs' rescaled values; with a null scratch
// it computes them per element. Parameters outside the range its arithmetic is proven exact for
// (add_s8_fast.h) go to AddS8.
size_t AddS8DspScratchBytes(const AddParams& p);
Status AddS8Dsp(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

// Helium/MVE variant (add_s8_mve.cc), defined only when __ARM_FEATURE_MVE; no scratch.
size_t AddS8MveScratchBytes(const AddParams& p);
Status AddS8Mve(const AddParams& p, const int8_t* input1, const int8_t* input2, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
