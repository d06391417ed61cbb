// SOFTMAX (int8 -> int8, int8 -> int16, int16 -> int16, float32) and LOG_SOFTMAX (int8, float32), over
// the last dimension, as TFLite Micro's reference kernels.
#include "kernels/log_softmax_s8.h"
#include "kernels/quant.h"
#include "kernels/softmax_f32.h"
#include "kernels/softmax_s16.h"
#include "kernels/softmax_s8.h"
#include "kernels/softmax_s8_s16.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// Input 0 and output 0 with the same element count and last dimension (rank >= 1); fills outer and
// depth.
Status RowOperands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out, int32_t* outer, int32_t* depth) {
  const Status st = Operands(c, op, in, nullptr, out);
  if (st != Status::kOk) return st;
  if (in->rank < 1 || in->count != out->count || out->rank < 1 || in->dims[in->rank - 1] != out->dims[out->rank - 1])
    return Fail(c, op, "input and output shapes differ");
  *depth = in->dims[in->rank - 1];
  *outer = static_cast<int32_t>(in->count / static_cast<uint32_t>(*depth));
  return Status::kOk;
}

// TFLite's PreprocessSoftmaxScaling: beta * s_in * 2^26 (capped at 2^31 - 1) as a multiplier above
// one (QuantizeMultiplierGreaterThanOne CHECK-fails otherwise).
Status SoftmaxInputMultiplier(LoadCtx& c, int op, float beta, float input_scale, int32_t* multiplier, int32_t* shift,
                              int32_t* diff_min) {
  constexpr int kScaledDiffIntegerBits = 5;
  double real = static_cast<double>(beta) * static_cast<double>(input_scale) *
                static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
  if (real > 2147483647.0) real = 2147483647.0;
  int s = 0;
  if (!(real > 1.0) || !QuantizeMultiplier(real, multiplier, &s))
    return Fail(c, op, "beta x input scale x 2^26 must exceed 1");
  *shift = s;
  *diff_min = -CalculateInputRadius(kScaledDiffIntegerBits, s);
  return Status::kOk;
}

Status EvalSoftmaxS16(const EngineState& s, const OpRec& r) {
  const auto& p = *s.Params<SoftmaxS16Params>(r);
  return SoftmaxS16(p, reinterpret_cast<const int16_t*>(s.Resolve(p.exp_lut)),
                    reinterpret_cast<const int16_t*>(s.Resolve(p.recip_lut)), s.InS16(r, 0), s.Resolve(r.scratch),
                    s.OutS16(r, 0));
}

