// Binary element-wise arithmetic with broadcasting: ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM,
// MINIMUM, and ADD_N. The types are those TFLite Micro's reference kernels run (each op's prepare says
// which); the parameters are computed as its Prepare computes them, in float where it uses float.
#include <cfloat>

#include "kernels/add_n.h"
#include "kernels/add_s16.h"
#include "kernels/add_s8.h"
#include "kernels/binary_f32.h"
#include "kernels/binary_s32.h"
#include "kernels/div_s8.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mul_s16.h"
#include "kernels/mul_s8.h"
#include "kernels/quant.h"
#include "kernels/squared_difference_s16.h"
#include "kernels/squared_difference_s8.h"
#include "kernels/sub_s16.h"
#include "kernels/sub_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

constexpr TensorType kI8 = TensorType::kInt8;
constexpr TensorType kI16 = TensorType::kInt16;
constexpr TensorType kI32 = TensorType::kInt32;
constexpr TensorType kI64 = TensorType::kInt64;
constexpr TensorType kF32 = TensorType::kFloat32;

// ---- operand checks shared by the binary operators ----

// TFLite Micro's kTfLiteNoQuantization: no scale or no zero point.
bool Unquantized(const TensorDesc& d) { return d.n_scales == 0 || d.zero_points.size() == 0; }

