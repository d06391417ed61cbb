// Reductions: MEAN, SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX, ARG_MIN, CUMSUM, with the types and the
// arithmetic of TFLite Micro's reference kernels (reduce.cc, reduce_common.cc, arg_min_max.cc, cumsum.cc).
// TFLite Micro reads the axis tensor at Eval; here it must be constant (converters write it so), and an axis
// out of range is refused at Load where TFLite Micro fails at Eval.
#include "kernels/arg_min_max.h"
#include "kernels/cumsum_s8.h"
#include "kernels/quant.h"
#include "kernels/reduce_min_max.h"
#include "kernels/reduce_sum.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// Quantized with a per-tensor scale > 0 and a zero point in [lo, hi] (TFLite Micro reads the first scale
// and zero point of a tensor that has both).
bool Quantized(const TensorDesc& d, int64_t lo, int64_t hi) {
  if (d.n_scales < 1 || d.zero_points.size() < 1 || !(d.scale() > 0.0f)) return false;
  const int64_t zp = d.zero_points.I64(0);
  return zp >= lo && zp <= hi;
}

Status CheckQuantized(LoadCtx& c, int op, const TensorDesc& d) {
  const bool ok = d.type == TensorType::kInt8 ? Quantized(d, -128, 127) : Quantized(d, -32768, 32767);
  return ok ? Status::kOk : BadQuantization(c, op, d);
}

// Constant tensors are read in place: a multi-byte one must sit at an address its type can be read from.
Status CheckAligned(LoadCtx& c, int op, const TensorDesc& d) {
  if (d.is_const && d.data_pos % ElementBytes(d.type) != 0) return Fail(c, op, "constant input is not aligned");
  return Status::kOk;
}

Status CheckCounts(LoadCtx& c, int op, int n_in, int n_out) {
  const OpRec& r = c.rec(op);
  if (r.n_in != n_in || r.n_out != n_out) {
    *c.err << OpcodeName(r.opcode) << " at operator " << op << ": needs " << n_in << " inputs and " << n_out
           << " output, has " << static_cast<int>(r.n_in) << " and " << static_cast<int>(r.n_out);
    return Status::kModelInvalid;
  }
  return Status::kOk;
}

// The constant int32 axis tensor of a reduction: the shape of the reduction of `in` over its (negative
// axes counted from the end, repeats ignored, as TFLite's ResolveAxis), checked against the output's size.
// `reduced` receives the number of input elements per output element. A scalar input ignores the axes.
Status ReduceAxes(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& axes, const TensorDesc& out,
                  ReduceShape* shape, int32_t* reduced) {
  if (!axes.is_const) return Unsupported(c, op, "the axis tensor must be constant");
  uint8_t reduce[5] = {0, 0, 0, 0, 0};
  const int lead = 5 - in.rank;
  for (int d = 0; d < 5; ++d) shape->dims[d] = d < lead ? 1 : in.dims[d - lead];
  if (in.rank > 0) {
    for (uint32_t i = 0; i < axes.count; ++i) {
      int32_t a = ConstI32(c, axes, i);
      if (a < 0) a += in.rank;
      if (a < 0 || a >= in.rank) return Fail(c, op, "axis out of range");
      reduce[lead + a] = 1;
    }
  }
  int32_t stride = 1;
  for (int d = 4; d >= 0; --d) {
    shape->out_stride[d] = reduce[d] ? 0 : stride;
    if (!reduce[d]) stride *= shape->dims[d];
  }
  shape->out_count = stride;
  *reduced = static_cast<int32_t>(in.count) / stride;
  if (out.count != static_cast<uint32_t>(stride)) {
    *c.err << OpcodeName(c.rec(op).opcode) << " at operator " << op << ": the output has " << out.count
           << " elements, the reduction gives " << stride;
    return Status::kModelInvalid;
  }
  return Status::kOk;
}

// QuantizeMultiplier for a ratio of scales, refusing ratios whose shift would pass 30 (TFLite's
// MultiplyByQuantizedMultiplier would shift an int32 by 31 or more).
Status RatioMultiplier(LoadCtx& c, int op, double real, int32_t* multiplier, int* shift) {
  if (!(real > 0.0) || !(real < 1073741823.75) || !QuantizeMultiplier(real, multiplier, shift))
    return Unsupported(c, op, "input scale / output scale must be below 2^30");
  return Status::kOk;
}

