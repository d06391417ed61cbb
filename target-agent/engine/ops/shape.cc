// Data movement: RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, PAD,
// PADV2, MIRROR_PAD, BROADCAST_TO, SHAPE, FILL, ZEROS_LIKE and CAST.
//
// The kernels move bytes of any element size, so every type TFLite Micro accepts for an operator
// shares one kernel; the types each operator accepts (and the quantization checks it makes) are
// TFLite Micro's (tensorflow/lite/micro/kernels/<op>.cc), so a model it refuses is refused here.
#include <initializer_list>

#include "kernels/broadcast_to.h"
#include "kernels/cast.h"
#include "kernels/concatenation.h"
#include "kernels/copy.h"
#include "kernels/fill.h"
#include "kernels/mirror_pad.h"
#include "kernels/pad.h"
#include "kernels/shape.h"
#include "kernels/split.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

using T = TensorType;

// ---- shared checks ----

bool OneOf(TensorType t, std::initializer_list<TensorType> types) {
  for (TensorType u : types)
    if (t == u) return true;
  return false;
}

// The operator's input and output counts; else kModelInvalid.
Status Counts(LoadCtx& c, int op, int min_in, int max_in, int min_out, int max_out) {
  const OpRec& r = c.rec(op);
  if (r.n_in < min_in || r.n_in > max_in) return Fail(c, op, "wrong number of inputs");
  if (r.n_out < min_out || r.n_out > max_out) return Fail(c, op, "wrong number of outputs");
  return Status::kOk;
}

int64_t ZeroPoint64(const TensorDesc& d) { return d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0; }

// An axis in [-rank, rank) made non-negative; false when out of range.
bool NormalizeAxis(int32_t axis, int rank, int* out) {
  const int64_t a = axis < 0 ? static_cast<int64_t>(axis) + rank : axis;
  if (a < 0 || a >= rank) return false;
  *out = static_cast<int>(a);
  return true;
}

// Element i of a constant integer tensor (int8, int16, int32 or int64); false for other types.
bool ConstInt(const LoadCtx& c, const TensorDesc& d, uint32_t i, int64_t* v) {
  const uint8_t* p = c.s->blob.data + d.data_pos;
  switch (d.type) {
    case T::kInt8: *v = static_cast<int8_t>(p[i]); return true;
    case T::kInt16: *v = static_cast<int16_t>(fb::LoadU16(p + 2 * i)); return true;
    case T::kInt32: *v = fb::LoadI32(p + 4 * i); return true;
    case T::kInt64: *v = static_cast<int64_t>(fb::LoadU64(p + 8 * i)); return true;
    default: return false;
  }
}

// A constant scalar-like int32 axis input (TFLite Micro reads element 0 of an int32 tensor).
Status ConstAxis(LoadCtx& c, int op, int index, int32_t* axis) {
  TensorDesc a;
  const Status st = Input(c, op, index, &a);
  if (st != Status::kOk) return st;
  if (!a.is_const) return Unsupported(c, op, "the axis must be a constant tensor");
  if (a.type != T::kInt32) return Unsupported(c, op, "the axis must be int32");
  if (a.rank > 1) return Fail(c, op, "the axis must be a scalar or a 1-element vector");
  *axis = ConstI32(c, a, 0);
  return Status::kOk;
}

// Product of dims [from, to) of d.
uint32_t DimProduct(const TensorDesc& d, int from, int to) {
  uint32_t n = 1;
  for (int i = from; i < to; ++i) n *= static_cast<uint32_t>(d.dims[i]);
  return n;
}

// Copies `n` uint32 values into freshly reserved arena memory; returns its offset (kNoLoc when
// the arena is too small, reported by Load afterwards).
uint32_t StoreSizes(LoadCtx& c, const uint32_t* sizes, int n) {
  const uint32_t at = c.Alloc(4u * static_cast<uint32_t>(n));
  if (at != kNoLoc) std::memcpy(c.s->arena + at, sizes, 4u * static_cast<uint32_t>(n));
  return at;
}

