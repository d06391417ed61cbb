// Unary math: ABS (int8, int16, float32), RSQRT (int8, float32), L2_NORMALIZATION (int8, float32) and
// the float32-only functions TFLite Micro registers (EXP, LOG, SQRT, SIN, COS, NEG, FLOOR, CEIL, ROUND,
// SQUARE). TFLite Micro has no integer EXP (nor LOG, SQRT, ...): models quantized to int8 carry these
// between DEQUANTIZE and QUANTIZE, so float32 is all there is to run.
#include <cmath>
#include <initializer_list>

#include "kernels/abs.h"
#include "kernels/l2_normalization_f32.h"
#include "kernels/l2_normalization_s8.h"
#include "kernels/quant.h"
#include "kernels/rsqrt_s8.h"
#include "kernels/unary_f32.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// Input 0 and output 0: one type, one element count.
Status SameTypeOperands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out) {
  const Status st = Operands(c, op, in, nullptr, out);
  if (st != Status::kOk) return st;
  if (in->type != out->type) return UnsupportedTypes(c, op, "input and output of one type");
  if (in->count != out->count) return Fail(c, op, "input and output sizes differ");
  return Status::kOk;
}

bool Multiplier(double real, int32_t* m, int32_t* shift) {
  int s = 0;
  if (!(real < 1073741824.0) || !QuantizeMultiplier(real, m, &s)) return false;
  *shift = s;
  return true;
}

UnaryF32Op FloatOpOf(uint16_t opcode) {
  switch (opcode) {
    case kAbs: return UnaryF32Op::kAbs;
    case kCeil: return UnaryF32Op::kCeil;
    case kCos: return UnaryF32Op::kCos;
    case kExp: return UnaryF32Op::kExp;
    case kFloor: return UnaryF32Op::kFloor;
    case kLog: return UnaryF32Op::kLog;
    case kNeg: return UnaryF32Op::kNeg;
    case kRound: return UnaryF32Op::kRound;
    case kRsqrt: return UnaryF32Op::kRsqrt;
    case kSin: return UnaryF32Op::kSin;
    case kSqrt: return UnaryF32Op::kSqrt;
    default: return UnaryF32Op::kSquare;
  }
}

Status StoreFloat(LoadCtx& c, int op, const TensorDesc& in) {
  UnaryF32Params p{};
  p.count = static_cast<int32_t>(in.count);
  p.op = FloatOpOf(c.rec(op).opcode);
  return c.Store(op, p, EvalUnaryT<UnaryF32Params, float, float, UnaryF32>);
}

// ---- the float32-only functions ----
Status PrepareFloatOnly(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameTypeOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  // TFLite Micro's EXP, CEIL and ROUND also require equal shapes.
  if (!SameShape(in, out)) return Fail(c, op, "input and output shapes differ");
  if (in.type != TensorType::kFloat32) return UnsupportedTypes(c, op, "float32 only, as in TFLite Micro");
  return StoreFloat(c, op, in);
}

// ---- ABS ----
bool HasQuantization(const TensorDesc& d) { return d.n_scales > 0 && d.zero_points.size() > 0; }

Status PrepareAbs(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameTypeOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreFloat(c, op, in);
  if (in.type != TensorType::kInt8 && in.type != TensorType::kInt16)
    return UnsupportedTypes(c, op, "int8, int16 or float32");
  AbsParams p{};
  p.count = static_cast<int32_t>(in.count);
  if (in.type == TensorType::kInt16 && !HasQuantization(in)) {
    // TFLite Micro applies a plain abs to an int16 tensor without quantization parameters.
    p.plain = 1;
    return c.Store(op, p, EvalUnaryT<AbsParams, int16_t, int16_t, Abs<int16_t>>);
  }
  for (const TensorDesc* d : {&in, &out}) {
    if (in.type == TensorType::kInt8 ? !IsQuantInt8(*d) : !IsQuantInt16(*d)) return BadQuantization(c, op, *d);
  }
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  p.rescale = in.scale() != out.scale() ? 1 : 0;
  if (p.rescale != 0 && !Multiplier(static_cast<double>(in.scale() / out.scale()), &p.multiplier, &p.shift))
    return Fail(c, op, "input/output scale ratio out of range");
  if (in.type == TensorType::kInt16) return c.Store(op, p, EvalUnaryT<AbsParams, int16_t, int16_t, Abs<int16_t>>);
  return c.Store(op, p, EvalUnaryT<AbsParams, int8_t, int8_t, Abs<int8_t>>);
}

// ---- RSQRT ----
Status PrepareRsqrt(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameTypeOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  if (in.type == TensorType::kFloat32) return StoreFloat(c, op, in);
  if (in.type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 or float32");
  for (const TensorDesc* d : {&in, &out}) {
    if (!IsQuantInt8(*d)) return BadQuantization(c, op, *d);
  }
  RsqrtParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  // 1 / (sqrt(s_in) * s_out): the square root and the product in float, the reciprocal in double.
  const double real = 1. / static_cast<double>(std::sqrt(in.scale()) * out.scale());
  if (!Multiplier(real, &p.multiplier, &p.shift) || p.shift < -11)
    return Unsupported(c, op, "output scale too large for the input scale");
  return c.Store(op, p, EvalUnary<RsqrtParams, RsqrtS8>);
}

// ---- L2_NORMALIZATION ----
Status PrepareL2Normalization(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  int act = 0;
  Status st = ActivationOptions(c, op, op_table, kOptL2Norm, 0, &o, &act);
  if (st != Status::kOk) return st;
  if (act != 0) return Unsupported(c, op, "fused activation (TFLite Micro requires NONE)");
  TensorDesc in, out;
  if ((st = SameTypeOperands(c, op, &in, &out)) != Status::kOk) return st;
  if (in.rank < 1 || in.rank > 4) return Unsupported(c, op, "rank outside 1..4");
  if (out.rank < 1 || in.dims[in.rank - 1] != out.dims[out.rank - 1])
    return Fail(c, op, "input and output shapes differ");
  L2NormalizationParams p{};
  p.depth = in.dims[in.rank - 1];
  p.outer = static_cast<int32_t>(in.count / static_cast<uint32_t>(p.depth));
  if (in.type == TensorType::kFloat32)
    return c.Store(op, p, EvalUnaryT<L2NormalizationParams, float, float, L2NormalizationF32>);
  if (in.type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 or float32");
  // The output is x / |x| at scale 1/128, zero point 0 whatever the output tensor says (TFLite Micro
  // does not check it either).
  if (!IsQuantInt8(in)) return BadQuantization(c, op, in);
  p.input_zero_point = in.zero_point();
  return c.Store(op, p, EvalUnary<L2NormalizationParams, L2NormalizationS8>);
}

const OpRegistration kOps[] = {
    {kAbs, PrepareAbs},
    {kRsqrt, PrepareRsqrt},
    {kL2Normalization, PrepareL2Normalization},
    {kExp, PrepareFloatOnly},
    {kLog, PrepareFloatOnly},
    {kSqrt, PrepareFloatOnly},
    {kSin, PrepareFloatOnly},
    {kCos, PrepareFloatOnly},
    {kNeg, PrepareFloatOnly},
    {kFloor, PrepareFloatOnly},
    {kCeil, PrepareFloatOnly},
    {kRound, PrepareFloatOnly},
    {kSquare, PrepareFloatOnly},
};

}  // namespace

HIL_OP_FAMILY(kMathFamily, kOps);

}  // namespace hil::agent::engine
