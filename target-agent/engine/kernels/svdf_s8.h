// SVDF with int8 input/output and int8 feature weights (TFLite Micro's integer reference): a rank-R
// factorised filter over time. Each filter keeps its last `memory` feature activations in a variable
// state tensor; the time weights and that state are int8 or int16 (SvdfS8 / SvdfS8S16).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// input [batches, input_size], weights_feature [filters, input_size], weights_time [filters, memory],
// bias [units] (units = filters / rank), state [batches, filters * memory], output [batches, units].
struct SvdfParams {
  int32_t batches, input_size, filters, memory, rank, units;
  int32_t input_zero_point, state_zero_point, output_zero_point;
  int32_t feature_multiplier, feature_shift;  // s_in * s_wf / s_state
  int32_t output_multiplier, output_shift;    // s_state * s_wt / s_out
};

// No scratch: the time products are reduced per unit as they are formed.
size_t SvdfS8ScratchBytes(const SvdfParams& p);

// Shifts every filter's memory by one step, stores the new feature activations in its last slot
// (`state` is read and written: it persists between calls), then writes the output. `bias` must not
// be null. Returns kOk.
Status SvdfS8(const SvdfParams& p, const int8_t* input, const int8_t* weights_feature, const int8_t* weights_time,
              const int32_t* bias, int8_t* state, void* scratch, int8_t* output);
Status SvdfS8S16(const SvdfParams& p, const int8_t* input, const int8_t* weights_feature,
                 const int16_t* weights_time, const int32_t* bias, int16_t* state, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
