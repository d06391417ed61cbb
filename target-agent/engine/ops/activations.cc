// Element-wise activations: RELU, RELU6, LOGISTIC, TANH, LEAKY_RELU, PRELU, HARD_SWISH, ELU, with the
// types TFLite Micro's reference kernels run (int8, int16 where TFLite Micro has it, float32). TFLite
// Micro registers neither RELU_N1_TO_1 nor RELU_0_TO_1, so neither is here.
#include <cmath>
#include <initializer_list>

#include "kernels/hard_swish_s8.h"
#include "kernels/leaky_relu.h"
#include "kernels/logistic_s16.h"
#include "kernels/logistic_s8.h"
#include "kernels/lut_s8.h"
#include "kernels/prelu.h"
#include "kernels/prelu_f32.h"
#include "kernels/quant.h"
#include "kernels/relu6_s8.h"
#include "kernels/relu_s16.h"
#include "kernels/relu_s8.h"
#include "kernels/tanh_s8.h"
#include "kernels/unary_f32.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// A quantized int16 tensor with any zero point (RELU6, LEAKY_RELU and PRELU accept them in TFLite Micro).
bool IsQuantInt16AnyZeroPoint(const TensorDesc& d) {
  if (d.type != TensorType::kInt16 || d.n_scales < 1 || !(d.scale() > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= -32768 && zp <= 32767;
}

// Input 0 and output 0 of one type and element count; int8 and int16 tensors must have valid
// quantization (int16: zero point 0 unless `int16_any_zp`). Other types are the caller's to refuse.
Status UnaryOperands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out, bool int16_any_zp = false) {
  Status st = Operands(c, op, in, nullptr, out);
  if (st != Status::kOk) return st;
  if (in->type != out->type) return UnsupportedTypes(c, op, "input and output of one type");
  if (in->count != out->count) return Fail(c, op, "input and output sizes differ");
  for (const TensorDesc* d : {in, out}) {
    if (d->type == TensorType::kInt8 && !IsQuantInt8(*d)) return BadQuantization(c, op, *d);
    if (d->type == TensorType::kInt16 && !(int16_any_zp ? IsQuantInt16AnyZeroPoint(*d) : IsQuantInt16(*d)))
      return BadQuantization(c, op, *d);
  }
  return Status::kOk;
}

Status StoreUnaryF32(LoadCtx& c, int op, const TensorDesc& in, UnaryF32Op f, float alpha = 0.0f) {
  UnaryF32Params p{};
  p.count = static_cast<int32_t>(in.count);
  p.op = f;
  p.alpha = alpha;
  return c.Store(op, p, EvalUnaryT<UnaryF32Params, float, float, UnaryF32>);
}

// QuantizeMultiplier for a multiplier TFLite's arithmetic can apply: finite, >= 0, below 2^30
// (TFLite does not clamp larger ones; they would shift by 31 or more).
bool Multiplier(double real, int32_t* m, int32_t* shift) {
  int s = 0;
  if (!(real < 1073741824.0) || !QuantizeMultiplier(real, m, &s)) return false;
  *shift = s;
  return true;
}

// TFLite's CheckedLog2: log2(x) rounded, in float, and whether x is within 1e-3 (in log2) of that power.
bool CheckedLog2(float x, int* log2_result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float x_log2_rounded = std::round(x_log2);
  *log2_result = static_cast<int>(x_log2_rounded);
  return std::fabs(x_log2 - x_log2_rounded) < 1e-3f;
}

// TFLite's FloatToQuantizedType: round(value / scale) + zero point, clamped to [qmin, qmax].
int32_t QuantizeClamped(float value, float scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
  float r = std::round(value / scale);
  if (r > 1e6f) r = 1e6f;  // beyond any int16, without an undefined conversion
  const int32_t v = static_cast<int32_t>(r) + zero_point;
  return v < qmin ? qmin : (v > qmax ? qmax : v);
}

// ---- LOGISTIC / TANH ----
Status PrepareSigmoidS8(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& out, bool logistic) {
  // As TFLite Micro: LOGISTIC needs output zero point -128; the kernels write Q0.8 / Q0.7 whatever the
  // output scale says.
  if (logistic && out.zero_point() != -128) return Fail(c, op, "output zero point must be -128");
  SigmoidParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(in.scale()) * static_cast<double>(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(real, &shift);
  const double qr = std::round(q * static_cast<double>(INT64_C(1) << 31));
  if (shift < -31 || shift > 30) return Fail(c, op, "input scale out of range");
  p.input_multiplier = qr >= 2147483648.0 ? INT32_MIN : static_cast<int32_t>(qr);
  p.input_left_shift = shift;
  p.input_range_radius = CalculateInputRadius(kInputIntegerBits, shift);
  return c.Store(op, p, logistic ? EvalUnary<SigmoidParams, LogisticS8> : EvalUnary<SigmoidParams, TanhS8>);
}

// TFLite's int16 path: zero points 0, output scale 2^-15, and the input brought to x * 3 * 2^12 either
// by a power-of-two factor (input scale 2^-12, or also 2^-11 for TANH, judged by CheckedLog2) or by
// a multiplier of at most 15 bits and a right shift.
Status PrepareSigmoidS16(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& out, bool logistic) {
  SigmoidS16Params p{};
  p.count = static_cast<int32_t>(in.count);
  int in_log2 = 0;
  bool pot = CheckedLog2(in.scale(), &in_log2);
  const int pot_shift = (15 - 3) + in_log2;
  pot = pot && (pot_shift == 0 || (!logistic && pot_shift == 1));
  if (pot) {
    p.input_multiplier = 3 << pot_shift;
    p.input_left_shift = 0;
  } else {
    double multiplier = static_cast<double>(in.scale()) * 4096.0 * 3.0;
    int shift = 0;
    while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
      ++shift;
      multiplier *= 2.0;
    }
    // TFLite only DCHECKs this bound; past it the int32 product of the rescale overflows.
    if (!(multiplier < 32768.0)) return Unsupported(c, op, "int16 input scale above 32767/12288");
    p.input_multiplier = static_cast<int32_t>(multiplier);
    p.input_left_shift = shift;
  }
  int out_log2 = 0;
  if (!CheckedLog2(out.scale(), &out_log2) || out_log2 != -15) return Fail(c, op, "int16 output scale must be 2^-15");
  return c.Store(op, p,
                 logistic ? EvalUnaryT<SigmoidS16Params, int16_t, int16_t, LogisticS16>
                          : EvalUnaryT<SigmoidS16Params, int16_t, int16_t, TanhS16>);
}

Status PrepareSigmoid(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = UnaryOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  const bool logistic = c.rec(op).opcode == kLogistic;
  switch (in.type) {
    case TensorType::kInt8: return PrepareSigmoidS8(c, op, in, out, logistic);
    case TensorType::kInt16: return PrepareSigmoidS16(c, op, in, out, logistic);
    case TensorType::kFloat32: return StoreUnaryF32(c, op, in, logistic ? UnaryF32Op::kLogistic : UnaryF32Op::kTanh);
    default: return UnsupportedTypes(c, op, "int8, int16 or float32");
  }
}

// ---- RELU / RELU6 ----
Status PrepareRelu(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const bool six = c.rec(op).opcode == kRelu6;
  // TFLite Micro's RELU6 ignores zero points of int16 tensors (it clamps in the input's own
  // quantisation); RELU requires them to be 0.
  const Status st = UnaryOperands(c, op, &in, &out, six);
  if (st != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreUnaryF32(c, op, in, six ? UnaryF32Op::kRelu6 : UnaryF32Op::kRelu);
  if (in.type != TensorType::kInt8 && in.type != TensorType::kInt16)
    return UnsupportedTypes(c, op, "int8, int16 or float32");
  const bool s16 = in.type == TensorType::kInt16;
  const int32_t qmin = s16 ? -32768 : -128;
  const int32_t qmax = s16 ? 32767 : 127;
  ReluParams p{};
  p.count = static_cast<int32_t>(in.count);
  if (six) {
    // No rescale: a clamp to [zero point, quantized 6] of the input's quantisation.
    p.act_min = in.zero_point();
    p.act_max = QuantizeClamped(6.0f, in.scale(), in.zero_point(), qmin, qmax);
    return c.Store(op, p,
                   s16 ? EvalUnaryT<ReluParams, int16_t, int16_t, Relu6S16> : EvalUnary<ReluParams, Relu6S8>);
  }
  // TFLite Micro divides the float scales in float, then widens (CalculateReluOpData).
  if (!Multiplier(static_cast<double>(in.scale() / out.scale()), &p.multiplier, &p.shift))
    return Fail(c, op, "input/output scale ratio out of range");
  p.input_offset = in.zero_point();
  p.output_offset = out.zero_point();
  const int32_t zero = QuantizeClamped(0.0f, out.scale(), out.zero_point(), INT32_MIN, INT32_MAX);
  p.act_min = zero > qmin ? zero : qmin;
  p.act_max = qmax;
  return c.Store(op, p, s16 ? EvalUnaryT<ReluParams, int16_t, int16_t, ReluS16> : EvalUnary<ReluParams, ReluS8>);
}

// ---- LEAKY_RELU ----
Status PrepareLeakyRelu(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptLeakyRelu, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const float alpha = o.F32(0, 0.0f, &bad);
  if (bad) return Fail(c, op, "malformed options");
  TensorDesc in, out;
  if ((st = UnaryOperands(c, op, &in, &out, true)) != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreUnaryF32(c, op, in, UnaryF32Op::kLeakyRelu, alpha);
  if (in.type != TensorType::kInt8 && in.type != TensorType::kInt16)
    return UnsupportedTypes(c, op, "int8, int16 or float32");
  LeakyReluParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_offset = in.zero_point();
  p.output_offset = out.zero_point();
  // TFLite forms s_in * alpha / s_out in float before widening; a negative multiplier is applied as its
  // magnitude with the sign flipped afterwards (QuantizeMultiplier is symmetric in the sign).
  const float alpha_real = in.scale() * alpha / out.scale();
  p.alpha_negative = alpha_real < 0.0f ? 1 : 0;
  const double alpha_magnitude = static_cast<double>(alpha_real < 0.0f ? -alpha_real : alpha_real);
  if (!Multiplier(alpha_magnitude, &p.alpha_multiplier, &p.alpha_shift) ||
      !Multiplier(static_cast<double>(in.scale() / out.scale()), &p.identity_multiplier, &p.identity_shift))
    return Fail(c, op, "alpha or scale ratio out of range");
  return c.Store(op, p,
                 in.type == TensorType::kInt16 ? EvalUnaryT<LeakyReluParams, int16_t, int16_t, LeakyRelu<int16_t>>
                                               : EvalUnaryT<LeakyReluParams, int8_t, int8_t, LeakyRelu<int8_t>>);
}

// ---- PRELU ----
template <typename T>
Status EvalPrelu(const EngineState& s, const OpRec& r) {
  return Prelu<T>(*s.Params<PreluParams>(r), reinterpret_cast<const T*>(s.In(r, 0)), s.InS8(r, 1),
                  s.Resolve(r.scratch), reinterpret_cast<T*>(s.Out(r, 0)));
}

Status EvalPreluF32(const EngineState& s, const OpRec& r) {
  return PreluF32(*s.Params<PreluParams>(r), reinterpret_cast<const float*>(s.In(r, 0)),
                  reinterpret_cast<const float*>(s.In(r, 1)), s.Resolve(r.scratch),
                  reinterpret_cast<float*>(s.Out(r, 0)));
}

Status PreparePrelu(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, alpha, out;
  const Status st = Operands(c, op, &in, &alpha, &out);
  if (st != Status::kOk) return st;
  const bool f32 = in.type == TensorType::kFloat32 && alpha.type == TensorType::kFloat32 &&
                   out.type == TensorType::kFloat32;
  const bool quantized = (in.type == TensorType::kInt8 || in.type == TensorType::kInt16) && out.type == in.type &&
                         alpha.type == TensorType::kInt8;
  if (!f32 && !quantized)
    return UnsupportedTypes(c, op, "int8 input, alpha and output; int16 input and output with int8 alpha; or float32");
  PreluParams p{};
  if (!MakeBroadcast(in, alpha, out, &p.bc)) return Fail(c, op, "alpha does not broadcast to the input's shape");
  if (f32) {
    // TFLite's float PRELU broadcasts up to 4-D only.
    if (in.rank > 4 || alpha.rank > 4 || out.rank > 4) return Unsupported(c, op, "float32 tensors above 4-D");
    return c.Store(op, p, EvalPreluF32);
  }
  for (const TensorDesc* d : {&in, &out}) {
    const bool ok = in.type == TensorType::kInt8 ? IsQuantInt8(*d) : IsQuantInt16AnyZeroPoint(*d);
    if (!ok) return BadQuantization(c, op, *d);
  }
  if (!IsQuantInt8(alpha)) return BadQuantization(c, op, alpha);
  p.input_zero_point = in.zero_point();
  p.alpha_zero_point = alpha.zero_point();
  p.output_zero_point = out.zero_point();
  const double s_in = in.scale(), s_alpha = alpha.scale(), s_out = out.scale();
  if (!Multiplier(s_in / s_out, &p.multiplier1, &p.shift1) ||
      !Multiplier(s_in * s_alpha / s_out, &p.multiplier2, &p.shift2))
    return Fail(c, op, "scale ratio out of range");
  return c.Store(op, p, in.type == TensorType::kInt16 ? EvalPrelu<int16_t> : EvalPrelu<int8_t>);
}

// ---- HARD_SWISH ----
// TFLite's DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15, saturating.
int32_t DownScaleToQ15(int32_t m) {
  if (m >= INT32_MAX - (1 << 15)) return 32767;
  return (m + (1 << 15)) >> 16;
}

Status PrepareHardSwish(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = UnaryOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreUnaryF32(c, op, in, UnaryF32Op::kHardSwish);
  if (in.type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 or float32");
  HardSwishParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  // All in float, as TFLite's prepare.
  const float hires_input_scale = (1.0f / 128.0f) * in.scale();
  const float reluish_scale = 3.0f / 32768.0f;
  int32_t m = 0;
  int32_t e = 0;
  if (!Multiplier(static_cast<double>(hires_input_scale / out.scale()), &m, &e))
    return Fail(c, op, "scale ratio out of range");
  if (e > 0) return Fail(c, op, "output scale must exceed input scale / 128");
  p.output_multiplier_q15 = DownScaleToQ15(m);
  p.output_exponent = e;
  if (!Multiplier(static_cast<double>(hires_input_scale / reluish_scale), &m, &e) || e > 30)
    return Unsupported(c, op, "input scale out of range");
  p.reluish_multiplier_q15 = DownScaleToQ15(m);
  p.reluish_exponent = e;
  return c.Store(op, p, EvalUnary<HardSwishParams, HardSwishS8>);
}

// ---- ELU ----
float EluTransform(float x) { return x < 0.0f ? std::exp(x) - 1.0f : x; }

Status PrepareElu(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = UnaryOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreUnaryF32(c, op, in, UnaryF32Op::kElu);
  if (in.type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 or float32");
  // TFLite Micro's 256-entry table, built here in float as its prepare builds it.
  LutS8Params p{};
  p.count = static_cast<int32_t>(in.count);
  PopulateLutS8(in.scale(), in.zero_point(), out.scale(), out.zero_point(), EluTransform, p.table);
  return c.Store(op, p, EvalUnary<LutS8Params, LutS8>);
}

const OpRegistration kOps[] = {
    {kRelu, PrepareRelu},           {kRelu6, PrepareRelu},         {kLogistic, PrepareSigmoid},
    {kTanh, PrepareSigmoid},        {kLeakyRelu, PrepareLeakyRelu}, {kPrelu, PreparePrelu},
    {kHardSwish, PrepareHardSwish}, {kElu, PrepareElu},
};

}  // namespace

HIL_OP_FAMILY(kActivationFamily, kOps);

}  // namespace hil::agent::engine
