// Pooling: AVERAGE_POOL_2D and MAX_POOL_2D.
#include "kernels/average_pool2d_s8.h"
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

Status PreparePool(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, out;
  // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused activation 5.
  Status st = ReadWindowOptions(c, op, opt_table, kOptPool2D, /*act_field=*/5, /*pair_field=*/3, 0, &w);
  if (st != Status::kOk || (st = Int8Operands(c, op, &in, nullptr, &out)) != Status::kOk) return st;
  if (!SameQuantization(in, out)) return Fail(c, op, "input and output quantization differ");
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "needs 4-D tensors");
  PoolParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.channels = in.dims[3];
  p.filter_h = w.pair_h; p.filter_w = w.pair_w; p.stride_h = w.stride_h; p.stride_w = w.stride_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, 1, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, 1, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or filter");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.channels)) return Fail(c, op, "output shape does not match");
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return StoreVariant(c, op, p, c.rec(op).opcode == kAveragePool2d ? kAveragePoolKernels : kMaxPoolKernels);
}

const OpRegistration kOps[] = {
    {kAveragePool2d, PreparePool},
    {kMaxPool2d, PreparePool},
};

}  // namespace

HIL_OP_FAMILY(kPoolFamily, kOps);

}  // namespace hil::agent::engine
