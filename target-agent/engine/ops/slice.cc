// Slicing and indexing: STRIDED_SLICE, SLICE, DYNAMIC_UPDATE_SLICE, REVERSE_V2, GATHER, GATHER_ND, EMBEDDING_LOOKUP.
// All of them move elements without arithmetic, so one kernel serves every element size; the
// quantization of the moved tensors is not looked at (TFLite Micro copies the raw values too).
#include "kernels/dynamic_update_slice.h"
#include "kernels/embedding_lookup.h"
#include "kernels/gather.h"
#include "kernels/gather_nd.h"
#include "kernels/strided_copy.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// Sets of tensor types as bit masks over the schema's type numbers.
constexpr uint32_t Bit(TensorType t) { return 1u << static_cast<uint32_t>(t); }
constexpr uint32_t kF32 = Bit(TensorType::kFloat32), kI32 = Bit(TensorType::kInt32), kU8 = Bit(TensorType::kUint8),
                   kI64 = Bit(TensorType::kInt64), kBool = Bit(TensorType::kBool), kI16 = Bit(TensorType::kInt16),
                   kI8 = Bit(TensorType::kInt8);
bool TypeIn(const TensorDesc& d, uint32_t set) { return (Bit(d.type) & set) != 0; }

const uint8_t* ConstData(const LoadCtx& c, const TensorDesc& d) { return c.s->blob.data + d.data_pos; }

// A 1-D int32 (or, where `int64_ok`, int64) tensor of `n` elements: begin/end/size/axis vectors.
bool IndexVector(const TensorDesc& d, int32_t n, bool int64_ok) {
  const bool type_ok = d.type == TensorType::kInt32 || (int64_ok && d.type == TensorType::kInt64);
  return type_ok && d.rank == 1 && d.dims[0] == n;
}

// Places a tensor of `rank` dims in the last dims of a 6-D copy (dense steps) for the output side.
void DenseOutput(const int32_t* dims, int rank, StridedCopyParams* p) {
  const int pad = kCopyDims - rank;
  for (int d = 0; d < rank; ++d) p->dims[pad + d] = dims[d];
  DenseSteps(dims, rank, p->out_step + pad);
}

Status EvalStridedCopy(const EngineState& s, const OpRec& r) {
  return StridedCopy(*s.Params<StridedCopyParams>(r), s.In(r, 0), s.Out(r, 0));
}

