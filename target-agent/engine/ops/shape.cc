// Data movement: RESHAPE, CONCATENATION, PAD.
#include "kernels/concatenation_s8.h"
#include "kernels/pad_s8.h"
#include "kernels/reshape_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// ---- RESHAPE ----
Status PrepareReshape(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || in.bytes != out.bytes) return Fail(c, op, "input and output sizes differ");
  return c.Store(op, ReshapeParams{in.bytes}, EvalUnary<ReshapeParams, ReshapeS8>);
}

// ---- CONCATENATION ----
// The params are followed by int32 axis_size[count].
struct ConcatOp {
  ConcatenationParams p;
  int32_t count;
};
Status EvalConcat(const EngineState& s, const OpRec& r) {
  const ConcatOp& k = *s.Params<ConcatOp>(r);
  const int8_t* inputs[kMaxOpInputs];
  for (int i = 0; i < k.count; ++i) inputs[i] = s.InS8(r, i);
  return ConcatenationS8(k.p, k.count, inputs, reinterpret_cast<const int32_t*>(&k + 1), nullptr, s.OutS8(r, 0));
}

Status PrepareConcat(LoadCtx& c, int op, fb::Table& opt_table) {
  const OpRec& r = c.rec(op);
  fb::Table o;
  int act;
  // ConcatenationOptions: axis 0, fused activation 1.
  Status st = ActivationOptions(c, op, opt_table, kOptConcatenation, /*act_field=*/1, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  int32_t axis = o.I32(0, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (act != 0) return Unsupported(c, op, "fused activation is not supported");
  TensorDesc out;
  if ((st = Output(c, op, 0, &out)) != Status::kOk) return st;
  if (!IsQuantInt8(out)) return UnsupportedTypes(c, op, "int8 quantized tensors");
  if (axis < 0) axis += out.rank;
  if (axis < 0 || axis >= out.rank) return Fail(c, op, "axis out of range");
  if (r.n_in < 1) return Fail(c, op, "no inputs");
  ConcatOp k{};
  k.count = r.n_in;
  k.p.outer = 1;
  k.p.inner = 1;
  for (int i = 0; i < axis; ++i) k.p.outer *= out.dims[i];
  for (int i = axis + 1; i < out.rank; ++i) k.p.inner *= out.dims[i];
  k.p.out_axis = out.dims[axis];
  int64_t sum = 0;
  for (int i = 0; i < r.n_in; ++i) {
    TensorDesc in;
    if ((st = Input(c, op, i, &in)) != Status::kOk) return st;
    if (!IsQuantInt8(in)) return UnsupportedTypes(c, op, "int8 quantized tensors");
    if (in.rank != out.rank || !SameQuantization(in, out))
      return Unsupported(c, op, "inputs must have the output's quantization");
    for (int d = 0; d < out.rank; ++d)
      if (d != axis && in.dims[d] != out.dims[d]) return Fail(c, op, "input shapes do not match");
    sum += in.dims[axis];
  }
  if (sum != k.p.out_axis) return Fail(c, op, "axis sizes do not add up");
  c.Store(op, k, EvalConcat);
  const uint32_t sizes = c.Alloc(4u * static_cast<uint32_t>(r.n_in));
  if (sizes == kNoLoc) return Status::kOk;
  for (int i = 0; i < r.n_in; ++i) {
    TensorDesc in;
    Input(c, op, i, &in);
    const int32_t n = in.dims[axis];
    std::memcpy(c.s->arena + sizes + 4 * i, &n, 4);
  }
  return Status::kOk;
}

// ---- PAD ----
Status PreparePad(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, pads, out;
  const Status st = Int8Operands(c, op, &in, &pads, &out, /*in1_int8=*/false);
  if (st != Status::kOk) return st;
  if (in.rank != out.rank) return Fail(c, op, "input and output ranks differ");
  if (!SameQuantization(in, out)) return Unsupported(c, op, "input and output quantization differ");
  if (pads.type != TensorType::kInt32 || !pads.is_const || pads.count != static_cast<uint32_t>(2 * in.rank))
    return Unsupported(c, op, "paddings must be constant int32 [rank, 2]");
  PadParams p{};
  for (int i = 0; i < 5; ++i) p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) {
    const int d = 5 - in.rank + i;
    p.in_dims[d] = in.dims[i];
    p.before[d] = ConstI32(c, pads, 2 * i);
    p.after[d] = ConstI32(c, pads, 2 * i + 1);
    if (p.before[d] < 0 || p.after[d] < 0 ||
        static_cast<int64_t>(p.before[d]) + in.dims[i] + p.after[d] != out.dims[i])
      return Fail(c, op, "paddings do not match the output shape");
  }
  p.pad_value = out.zero_point();
  return c.Store(op, p, EvalUnary<PadParams, PadS8>);
}

const OpRegistration kOps[] = {
    {kReshape, PrepareReshape},
    {kConcatenation, PrepareConcat},
    {kPad, PreparePad},
};

}  // namespace

HIL_OP_FAMILY(kShapeFamily, kOps);

}  // namespace hil::agent::engine
