// UNIDIRECTIONAL_SEQUENCE_LSTM, integer paths of TFLite Micro's reference (lstm_eval.h): the standard
// LSTM (no peephole, projection, layer norm or CIFG) with symmetric int8 weights (zero point 0) and an
// int16 cell state, for
// int8 activations with int32 biases (LstmS8, "8x8->16") and int16 activations with int64 biases
// (LstmS16, "16x8->16").
//
// Per time step and batch row: each gate is FC(input) + FC(hidden), both rescaled to int16 Q3.12 and
// added with saturation; input, forget and output gates go through the int16 logistic, the cell gate
// through tanh (Q0.15 results). cell = f*cell + i*g (int16, optional clip); hidden = tanh(cell)*o,
// which is also that step's output.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// Gate order: the order of the operator's weight and bias inputs.
enum LstmGate : int { kLstmInputGate = 0, kLstmForgetGate = 1, kLstmCellGate = 2, kLstmOutputGate = 3 };

struct LstmGateQuant {
  int32_t input_multiplier, input_shift;          // s_input * s_w_input / 2^-12
  int32_t recurrent_multiplier, recurrent_shift;  // s_hidden * s_w_recurrent / 2^-12
};

struct LstmParams {
  int32_t batches, time_steps, input_size, units;
  int32_t time_major;      // 1: input/output [time, batch, ...]; 0: [batch, time, ...]
  int32_t input_offset;    // minus the input zero point
  int32_t hidden_offset;   // minus the hidden state's zero point (input of the recurrent FCs)
  int32_t hidden_zero_point, hidden_min, hidden_max;
  LstmGateQuant gate[4];
  int32_t forget_multiplier, forget_shift;  // f * cell -> cell: 2^-15
  int32_t update_multiplier, update_shift;  // i * g -> cell: 2^-30 / s_cell
  int32_t hidden_multiplier, hidden_shift;  // tanh(cell) * o -> hidden: 2^-30 / s_hidden
  int32_t cell_clip;                        // < 0: none; else |cell| <= cell_clip
  int32_t tanh_multiplier, tanh_shift;      // tanh input v = (cell * tanh_multiplier + round) >> tanh_shift
};

// The operands, by gate where there is one per gate. `hidden` and `cell` are the variable state
// tensors (read and written); `output` receives every step's hidden state.
template <typename Act, typename Bias>
struct LstmTensors {
  const Act* input;
  const int8_t* input_weights[4];      // [units, input_size]
  const int8_t* recurrent_weights[4];  // [units, units]
  const Bias* bias[4];                 // [units]
  Act* hidden;                         // [batches, units]
  int16_t* cell;                       // [batches, units]
  Act* output;
};
using LstmTensorsS8 = LstmTensors<int8_t, int32_t>;
using LstmTensorsS16 = LstmTensors<int16_t, int64_t>;

// No scratch: each step's new hidden state is formed in the output and copied into `hidden` after
// the step's last unit.
size_t LstmScratchBytes(const LstmParams& p);

// Return kOk.
Status LstmS8(const LstmParams& p, const LstmTensorsS8& t);
Status LstmS16(const LstmParams& p, const LstmTensorsS16& t);

}  // namespace hil::agent::engine