// ---- STRIDED_SLICE ----
// As TFLite Micro: begin/end/strides constant int32, one element per input dimension; begin_mask,
// end_mask and shrink_axis_mask apply; ellipsis_mask, new_axis_mask and offset are ignored (TFLite
// Micro builds its parameters without them), the output shape check then refuses what they change.
Status PrepareStridedSlice(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 4 || r.n_out != 1) return Fail(c, op, "needs 4 inputs and 1 output");
  TensorDesc in, begin, end, strides, out;
  Status st = Operands(c, op, &in, nullptr, &out);
  if (st == Status::kOk) st = Input(c, op, 1, &begin);
  if (st == Status::kOk) st = Input(c, op, 2, &end);
  if (st == Status::kOk) st = Input(c, op, 3, &strides);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !TypeIn(in, kI8 | kI16 | kI32 | kF32 | kBool))
    return UnsupportedTypes(c, op, "int8, int16, int32, float32 or bool data, the output's type the input's");
  if (in.rank < 1) return Fail(c, op, "input has no dimensions");
  if (!IndexVector(begin, in.rank, false) || !IndexVector(end, in.rank, false) ||
      !IndexVector(strides, in.rank, false) || !begin.is_const || !end.is_const || !strides.is_const)
    return Unsupported(c, op, "begin, end and strides must be constant int32 vectors of the input's rank");
  fb::Table o;
  if ((st = OptionsTable(c, op, kOptStridedSlice, &o, &op_table)) != Status::kOk) return st;
  bool bad = false;
  // StridedSliceOptions: begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4,
  const uint32_t begin_mask = static_cast<uint32_t>(o.I32(0, 0, &bad));
  const uint32_t end_mask = static_cast<uint32_t>(o.I32(1, 0, &bad));
  const int32_t ellipsis_mask = o.I32(2, 0, &bad);
  const int32_t new_axis_mask = o.I32(3, 0, &bad);
  const uint32_t shrink_mask = static_cast<uint32_t>(o.I32(4, 0, &bad));
  const bool offset = o.U8(5, 0, &bad) != 0;  // offset 5
  if (bad) return Fail(c, op, "malformed options");

  StridedCopyParams p;
  p.elem_bytes = ElementBytes(in.type);
  const int pad = kCopyDims - in.rank;
  int32_t in_steps[kMaxDims];
  DenseSteps(in.dims, in.rank, in_steps);
  int32_t counts[kMaxDims];
  int32_t out_dims[kMaxDims];
  int out_rank = 0;
  int64_t base = 0;
  for (int d = 0; d < in.rank; ++d) {
    const int64_t size = in.dims[d];
    const int64_t stride = ConstI32(c, strides, d);
    if (stride == 0) return Fail(c, op, "a stride is 0");
    const bool shrink = (shrink_mask >> d) & 1u;
    // The first index: negative counts from the end, clamped to [0, size] going forwards and to
    // [-1, size-1] going backwards; begin_mask starts at the first element in the stride's direction.
    int64_t start = ConstI32(c, begin, d);
    if (start < 0) start += size;
    start = stride > 0 ? (start < 0 ? 0 : (start > size ? size : start))
                       : (start < -1 ? -1 : (start > size - 1 ? size - 1 : start));
    if ((begin_mask >> d) & 1u) start = stride > 0 ? 0 : size - 1;
    int64_t count;
    if (shrink) {
      // One element, at start. TFLite Micro copies nothing for a shrunk axis whose start is past the
      // end or whose stride is negative (TensorFlow requires a positive one there).
      if (stride < 0) return Fail(c, op, "a shrunk axis has a negative stride");
      if (start >= size) return Fail(c, op, "a shrunk axis begins past its end");
      count = 1;
    } else {
      int64_t stop = ConstI32(c, end, d);
      if (stop < 0) stop += size;
      stop = stride > 0 ? (stop < 0 ? 0 : (stop > size ? size : stop))
                        : (stop < -1 ? -1 : (stop > size - 1 ? size - 1 : stop));
      if ((end_mask >> d) & 1u) stop = stride > 0 ? size : -1;
      if (stride > 0)
        count = stop > start ? (stop - start + stride - 1) / stride : 0;
      else
        count = start > stop ? (start - stop - stride - 1) / -stride : 0;
      if (out_rank >= kMaxDims) return Fail(c, op, "output shape does not match the slice");
      out_dims[out_rank++] = static_cast<int32_t>(count);
    }
    counts[d] = static_cast<int32_t>(count);
    if (count > 0) base += start * in_steps[d];  // start is a valid index when anything is copied
    p.dims[pad + d] = counts[d];
    p.in_step[pad + d] = count > 1 ? static_cast<int32_t>(stride * in_steps[d]) : 0;
  }
  bool match = out_rank == out.rank;
  for (int d = 0; match && d < out_rank; ++d) match = out_dims[d] == out.dims[d];
  if (!match) {
    if (ellipsis_mask != 0 || new_axis_mask != 0 || offset)
      return Unsupported(c, op,
                         "ellipsis_mask, new_axis_mask and offset are not supported (TFLite Micro ignores them)");
    return Fail(c, op, "output shape does not match the slice");
  }
  p.in_base = static_cast<int32_t>(base);
  DenseSteps(counts, in.rank, p.out_step + pad);
  SimplifyStridedCopy(&p);
  return c.Store(op, p, EvalStridedCopy);
}