// A quantized int16 tensor whose zero point may be non-zero (ADD and SUB allow it).
bool IsQuantInt16AnyZeroPoint(const TensorDesc& d) {
  if (d.type != kI16 || d.n_scales < 1 || !(d.scale() > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= -32768 && zp <= 32767;
}

// Constant data is read in place: its elements must sit at their natural alignment.
bool ConstAligned(const LoadCtx& c, const TensorDesc& d) {
  if (!d.is_const) return true;
  const uintptr_t align = ElementBytes(d.type);
  return (reinterpret_cast<uintptr_t>(c.s->blob.data + d.data_pos) & (align - 1)) == 0;
}

struct Binary {
  TensorDesc a, b, out;
  Broadcast5 shape;
  int act = 0;
};

// Inputs 0 and 1 and output 0 of one type (`supported` names the types the op runs, for the error),
// broadcasting to the output, and the fused activation at field 0 of the options when `has_act`.
Status BinaryOperands(LoadCtx& c, int op, fb::Table& op_table, uint8_t options_tag, bool has_act,
                      const char* supported, Binary* x) {
  fb::Table o;
  Status st = has_act ? ActivationOptions(c, op, op_table, options_tag, /*act_field=*/0, &o, &x->act)
                      : OptionsTable(c, op, options_tag, &o, &op_table);
  if (st != Status::kOk || (st = Operands(c, op, &x->a, &x->b, &x->out)) != Status::kOk) return st;
  if (x->a.type != x->out.type || x->b.type != x->out.type) return UnsupportedTypes(c, op, supported);
  if (!MakeBroadcast(x->a, x->b, x->out, &x->shape)) return Fail(c, op, "input shapes do not broadcast to the output");
  if (!ConstAligned(c, x->a) || !ConstAligned(c, x->b)) return Fail(c, op, "constant input data is misaligned");
  return Status::kOk;
}

// Every operand passes `valid` (else kModelInvalid naming the tensor).
template <typename Pred>
Status Quantized(LoadCtx& c, int op, const Binary& x, Pred valid) {
  const TensorDesc* operands[3] = {&x.a, &x.b, &x.out};
  for (const TensorDesc* d : operands)
    if (!valid(*d)) return BadQuantization(c, op, *d);
  return Status::kOk;
}

// TFLite's CalculateActivationRange for float and int32 outputs. TFLite Micro treats the fused
// activations it has no range for (TANH, SIGN_BIT) as NONE; like the quantized ranges, they are refused.
Status FloatActivation(LoadCtx& c, int op, int act, float* lo, float* hi) {
  switch (act) {
    case 0: *lo = -FLT_MAX; *hi = FLT_MAX; return Status::kOk;
    case 1: *lo = 0.0f; *hi = FLT_MAX; return Status::kOk;
    case 2: *lo = -1.0f; *hi = 1.0f; return Status::kOk;
    case 3: *lo = 0.0f; *hi = 6.0f; return Status::kOk;
  }
  return Unsupported(c, op, "this fused activation is not supported (NONE, RELU, RELU_N1_TO_1, RELU6)");
}
Status Int32Activation(LoadCtx& c, int op, int act, int32_t* lo, int32_t* hi) {
  switch (act) {
    case 0: *lo = INT32_MIN; *hi = INT32_MAX; return Status::kOk;
    case 1: *lo = 0; *hi = INT32_MAX; return Status::kOk;
    case 2: *lo = -1; *hi = 1; return Status::kOk;
    case 3: *lo = 0; *hi = 6; return Status::kOk;
  }
  return Unsupported(c, op, "this fused activation is not supported (NONE, RELU, RELU_N1_TO_1, RELU6)");
}

template <Status (*Kernel)(const FloatBinaryParams&, const float*, const float*, void*, float*)>
Status StoreFloatOp(LoadCtx& c, int op, const Binary& x, bool clamp = true) {
  FloatBinaryParams p{};
  p.shape = x.shape;
  if (clamp) {
    const Status st = FloatActivation(c, op, x.act, &p.act_min, &p.act_max);
    if (st != Status::kOk) return st;
  }
  return c.Store(op, p, EvalBinaryT<FloatBinaryParams, float, Kernel>);
}

// int32: activation from the options (`act_clamp`), or the full range.
template <Status (*Kernel)(const Int32BinaryParams&, const int32_t*, const int32_t*, void*, int32_t*)>
Status StoreInt32Op(LoadCtx& c, int op, const Binary& x, bool act_clamp) {
  Int32BinaryParams p{};
  p.shape = x.shape;
  p.act_min = INT32_MIN;
  p.act_max = INT32_MAX;
  if (act_clamp) {
    const Status st = Int32Activation(c, op, x.act, &p.act_min, &p.act_max);
    if (st != Status::kOk) return st;
  }
  return c.Store(op, p, EvalBinaryT<Int32BinaryParams, int32_t, Kernel>);
}

// ---- ADD / SUB ----

// TFLite Micro's CalculateOpDataAdd (scales combined in double) and CalculateOpDataSub (in float, then
// widened): every multiplier must be below one (its QuantizeMultiplierSmallerThanOneExp aborts otherwise).
Status AddSubParams(LoadCtx& c, int op, const Binary& x, bool sub, int left_shift, AddParams* p) {
  const float sa = x.a.scale(), sb = x.b.scale(), so = x.out.scale();
  double m1, m2, mo;
  if (sub) {
    const float twice_max = 2 * (sa > sb ? sa : sb);
    m1 = static_cast<double>(sa / twice_max);
    m2 = static_cast<double>(sb / twice_max);
    mo = static_cast<double>(twice_max / (static_cast<float>(1 << left_shift) * so));
  } else {
    const double twice_max = 2.0 * static_cast<double>(sa > sb ? sa : sb);
    m1 = static_cast<double>(sa) / twice_max;
    m2 = static_cast<double>(sb) / twice_max;
    mo = twice_max / ((1 << left_shift) * static_cast<double>(so));
  }
  int s1 = 0, s2 = 0, s_out = 0;
  if (!(mo > 0.0 && mo < 1.0) || !QuantizeMultiplier(m1, &p->input1_multiplier, &s1) ||
      !QuantizeMultiplier(m2, &p->input2_multiplier, &s2) || !QuantizeMultiplier(mo, &p->output_multiplier, &s_out) ||
      s1 > 0 || s2 > 0 || s_out > 0)
    return Unsupported(c, op, "the output scale is too small for the input scales (rescale multiplier >= 1)");
  p->shape = x.shape;
  p->left_shift = left_shift;
  p->input1_shift = s1;
  p->input2_shift = s2;
  p->output_shift = s_out;
  p->input1_offset = -x.a.zero_point();
  p->input2_offset = -x.b.zero_point();
  p->output_offset = x.out.zero_point();
  return Status::kOk;
}

constexpr Variants<AddParams> kAddKernels{
    EvalBinary<AddParams, AddS8>,
    HIL_IF_DSP((EvalBinary<AddParams, AddS8Dsp>)),
    HIL_IF_MVE((EvalBinary<AddParams, AddS8Mve>)),
    AddS8ScratchBytes,
    HIL_IF_DSP(AddS8DspScratchBytes),
    HIL_IF_MVE(AddS8MveScratchBytes)};

// ADD and SUB: int8 and int16 (quantized; int16 zero points may be non-zero, as TFLite Micro allows),
// int32 (unquantized; TFLite Micro's ADD ignores the fused activation there, its SUB applies it) and
// float32. int8 ADD keeps its DSP / MVE variants.
Status PrepareAddSub(LoadCtx& c, int op, fb::Table& op_table) {
  const bool sub = c.rec(op).opcode == kSub;
  Binary x;
  Status st = BinaryOperands(c, op, op_table, sub ? kOptSub : kOptAdd, /*has_act=*/true,
                             "int8, int16, int32 or float32, inputs and output of one type", &x);
  if (st != Status::kOk) return st;
  switch (x.out.type) {
    case kI8:
    case kI16: {
      const bool int8 = x.out.type == kI8;
      st = int8 ? Quantized(c, op, x, IsQuantInt8) : Quantized(c, op, x, IsQuantInt16AnyZeroPoint);
      AddParams p{};
      if (st != Status::kOk || (st = AddSubParams(c, op, x, sub, int8 ? 20 : 15, &p)) != Status::kOk ||
          (st = ActivationRange(c, op, x.act, x.out, &p.act_min, &p.act_max, int8 ? -128 : -32768,
                                int8 ? 127 : 32767)) != Status::kOk)
        return st;
      if (int8) return sub ? c.Store(op, p, EvalBinary<AddParams, SubS8>) : StoreVariant(c, op, p, kAddKernels);
      return c.Store(op, p, sub ? EvalBinaryT<AddParams, int16_t, SubS16> : EvalBinaryT<AddParams, int16_t, AddS16>);
    }
    case kI32:
      if (!Unquantized(x.a) || !Unquantized(x.b) || (sub && !Unquantized(x.out)))
        return Unsupported(c, op, "int32 operands must not be quantized");
      return sub ? StoreInt32Op<SubS32>(c, op, x, /*act_clamp=*/true) : StoreInt32Op<AddS32>(c, op, x, false);
    case kF32: return sub ? StoreFloatOp<SubF32>(c, op, x) : StoreFloatOp<AddF32>(c, op, x);
    default: return UnsupportedTypes(c, op, "int8, int16, int32 or float32");
  }
}

// ---- MUL ----
// int8; int16 with every zero point 0 (TFLite Micro requires it); int32 and float32 (raw products).
Status PrepareMul(LoadCtx& c, int op, fb::Table& op_table) {
  Binary x;
  Status st = BinaryOperands(c, op, op_table, kOptMul, /*has_act=*/true,
                             "int8, int16, int32 or float32, inputs and output of one type", &x);
  if (st != Status::kOk) return st;
  switch (x.out.type) {
    case kI8:
    case kI16: {
      const bool int8 = x.out.type == kI8;
      if (int8) {
        st = Quantized(c, op, x, IsQuantInt8);
      } else {
        st = Quantized(c, op, x, IsQuantInt16AnyZeroPoint);
        if (st == Status::kOk && (x.a.zero_point() != 0 || x.b.zero_point() != 0 || x.out.zero_point() != 0))
          return Unsupported(c, op, "int16 MUL needs zero points of 0");
      }
      if (st != Status::kOk) return st;
      MulParams p{};
      p.shape = x.shape;
      const double real =
          static_cast<double>(x.a.scale()) * static_cast<double>(x.b.scale()) / static_cast<double>(x.out.scale());
      int shift = 0;
      if (!QuantizeMultiplier(real, &p.output_multiplier, &shift)) return Fail(c, op, "invalid scales");
      p.output_shift = shift;
      p.input1_offset = -x.a.zero_point();
      p.input2_offset = -x.b.zero_point();
      p.output_offset = x.out.zero_point();
      if ((st = ActivationRange(c, op, x.act, x.out, &p.act_min, &p.act_max, int8 ? -128 : -32768,
                                int8 ? 127 : 32767)) != Status::kOk)
        return st;
      return c.Store(op, p, int8 ? EvalBinary<MulParams, MulS8> : EvalBinaryT<MulParams, int16_t, MulS16>);
    }
    case kI32: return StoreInt32Op<MulS32>(c, op, x, /*act_clamp=*/true);
    case kF32: return StoreFloatOp<MulF32>(c, op, x);
    default: return UnsupportedTypes(c, op, "int8, int16, int32 or float32");
  }
}

// ---- DIV ----
// int8 (the multiplier s1 / (s2 * s_out) in float, as TFLite Micro), int32 (unquantized inputs),
// float32.
Status PrepareDiv(LoadCtx& c, int op, fb::Table& op_table) {
  Binary x;
  Status st = BinaryOperands(c, op, op_table, kOptDiv, /*has_act=*/true,
                             "int8, int32 or float32, inputs and output of one type", &x);
  if (st != Status::kOk) return st;
  switch (x.out.type) {
    case kI8: {
      if ((st = Quantized(c, op, x, IsQuantInt8)) != Status::kOk) return st;
      DivParams p{};
      p.shape = x.shape;
      const double real = static_cast<double>(x.a.scale() / (x.b.scale() * x.out.scale()));
      int shift = 0;
      if (!QuantizeMultiplier(real, &p.output_multiplier, &shift)) return Fail(c, op, "invalid scales");
      // The kernel's rescale shifts right by reciprocal bits (>= 0) + dividend headroom (>= 23 for an
      // int8 difference) - shift: a larger shift would turn it left, where TFLite's arithmetic aborts.
      if (shift > 23) return Unsupported(c, op, "the input scale ratio s1 / (s2 * s_out) is too large (>= 2^23)");
      p.output_shift = shift;
      p.input1_offset = -x.a.zero_point();
      p.input2_offset = -x.b.zero_point();
      p.output_offset = x.out.zero_point();
      if ((st = ActivationRange(c, op, x.act, x.out, &p.act_min, &p.act_max)) != Status::kOk) return st;
      return c.Store(op, p, EvalBinary<DivParams, DivS8>);
    }
    case kI32:
      if (!Unquantized(x.a) || !Unquantized(x.b)) return Unsupported(c, op, "int32 operands must not be quantized");
      return StoreInt32Op<DivS32>(c, op, x, /*act_clamp=*/true);
    case kF32: return StoreFloatOp<DivF32>(c, op, x);
    default: return UnsupportedTypes(c, op, "int8, int32 or float32");
  }
}

// ---- SQUARED_DIFFERENCE ----
// int8 (left shift 7), int16 (zero points 0, left shift 0), int32 and float32 (raw, never clamped).
Status PrepareSquaredDifference(LoadCtx& c, int op, fb::Table& op_table) {
  Binary x;
  Status st = BinaryOperands(c, op, op_table, kOptSquaredDifference, /*has_act=*/false,
                             "int8, int16, int32 or float32, inputs and output of one type", &x);
  if (st != Status::kOk) return st;
  switch (x.out.type) {
    case kI8:
    case kI16: {
      const bool int8 = x.out.type == kI8;
      if (int8) {
        st = Quantized(c, op, x, IsQuantInt8);
      } else {
        st = Quantized(c, op, x, IsQuantInt16AnyZeroPoint);
        if (st == Status::kOk && (x.a.zero_point() != 0 || x.b.zero_point() != 0 || x.out.zero_point() != 0))
          return Unsupported(c, op, "int16 SQUARED_DIFFERENCE needs zero points of 0");
      }
      if (st != Status::kOk) return st;
      SquaredDifferenceParams p{};
      p.shape = x.shape;
      p.left_shift = int8 ? 7 : 0;
      const float sa = x.a.scale(), sb = x.b.scale();
      const double twice_max = 2.0 * static_cast<double>(sa > sb ? sa : sb);
      const double m1 = static_cast<double>(sa) / twice_max;
      const double m2 = static_cast<double>(sb) / twice_max;
      // TFLite multiplies (1 << 2 * left_shift) by the float output scale in float.
      const double mo = (twice_max * twice_max) /
                        static_cast<double>(static_cast<float>(1 << (2 * p.left_shift)) * x.out.scale());
      int s1 = 0, s2 = 0, s_out = 0;
      if (!QuantizeMultiplier(m1, &p.input1_multiplier, &s1) || !QuantizeMultiplier(m2, &p.input2_multiplier, &s2) ||
          !QuantizeMultiplier(mo, &p.output_multiplier, &s_out) || !(mo < 1073741824.0))
        return Unsupported(c, op, "the output scale is too small for the input scales (multiplier >= 2^30)");
      p.input1_shift = s1;
      p.input2_shift = s2;
      p.output_shift = s_out;
      p.input1_offset = -x.a.zero_point();
      p.input2_offset = -x.b.zero_point();
      p.output_offset = x.out.zero_point();
      p.act_min = int8 ? -128 : -32768;
      p.act_max = int8 ? 127 : 32767;
      return c.Store(op, p,
                     int8 ? EvalBinary<SquaredDifferenceParams, SquaredDifferenceS8>
                          : EvalBinaryT<SquaredDifferenceParams, int16_t, SquaredDifferenceS16>);
    }
    case kI32: return StoreInt32Op<SquaredDifferenceS32>(c, op, x, /*act_clamp=*/false);
    case kF32: return StoreFloatOp<SquaredDifferenceF32>(c, op, x, /*clamp=*/false);
    default: return UnsupportedTypes(c, op, "int8, int16, int32 or float32");
  }
}

// ---- MAXIMUM / MINIMUM ----
// Raw values of int8, int16, int32, int64 or float32; TFLite Micro checks no quantization.
template <typename T>
EvalFn MaxMinEval(bool maximum) {
  return maximum ? EvalBinaryT<MaximumMinimumParams, T, Maximum<T>> : EvalBinaryT<MaximumMinimumParams, T, Minimum<T>>;
}

Status PrepareMaximumMinimum(LoadCtx& c, int op, fb::Table& op_table) {
  Binary x;
  const Status st = BinaryOperands(c, op, op_table, kOptMaximumMinimum, /*has_act=*/false,
                                   "int8, int16, int32, int64 or float32, inputs and output of one type", &x);
  if (st != Status::kOk) return st;
  const bool maximum = c.rec(op).opcode == kMaximum;
  MaximumMinimumParams p{};
  p.shape = x.shape;
  switch (x.out.type) {
    case kI8: return c.Store(op, p, MaxMinEval<int8_t>(maximum));
    case kI16: return c.Store(op, p, MaxMinEval<int16_t>(maximum));
    case kI32: return c.Store(op, p, MaxMinEval<int32_t>(maximum));
    case kI64: return c.Store(op, p, MaxMinEval<int64_t>(maximum));
    case kF32: return c.Store(op, p, MaxMinEval<float>(maximum));
    default: return UnsupportedTypes(c, op, "int8, int16, int32, int64 or float32");
  }
}

// ---- ADD_N ----
template <typename T, Status (*Kernel)(const AddNParams&, const T* const*, T*)>
Status EvalAddN(const EngineState& s, const OpRec& r) {
  const T* inputs[kMaxOpInputs];
  for (int i = 0; i < r.n_in; ++i) inputs[i] = reinterpret_cast<const T*>(s.In(r, i));
  return Kernel(*s.Params<AddNParams>(r), inputs, reinterpret_cast<T*>(s.Out(r, 0)));
}

// At least two inputs of the first one's shape and type; int8 ones share one scale and zero point
// (the output's may differ), float32 ones are summed raw.
Status PrepareAddN(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptAddN, &o, &op_table);
  const int n = c.rec(op).n_in;
  if (st != Status::kOk) return st;
  if (n < 2 || n > kMaxOpInputs) return Fail(c, op, "needs 2 to 32 inputs");
  TensorDesc first, out;
  if ((st = Input(c, op, 0, &first)) != Status::kOk || (st = Output(c, op, 0, &out)) != Status::kOk) return st;
  if (first.type != out.type || (out.type != kI8 && out.type != kF32))
    return UnsupportedTypes(c, op, "int8 or float32, inputs and output of one type");
  if (!SameShape(first, out)) return Fail(c, op, "the output's shape differs from the inputs'");
  for (int i = 0; i < n; ++i) {
    TensorDesc in;
    if ((st = Input(c, op, i, &in)) != Status::kOk) return st;
    if (in.type != first.type) return UnsupportedTypes(c, op, "int8 or float32, inputs and output of one type");
    if (!SameShape(in, first)) return Fail(c, op, "inputs of different shapes");
    if (!ConstAligned(c, in)) return Fail(c, op, "constant input data is misaligned");
    if (out.type == kI8 && !IsQuantInt8(in)) return BadQuantization(c, op, in);
    if (out.type == kI8 && !SameQuantization(in, first))
      return Unsupported(c, op, "int8 inputs must share one scale and zero point");
  }
  AddNParams p{};
  p.count = static_cast<int32_t>(out.count);
  p.n_inputs = n;
  if (out.type == kF32) return c.Store(op, p, EvalAddN<float, AddNF32>);
  if (!IsQuantInt8(out)) return BadQuantization(c, op, out);
  p.left_shift = 20;
  const double twice = 2 * static_cast<double>(first.scale());
  const double m_in = static_cast<double>(first.scale()) / twice;
  const double m_out = twice / ((1 << p.left_shift) * static_cast<double>(out.scale()));
  int s_in = 0, s_out = 0;
  if (!(m_out < 1.0) || !QuantizeMultiplier(m_in, &p.input_multiplier, &s_in) ||
      !QuantizeMultiplier(m_out, &p.output_multiplier, &s_out) || s_out > 0)
    return Unsupported(c, op, "the output scale is too small for the input scale (rescale multiplier >= 1)");
  p.input_shift = s_in;
  p.output_shift = s_out;
  p.input_offset = -first.zero_point();
  p.output_offset = out.zero_point();
  p.act_min = -128;
  p.act_max = 127;
  return c.Store(op, p, EvalAddN<int8_t, AddNS8>);
}

const OpRegistration kOps[] = {
    {kAdd, PrepareAddSub},
    {kSub, PrepareAddSub},
    {kMul, PrepareMul},
    {kDiv, PrepareDiv},
    {kSquaredDifference, PrepareSquaredDifference},
    {kMaximum, PrepareMaximumMinimum},
    {kMinimum, PrepareMaximumMinimum},
    {kAddN, PrepareAddN},
};

}  // namespace

HIL_OP_FAMILY(kElementwiseFamily, kOps);

}  // namespace hil::agent::engine