// ---- MEAN / SUM ----
Status PrepareMeanSum(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  TensorDesc in, axes, out;
  Status st = OptionsTable(c, op, kOptReducer, &o, &op_table);
  if (st == Status::kOk) st = CheckCounts(c, op, 2, 1);
  if (st == Status::kOk) st = Operands(c, op, &in, &axes, &out);
  if (st != Status::kOk) return st;
  const bool int8 = in.type == TensorType::kInt8 && out.type == TensorType::kInt8;
  const bool int16 = in.type == TensorType::kInt16 && out.type == TensorType::kInt16;
  if (!(int8 || int16) || axes.type != TensorType::kInt32)
    return UnsupportedTypes(c, op, "int8 or int16 input and output, int32 axis");
  if ((st = CheckQuantized(c, op, in)) != Status::kOk || (st = CheckQuantized(c, op, out)) != Status::kOk ||
      (st = CheckAligned(c, op, in)) != Status::kOk)
    return st;
  ReduceSumParams p{};
  if ((st = ReduceAxes(c, op, in, axes, out, &p.shape, &p.reduced_count)) != Status::kOk) return st;
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  int shift = 0;
  st = RatioMultiplier(c, op, static_cast<double>(in.scale()) / static_cast<double>(out.scale()), &p.multiplier,
                       &shift);
  if (st != Status::kOk) return st;
  if (c.rec(op).opcode == kMean) {
    // TFLite folds 1/N into the multiplier in integers: k = floor(log2 N), limited to 32 and to 31 + shift
    // so the final right shift stays within 31; multiplier = (multiplier << k) / N, truncating.
    const int64_t n = p.reduced_count;
    int k = 0;
    while ((n >> (k + 1)) != 0) ++k;
    if (k > 32) k = 32;
    if (k > 31 + shift) k = 31 + shift;
    p.multiplier = static_cast<int32_t>((static_cast<int64_t>(p.multiplier) << k) / n);
    shift -= k;
  }
  p.shift = shift;
  const uint32_t scratch = static_cast<uint32_t>(ReduceSumScratchBytes(p));
  if (int8) return c.Store(op, p, EvalUnaryT<ReduceSumParams, int8_t, int8_t, ReduceSumS8>, scratch);
  return c.Store(op, p, EvalUnaryT<ReduceSumParams, int16_t, int16_t, ReduceSumS16>, scratch);
}

// ---- REDUCE_MAX / REDUCE_MIN ----
Status PrepareMinMax(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  TensorDesc in, axes, out;
  Status st = OptionsTable(c, op, kOptReducer, &o, &op_table);
  if (st == Status::kOk) st = CheckCounts(c, op, 2, 1);
  if (st == Status::kOk) st = Operands(c, op, &in, &axes, &out);
  if (st != Status::kOk) return st;
  const bool int8 = in.type == TensorType::kInt8 && out.type == TensorType::kInt8;
  const bool f32 = in.type == TensorType::kFloat32 && out.type == TensorType::kFloat32;
  if (!(int8 || f32) || axes.type != TensorType::kInt32)
    return UnsupportedTypes(c, op, "int8 or float32 input and output, int32 axis");
  // TFLite Micro compares the raw values, so it requires int8 input and output to be quantized alike.
  if (int8 && !SameQuantization(in, out))
    return Unsupported(c, op, "int8 input and output must have the same scale and zero point");
  if ((st = CheckAligned(c, op, in)) != Status::kOk) return st;
  ReduceMinMaxParams p{};
  int32_t reduced = 0;
  if ((st = ReduceAxes(c, op, in, axes, out, &p.shape, &reduced)) != Status::kOk) return st;
  const bool max = c.rec(op).opcode == kReduceMax;
  if (int8)
    return c.Store(op, p, max ? EvalUnaryT<ReduceMinMaxParams, int8_t, int8_t, ReduceMaxS8>
                              : EvalUnaryT<ReduceMinMaxParams, int8_t, int8_t, ReduceMinS8>);
  return c.Store(op, p, max ? EvalUnaryT<ReduceMinMaxParams, float, float, ReduceMaxF32>
                            : EvalUnaryT<ReduceMinMaxParams, float, float, ReduceMinF32>);
}