// ---- SLICE ----
// begin and size (int32 or int64, one element per input dimension; size -1 = to the end) may be
// computed at run time: then they are checked at every Invoke.
struct SliceOp {
  int32_t rank;
  int32_t in_dims[kMaxDims];
  int32_t out_dims[kMaxDims];
  uint32_t elem_bytes;
  uint32_t index_bytes;
  bool constant;  // begin and size are constant: `copy` is ready
  StridedCopyParams copy;
};

// The copy of SLICE for begin/size values, or false when they do not describe the output's slice.
bool BuildSlice(const SliceOp& k, const void* begin, const void* size, StridedCopyParams* p) {
  *p = StridedCopyParams();
  p->elem_bytes = k.elem_bytes;
  int32_t in_steps[kMaxDims];
  DenseSteps(k.in_dims, k.rank, in_steps);
  int64_t base = 0;
  for (int d = 0; d < k.rank; ++d) {
    const int64_t b = LoadIndex(begin, k.index_bytes, d);
    int64_t n = LoadIndex(size, k.index_bytes, d);
    if (b < 0 || b > k.in_dims[d]) return false;
    if (n == -1) n = k.in_dims[d] - b;
    if (n != k.out_dims[d] || b + n > k.in_dims[d]) return false;
    base += b * in_steps[d];
  }
  p->in_base = static_cast<int32_t>(base);
  const int pad = kCopyDims - k.rank;
  for (int d = 0; d < k.rank; ++d) p->in_step[pad + d] = in_steps[d];
  DenseOutput(k.out_dims, k.rank, p);
  SimplifyStridedCopy(p);
  return true;
}

Status EvalSlice(const EngineState& s, const OpRec& r) {
  const SliceOp& k = *s.Params<SliceOp>(r);
  if (k.constant) return StridedCopy(k.copy, s.In(r, 0), s.Out(r, 0));
  StridedCopyParams p;
  if (!BuildSlice(k, s.In(r, 1), s.In(r, 2), &p)) return Status::kKernelFailed;
  return StridedCopy(p, s.In(r, 0), s.Out(r, 0));
}

Status PrepareSlice(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 3 || r.n_out != 1) return Fail(c, op, "needs 3 inputs and 1 output");
  TensorDesc in, begin, size, out;
  Status st = Operands(c, op, &in, &begin, &out);
  if (st == Status::kOk) st = Input(c, op, 2, &size);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !TypeIn(in, kI8 | kI16 | kI32 | kF32 | kBool))
    return UnsupportedTypes(c, op, "int8, int16, int32, float32 or bool data, the output's type the input's");
  if (in.rank < 1 || out.rank != in.rank) return Fail(c, op, "input and output ranks differ");
  if (!IndexVector(begin, in.rank, true) || begin.type != size.type || !IndexVector(size, in.rank, true))
    return Fail(c, op, "begin and size must be int32 or int64 vectors (one type) of the input's rank");
  SliceOp k{};
  k.rank = in.rank;
  for (int d = 0; d < in.rank; ++d) {
    k.in_dims[d] = in.dims[d];
    k.out_dims[d] = out.dims[d];
  }
  k.elem_bytes = ElementBytes(in.type);
  k.index_bytes = ElementBytes(begin.type);
  k.constant = begin.is_const && size.is_const;
  if (k.constant && !BuildSlice(k, ConstData(c, begin), ConstData(c, size), &k.copy))
    return Fail(c, op, "begin and size do not describe the output's slice of the input");
  return c.Store(op, k, EvalSlice);
}

// ---- DYNAMIC_UPDATE_SLICE ----
struct DynamicUpdateSliceOp {
  DynamicUpdateSliceParams p;
  uint32_t index_bytes;
};

Status EvalDynamicUpdateSlice(const EngineState& s, const OpRec& r) {
  const DynamicUpdateSliceOp& k = *s.Params<DynamicUpdateSliceOp>(r);
  int64_t starts[kMaxDims] = {};
  for (int d = 0; d < k.p.rank; ++d) starts[d] = LoadIndex(s.In(r, 2), k.index_bytes, d);
  return DynamicUpdateSlice(k.p, s.In(r, 0), s.In(r, 1), starts, s.Out(r, 0));
}

