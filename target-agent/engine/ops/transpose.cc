// Axis permutations and block moves: TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND.
// Pure data movement for any element size (int8, int16, int32, float32); quantization is not looked
// at (TFLite Micro copies raw values too).
#include "kernels/batch_to_space_nd.h"
#include "kernels/strided_copy.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

constexpr uint32_t Bit(TensorType t) { return 1u << static_cast<uint32_t>(t); }
constexpr uint32_t kMoveTypes =
    Bit(TensorType::kInt8) | Bit(TensorType::kInt16) | Bit(TensorType::kInt32) | Bit(TensorType::kFloat32);
constexpr const char* kMoveTypesText = "int8, int16, int32 or float32, the output's type the input's";

// Input 0 and output 0 of a data-movement operator: one of kMoveTypes, the same type.
Status MoveOperands(LoadCtx& c, int op, int n_in, TensorDesc* in, TensorDesc* out) {
  const OpRec& r = c.rec(op);
  if (r.n_in != n_in || r.n_out != 1) return Fail(c, op, "wrong number of inputs or outputs");
  const Status st = Operands(c, op, in, nullptr, out);
  if (st != Status::kOk) return st;
  if (in->type != out->type || (Bit(in->type) & kMoveTypes) == 0) return UnsupportedTypes(c, op, kMoveTypesText);
  return Status::kOk;
}

Status EvalStridedCopy(const EngineState& s, const OpRec& r) {
  return StridedCopy(*s.Params<StridedCopyParams>(r), s.In(r, 0), s.Out(r, 0));
}

// ---- TRANSPOSE ----
Status PrepareTranspose(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, perm, out;
  Status st = MoveOperands(c, op, 2, &in, &out);
  if (st == Status::kOk) st = Input(c, op, 1, &perm);
  if (st != Status::kOk) return st;
  if (in.rank < 1) return Fail(c, op, "input has no dimensions");
  if (perm.type != TensorType::kInt32 || !perm.is_const || perm.rank != 1 || perm.dims[0] != in.rank)
    return Unsupported(c, op, "perm must be a constant int32 vector of the input's rank");
  if (out.rank != in.rank) return Fail(c, op, "input and output ranks differ");
  StridedCopyParams p;
  p.elem_bytes = ElementBytes(in.type);
  int32_t in_steps[kMaxDims];
  DenseSteps(in.dims, in.rank, in_steps);
  const int pad = kCopyDims - in.rank;
  bool used[kMaxDims] = {};
  for (int d = 0; d < in.rank; ++d) {
    const int32_t a = ConstI32(c, perm, d);
    if (a < 0 || a >= in.rank || used[a]) return Fail(c, op, "perm is not a permutation of the input's axes");
    used[a] = true;
    if (out.dims[d] != in.dims[a]) return Fail(c, op, "output shape is not the permuted input shape");
    p.dims[pad + d] = out.dims[d];
    p.in_step[pad + d] = in_steps[a];
  }
  DenseSteps(out.dims, out.rank, p.out_step + pad);
  SimplifyStridedCopy(&p);
  return c.Store(op, p, EvalStridedCopy);
}

