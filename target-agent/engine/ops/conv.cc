// Convolutions: CONV_2D and DEPTHWISE_CONV_2D.
#include <cstring>

#include "kernels/conv2d_s8.h"
#include "kernels/depthwise_conv2d_s8.h"
#include "kernels/quant.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// CONV_2D and DEPTHWISE_CONV_2D: the params are followed by int32 multiplier[out_c], int32 shift[out_c].
template <class P, Status (*Kernel)(const P&, const QuantParams&, const int8_t*, const int8_t*, const int32_t*,
                                    void*, int8_t*)>
Status EvalPerChannel(const EngineState& s, const OpRec& r) {
  const P* p = s.Params<P>(r);
  const int32_t* m = reinterpret_cast<const int32_t*>(p + 1);
  const QuantParams q{m, m + p->out_c};
  return Kernel(*p, q, s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch), s.OutS8(r, 0));
}

// Per-output-channel requantization multipliers, stored right after the op's params.
Status PerChannel(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& filter, const TensorDesc& out,
                  int32_t channels, int channel_dim) {
  if (filter.n_scales != 1 && !(static_cast<int32_t>(filter.n_scales) == channels && filter.quant_dim == channel_dim)) {
    return Fail(c, op, "filter scales do not match the output channels");
  }
  for (uint32_t i = 0; i < filter.zero_points.size(); ++i) {
    if (filter.zero_points.I64(i) != 0) return Fail(c, op, "filter zero point is not 0");
  }
  const uint32_t mult = c.Alloc(static_cast<size_t>(channels) * 8);
  if (mult == kNoLoc) return Status::kOk;
  int32_t* m = reinterpret_cast<int32_t*>(c.s->arena + mult);
  int32_t* sh = m + channels;
  for (int32_t i = 0; i < channels; ++i) {
    const float fs = filter.scales.F32(filter.n_scales == 1 ? 0 : static_cast<uint32_t>(i));
    const double eff = static_cast<double>(in.scale()) * static_cast<double>(fs) / static_cast<double>(out.scale());
    int shift = 0;
    int32_t q = 0;
    if (!QuantizeMultiplier(eff, &q, &shift)) return Fail(c, op, "invalid requantization scale");
    std::memcpy(&m[i], &q, 4);
    const int32_t s32 = shift;
    std::memcpy(&sh[i], &s32, 4);
  }
  return Status::kOk;
}

// Reads the options of CONV_2D or DEPTHWISE_CONV_2D (dilation_w and dilation_h at `dilation_field`
// and the next) and fetches the int8 input, filter and output, all 4-D.
Status WindowedOperands(LoadCtx& c, int op, fb::Table& opt_table, uint8_t options_type, int act_field,
                        int dilation_field, WindowOptions* w, TensorDesc* in, TensorDesc* f, TensorDesc* out) {
  Status st = ReadWindowOptions(c, op, opt_table, options_type, act_field, dilation_field, 1, w);
  if (st != Status::kOk || (st = Operands(c, op, in, f, out)) != Status::kOk) return st;
  if (!IsQuantInt8(*in) || !IsQuantInt8(*out) || f->type != TensorType::kInt8 || f->n_scales < 1)
    return UnsupportedTypes(c, op, "int8 input, filter and output");
  if (in->rank != 4 || f->rank != 4 || out->rank != 4) return Fail(c, op, "needs 4-D tensors");
  return Status::kOk;
}

// The part CONV_2D and DEPTHWISE_CONV_2D share once the kernel's params know their input, filter
// and channel shapes: the output window from padding, strides and dilation, the output shape check,
// the bias, the zero-point offsets, the fused activation, then the per-channel multipliers (filter
// channel axis `channel_axis`). Stores the op's params, its kernel and its scratch size.
template <class P>
Status FinishWindowed(LoadCtx& c, int op, P& p, const Variants<P>& kernels, const WindowOptions& w,
                      const TensorDesc& in, const TensorDesc& f, const TensorDesc& out, int channel_axis) {
  static_assert(sizeof(P) % 4 == 0, "the per-channel multipliers follow the params (EvalPerChannel)");
  p.stride_h = w.stride_h;
  p.stride_w = w.stride_w;
  p.dilation_h = w.pair_h;
  p.dilation_w = w.pair_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, p.dilation_h, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, p.dilation_w, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or dilation");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.out_c)) return Fail(c, op, "output shape does not match");
  Status st = OptionalBias(c, op, 2, p.out_c, TensorType::kInt32, "bias must be int32 of out channels, 4-byte aligned");
  if (st != Status::kOk) return st;
  p.input_offset = -in.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  StoreVariant(c, op, p, kernels);
  return PerChannel(c, op, in, f, out, p.out_c, channel_axis);
}

constexpr Variants<Conv2dParams> kConvKernels{
    EvalPerChannel<Conv2dParams, Conv2dS8>,
    HIL_IF_DSP((EvalPerChannel<Conv2dParams, Conv2dS8Dsp>)),
    HIL_IF_MVE((EvalPerChannel<Conv2dParams, Conv2dS8Mve>)),
    Conv2dS8ScratchBytes,
    HIL_IF_DSP(Conv2dS8DspScratchBytes),
    HIL_IF_MVE(Conv2dS8MveScratchBytes)};

constexpr Variants<DepthwiseConv2dParams> kDepthwiseKernels{
    EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8>,
    HIL_IF_DSP((EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8Dsp>)),
    HIL_IF_MVE((EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8Mve>)),
    DepthwiseConv2dS8ScratchBytes,
    HIL_IF_DSP(DepthwiseConv2dS8DspScratchBytes),
    HIL_IF_MVE(DepthwiseConv2dS8MveScratchBytes)};

Status PrepareConv(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, f, out;
  // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused activation 3, dilation_w 4, dilation_h 5.
  Status st = WindowedOperands(c, op, opt_table, kOptConv2D, /*act_field=*/3, /*dilation_field=*/4, &w, &in, &f, &out);
  if (st != Status::kOk) return st;
  Conv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.out_c = f.dims[0]; p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.filter_in_c = f.dims[3];
  if (p.in_c % p.filter_in_c != 0 || p.out_c % (p.in_c / p.filter_in_c) != 0) return Fail(c, op, "bad channel groups");
  return FinishWindowed(c, op, p, kConvKernels, w, in, f, out, 0);
}

Status PrepareDepthwise(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, f, out;
  // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3 (derived from the
  // shapes instead), fused activation 4, dilation_w 5, dilation_h 6.
  Status st = WindowedOperands(c, op, opt_table, kOptDepthwiseConv2D, /*act_field=*/4, /*dilation_field=*/5, &w, &in,
                               &f, &out);
  if (st != Status::kOk) return st;
  if (f.dims[0] != 1) return Fail(c, op, "needs 4-D tensors");
  DepthwiseConv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.out_c = f.dims[3];
  if (p.out_c % p.in_c != 0) return Fail(c, op, "output channels are not a multiple of input channels");
  p.depth_multiplier = p.out_c / p.in_c;
  return FinishWindowed(c, op, p, kDepthwiseKernels, w, in, f, out, 3);
}

const OpRegistration kOps[] = {
    {kConv2d, PrepareConv},
    {kDepthwiseConv2d, PrepareDepthwise},
};

}  // namespace

HIL_OP_FAMILY(kConvFamily, kOps);

}  // namespace hil::agent::engine