Status PrepareDynamicUpdateSlice(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 3 || r.n_out != 1) return Fail(c, op, "needs 3 inputs and 1 output");
  TensorDesc operand, update, indices, out;
  Status st = Operands(c, op, &operand, &update, &out);
  if (st == Status::kOk) st = Input(c, op, 2, &indices);
  if (st != Status::kOk) return st;
  if (operand.type != update.type || operand.type != out.type || !TypeIn(operand, kI8 | kI16 | kI32 | kF32))
    return UnsupportedTypes(c, op, "int8, int16, int32 or float32 operand, update and output of one type");
  if (!IndexVector(indices, operand.rank, true))
    return Fail(c, op, "start indices must be an int32 or int64 vector of the operand's rank");
  if (!SameShape(operand, out) || update.rank != operand.rank) return Fail(c, op, "shapes do not match");
  DynamicUpdateSliceOp k{};
  k.p.elem_bytes = ElementBytes(operand.type);
  k.p.rank = operand.rank;
  for (int d = 0; d < operand.rank; ++d) {
    if (update.dims[d] > operand.dims[d]) return Fail(c, op, "the update is larger than the operand");
    k.p.operand_dims[d] = operand.dims[d];
    k.p.update_dims[d] = update.dims[d];
  }
  k.index_bytes = ElementBytes(indices.type);
  return c.Store(op, k, EvalDynamicUpdateSlice);
}

// ---- REVERSE_V2 ----
// The axes (int32, possibly computed at run time) must be contiguous once sorted, as TFLite Micro
// requires; reversing a contiguous block of axes is one copy with negative steps.
struct ReverseOp {
  int32_t rank;
  int32_t dims[kMaxDims];
  uint32_t elem_bytes;
  int32_t n_axes;
  bool constant;
  StridedCopyParams copy;
};

bool BuildReverse(const ReverseOp& k, const void* axes, StridedCopyParams* p) {
  int32_t lo = kMaxDims, hi = -1;
  bool seen[kMaxDims] = {};
  for (int32_t i = 0; i < k.n_axes; ++i) {
    int64_t a = LoadIndex(axes, 4, i);
    if (a < 0) a += k.rank;
    if (a < 0 || a >= k.rank || seen[a]) return false;
    seen[a] = true;
    if (a < lo) lo = static_cast<int32_t>(a);
    if (a > hi) hi = static_cast<int32_t>(a);
  }
  if (hi - lo + 1 != k.n_axes) return false;  // distinct axes spanning exactly n: contiguous
  *p = StridedCopyParams();
  p->elem_bytes = k.elem_bytes;
  int32_t steps[kMaxDims];
  DenseSteps(k.dims, k.rank, steps);
  const int pad = kCopyDims - k.rank;
  int32_t base = 0;
  for (int d = 0; d < k.rank; ++d) {
    const bool rev = d >= lo && d <= hi;
    p->in_step[pad + d] = rev ? -steps[d] : steps[d];
    if (rev) base += (k.dims[d] - 1) * steps[d];
  }
  p->in_base = base;
  DenseOutput(k.dims, k.rank, p);
  SimplifyStridedCopy(p);
  return true;
}

Status EvalReverse(const EngineState& s, const OpRec& r) {
  const ReverseOp& k = *s.Params<ReverseOp>(r);
  if (k.constant) return StridedCopy(k.copy, s.In(r, 0), s.Out(r, 0));
  StridedCopyParams p;
  if (!BuildReverse(k, s.In(r, 1), &p)) return Status::kKernelFailed;
  return StridedCopy(p, s.In(r, 0), s.Out(r, 0));
}