// ---- ARG_MAX / ARG_MIN ----
Status PrepareArgMinMax(LoadCtx& c, int op, fb::Table& op_table) {
  const bool max = c.rec(op).opcode == kArgMax;
  fb::Table o;
  TensorDesc in, axis, out;
  Status st = OptionsTable(c, op, max ? kOptArgMax : kOptArgMin, &o, &op_table);
  if (st == Status::kOk) st = Operands(c, op, &in, &axis, &out);
  if (st != Status::kOk) return st;
  // The options' output_type is not read: TFLite Micro takes the output tensor's type, int32 only.
  const bool int8 = in.type == TensorType::kInt8;
  if (!(int8 || in.type == TensorType::kFloat32) || axis.type != TensorType::kInt32 ||
      out.type != TensorType::kInt32)
    return UnsupportedTypes(c, op, "int8 or float32 input, int32 axis, int32 output");
  if (!axis.is_const) return Unsupported(c, op, "the axis tensor must be constant");
  if ((st = CheckAligned(c, op, in)) != Status::kOk) return st;
  if (in.rank < 1) return Fail(c, op, "the input has no dimensions");
  int32_t a = ConstI32(c, axis, 0);  // TFLite reads the first element only
  if (a < 0) a += in.rank;
  if (a < 0 || a >= in.rank) return Fail(c, op, "axis out of range");
  ArgMinMaxParams p{1, in.dims[a], 1};
  for (int d = 0; d < a; ++d) p.outer *= in.dims[d];
  for (int d = a + 1; d < in.rank; ++d) p.inner *= in.dims[d];
  if (out.count != static_cast<uint32_t>(p.outer) * static_cast<uint32_t>(p.inner))
    return Fail(c, op, "the output's size does not match the input without the axis");
  if (int8)
    return c.Store(op, p, max ? EvalUnaryT<ArgMinMaxParams, int8_t, int32_t, ArgMaxS8>
                              : EvalUnaryT<ArgMinMaxParams, int8_t, int32_t, ArgMinS8>);
  return c.Store(op, p, max ? EvalUnaryT<ArgMinMaxParams, float, int32_t, ArgMaxF32>
                            : EvalUnaryT<ArgMinMaxParams, float, int32_t, ArgMinF32>);
}

// ---- CUMSUM ----
Status PrepareCumsum(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  TensorDesc in, axis, out;
  Status st = OptionsTable(c, op, kOptCumsum, &o, &op_table);
  if (st == Status::kOk) st = CheckCounts(c, op, 2, 1);
  if (st == Status::kOk) st = Operands(c, op, &in, &axis, &out);
  if (st != Status::kOk) return st;
  bool bad = false;
  const uint8_t exclusive = o.U8(0, 0, &bad);
  const uint8_t reverse = o.U8(1, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (in.type != TensorType::kInt8 || out.type != TensorType::kInt8 || axis.type != TensorType::kInt32)
    return UnsupportedTypes(c, op, "int8 input and output, int32 axis");
  if (!IsQuantInt8(in)) return BadQuantization(c, op, in);
  if (!IsQuantInt8(out)) return BadQuantization(c, op, out);
  if (axis.count != 1) return Fail(c, op, "the axis must be a single value");
  if (!axis.is_const) return Unsupported(c, op, "the axis tensor must be constant");
  if (in.rank < 1) return Fail(c, op, "the input has no dimensions");
  if (!SameShape(in, out)) return Fail(c, op, "input and output shapes differ");
  int32_t a = ConstI32(c, axis, 0);
  if (a < 0) a += in.rank;
  if (a < 0 || a >= in.rank) return Fail(c, op, "axis out of range");
  CumsumS8Params p{};
  p.outer = 1;
  p.inner = 1;
  p.axis_size = in.dims[a];
  for (int d = 0; d < a; ++d) p.outer *= in.dims[d];
  for (int d = a + 1; d < in.rank; ++d) p.inner *= in.dims[d];
  p.exclusive = exclusive != 0;
  p.reverse = reverse != 0;
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  p.left_shift = 20;
  // As TFLite Micro (the scaling of ADD_N with one input): the input multiplier s / (2 s) is exactly 0.5;
  // the output multiplier 2 s_in / (2^20 s_out) must be below 1 (TFLite Micro aborts otherwise).
  const double twice_in = 2.0 * static_cast<double>(in.scale());
  const double real_in = static_cast<double>(in.scale()) / twice_in;
  const double real_out = twice_in / (static_cast<double>(1 << 20) * static_cast<double>(out.scale()));
  if (!(real_out < 1.0)) return Unsupported(c, op, "input scale / output scale must be below 2^19");
  int in_shift = 0, out_shift = 0;
  if (!QuantizeMultiplier(real_in, &p.input_multiplier, &in_shift) ||
      !QuantizeMultiplier(real_out, &p.output_multiplier, &out_shift))
    return Fail(c, op, "invalid scales");
  p.input_shift = in_shift;
  p.output_shift = out_shift;
  return c.Store(op, p, EvalUnary<CumsumS8Params, CumsumS8>);
}

const OpRegistration kOps[] = {
    {kMean, PrepareMeanSum},          {kSum, PrepareMeanSum},         {kReduceMax, PrepareMinMax},
    {kReduceMin, PrepareMinMax},      {kArgMax, PrepareArgMinMax},    {kArgMin, PrepareArgMinMax},
    {kCumsum, PrepareCumsum},
};

}  // namespace

HIL_OP_FAMILY(kReduceFamily, kOps);

}  // namespace hil::agent::engine
