// Image resizing: RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR.
// NHWC, 4-D. The size input (int32 [2]: height, width) must equal the output's height and width:
// checked at load when it is constant (as TFLite Micro requires), at every Invoke otherwise.
// Neither operator requantizes: the output holds input values (or interpolations of raw values).
#include "kernels/resize_bilinear_f32.h"
#include "kernels/resize_bilinear_s8.h"
#include "kernels/resize_nearest_neighbor.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// Keeps the Q10 coordinate arithmetic of RESIZE_BILINEAR inside int32 (1024 * size + rounding).
constexpr int32_t kMaxResizeDim = 1 << 20;

struct ResizeOp {
  ResizeParams p;
  bool size_const;  // else the size tensor is compared with the output at every Invoke
};

bool SizeMatches(const ResizeOp& k, const uint8_t* size) {
  int32_t hw[2];
  for (int i = 0; i < 2; ++i) {
    hw[i] = static_cast<int32_t>(static_cast<uint32_t>(size[4 * i]) | static_cast<uint32_t>(size[4 * i + 1]) << 8 |
                                 static_cast<uint32_t>(size[4 * i + 2]) << 16 |
                                 static_cast<uint32_t>(size[4 * i + 3]) << 24);
  }
  return hw[0] == k.p.out_h && hw[1] == k.p.out_w;
}

Status EvalNearest(const EngineState& s, const OpRec& r) {
  const ResizeOp& k = *s.Params<ResizeOp>(r);
  if (!k.size_const && !SizeMatches(k, s.In(r, 1))) return Status::kKernelFailed;
  return ResizeNearestNeighbor(k.p, s.In(r, 0), s.Out(r, 0));
}

Status EvalBilinearS8(const EngineState& s, const OpRec& r) {
  const ResizeOp& k = *s.Params<ResizeOp>(r);
  if (!k.size_const && !SizeMatches(k, s.In(r, 1))) return Status::kKernelFailed;
  return ResizeBilinearS8(k.p, s.InS8(r, 0), s.OutS8(r, 0));
}

Status EvalBilinearF32(const EngineState& s, const OpRec& r) {
  const ResizeOp& k = *s.Params<ResizeOp>(r);
  if (!k.size_const && !SizeMatches(k, s.In(r, 1))) return Status::kKernelFailed;
  return ResizeBilinearF32(k.p, reinterpret_cast<const float*>(s.In(r, 0)), reinterpret_cast<float*>(s.Out(r, 0)));
}

// Operands, options (align_corners at field `align_field`, half_pixel_centers after it) and shapes.
Status PrepareResize(LoadCtx& c, int op, fb::Table& op_table, uint8_t options_type, int align_field, ResizeOp* k) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc in, size, out;
  Status st = Operands(c, op, &in, &size, &out);
  if (st != Status::kOk) return st;
  fb::Table o;
  if ((st = OptionsTable(c, op, options_type, &o, &op_table)) != Status::kOk) return st;
  bool bad = false;
  k->p.align_corners = o.U8(align_field, 0, &bad) != 0;
  k->p.half_pixel_centers = o.U8(align_field + 1, 0, &bad) != 0;
  if (bad) return Fail(c, op, "malformed options");
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "input and output must be 4-D");
  if (size.type != TensorType::kInt32 || size.rank != 1 || size.dims[0] != 2)
    return Fail(c, op, "size must be an int32 vector of 2 elements");
  if (in.dims[0] != out.dims[0] || in.dims[3] != out.dims[3])
    return Fail(c, op, "input and output batches or depths differ");
  k->p.elem_bytes = ElementBytes(in.type);
  k->p.batches = in.dims[0];
  k->p.depth = in.dims[3];
  k->p.in_h = in.dims[1];
  k->p.in_w = in.dims[2];
  k->p.out_h = out.dims[1];
  k->p.out_w = out.dims[2];
  k->size_const = size.is_const;
  if (k->size_const && (ConstI32(c, size, 0) != out.dims[1] || ConstI32(c, size, 1) != out.dims[2]))
    return Fail(c, op, "size does not match the output's height and width");
  if (k->p.in_h >= kMaxResizeDim || k->p.in_w >= kMaxResizeDim || k->p.out_h >= kMaxResizeDim ||
      k->p.out_w >= kMaxResizeDim)
    return Unsupported(c, op, "height or width of 2^20 or more");
  return Status::kOk;
}