// The block_size option (field 0 of DepthToSpaceOptions and SpaceToDepthOptions), at least 1.
Status BlockSize(LoadCtx& c, int op, fb::Table& op_table, uint8_t options_type, int32_t* block) {
  fb::Table o;
  const Status st = OptionsTable(c, op, options_type, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  *block = o.I32(0, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (*block < 1) return Fail(c, op, "block_size must be at least 1");
  return Status::kOk;
}

// ---- DEPTH_TO_SPACE ----
// Output (n, y*b + r, x*b + s, d) = input (n, y, x, (r*b + s)*depth_out + d): a 6-D copy over
// [n, y, r, x, s, d].
Status PrepareDepthToSpace(LoadCtx& c, int op, fb::Table& op_table) {
  TensorDesc in, out;
  int32_t b;
  Status st = MoveOperands(c, op, 1, &in, &out);
  if (st == Status::kOk) st = BlockSize(c, op, op_table, kOptDepthToSpace, &b);
  if (st != Status::kOk) return st;
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "input and output must be 4-D");
  const int64_t bb = static_cast<int64_t>(b) * b;
  const int32_t n = in.dims[0], h = in.dims[1], w = in.dims[2], ch = in.dims[3];
  if (ch % bb != 0) return Fail(c, op, "input depth is not a multiple of block_size squared");
  const int32_t depth = static_cast<int32_t>(ch / bb);
  if (out.dims[0] != n || out.dims[1] != static_cast<int64_t>(h) * b || out.dims[2] != static_cast<int64_t>(w) * b ||
      out.dims[3] != depth)
    return Fail(c, op, "output shape does not match the block size");
  StridedCopyParams p;
  p.elem_bytes = ElementBytes(in.type);
  const int32_t dims[6] = {n, h, b, w, b, depth};
  const int32_t steps[6] = {h * w * ch, w * ch, b * depth, ch, depth, 1};
  for (int d = 0; d < 6; ++d) {
    p.dims[d] = dims[d];
    p.in_step[d] = steps[d];
  }
  DenseSteps(dims, 6, p.out_step);
  SimplifyStridedCopy(&p);
  return c.Store(op, p, EvalStridedCopy);
}

// ---- SPACE_TO_DEPTH ----
// Output (n, y, x, (r*b + s)*depth_in + d) = input (n, y*b + r, x*b + s, d): a 6-D copy over
// [n, y, x, r, s, d].
Status PrepareSpaceToDepth(LoadCtx& c, int op, fb::Table& op_table) {
  TensorDesc in, out;
  int32_t b;
  Status st = MoveOperands(c, op, 1, &in, &out);
  if (st == Status::kOk) st = BlockSize(c, op, op_table, kOptSpaceToDepth, &b);
  if (st != Status::kOk) return st;
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "input and output must be 4-D");
  const int32_t n = in.dims[0], h = in.dims[1], w = in.dims[2], ch = in.dims[3];
  if (h % b != 0 || w % b != 0) return Fail(c, op, "input height or width is not a multiple of block_size");
  if (out.dims[0] != n || out.dims[1] != h / b || out.dims[2] != w / b ||
      out.dims[3] != static_cast<int64_t>(ch) * b * b)
    return Fail(c, op, "output shape does not match the block size");
  StridedCopyParams p;
  p.elem_bytes = ElementBytes(in.type);
  const int32_t dims[6] = {n, h / b, w / b, b, b, ch};
  const int32_t steps[6] = {h * w * ch, b * w * ch, b * ch, w * ch, ch, 1};
  for (int d = 0; d < 6; ++d) {
    p.dims[d] = dims[d];
    p.in_step[d] = steps[d];
  }
  DenseSteps(dims, 6, p.out_step);
  SimplifyStridedCopy(&p);
  return c.Store(op, p, EvalStridedCopy);
}

// ---- BATCH_TO_SPACE_ND / SPACE_TO_BATCH_ND ----
// 3-D [N, H, C] or 4-D [N, H, W, C] tensors; block_shape (int32 [spatial]) and crops / paddings
// (int32 [spatial, 2]) constant. TFLite Micro reads them at every Invoke and never checks them
// against the output shape; here they must describe it exactly.
Status EvalBatchToSpace(const EngineState& s, const OpRec& r) {
  return BatchToSpaceNd(*s.Params<BatchSpaceParams>(r), s.In(r, 0), s.Out(r, 0));
}
Status EvalSpaceToBatch(const EngineState& s, const OpRec& r) {
  return SpaceToBatchNd(*s.Params<BatchSpaceParams>(r), s.In(r, 0), s.Out(r, 0));
}