// ---- RESHAPE, SQUEEZE, EXPAND_DIMS: a copy of the bytes ----
Status StoreCopy(LoadCtx& c, int op, const TensorDesc& in) {
  return c.Store(op, CopyParams{in.bytes}, EvalUnaryT<CopyParams, void, void, CopyBytes>);
}

// The new shape is the output tensor's (TFLite Micro reads neither the shape input nor
// ReshapeOptions.new_shape); any type.
Status PrepareReshape(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 1, 2, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type) return UnsupportedTypes(c, op, "the input's type for the output");
  if (in.count != out.count) return Fail(c, op, "input and output element counts differ");
  return StoreCopy(c, op, in);
}

// SqueezeOptions.squeeze_dims (none: every dim of size 1); any type.
Status PrepareSqueeze(LoadCtx& c, int op, fb::Table& op_table) {
  Status st = Counts(c, op, 1, 1, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  fb::Table o;
  if (st == Status::kOk) st = OptionsTable(c, op, kOptSqueeze, &o, &op_table);
  if (st != Status::kOk) return st;
  if (in.type != out.type) return UnsupportedTypes(c, op, "the input's type for the output");
  if (in.bytes != out.bytes) return Fail(c, op, "input and output sizes differ");
  bool bad = false;
  const fb::Vector dims = o.valid() ? o.Vec(0, 4, &bad) : fb::Vector();
  if (bad) return Fail(c, op, "malformed options");
  bool squeeze[kMaxDims] = {};
  const uint32_t n = dims.valid() ? dims.size() : 0;
  if (n == 0) {
    for (int i = 0; i < in.rank; ++i) squeeze[i] = in.dims[i] == 1;
  }
  for (uint32_t k = 0; k < n; ++k) {
    int d;
    if (!NormalizeAxis(dims.I32(k), in.rank, &d) || in.dims[d] != 1)
      return Fail(c, op, "squeeze_dims names a dimension that is not of size 1");
    squeeze[d] = true;
  }
  for (int i = 0, o_i = 0; i < in.rank; ++i) {
    if (squeeze[i]) continue;
    if (o_i >= out.rank || out.dims[o_i++] < in.dims[i]) return Fail(c, op, "output shape does not match");
  }
  return StoreCopy(c, op, in);
}

// Axis: a constant int32 in [-rank - 1, rank]; int8, int16 or float32 (TFLite Micro's list).
Status PrepareExpandDims(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 2, 2, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !OneOf(in.type, {T::kInt8, T::kInt16, T::kFloat32}))
    return UnsupportedTypes(c, op, "int8, int16 or float32, the output of the input's type");
  int32_t axis;
  if ((st = ConstAxis(c, op, 1, &axis)) != Status::kOk) return st;
  int a;
  if (!NormalizeAxis(axis, in.rank + 1, &a)) return Fail(c, op, "axis out of range");
  if (out.rank != in.rank + 1) return Fail(c, op, "output rank is not the input's plus one");
  for (int i = 0; i < out.rank; ++i) {
    const int32_t want = i < a ? in.dims[i] : (i == a ? 1 : in.dims[i - 1]);
    if (out.dims[i] != want) return Fail(c, op, "output shape does not match");
  }
  return StoreCopy(c, op, in);
}

// ---- CONCATENATION, PACK ----
struct ConcatOp {
  ConcatParams p;
  int32_t count;
  uint32_t sizes;  // arena offset of uint32 axis sizes per input; kNoLoc: all p.uniform_axis
};

Status EvalConcat(const EngineState& s, const OpRec& r) {
  const ConcatOp& k = *s.Params<ConcatOp>(r);
  const uint8_t* inputs[kMaxOpInputs];
  for (int i = 0; i < k.count; ++i) inputs[i] = s.In(r, i);
  const uint32_t* sizes = k.sizes == kNoLoc ? nullptr : reinterpret_cast<const uint32_t*>(s.arena + k.sizes);
  return Concat(k.p, k.count, inputs, sizes, s.Out(r, 0));
}