Status PrepareSoftmax(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptSoftmax, &o, &opt_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const float beta = o.F32(0, 0.0f, &bad);
  if (bad) return Fail(c, op, "malformed options");
  TensorDesc in, out;
  int32_t outer = 0, depth = 0;
  if ((st = RowOperands(c, op, &in, &out, &outer, &depth)) != Status::kOk) return st;

  if (in.type == TensorType::kFloat32 && out.type == TensorType::kFloat32) {
    SoftmaxF32Params p{outer, depth, beta};
    return c.Store(op, p, EvalUnaryT<SoftmaxF32Params, float, float, SoftmaxF32>);
  }
  const bool s8_s8 = in.type == TensorType::kInt8 && out.type == TensorType::kInt8;
  const bool s8_s16 = in.type == TensorType::kInt8 && out.type == TensorType::kInt16;
  const bool s16_s16 = in.type == TensorType::kInt16 && out.type == TensorType::kInt16;
  if (!s8_s8 && !s8_s16 && !s16_s16)
    return UnsupportedTypes(c, op, "int8 -> int8, int8 -> int16, int16 -> int16 or float32");
  if (s16_s16 ? !IsQuantInt16(in) : !IsQuantInt8(in)) return BadQuantization(c, op, in);
  if (!(out.n_scales > 0)) return BadQuantization(c, op, out);
  // TFLite Micro's output constraints (TF_LITE_ENSURE_NEAR compares in float).
  auto near = [](float a, float b, float eps) { return (a > b ? a - b : b - a) <= eps; };
  if (s8_s8) {
    if (out.zero_point() != -128 || out.scale() != 1.0f / 256)
      return Fail(c, op, "output must have scale 1/256, zero point -128");
  } else if (s8_s16) {
    if (out.zero_point() != -32768 || !near(out.scale(), 1.f / 65536, 0.001f * 1.f / 65536))
      return Fail(c, op, "int16 output must have scale 1/65536, zero point -32768");
  } else if (out.zero_point() != 0 || !near(out.scale(), 1.f / 32768, 0.001f * 1.f / 32768)) {
    return Fail(c, op, "int16 output must have scale 1/32768, zero point 0");
  }

  if (s16_s16) {
    // The int32 row sum of Q0.15 exponentials must not overflow.
    if (depth > 65536) return Unsupported(c, op, "int16 rows longer than 65536");
    SoftmaxS16Params p{};
    p.outer = outer;
    p.depth = depth;
    int shift = 0;
    // Scales d so that [-65535, 0] covers [-10, 0], the exp table's domain.
    const double real = static_cast<double>(in.scale()) * static_cast<double>(beta) / (10.0 / 65535.0);
    if (!(real < 1073741824.0) || !QuantizeMultiplier(real, &p.input_multiplier, &shift))
      return Fail(c, op, "beta x input scale out of range");
    p.input_shift = shift;
    const uint32_t luts = c.Alloc(2 * kLutS16Entries * sizeof(int16_t));
    p.exp_lut = luts;
    p.recip_lut = luts == kNoLoc ? kNoLoc : luts + kLutS16Entries * sizeof(int16_t);
    if (luts != kNoLoc) {  // else the arena is too small and Load reports it
      int16_t* exp_lut = reinterpret_cast<int16_t*>(c.s->arena + p.exp_lut);
      int16_t* recip_lut = reinterpret_cast<int16_t*>(c.s->arena + p.recip_lut);
      PopulateSoftmaxS16Luts(exp_lut, recip_lut);
    }
    return c.Store(op, p, EvalSoftmaxS16);
  }
  SoftmaxParams p{};
  p.outer = outer;
  p.depth = depth;
  if ((st = SoftmaxInputMultiplier(c, op, beta, in.scale(), &p.input_multiplier, &p.input_left_shift,
                                   &p.diff_min)) != Status::kOk)
    return st;
  if (s8_s16) return c.Store(op, p, EvalUnaryT<SoftmaxParams, int8_t, int16_t, SoftmaxS8S16>);
  return c.Store(op, p, EvalUnary<SoftmaxParams, SoftmaxS8>);
}

Status PrepareLogSoftmax(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  int32_t outer = 0, depth = 0;
  Status st = RowOperands(c, op, &in, &out, &outer, &depth);
  if (st != Status::kOk) return st;
  if (!SameShape(in, out)) return Fail(c, op, "input and output shapes differ");
  if (in.type == TensorType::kFloat32 && out.type == TensorType::kFloat32) {
    SoftmaxF32Params p{outer, depth, 1.0f};
    return c.Store(op, p, EvalUnaryT<SoftmaxF32Params, float, float, LogSoftmaxF32>);
  }
  if (in.type != TensorType::kInt8 || out.type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 or float32");
  if (!IsQuantInt8(in)) return BadQuantization(c, op, in);
  if (!(out.n_scales > 0) || out.scale() != 16.0f / 256 || out.zero_point() != 127)
    return Fail(c, op, "output must have scale 16/256, zero point 127");
  LogSoftmaxParams p{};
  p.outer = outer;
  p.depth = depth;
  if ((st = SoftmaxInputMultiplier(c, op, 1.0f, in.scale(), &p.input_multiplier, &p.input_left_shift,
                                   &p.diff_min)) != Status::kOk)
    return st;
  // TFLite's PreprocessLogSoftmaxScalingExp: the reverse scaling 2^(31 - shift) / M, below one.
  const double reverse = static_cast<double>(INT64_C(1) << (31 - p.input_left_shift)) / p.input_multiplier;
  int reverse_shift = 0;
  if (!(reverse < 1.0) || !QuantizeMultiplier(reverse, &p.reverse_scaling_divisor, &reverse_shift) || reverse_shift > 0)
    return Fail(c, op, "input scale out of range");
  p.reverse_scaling_left_shift = reverse_shift;
  return c.Store(op, p, EvalUnary<LogSoftmaxParams, LogSoftmaxS8>);
}

const OpRegistration kOps[] = {
    {kSoftmax, PrepareSoftmax},
    {kLogSoftmax, PrepareLogSoftmax},
};

}  // namespace

HIL_OP_FAMILY(kSoftmaxFamily, kOps);

}  // namespace hil::agent::engine
