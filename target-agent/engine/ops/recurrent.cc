// Stateful sequence operators: SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM. Their state lives in variable
// tensors (inputs of the operator that the kernel rewrites; the interpreter keeps them from one Invoke
// to the next and ResetVariables() sets them back).
#include <cmath>
#include <initializer_list>

#include "kernels/lstm.h"
#include "kernels/quant.h"
#include "kernels/svdf_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// A per-tensor quantization the arithmetic can use: a scale > 0 and a zero point inside `type`'s range.
bool QuantIn(const TensorDesc& d, int32_t lo, int32_t hi) {
  if (d.n_scales < 1 || !(d.scale() > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= lo && zp <= hi;
}
bool QuantS8(const TensorDesc& d) { return QuantIn(d, -128, 127); }
bool QuantS16(const TensorDesc& d) { return QuantIn(d, -32768, 32767); }

// Constant data is read in place: its address must suit the element type.
bool Aligned(const LoadCtx& c, const TensorDesc& d) {
  if (!d.is_const) return true;
  const uintptr_t align = ElementBytes(d.type);
  return (reinterpret_cast<uintptr_t>(c.s->blob.data + d.data_pos) & (align - 1)) == 0;
}

bool Dims2(const TensorDesc& d, int32_t d0, int32_t d1) { return d.rank == 2 && d.dims[0] == d0 && d.dims[1] == d1; }

Status Multiplier(LoadCtx& c, int op, double real, int32_t* multiplier, int32_t* shift) {
  int s = 0;
  if (!QuantizeMultiplier(real, multiplier, &s)) return Fail(c, op, "invalid requantization scale");
  *shift = s;
  return Status::kOk;
}

// ---- SVDF ----
Status EvalSvdfS8(const EngineState& s, const OpRec& r) {
  return SvdfS8(*s.Params<SvdfParams>(r), s.InS8(r, 0), s.InS8(r, 1), s.InS8(r, 2), s.InI32(r, 3),
                reinterpret_cast<int8_t*>(s.In(r, 4)), s.Resolve(r.scratch), s.OutS8(r, 0));
}
Status EvalSvdfS8S16(const EngineState& s, const OpRec& r) {
  return SvdfS8S16(*s.Params<SvdfParams>(r), s.InS8(r, 0), s.InS8(r, 1), s.InS16(r, 2), s.InI32(r, 3),
                   reinterpret_cast<int16_t*>(s.In(r, 4)), s.Resolve(r.scratch), s.OutS8(r, 0));
}

Status PrepareSvdf(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& rec = c.rec(op);
  if (rec.n_in != 5 || rec.n_out != 1) return Fail(c, op, "needs 5 inputs and 1 output");
  fb::Table o;
  Status st = OptionsTable(c, op, kOptSVDF, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  // SVDFOptions: rank 0, fused_activation_function 1 (applied on the float path only),
  // asymmetric_quantize_inputs 2 (hybrid models only).
  const int32_t rank = o.I32(0, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (rank < 1) return Fail(c, op, "rank must be at least 1");
  // TFLite Micro's integer path reads the bias's scale unconditionally.
  if (!HasInput(c, op, 3)) return Unsupported(c, op, "an integer SVDF without bias is not supported");
  TensorDesc in, wf, wt, bias, state, out;
  if ((st = Input(c, op, 0, &in)) != Status::kOk || (st = Input(c, op, 1, &wf)) != Status::kOk ||
      (st = Input(c, op, 2, &wt)) != Status::kOk || (st = Input(c, op, 3, &bias)) != Status::kOk ||
      (st = Input(c, op, 4, &state)) != Status::kOk || (st = Output(c, op, 0, &out)) != Status::kOk)
    return st;
  const bool wide = wt.type == TensorType::kInt16;
  if (in.type != TensorType::kInt8 || wf.type != TensorType::kInt8 || out.type != TensorType::kInt8 ||
      bias.type != TensorType::kInt32 || (wt.type != TensorType::kInt8 && !wide) || state.type != wt.type)
    return UnsupportedTypes(c, op,
                            "int8 input, weights_feature and output, int32 bias, and int8 or int16 weights_time "
                            "with a state of the same type");
  if (in.rank != 2 || wf.rank != 2 || wt.rank != 2 || state.rank != 2 || out.rank != 2)
    return Fail(c, op, "input, weights, state and output must be 2-D");
  SvdfParams p{};
  p.batches = in.dims[0];
  p.input_size = in.dims[1];
  p.filters = wf.dims[0];
  p.memory = wt.dims[1];
  p.rank = rank;
  if (wf.dims[1] != p.input_size) return Fail(c, op, "weights_feature depth differs from the input's");
  if (p.filters % rank != 0) return Fail(c, op, "filters are not a multiple of rank");
  p.units = p.filters / rank;
  if (wt.dims[0] != p.filters) return Fail(c, op, "weights_time rows differ from weights_feature rows");
  if (bias.rank < 1 || bias.dims[0] != p.units || static_cast<int32_t>(bias.count) != p.units)
    return Fail(c, op, "bias must have one element per unit");
  if (state.dims[0] != p.batches ||
      static_cast<int64_t>(state.dims[1]) != static_cast<int64_t>(p.memory) * p.filters)
    return Fail(c, op, "state must be [batches, memory * filters]");
  if (!state.is_variable) return Fail(c, op, "state (input 4) must be a variable tensor");
  if (!Dims2(out, p.batches, p.units)) return Fail(c, op, "output must be [batches, units]");
  if (!Aligned(c, wt) || !Aligned(c, bias)) return Fail(c, op, "constant weights_time or bias misaligned");
  for (const TensorDesc* d : {&in, &wf, &out}) {
    if (!QuantS8(*d)) return BadQuantization(c, op, *d);
  }
  for (const TensorDesc* d : {&wt, &state}) {
    if (!(wide ? QuantS16(*d) : QuantS8(*d))) return BadQuantization(c, op, *d);
  }
  // The scale products and quotients are float arithmetic, widened afterwards (svdf_common.cc).
  const float s_state = state.scale();
  const float state_time = s_state * wt.scale();
  if (!(std::fabs(static_cast<double>(bias.scale()) - static_cast<double>(state_time)) < 1e-5))
    return Fail(c, op, "bias scale must equal state scale x weights_time scale");
  p.input_zero_point = in.zero_point();
  p.state_zero_point = state.zero_point();
  p.output_zero_point = out.zero_point();
  if ((st = Multiplier(c, op, static_cast<double>(in.scale() * wf.scale() / s_state), &p.feature_multiplier,
                       &p.feature_shift)) != Status::kOk ||
      (st = Multiplier(c, op, static_cast<double>(state_time / out.scale()), &p.output_multiplier,
                       &p.output_shift)) != Status::kOk)
    return st;
  return c.Store(op, p, wide ? EvalSvdfS8S16 : EvalSvdfS8, static_cast<uint32_t>(SvdfS8ScratchBytes(p)));
}

// ---- UNIDIRECTIONAL_SEQUENCE_LSTM ----
// Operand numbers (TFLite's lstm_shared.h).
constexpr int kLstmIn = 0;
constexpr int kLstmInputWeights0 = 1;      // input, forget, cell, output gate: 1..4
constexpr int kLstmRecurrentWeights0 = 5;  // 5..8
constexpr int kLstmBias0 = 12;             // 12..15
constexpr int kLstmHidden = 18;
constexpr int kLstmCell = 19;

template <typename Act, typename Bias>
LstmTensors<Act, Bias> LstmOperands(const EngineState& s, const OpRec& r) {
  LstmTensors<Act, Bias> t{};
  t.input = reinterpret_cast<const Act*>(s.In(r, kLstmIn));
  for (int g = 0; g < 4; ++g) {
    t.input_weights[g] = s.InS8(r, kLstmInputWeights0 + g);
    t.recurrent_weights[g] = s.InS8(r, kLstmRecurrentWeights0 + g);
    t.bias[g] = reinterpret_cast<const Bias*>(s.In(r, kLstmBias0 + g));
  }
  t.hidden = reinterpret_cast<Act*>(s.In(r, kLstmHidden));
  t.cell = reinterpret_cast<int16_t*>(s.In(r, kLstmCell));
  t.output = reinterpret_cast<Act*>(s.Out(r, 0));
  return t;
}
Status EvalLstmS8(const EngineState& s, const OpRec& r) {
  return LstmS8(*s.Params<LstmParams>(r), LstmOperands<int8_t, int32_t>(s, r));
}
Status EvalLstmS16(const EngineState& s, const OpRec& r) {
  return LstmS16(*s.Params<LstmParams>(r), LstmOperands<int16_t, int64_t>(s, r));
}

// TFLite's CheckedLog2 without the check: log2 in float, rounded half away from zero.
int RoundedLog2(float x) {
  const float l = std::log(x) * (1.0f / std::log(2.0f));
  return static_cast<int>(std::round(l));
}

Status PrepareLstm(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& rec = c.rec(op);
  if (rec.n_in != 24 || rec.n_out != 1) return Fail(c, op, "needs 24 inputs and 1 output");
  fb::Table o;
  Status st = OptionsTable(c, op, kOptUnidirectionalSequenceLSTM, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  // UnidirectionalSequenceLSTMOptions: fused_activation_function 0 (the cell gate's), cell_clip 1,
  // proj_clip 2 (no projection here), time_major 3; 4 and 5 concern hybrid and diagonal models.
  const int act = o.U8(0, 0, &bad);
  const float cell_clip = o.F32(1, 0.0f, &bad);
  const bool time_major = o.U8(3, 0, &bad) != 0;
  if (bad) return Fail(c, op, "malformed options");
  // TFLite Micro applies TANH (or SIGMOID, which the schema cannot express) and aborts on any other.
  if (act != 4) return Unsupported(c, op, "the cell gate activation must be TANH");
  if (!HasInput(c, op, kLstmInputWeights0) || !HasInput(c, op, kLstmRecurrentWeights0) ||
      !HasInput(c, op, kLstmBias0))
    return Unsupported(c, op, "an LSTM without input gate (CIFG) is not supported");
  for (int i : {9, 10, 11}) {
    if (HasInput(c, op, i)) return Unsupported(c, op, "peephole connections are not supported");
  }
  for (int i : {16, 17}) {
    if (HasInput(c, op, i)) return Unsupported(c, op, "a projection is not supported");
  }
  for (int i : {20, 21, 22, 23}) {
    if (HasInput(c, op, i)) return Unsupported(c, op, "layer normalization is not supported");
  }
  TensorDesc in, hidden, cell, out, w[8], bias[4];
  if ((st = Input(c, op, kLstmIn, &in)) != Status::kOk || (st = Input(c, op, kLstmHidden, &hidden)) != Status::kOk ||
      (st = Input(c, op, kLstmCell, &cell)) != Status::kOk || (st = Output(c, op, 0, &out)) != Status::kOk)
    return st;
  for (int i = 0; i < 8; ++i) {
    if ((st = Input(c, op, kLstmInputWeights0 + i, &w[i])) != Status::kOk) return st;
  }
  for (int g = 0; g < 4; ++g) {
    if ((st = Input(c, op, kLstmBias0 + g, &bias[g])) != Status::kOk) return st;
  }
  const bool wide = in.type == TensorType::kInt16;
  const TensorType bias_type = wide ? TensorType::kInt64 : TensorType::kInt32;
  if (hidden.type != in.type || out.type != in.type)
    return Unsupported(c, op, "output_state and output must have the input's type");
  bool types_ok = (in.type == TensorType::kInt8 || wide) && cell.type == TensorType::kInt16;
  for (const TensorDesc& d : w) types_ok = types_ok && d.type == TensorType::kInt8;
  for (const TensorDesc& d : bias) types_ok = types_ok && d.type == bias_type;
  if (!types_ok) {
    // UnsupportedTypes' list of all 24 operands would not fit the error text: name the roles.
    *c.err << OpcodeName(rec.opcode) << " at operator " << op << ": " << TensorTypeName(in.type)
           << " activations with " << TensorTypeName(bias[1].type) << " biases, " << TensorTypeName(w[1].type)
           << " weights, " << TensorTypeName(cell.type) << " cell_state: not supported (8x8->16 or 16x8->16)";
    return Status::kUnsupportedOperator;
  }
  if (!hidden.is_variable || !cell.is_variable)
    return Fail(c, op, "output_state (input 18) and cell_state (input 19) must be variable tensors");

  LstmParams p{};
  if (in.rank != 3) return Fail(c, op, "input must be 3-D");
  p.time_major = time_major ? 1 : 0;
  p.batches = time_major ? in.dims[1] : in.dims[0];
  p.time_steps = time_major ? in.dims[0] : in.dims[1];
  p.input_size = in.dims[2];
  // TFLite Micro takes the state size from the hidden state's second dimension.
  if (hidden.rank != 2) return Fail(c, op, "output_state must be 2-D");
  p.units = hidden.dims[1];
  const int64_t state_count = static_cast<int64_t>(p.batches) * p.units;
  if (hidden.count != state_count || cell.count != state_count)
    return Fail(c, op, "output_state and cell_state must hold batches x units elements");
  for (int i = 0; i < 8; ++i) {
    if (!Dims2(w[i], p.units, i < 4 ? p.input_size : p.units))
      return Fail(c, op, "weights must be [units, input size] (input) and [units, units] (recurrent)");
  }
  for (const TensorDesc& b : bias) {
    if (b.rank != 1 || b.dims[0] != p.units) return Fail(c, op, "biases must be [units]");
    if (!Aligned(c, b)) return Fail(c, op, "constant bias misaligned");
  }
  if (out.rank != 3 || out.dims[0] != in.dims[0] || out.dims[1] != in.dims[1] || out.dims[2] != p.units)
    return Fail(c, op, "output must match the input's first two dimensions and have units elements last");

  // Quantization. The output tensor's own parameters are not read: the kernel copies the hidden state.
  const bool act_ok = wide ? QuantS16(in) && QuantS16(hidden) : QuantS8(in) && QuantS8(hidden);
  if (!act_ok) return BadQuantization(c, op, (wide ? QuantS16(in) : QuantS8(in)) ? hidden : in);
  if (!(cell.n_scales >= 1 && cell.scale() > 0.0f)) return BadQuantization(c, op, cell);
  for (const TensorDesc& d : w) {
    // TFLite Micro's LSTM reads one per-tensor multiplier per FC; per-channel weights would leave it unset.
    if (d.n_scales > 1) return Unsupported(c, op, "per-channel weights are not supported");
    if (!QuantS8(d)) return BadQuantization(c, op, d);
    // Its FC setup asserts symmetric weights (TFLITE_DCHECK, an abort in TFLite Micro's default build).
    if (d.zero_point() != 0) return Unsupported(c, op, "weights with a nonzero zero point are not supported");
  }
  p.input_offset = -in.zero_point();
  p.hidden_offset = -hidden.zero_point();
  p.hidden_zero_point = hidden.zero_point();
  p.hidden_min = wide ? -32768 : -128;
  p.hidden_max = wide ? 32767 : 127;

  // Gate FCs rescale to int16 at 2^-12 (Q3.12). As TFLite's GetQuantizedConvolutionMultipler: the
  // two scales are multiplied in float, then the quotient is taken in double.
  const double gate_scale = static_cast<double>(0.000244140625f);
  for (int g = 0; g < 4; ++g) {
    LstmGateQuant& q = p.gate[g];
    const TensorDesc& wi = w[g];
    const TensorDesc& wr = w[4 + g];
    if ((st = Multiplier(c, op, static_cast<double>(in.scale() * wi.scale()) / gate_scale, &q.input_multiplier,
                         &q.input_shift)) != Status::kOk ||
        (st = Multiplier(c, op, static_cast<double>(hidden.scale() * wr.scale()) / gate_scale,
                         &q.recurrent_multiplier, &q.recurrent_shift)) != Status::kOk)
      return st;
    // The int64 rescale of the 16x8 FCs takes shifts up to 7 (TFLite Micro asserts it).
    if (wide && (q.input_shift > 7 || q.recurrent_shift > 7))
      return Unsupported(c, op, "a gate rescale of 2^8 or more is not supported with int16 activations");
  }
  // Element-wise products (CreateInterGateMulParams: double scales). Gate outputs are Q0.15.
  const double s15 = static_cast<double>(0.000030517578125f);
  const double s_cell = static_cast<double>(cell.scale());
  if ((st = Multiplier(c, op, s15 * s_cell / s_cell, &p.forget_multiplier, &p.forget_shift)) != Status::kOk ||
      (st = Multiplier(c, op, s15 * s15 / s_cell, &p.update_multiplier, &p.update_shift)) != Status::kOk ||
      (st = Multiplier(c, op, s15 * s15 / static_cast<double>(hidden.scale()), &p.hidden_multiplier,
                       &p.hidden_shift)) != Status::kOk)
    return st;
  p.cell_clip = -1;
  if (cell_clip > 0.0f) {
    double q = static_cast<double>(cell_clip) / s_cell;
    q = q < -32768.0 ? -32768.0 : (q > 32767.0 ? 32767.0 : q);
    p.cell_clip = static_cast<int16_t>(q);  // toward zero, as the reference's cast
  }
  // tanh of the cell: TFLite rounds log2 of the cell scale (a non-power-of-two scale is not refused)
  // and feeds 3 * cell * 2^(12 + log2) to the table.
  const int k = 12 + RoundedLog2(cell.scale());
  if (k > 14 || k < -31)
    return Unsupported(c, op, "cell state scale outside [2^-43, 2^2]: its tanh input would overflow");
  p.tanh_multiplier = k >= 0 ? (3 << k) : 3;
  p.tanh_shift = k >= 0 ? 0 : -k;
  return c.Store(op, p, wide ? EvalLstmS16 : EvalLstmS8, static_cast<uint32_t>(LstmScratchBytes(p)));
}

const OpRegistration kOps[] = {
    {kSvdf, PrepareSvdf},
    {kUnidirectionalSequenceLstm, PrepareLstm},
};

}  // namespace

HIL_OP_FAMILY(kRecurrentFamily, kOps);

}  // namespace hil::agent::engine
