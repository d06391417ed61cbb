// The integer LSTM time loop shared by lstm_s8.cc and lstm_s16.cc (included by those two only).
#pragma once

#include <cstring>
#include <type_traits>

#include "kernels/lstm.h"
#include "kernels/quant.h"
#include "kernels/sigmoid_s16.h"

namespace hil::agent::engine {
namespace lstm_internal {

inline int16_t Sat16(int32_t v) { return static_cast<int16_t>(Clamp(v, -32768, 32767)); }

// One gate FC for one unit: sum_k w[k] * (x[k] + x_offset) (+ bias), rescaled to Q3.12
// and clamped to int16. int32 bias: int32 accumulator (wrapping) and the int32 rescale; int64 bias:
// int64 accumulator and the 16-bit-multiplier rescale of the 16x8 kernels.
template <typename Act, typename Bias>
int16_t GateFc(const Act* x, int32_t n, int32_t x_offset, const int8_t* w, const Bias* bias, int32_t multiplier,
               int32_t shift) {
  if constexpr (std::is_same_v<Bias, int32_t>) {
    uint32_t acc = 0;
    for (int32_t k = 0; k < n; ++k) acc += static_cast<uint32_t>(w[k] * (x[k] + x_offset));
    if (bias != nullptr) acc += static_cast<uint32_t>(*bias);
    return Sat16(MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), multiplier, shift));
  } else {
    uint64_t acc = 0;
    for (int32_t k = 0; k < n; ++k)
      acc += static_cast<uint64_t>(static_cast<int64_t>(w[k] * (x[k] + x_offset)));
    if (bias != nullptr) acc += static_cast<uint64_t>(*bias);
    return Sat16(MultiplyByQuantizedMultiplier64(static_cast<int64_t>(acc), multiplier, shift));
  }
}

// One step of one batch row: x [input_size], h and c [units] (state, updated), out [units].
template <typename Act, typename Bias>
void StepRow(const LstmParams& p, const LstmTensors<Act, Bias>& t, const Act* x, Act* h, int16_t* c, Act* out) {
  const int32_t n_in = p.input_size;
  const int32_t n_units = p.units;
  for (int32_t u = 0; u < n_units; ++u) {
    int16_t pre[4];
    for (int g = 0; g < 4; ++g) {
      const LstmGateQuant& q = p.gate[g];
      const int16_t a = GateFc<Act, Bias>(x, n_in, p.input_offset, t.input_weights[g] + static_cast<size_t>(u) * n_in,
                                          t.bias[g] + u, q.input_multiplier, q.input_shift);
      const int16_t r = GateFc<Act, Bias>(h, n_units, p.hidden_offset,
                                          t.recurrent_weights[g] + static_cast<size_t>(u) * n_units,
                                          static_cast<const Bias*>(nullptr), q.recurrent_multiplier, q.recurrent_shift);
      pre[g] = Sat16(a + r);
    }
    // Gate pre-activations are Q3.12: the table functions take 3 * q.
    const int32_t ig = LogisticS16Value(3 * pre[kLstmInputGate]);
    const int32_t fg = LogisticS16Value(3 * pre[kLstmForgetGate]);
    const int32_t gg = TanhS16Value(3 * pre[kLstmCellGate]);
    const int32_t og = LogisticS16Value(3 * pre[kLstmOutputGate]);

    const int16_t kept = Sat16(MultiplyByQuantizedMultiplier(fg * c[u], p.forget_multiplier, p.forget_shift));
    const int16_t added = Sat16(MultiplyByQuantizedMultiplier(ig * gg, p.update_multiplier, p.update_shift));
    int16_t cell = Sat16(kept + added);
    if (p.cell_clip >= 0) {
      if (cell > p.cell_clip) cell = static_cast<int16_t>(p.cell_clip);
      if (cell < -p.cell_clip) cell = static_cast<int16_t>(-p.cell_clip);
    }
    c[u] = cell;

    const int32_t tc = TanhS16Value(SigmoidS16Input(cell, p.tanh_multiplier, p.tanh_shift));
    const int32_t hv =
        WrapAdd(p.hidden_zero_point, MultiplyByQuantizedMultiplier(tc * og, p.hidden_multiplier, p.hidden_shift));
    out[u] = static_cast<Act>(Clamp(hv, p.hidden_min, p.hidden_max));
  }
  std::memcpy(h, out, static_cast<size_t>(n_units) * sizeof(Act));
}

template <typename Act, typename Bias>
void Run(const LstmParams& p, const LstmTensors<Act, Bias>& t) {
  const size_t in_row = static_cast<size_t>(p.input_size);
  const size_t st_row = static_cast<size_t>(p.units);
  // Batch rows are independent, so the reference's two loop orders (all batches per step when
  // time-major, else one batch's whole sequence at a time) differ only in where a row's data lies.
  for (int32_t b = 0; b < p.batches; ++b) {
    Act* h = t.hidden + b * st_row;
    int16_t* c = t.cell + b * st_row;
    for (int32_t s = 0; s < p.time_steps; ++s) {
      const size_t row = p.time_major != 0 ? static_cast<size_t>(s) * p.batches + b
                                           : static_cast<size_t>(b) * p.time_steps + s;
      StepRow<Act, Bias>(p, t, t.input + row * in_row, h, c, t.output + row * st_row);
    }
  }
}

}  // namespace lstm_internal
}  // namespace hil::agent::engine