Status PrepareReverse(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc in, axes, out;
  const Status st = Operands(c, op, &in, &axes, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !TypeIn(in, kI8 | kI16 | kI32 | kF32 | kU8 | kI64 | kBool))
    return UnsupportedTypes(c, op, "int8, int16, int32, int64, uint8, float32 or bool, the output's type the input's");
  if (!SameShape(in, out)) return Fail(c, op, "input and output shapes differ");
  if (axes.type != TensorType::kInt32 || axes.rank != 1 || axes.dims[0] > in.rank)
    return Fail(c, op, "axis must be an int32 vector of at most the input's rank");
  ReverseOp k{};
  k.rank = in.rank;
  for (int d = 0; d < in.rank; ++d) k.dims[d] = in.dims[d];
  k.elem_bytes = ElementBytes(in.type);
  k.n_axes = axes.dims[0];
  k.constant = axes.is_const;
  if (k.constant && !BuildReverse(k, ConstData(c, axes), &k.copy))
    return Unsupported(c, op, "axes must be distinct, in range and contiguous");
  return c.Store(op, k, EvalReverse);
}

// ---- GATHER ----
Status EvalGather(const EngineState& s, const OpRec& r) {
  return Gather(*s.Params<GatherParams>(r), s.In(r, 0), s.In(r, 1), s.Out(r, 0));
}

Status PrepareGather(LoadCtx& c, int op, fb::Table& op_table) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc in, idx, out;
  Status st = Operands(c, op, &in, &idx, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !TypeIn(in, kI8 | kI16 | kI32 | kF32) || !TypeIn(idx, kI32 | kI64))
    return UnsupportedTypes(c, op, "int8, int16, int32 or float32 params and output, int32 or int64 indices");
  fb::Table o;
  if ((st = OptionsTable(c, op, kOptGather, &o, &op_table)) != Status::kOk) return st;
  bool bad = false;
  int32_t axis = o.I32(0, 0, &bad);  // GatherOptions: axis 0, batch_dims 1
  int32_t batch_dims = o.I32(1, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (axis < 0) axis += in.rank;
  if (batch_dims < 0) batch_dims += idx.rank;
  if (axis < 0 || axis >= in.rank) return Fail(c, op, "axis out of range");
  if (batch_dims < 0 || batch_dims > axis || batch_dims >= in.rank || batch_dims > idx.rank)
    return Fail(c, op, "batch_dims out of range");
  GatherParams p;
  p.elem_bytes = ElementBytes(in.type);
  p.index_bytes = ElementBytes(idx.type);
  for (int d = 0; d < batch_dims; ++d) {
    if (in.dims[d] != idx.dims[d]) return Fail(c, op, "batch dimensions of params and indices differ");
    p.batch *= in.dims[d];
  }
  for (int d = batch_dims; d < axis; ++d) p.outer *= in.dims[d];
  p.axis_size = in.dims[axis];
  for (int d = axis + 1; d < in.rank; ++d) p.inner *= in.dims[d];
  for (int d = batch_dims; d < idx.rank; ++d) p.coords *= idx.dims[d];
  // Output shape: params dims before the axis, index dims after the batch dims, params dims after
  // the axis (TFLite Micro writes it into the output tensor; here the element count must agree).
  if (static_cast<int64_t>(p.batch) * p.outer * p.coords * p.inner != out.count)
    return Fail(c, op, "output size does not match params and indices");
  if (idx.is_const) {
    for (uint32_t i = 0; i < idx.count; ++i) {
      const int64_t v = LoadIndex(ConstData(c, idx), p.index_bytes, static_cast<int32_t>(i));
      if (v < 0 || v >= p.axis_size) return Fail(c, op, "an index is out of range");
    }
  }
  return c.Store(op, p, EvalGather);
}

// ---- GATHER_ND ----
Status EvalGatherNd(const EngineState& s, const OpRec& r) {
  return GatherNd(*s.Params<GatherNdParams>(r), s.In(r, 0), s.InI32(r, 1), s.Out(r, 0));
}