// ---- RESIZE_NEAREST_NEIGHBOR ----
Status PrepareNearest(LoadCtx& c, int op, fb::Table& op_table) {
  ResizeOp k;
  // ResizeNearestNeighborOptions: align_corners 0, half_pixel_centers 1.
  const Status st = PrepareResize(c, op, op_table, kOptResizeNearestNeighbor, 0, &k);
  if (st != Status::kOk) return st;
  TensorDesc in, out;
  Input(c, op, 0, &in);
  Output(c, op, 0, &out);
  const uint32_t types = 1u << static_cast<int>(TensorType::kInt8) | 1u << static_cast<int>(TensorType::kInt16) |
                         1u << static_cast<int>(TensorType::kInt32) | 1u << static_cast<int>(TensorType::kFloat32);
  if (in.type != out.type || ((1u << static_cast<int>(in.type)) & types) == 0)
    return UnsupportedTypes(c, op, "int8, int16, int32 or float32, the output's type the input's");
  return c.Store(op, k, EvalNearest);
}

// ---- RESIZE_BILINEAR ----
// int8 with TFLite's Q10 integer interpolation, float32 with its float one. TFLite refuses
// align_corners together with half_pixel_centers.
Status PrepareBilinear(LoadCtx& c, int op, fb::Table& op_table) {
  ResizeOp k;
  // ResizeBilinearOptions: new_height 0 and new_width 1 (deprecated), align_corners 2, half_pixel_centers 3.
  const Status st = PrepareResize(c, op, op_table, kOptResizeBilinear, 2, &k);
  if (st != Status::kOk) return st;
  TensorDesc in, out;
  Input(c, op, 0, &in);
  Output(c, op, 0, &out);
  if (in.type != out.type || (in.type != TensorType::kInt8 && in.type != TensorType::kFloat32))
    return UnsupportedTypes(c, op, "int8 or float32, the output's type the input's");
  if (k.p.align_corners && k.p.half_pixel_centers)
    return Unsupported(c, op, "align_corners and half_pixel_centers together");
  // TFLite takes the lower source row/column without clamping it to the input: at upscales past
  // about 1024x its rounded Q10 scale points past the last row. Refuse what would read outside.
  // Both coordinates grow with the output index: the last row and column are the furthest.
  int32_t lo_y, lo_x, hi;
  if (in.type == TensorType::kInt8) {
    int32_t pos;
    BilinearSourceQ10(k.p.out_h - 1, BilinearScaleQ10(k.p.in_h, k.p.out_h, k.p.align_corners), k.p.half_pixel_centers,
                      k.p.in_h, &pos, &lo_y, &hi);
    BilinearSourceQ10(k.p.out_w - 1, BilinearScaleQ10(k.p.in_w, k.p.out_w, k.p.align_corners), k.p.half_pixel_centers,
                      k.p.in_w, &pos, &lo_x, &hi);
  } else {
    float pos;
    BilinearSourceF32(k.p.out_h - 1, BilinearScaleF32(k.p.in_h, k.p.out_h, k.p.align_corners), k.p.half_pixel_centers,
                      k.p.in_h, &pos, &lo_y, &hi);
    BilinearSourceF32(k.p.out_w - 1, BilinearScaleF32(k.p.in_w, k.p.out_w, k.p.align_corners), k.p.half_pixel_centers,
                      k.p.in_w, &pos, &lo_x, &hi);
  }
  if (lo_y >= k.p.in_h || lo_x >= k.p.in_w)
    return Unsupported(c, op, "an upscale so large that TFLite's interpolation reads past the input");
  return c.Store(op, k, in.type == TensorType::kInt8 ? EvalBilinearS8 : EvalBilinearF32);
}

const OpRegistration kOps[] = {
    {kResizeNearestNeighbor, PrepareNearest},
    {kResizeBilinear, PrepareBilinear},
};

}  // namespace

HIL_OP_FAMILY(kResizeFamily, kOps);

}  // namespace hil::agent::engine
