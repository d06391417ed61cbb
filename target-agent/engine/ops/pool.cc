// Pooling: AVERAGE_POOL_2D and MAX_POOL_2D, int8 and int16.
#include <cmath>

#include "kernels/average_pool2d_s16.h"
#include "kernels/average_pool2d_s8.h"
#include "kernels/max_pool2d_s16.h"
#include "kernels/max_pool2d_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

constexpr Variants<PoolParams> kAveragePoolKernels{
    EvalUnary<PoolParams, AveragePool2dS8>,
    HIL_IF_DSP((EvalUnary<PoolParams, AveragePool2dS8Dsp>)),
    HIL_IF_MVE((EvalUnary<PoolParams, AveragePool2dS8Mve>)),
    AveragePool2dS8ScratchBytes,
    HIL_IF_DSP(AveragePool2dS8DspScratchBytes),
    HIL_IF_MVE(AveragePool2dS8MveScratchBytes)};
constexpr Variants<PoolParams> kMaxPoolKernels{EvalUnary<PoolParams, MaxPool2dS8>, nullptr, nullptr,
                                               MaxPool2dS8ScratchBytes, nullptr, nullptr};

// A quantized int16 pooling operand: TFLite's pools accept any zero point (input and output equal).
bool IsQuantInt16AnyZeroPoint(const TensorDesc& d) {
  if (d.type != TensorType::kInt16 || d.n_scales < 1 || !(d.scale() > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= -32768 && zp <= 32767;
}

Status PreparePool(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, out;
  // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused activation 5.
  Status st = ReadWindowOptions(c, op, opt_table, kOptPool2D, /*act_field=*/5, /*pair_field=*/3, 0, &w);
  if (st != Status::kOk || (st = Operands(c, op, &in, nullptr, &out)) != Status::kOk) return st;
  const bool int16 = in.type == TensorType::kInt16 && out.type == TensorType::kInt16;
  if (!int16 && (in.type != TensorType::kInt8 || out.type != TensorType::kInt8))
    return UnsupportedTypes(c, op, "int8 or int16 input and output");
  const TensorDesc* operands[2] = {&in, &out};
  for (const TensorDesc* d : operands) {
    if (!(int16 ? IsQuantInt16AnyZeroPoint(*d) : IsQuantInt8(*d))) return BadQuantization(c, op, *d);
  }
  // TFLite: scales within 1e-6 (compared in float), equal zero points.
  if (!(std::fabs(in.scale() - out.scale()) <= 1.0e-6f) || in.zero_point() != out.zero_point())
    return Fail(c, op, "input and output quantization differ");
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "needs 4-D tensors");
  PoolParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.channels = in.dims[3];
  p.filter_h = w.pair_h; p.filter_w = w.pair_w; p.stride_h = w.stride_h; p.stride_w = w.stride_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, 1, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, 1, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or filter");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.channels)) return Fail(c, op, "output shape does not match");
  const bool average = c.rec(op).opcode == kAveragePool2d;
  if (!int16) {
    if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
    return StoreVariant(c, op, p, average ? kAveragePoolKernels : kMaxPoolKernels);
  }
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max, -32768, 32767)) != Status::kOk) return st;
  return c.Store(op, p,
                 average ? EvalUnaryT<PoolParams, int16_t, int16_t, AveragePool2dS16>
                         : EvalUnaryT<PoolParams, int16_t, int16_t, MaxPool2dS16>);
}

const OpRegistration kOps[] = {
    {kAveragePool2d, PreparePool},
    {kMaxPool2d, PreparePool},
};

}  // namespace

HIL_OP_FAMILY(kPoolFamily, kOps);

}  // namespace hil::agent::engine