Status PrepareGatherNd(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc in, idx, out;
  const Status st = Operands(c, op, &in, &idx, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || !TypeIn(in, kI8 | kI16 | kI32 | kF32) || idx.type != TensorType::kInt32)
    return UnsupportedTypes(c, op, "int8, int16, int32 or float32 params and output, int32 indices");
  if (in.rank < 1 || idx.rank < 1) return Fail(c, op, "params and indices must have at least one dimension");
  GatherNdParams p;
  p.elem_bytes = ElementBytes(in.type);
  p.depth = idx.dims[idx.rank - 1];
  if (p.depth > in.rank) return Fail(c, op, "index depth above the params rank");
  if (p.depth > kGatherNdMaxDepth) return Unsupported(c, op, "index depth above 5");
  for (int d = 0; d < idx.rank - 1; ++d) p.slices *= idx.dims[d];
  for (int d = p.depth; d < in.rank; ++d) p.slice_size *= in.dims[d];
  p.params_count = static_cast<int32_t>(in.count);
  int32_t steps[kMaxDims];
  DenseSteps(in.dims, in.rank, steps);
  for (int d = 0; d < p.depth; ++d) p.dim_step[d] = steps[d];
  if (static_cast<int64_t>(p.slices) * p.slice_size != out.count)
    return Fail(c, op, "output size does not match params and indices");
  if (idx.is_const) {
    for (int32_t i = 0; i < p.slices; ++i) {
      int64_t from = 0;
      for (int32_t j = 0; j < p.depth; ++j)
        from += ConstI32(c, idx, static_cast<uint32_t>(i * p.depth + j)) * int64_t{p.dim_step[j]};
      if (from < 0 || from + p.slice_size > p.params_count) return Fail(c, op, "an index tuple is out of range");
    }
  }
  return c.Store(op, p, EvalGatherNd);
}

// ---- EMBEDDING_LOOKUP ----
Status EvalEmbeddingLookup(const EngineState& s, const OpRec& r) {
  return EmbeddingLookup(*s.Params<EmbeddingLookupParams>(r), s.InI32(r, 0), s.In(r, 1), s.Out(r, 0));
}

Status PrepareEmbeddingLookup(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc ids, value, out;
  const Status st = Operands(c, op, &ids, &value, &out);
  if (st != Status::kOk) return st;
  const bool plain = value.type == out.type && TypeIn(value, kF32 | kI8);
  const bool hybrid = value.type == TensorType::kInt8 && out.type == TensorType::kFloat32;
  if (ids.type != TensorType::kInt32 || !(plain || hybrid))
    return UnsupportedTypes(c, op, "int32 ids; float32 or int8 values, output of the values' type or float32");
  if (ids.rank != 1) return Fail(c, op, "ids must be a vector");
  if (value.rank < 2) return Fail(c, op, "values need at least 2 dimensions");
  EmbeddingLookupParams p;
  p.rows = value.dims[0];
  p.columns = static_cast<int32_t>(value.count / static_cast<uint32_t>(value.dims[0]));
  p.ids = ids.dims[0];
  p.elem_bytes = ElementBytes(value.type);
  p.dequantize = hybrid;
  if (hybrid) {
    if (value.zero_point() != 0) return Unsupported(c, op, "an int8 table read as float32 must have zero point 0");
    p.scale = value.scale();
  }
  if (static_cast<int64_t>(p.ids) * p.columns != out.count)
    return Fail(c, op, "output size does not match ids and values");
  return c.Store(op, p, EvalEmbeddingLookup);
}

const OpRegistration kOps[] = {
    {kStridedSlice, PrepareStridedSlice},
    {kSlice, PrepareSlice},
    {kDynamicUpdateSlice, PrepareDynamicUpdateSlice},
    {kReverseV2, PrepareReverse},
    {kGather, PrepareGather},
    {kGatherNd, PrepareGatherNd},
    {kEmbeddingLookup, PrepareEmbeddingLookup},
};

}  // namespace

HIL_OP_FAMILY(kSliceFamily, kOps);

}  // namespace hil::agent::engine