// TFLite Micro: every input of the output's type (float32, int8, int16, int32, int64, bool), no
// fused activation; int8 inputs quantized exactly as the output (no requantization), int16 zero
// points 0. Up to kMaxOpInputs inputs (TFLite Micro stops at 10).
Status PrepareConcat(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& r = c.rec(op);
  fb::Table o;
  int act;
  // ConcatenationOptions: axis 0, fused activation 1.
  Status st = Counts(c, op, 1, kMaxOpInputs, 1, 1);
  if (st == Status::kOk) st = ActivationOptions(c, op, op_table, kOptConcatenation, /*act_field=*/1, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t axis_opt = o.valid() ? o.I32(0, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  if (act != 0) return Unsupported(c, op, "a fused activation is not supported");
  TensorDesc out;
  if ((st = Output(c, op, 0, &out)) != Status::kOk) return st;
  const char* kTypes = "float32, int8, int16, int32, int64 or bool, inputs of the output's type";
  if (!OneOf(out.type, {T::kFloat32, T::kInt8, T::kInt16, T::kInt32, T::kInt64, T::kBool}))
    return UnsupportedTypes(c, op, kTypes);
  if (out.type == T::kInt16 && ZeroPoint64(out) != 0) return Unsupported(c, op, "int16 zero points must be 0");
  int axis;
  if (!NormalizeAxis(axis_opt, out.rank, &axis)) return Fail(c, op, "axis out of range");
  uint32_t sizes[kMaxOpInputs];
  int64_t sum = 0;
  for (int i = 0; i < r.n_in; ++i) {
    TensorDesc in;
    if ((st = Input(c, op, i, &in)) != Status::kOk) return st;
    if (in.type != out.type) return UnsupportedTypes(c, op, kTypes);
    if (in.type == T::kInt8 && !SameQuantization(in, out))
      return Unsupported(c, op, "int8 inputs must have the output's scale and zero point");
    if (in.type == T::kInt16 && ZeroPoint64(in) != 0) return Unsupported(c, op, "int16 zero points must be 0");
    if (in.rank != out.rank) return Fail(c, op, "input and output ranks differ");
    for (int d = 0; d < out.rank; ++d)
      if (d != axis && in.dims[d] != out.dims[d]) return Fail(c, op, "input shapes do not match");
    sizes[i] = static_cast<uint32_t>(in.dims[axis]);
    sum += in.dims[axis];
  }
  if (sum != out.dims[axis]) return Fail(c, op, "axis sizes do not add up");
  ConcatOp k{};
  k.count = r.n_in;
  k.p.outer = DimProduct(out, 0, axis);
  k.p.inner_bytes = DimProduct(out, axis + 1, out.rank) * ElementBytes(out.type);
  k.p.uniform_axis = 1;
  k.sizes = StoreSizes(c, sizes, r.n_in);  // kNoLoc: Load reports the arena shortfall
  return c.Store(op, k, EvalConcat);
}

// PackOptions: values_count 0 (must be the number of inputs), axis 1 (of the output). Inputs of
// one shape; float32, int8, int16, int32 or int64.
Status PreparePack(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& r = c.rec(op);
  fb::Table o;
  Status st = Counts(c, op, 1, kMaxOpInputs, 1, 1);
  if (st == Status::kOk) st = OptionsTable(c, op, kOptPack, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t values_count = o.valid() ? o.I32(0, 0, &bad) : 0;
  const int32_t axis_opt = o.valid() ? o.I32(1, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  if (values_count != r.n_in) return Fail(c, op, "values_count is not the number of inputs");
  TensorDesc in0, out;
  if ((st = Operands(c, op, &in0, nullptr, &out)) != Status::kOk) return st;
  if (in0.type != out.type || !OneOf(out.type, {T::kFloat32, T::kInt8, T::kInt16, T::kInt32, T::kInt64}))
    return UnsupportedTypes(c, op, "float32, int8, int16, int32 or int64, inputs of the output's type");
  int axis;
  if (!NormalizeAxis(axis_opt, out.rank, &axis)) return Fail(c, op, "axis out of range");
  if (out.rank != in0.rank + 1) return Fail(c, op, "output rank is not the input's plus one");
  for (int d = 0; d < out.rank; ++d) {
    const int32_t want = d < axis ? in0.dims[d] : (d == axis ? r.n_in : in0.dims[d - 1]);
    if (out.dims[d] != want) return Fail(c, op, "output shape does not match");
  }
  for (int i = 1; i < r.n_in; ++i) {
    TensorDesc in;
    if ((st = Input(c, op, i, &in)) != Status::kOk) return st;
    if (in.type != out.type)
      return UnsupportedTypes(c, op, "float32, int8, int16, int32 or int64, inputs of the output's type");
    if (!SameShape(in, in0)) return Fail(c, op, "input shapes differ");
  }
  ConcatOp k{};
  k.count = r.n_in;
  k.p.outer = DimProduct(out, 0, axis);
  k.p.inner_bytes = DimProduct(out, axis + 1, out.rank) * ElementBytes(out.type);
  k.p.uniform_axis = 1;
  k.sizes = kNoLoc;
  return c.Store(op, k, EvalConcat);
}

// ---- SPLIT, SPLIT_V, UNPACK ----
struct SplitOp {
  SplitParams p;
  int32_t count;
  int32_t input;   // which input holds the data
  uint32_t sizes;  // arena offset of uint32 axis sizes per output; kNoLoc: all p.uniform_axis
};

Status EvalSplit(const EngineState& s, const OpRec& r) {
  const SplitOp& k = *s.Params<SplitOp>(r);
  uint8_t* outputs[kMaxOpOutputs];
  for (int i = 0; i < k.count; ++i) outputs[i] = s.Out(r, i);
  const uint32_t* sizes = k.sizes == kNoLoc ? nullptr : reinterpret_cast<const uint32_t*>(s.arena + k.sizes);
  return Split(k.p, k.count, s.In(r, k.input), sizes, outputs);
}

// Checks the outputs against the input split along `axis` (each output's dims are the input's
// except along the axis, where they add up to the input's); `equal`: every output the same size.
Status CheckSplitOutputs(LoadCtx& c, int op, const TensorDesc& in, int axis, bool equal, uint32_t* sizes) {
  const OpRec& r = c.rec(op);
  int64_t sum = 0;
  for (int i = 0; i < r.n_out; ++i) {
    TensorDesc out;
    const Status st = Output(c, op, i, &out);
    if (st != Status::kOk) return st;
    if (out.type != in.type) return UnsupportedTypes(c, op, "float32, int8, int16 or int32, outputs of the input's type");
    if (out.rank != in.rank) return Fail(c, op, "input and output ranks differ");
    for (int d = 0; d < in.rank; ++d)
      if (d != axis && out.dims[d] != in.dims[d]) return Fail(c, op, "output shapes do not match the input");
    sizes[i] = static_cast<uint32_t>(out.dims[axis]);
    if (equal && sizes[i] != sizes[0]) return Fail(c, op, "outputs differ in size");
    sum += out.dims[axis];
  }
  if (sum != in.dims[axis]) return Fail(c, op, "output sizes along the axis do not add up to the input's");
  return Status::kOk;
}

bool SplitType(TensorType t) { return OneOf(t, {T::kFloat32, T::kInt8, T::kInt16, T::kInt32}); }

// Inputs: the axis (constant int32) then the data. SplitOptions.num_splits is not read (the
// outputs say it, as in TFLite Micro).
Status PrepareSplit(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  Status st = Counts(c, op, 2, 2, 1, kMaxOpOutputs);
  TensorDesc in;
  if (st == Status::kOk) st = Input(c, op, 1, &in);
  if (st != Status::kOk) return st;
  if (!SplitType(in.type)) return UnsupportedTypes(c, op, "float32, int8, int16 or int32, outputs of the input's type");
  int32_t axis_value;
  if ((st = ConstAxis(c, op, 0, &axis_value)) != Status::kOk) return st;
  int axis;
  if (!NormalizeAxis(axis_value, in.rank, &axis)) return Fail(c, op, "axis out of range");
  uint32_t sizes[kMaxOpOutputs];
  if ((st = CheckSplitOutputs(c, op, in, axis, /*equal=*/true, sizes)) != Status::kOk) return st;
  SplitOp k{};
  k.count = r.n_out;
  k.input = 1;
  k.p.outer = DimProduct(in, 0, axis);
  k.p.inner_bytes = DimProduct(in, axis + 1, in.rank) * ElementBytes(in.type);
  k.p.uniform_axis = sizes[0];
  k.sizes = kNoLoc;
  return c.Store(op, k, EvalSplit);
}

// Inputs: the data, size_splits, the axis (constant int32). The outputs' shapes decide the split
// (TFLite Micro does not read size_splits); a constant size_splits must agree with them, one
// entry possibly -1.
Status PrepareSplitV(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  Status st = Counts(c, op, 3, 3, 1, kMaxOpOutputs);
  TensorDesc in, splits;
  if (st == Status::kOk) st = Input(c, op, 0, &in);
  if (st == Status::kOk) st = Input(c, op, 1, &splits);
  if (st != Status::kOk) return st;
  if (!SplitType(in.type)) return UnsupportedTypes(c, op, "float32, int8, int16 or int32, outputs of the input's type");
  int32_t axis_value;
  if ((st = ConstAxis(c, op, 2, &axis_value)) != Status::kOk) return st;
  int axis;
  if (!NormalizeAxis(axis_value, in.rank, &axis)) return Fail(c, op, "axis out of range");
  uint32_t sizes[kMaxOpOutputs];
  if ((st = CheckSplitOutputs(c, op, in, axis, /*equal=*/false, sizes)) != Status::kOk) return st;
  if (splits.is_const) {
    int unknown = 0;
    bool ok = splits.count == static_cast<uint32_t>(r.n_out);
    for (uint32_t i = 0; ok && i < splits.count; ++i) {
      int64_t v;
      ok = ConstInt(c, splits, i, &v) && (v == sizes[i] || (v == -1 && ++unknown == 1));
    }
    if (!ok) return Fail(c, op, "size_splits does not match the outputs");
  }
  SplitOp k{};
  k.count = r.n_out;
  k.input = 0;
  k.p.outer = DimProduct(in, 0, axis);
  k.p.inner_bytes = DimProduct(in, axis + 1, in.rank) * ElementBytes(in.type);
  k.p.uniform_axis = 0;
  k.sizes = StoreSizes(c, sizes, r.n_out);  // kNoLoc: Load reports the arena shortfall
  return c.Store(op, k, EvalSplit);
}

// UnpackOptions: num 0 (must be the number of outputs), axis 1 (of the input). float32, int8,
// int16 or int32.
Status PrepareUnpack(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& r = c.rec(op);
  fb::Table o;
  Status st = Counts(c, op, 1, 1, 1, kMaxOpOutputs);
  if (st == Status::kOk) st = OptionsTable(c, op, kOptUnpack, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t num = o.valid() ? o.I32(0, 0, &bad) : 0;
  const int32_t axis_opt = o.valid() ? o.I32(1, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  if (num != r.n_out) return Fail(c, op, "num is not the number of outputs");
  TensorDesc in;
  if ((st = Input(c, op, 0, &in)) != Status::kOk) return st;
  if (!SplitType(in.type)) return UnsupportedTypes(c, op, "float32, int8, int16 or int32, outputs of the input's type");
  int axis;
  if (!NormalizeAxis(axis_opt, in.rank, &axis)) return Fail(c, op, "axis out of range");
  if (in.dims[axis] != r.n_out) return Fail(c, op, "the axis size is not the number of outputs");
  for (int i = 0; i < r.n_out; ++i) {
    TensorDesc out;
    if ((st = Output(c, op, i, &out)) != Status::kOk) return st;
    if (out.type != in.type)
      return UnsupportedTypes(c, op, "float32, int8, int16 or int32, outputs of the input's type");
    if (out.rank != in.rank - 1) return Fail(c, op, "output rank is not the input's minus one");
    for (int d = 0; d < out.rank; ++d)
      if (out.dims[d] != in.dims[d < axis ? d : d + 1]) return Fail(c, op, "output shape does not match");
  }
  SplitOp k{};
  k.count = r.n_out;
  k.input = 0;
  k.p.outer = DimProduct(in, 0, axis);
  k.p.inner_bytes = DimProduct(in, axis + 1, in.rank) * ElementBytes(in.type);
  k.p.uniform_axis = 1;
  k.sizes = kNoLoc;
  return c.Store(op, k, EvalSplit);
}

// ---- PAD, PADV2 ----
struct PadOp {
  ConstantPadParams p;
  uint8_t value[8];     // the border element, unless from_input
  int32_t from_input;   // 1: the border is input 2's element (read at Invoke: it may be computed)
};

Status EvalPad(const EngineState& s, const OpRec& r) {
  const PadOp& k = *s.Params<PadOp>(r);
  return ConstantPad(k.p, s.In(r, 0), k.from_input != 0 ? s.In(r, 2) : k.value, s.Out(r, 0));
}

// Paddings: a constant int32 tensor of 2 x rank non-negative values (rank <= 5). The border: the
// constant_values input (PADV2; a scalar of the input's type, for int8 quantized as the output),
// else the output zero point for int8 and 0 for int16, int32 and float32. Input and output
// quantization are not compared (TFLite Micro copies the bytes).
Status PreparePad(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  Status st = Counts(c, op, 2, 3, 1, 1);
  TensorDesc in, pads, out;
  if (st == Status::kOk) st = Operands(c, op, &in, &pads, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !OneOf(in.type, {T::kInt8, T::kInt16, T::kInt32, T::kFloat32}))
    return UnsupportedTypes(c, op, "int8, int16, int32 or float32, the output of the input's type");
  if (in.rank != out.rank) return Fail(c, op, "input and output ranks differ");
  if (!pads.is_const) return Unsupported(c, op, "the paddings must be a constant tensor");
  if (pads.type != T::kInt32) return Unsupported(c, op, "the paddings must be int32");
  if (pads.count != static_cast<uint32_t>(2 * out.rank)) return Fail(c, op, "paddings are not [rank, 2]");
  PadOp k{};
  k.p.elem_bytes = ElementBytes(in.type);
  for (int i = 0; i < 5; ++i) k.p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) {
    const int d = 5 - in.rank + i;
    k.p.in_dims[d] = in.dims[i];
    k.p.before[d] = ConstI32(c, pads, 2 * i);
    k.p.after[d] = ConstI32(c, pads, 2 * i + 1);
    if (k.p.before[d] < 0 || k.p.after[d] < 0 ||
        static_cast<int64_t>(k.p.before[d]) + in.dims[i] + k.p.after[d] != out.dims[i])
      return Fail(c, op, "paddings do not match the output shape");
  }
  if (r.n_in == 3 && HasInput(c, op, 2)) {
    TensorDesc value;
    if ((st = Input(c, op, 2, &value)) != Status::kOk) return st;
    if (value.type != in.type) return UnsupportedTypes(c, op, "a constant value of the input's type");
    if (value.count != 1) return Fail(c, op, "the constant value is not a scalar");
    if (in.type == T::kInt8 && !SameQuantization(value, out))
      return Unsupported(c, op, "the int8 constant value must have the output's scale and zero point");
    k.from_input = 1;
  } else if (in.type == T::kInt8) {
    const int64_t zp = ZeroPoint64(out);
    if (zp < -128 || zp > 127) return BadQuantization(c, op, out);
    k.value[0] = static_cast<uint8_t>(static_cast<int8_t>(zp));
  }
  return c.Store(op, k, EvalPad);
}

// ---- MIRROR_PAD ----
// MirrorPadOptions.mode: REFLECT (0) or SYMMETRIC (1). As in TFLite Micro, a missing options table
// (or an unknown mode) mirrors SYMMETRIC, a table without the field REFLECT (the schema default).
// Paddings: constant int32 or int64 [rank, 2], each at most the dim (REFLECT: the dim - 1).
// int8 or float32.
Status PrepareMirrorPad(LoadCtx& c, int op, fb::Table& op_table) {
  Status st = Counts(c, op, 2, 2, 1, 1);
  TensorDesc in, pads, out;
  fb::Table o;
  if (st == Status::kOk) st = Operands(c, op, &in, &pads, &out);
  if (st == Status::kOk) st = OptionsTable(c, op, kOptMirrorPad, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int mode = o.valid() ? o.U8(0, 0, &bad) : -1;
  if (bad) return Fail(c, op, "malformed options");
  if (in.type != out.type || !OneOf(in.type, {T::kInt8, T::kFloat32}))
    return UnsupportedTypes(c, op, "int8 or float32, the output of the input's type");
  if (in.rank != out.rank) return Fail(c, op, "input and output ranks differ");
  if (!pads.is_const) return Unsupported(c, op, "the paddings must be a constant tensor");
  if (pads.type != T::kInt32 && pads.type != T::kInt64) return Unsupported(c, op, "the paddings must be int32 or int64");
  if (pads.rank != 2 || pads.dims[0] != in.rank || pads.dims[1] != 2) return Fail(c, op, "paddings are not [rank, 2]");
  MirrorPadParams p{};
  p.offset = mode == 0 ? 1 : 0;
  p.elem_bytes = ElementBytes(in.type);
  for (int i = 0; i < 5; ++i) p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) {
    const int d = 5 - in.rank + i;
    int64_t before, after;
    ConstInt(c, pads, 2 * i, &before);
    ConstInt(c, pads, 2 * i + 1, &after);
    const int64_t limit = in.dims[i] - p.offset;
    if (before < 0 || after < 0 || before > limit || after > limit)
      return Fail(c, op, "a padding is larger than the mirror mode allows");
    if (before + in.dims[i] + after != out.dims[i]) return Fail(c, op, "paddings do not match the output shape");
    p.in_dims[d] = in.dims[i];
    p.before[d] = static_cast<int32_t>(before);
    p.after[d] = static_cast<int32_t>(after);
  }
  return c.Store(op, p, EvalUnaryT<MirrorPadParams, void, void, MirrorPad>);
}

// ---- BROADCAST_TO ----
// Shape: a constant int32 or int64 vector, the output's dims; input dims right-aligned, each 1 or
// the output's. Any type.
Status PrepareBroadcastTo(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 2, 2, 1, 1);
  TensorDesc in, shape, out;
  if (st == Status::kOk) st = Operands(c, op, &in, &shape, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type) return UnsupportedTypes(c, op, "the input's type for the output");
  if (!shape.is_const) return Unsupported(c, op, "the shape must be a constant tensor");
  if (shape.type != T::kInt32 && shape.type != T::kInt64) return Unsupported(c, op, "the shape must be int32 or int64");
  if (shape.rank != 1 || shape.dims[0] != out.rank) return Fail(c, op, "the shape does not have the output's rank");
  if (in.rank > out.rank) return Fail(c, op, "the input has more dimensions than the output");
  for (int i = 0; i < out.rank; ++i) {
    int64_t v;
    ConstInt(c, shape, static_cast<uint32_t>(i), &v);
    if (v != out.dims[i]) return Fail(c, op, "the shape is not the output's");
  }
  BroadcastToParams p{};
  p.elem_bytes = ElementBytes(in.type);
  int32_t step = 1;
  for (int d = 4; d >= 0; --d) {
    const int k = d - (5 - out.rank);  // output dim
    const int j = d - (5 - in.rank);   // input dim
    p.out_dims[d] = k >= 0 ? out.dims[k] : 1;
    const int32_t in_dim = j >= 0 ? in.dims[j] : 1;
    if (in_dim != 1 && in_dim != p.out_dims[d]) return Fail(c, op, "the input does not broadcast to the output");
    p.in_step[d] = in_dim == 1 ? 0 : step;
    step *= in_dim;
  }
  return c.Store(op, p, EvalUnaryT<BroadcastToParams, void, void, BroadcastTo>);
}

// ---- SHAPE ----
// The output: int32 (TFLite Micro's only type) or int64, one element per input dim.
Status PrepareShape(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 1, 1, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (out.type != T::kInt32 && out.type != T::kInt64) return UnsupportedTypes(c, op, "an int32 or int64 output");
  if (out.count != static_cast<uint32_t>(in.rank)) return Fail(c, op, "the output does not hold one value per input dim");
  ShapeParams p{};
  p.rank = in.rank;
  for (int i = 0; i < in.rank; ++i) p.dims[i] = in.dims[i];
  p.elem_bytes = ElementBytes(out.type);
  return c.Store(op, p, EvalUnaryT<ShapeParams, void, void, Shape>);
}

// ---- FILL, ZEROS_LIKE ----
Status EvalFill(const EngineState& s, const OpRec& r) {
  return Fill(*s.Params<FillParams>(r), s.In(r, 1), nullptr, s.Out(r, 0));
}
Status EvalZerosLike(const EngineState& s, const OpRec& r) {
  return Fill(*s.Params<FillParams>(r), nullptr, nullptr, s.Out(r, 0));
}

// Inputs: dims (a constant integer vector equal to the output's dims) and a scalar value of the
// output's type (read at Invoke), float32, int32 or int8 (copied as is: no requantization).
Status PrepareFill(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 2, 2, 1, 1);
  TensorDesc dims, value, out;
  if (st == Status::kOk) st = Operands(c, op, &dims, &value, &out);
  if (st != Status::kOk) return st;
  if (value.type != out.type || !OneOf(out.type, {T::kFloat32, T::kInt32, T::kInt8}))
    return UnsupportedTypes(c, op, "float32, int32 or int8, a value of the output's type");
  if (value.rank != 0) return Fail(c, op, "the value is not a scalar");
  if (!dims.is_const) return Unsupported(c, op, "the dims must be a constant tensor");
  if (!OneOf(dims.type, {T::kInt8, T::kInt16, T::kInt32, T::kInt64}))
    return Unsupported(c, op, "the dims must be int8, int16, int32 or int64");
  if (dims.rank != 1 || dims.dims[0] != out.rank) return Fail(c, op, "the dims do not have the output's rank");
  for (int i = 0; i < out.rank; ++i) {
    int64_t v;
    ConstInt(c, dims, static_cast<uint32_t>(i), &v);
    if (v != out.dims[i]) return Fail(c, op, "the dims are not the output's");
  }
  return c.Store(op, FillParams{out.count, ElementBytes(out.type)}, EvalFill);
}

// A literal 0 of the type (for int8 not the zero point, as TFLite Micro); int64, int32, int8 or
// float32.
Status PrepareZerosLike(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 1, 1, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !OneOf(in.type, {T::kInt64, T::kInt32, T::kInt8, T::kFloat32}))
    return UnsupportedTypes(c, op, "int64, int32, int8 or float32, the output of the input's type");
  if (in.count != out.count) return Fail(c, op, "input and output element counts differ");
  return c.Store(op, FillParams{out.count, ElementBytes(out.type)}, EvalZerosLike);
}

// ---- CAST ----
// CastOptions are not read (the tensor types decide, as in TFLite Micro).
Status PrepareCast(LoadCtx& c, int op, fb::Table&) {
  Status st = Counts(c, op, 1, 1, 1, 1);
  TensorDesc in, out;
  if (st == Status::kOk) st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (!CastSupported(in.type, out.type))
    return UnsupportedTypes(c, op, "int8, int16, int32, float32 or bool to int8, int16, int32 or float32");
  if (in.count != out.count) return Fail(c, op, "input and output element counts differ");
  return c.Store(op, CastParams{in.count, in.type, out.type}, EvalUnaryT<CastParams, void, void, Cast>);
}

const OpRegistration kOps[] = {
    {kReshape, PrepareReshape},
    {kSqueeze, PrepareSqueeze},
    {kExpandDims, PrepareExpandDims},
    {kConcatenation, PrepareConcat},
    {kPack, PreparePack},
    {kUnpack, PrepareUnpack},
    {kSplit, PrepareSplit},
    {kSplitV, PrepareSplitV},
    {kPad, PreparePad},
    {kPadv2, PreparePad},
    {kMirrorPad, PrepareMirrorPad},
    {kBroadcastTo, PrepareBroadcastTo},
    {kShape, PrepareShape},
    {kFill, PrepareFill},
    {kZerosLike, PrepareZerosLike},
    {kCast, PrepareCast},
};

}  // namespace

HIL_OP_FAMILY(kShapeFamily, kOps);

}  // namespace hil::agent::engine