Status PrepareBatchSpace(LoadCtx& c, int op, bool to_space) {
  TensorDesc in, block, pads, out;
  Status st = MoveOperands(c, op, 3, &in, &out);
  if (st == Status::kOk) st = Input(c, op, 1, &block);
  if (st == Status::kOk) st = Input(c, op, 2, &pads);
  if (st != Status::kOk) return st;
  if (in.rank < 3 || in.rank > 4 || out.rank != in.rank) return Fail(c, op, "input and output must be 3-D or 4-D");
  const int spatial = in.rank - 2;
  if (block.type != TensorType::kInt32 || block.rank != 1 || block.dims[0] != spatial || !block.is_const ||
      pads.type != TensorType::kInt32 || pads.rank != 2 || pads.dims[0] != spatial || pads.dims[1] != 2 ||
      !pads.is_const)
    return Unsupported(c, op,
                       to_space ? "block_shape and crops must be constant int32 tensors [spatial] and [spatial, 2]"
                                : "block_shape and paddings must be constant int32 tensors [spatial] and [spatial, 2]");
  BatchSpaceParams p;
  p.elem_bytes = ElementBytes(in.type);
  auto extend = [&](const TensorDesc& t, int32_t* d) {
    d[0] = t.dims[0];
    d[1] = t.dims[1];
    d[2] = spatial == 2 ? t.dims[2] : 1;
    d[3] = t.dims[in.rank - 1];
  };
  extend(in, p.in_dims);
  extend(out, p.out_dims);
  int32_t blocks[2] = {1, 1}, before[2] = {0, 0}, after[2] = {0, 0};
  for (int i = 0; i < spatial; ++i) {
    blocks[i] = ConstI32(c, block, i);
    before[i] = ConstI32(c, pads, 2 * i);
    after[i] = ConstI32(c, pads, 2 * i + 1);
    if (blocks[i] < 1 || before[i] < 0 || after[i] < 0) return Fail(c, op, "negative or zero block shape or padding");
  }
  p.block_h = blocks[0];
  p.block_w = blocks[1];
  p.before_h = before[0];
  p.before_w = before[1];
  const int64_t bb = static_cast<int64_t>(blocks[0]) * blocks[1];
  // The large side (batch-to-space input, space-to-batch output) against the small side.
  const int32_t* big = to_space ? p.in_dims : p.out_dims;
  const int32_t* small = to_space ? p.out_dims : p.in_dims;
  bool ok = big[3] == small[3] && static_cast<int64_t>(small[0]) * bb == big[0];
  for (int i = 0; ok && i < 2; ++i) {
    // small spatial = big spatial * block - crops (batch to space); big = (small + paddings) / block.
    const int64_t spread = static_cast<int64_t>(big[1 + i]) * blocks[i];
    if (spread > (1 << 30)) return Unsupported(c, op, "block shape times the spatial size above 2^30");
    ok = spread - before[i] - after[i] == small[1 + i];
  }
  if (!ok) return Fail(c, op, "output shape does not match block_shape and crops/paddings");
  // TFLite Micro fills the padding with SpaceToBatchParams::output_offset, which it never sets (its
  // persistent buffer starts zeroed in a fresh arena): every byte 0, whatever the zero point.
  p.pad_byte = 0;
  return c.Store(op, p, to_space ? EvalBatchToSpace : EvalSpaceToBatch);
}

Status PrepareBatchToSpace(LoadCtx& c, int op, fb::Table&) { return PrepareBatchSpace(c, op, true); }
Status PrepareSpaceToBatch(LoadCtx& c, int op, fb::Table&) { return PrepareBatchSpace(c, op, false); }

const OpRegistration kOps[] = {
    {kTranspose, PrepareTranspose},
    {kDepthToSpace, PrepareDepthToSpace},
    {kSpaceToDepth, PrepareSpaceToDepth},
    {kBatchToSpaceNd, PrepareBatchToSpace},
    {kSpaceToBatchNd, PrepareSpaceToBatch},
};

}  // namespace

HIL_OP_FAMILY(kTransposeFamily, kOps);

}  // namespace hil::agent::engine
