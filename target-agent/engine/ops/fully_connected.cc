// FULLY_CONNECTED.
#include "kernels/fully_connected_s8.h"
#include "kernels/quant.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

template <Status (*Kernel)(const FullyConnectedParams&, const int8_t*, const int8_t*, const int32_t*, void*, int8_t*)>
Status EvalFullyConnected(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<FullyConnectedParams>(r), s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch),
                s.OutS8(r, 0));
}

constexpr Variants<FullyConnectedParams> kKernels{
    EvalFullyConnected<FullyConnectedS8>,
    HIL_IF_DSP(EvalFullyConnected<FullyConnectedS8Dsp>),
    HIL_IF_MVE(EvalFullyConnected<FullyConnectedS8Mve>),
    FullyConnectedS8ScratchBytes,
    HIL_IF_DSP(FullyConnectedS8DspScratchBytes),
    HIL_IF_MVE(FullyConnectedS8MveScratchBytes)};

Status PrepareFullyConnected(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  int act;
  // FullyConnectedOptions: fused activation 0, weights_format 1.
  Status st = ActivationOptions(c, op, opt_table, kOptFullyConnected, /*act_field=*/0, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int weights_format = o.U8(1, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (weights_format != 0) return Unsupported(c, op, "shuffled weights are not supported");
  TensorDesc in, f, out;
  if ((st = Int8Operands(c, op, &in, &f, &out)) != Status::kOk) return st;
  if (f.n_scales != 1) return Unsupported(c, op, "per-channel weights are not supported");
  if (f.rank != 2) return Fail(c, op, "weights must be 2-D");
  FullyConnectedParams p{};
  p.out_depth = f.dims[0];
  p.accum_depth = f.dims[1];
  if (out.count % static_cast<uint32_t>(p.out_depth) != 0) return Fail(c, op, "output size does not match weights");
  p.batches = static_cast<int32_t>(out.count / static_cast<uint32_t>(p.out_depth));
  if (static_cast<uint64_t>(p.batches) * static_cast<uint64_t>(p.accum_depth) != in.count)
    return Fail(c, op, "input size does not match weights");
  if ((st = OptionalBias(c, op, 2, p.out_depth, TensorType::kInt32, "bias must be int32 of out depth, 4-byte aligned")) !=
      Status::kOk)
    return st;
  p.input_offset = -in.zero_point();
  p.filter_offset = -f.zero_point();
  p.output_offset = out.zero_point();
  // TFLite multiplies the two float scales in float before widening (GetQuantizedConvolutionMultipler).
  const float product = in.scale() * f.scale();
  const double real = static_cast<double>(product) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid requantization scale");
  p.shift = shift;
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return StoreVariant(c, op, p, kKernels);
}

const OpRegistration kOps[] = {
    {kFullyConnected, PrepareFullyConnected},
};

}  // namespace

HIL_OP_FAMILY(kFullyConnectedFamily, kOps);

}  // namespace hil::agent::engine
