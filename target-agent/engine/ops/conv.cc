// Convolutions: CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV, with int8 activations, or int16
// activations and int8 filters ("16x8").
#include <cstring>

#include "kernels/conv2d_s16.h"
#include "kernels/conv2d_s8.h"
#include "kernels/depthwise_conv2d_s16.h"
#include "kernels/depthwise_conv2d_s8.h"
#include "kernels/quant.h"
#include "kernels/transpose_conv_s16.h"
#include "kernels/transpose_conv_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// TensorType values of the schema, as Conv2DOptions.quantized_bias_type holds them.
constexpr uint8_t kSchemaInt32 = 2;
// MultiplyByQuantizedMultiplier64 (the int64 accumulators of the 16x8 kernels) takes shifts up to 7;
// TFLite asserts on larger ones.
constexpr int kMaxShift64 = 7;

// CONV_2D and DEPTHWISE_CONV_2D: the params are followed by int32 multiplier[out_c], int32 shift[out_c].
template <class P, Status (*Kernel)(const P&, const QuantParams&, const int8_t*, const int8_t*, const int32_t*,
                                    void*, int8_t*)>
Status EvalPerChannel(const EngineState& s, const OpRec& r) {
  const P* p = s.Params<P>(r);
  const int32_t* m = reinterpret_cast<const int32_t*>(p + 1);
  const QuantParams q{m, m + p->out_c};
  return Kernel(*p, q, s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch), s.OutS8(r, 0));
}

// The same for any operand types and positions (the 16x8 kernels, TRANSPOSE_CONV): input `kIn`,
// filter `kFilter`, bias `kBias` (null when absent), output 0.
template <class P, typename In, typename Bias, typename Out,
          Status (*Kernel)(const P&, const QuantParams&, const In*, const int8_t*, const Bias*, void*, Out*),
          int kIn, int kFilter, int kBias>
Status EvalPerChannelT(const EngineState& s, const OpRec& r) {
  const P* p = s.Params<P>(r);
  const int32_t* m = reinterpret_cast<const int32_t*>(p + 1);
  const QuantParams q{m, m + p->out_c};
  return Kernel(*p, q, reinterpret_cast<const In*>(s.In(r, kIn)), s.InS8(r, kFilter),
                reinterpret_cast<const Bias*>(s.In(r, kBias)), s.Resolve(r.scratch),
                reinterpret_cast<Out*>(s.Out(r, 0)));
}

// Per-output-channel requantization multipliers, stored right after the op's params (so call it
// right after LoadCtx::Store). Fails when a shift exceeds `max_shift` (the int64 arithmetic's limit).
Status PerChannel(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& filter, const TensorDesc& out,
                  int32_t channels, int channel_dim, int max_shift = 31) {
  if (filter.n_scales != 1 && !(static_cast<int32_t>(filter.n_scales) == channels && filter.quant_dim == channel_dim)) {
    return Fail(c, op, "filter scales do not match the output channels");
  }
  for (uint32_t i = 0; i < filter.zero_points.size(); ++i) {
    if (filter.zero_points.I64(i) != 0) return Fail(c, op, "filter zero point is not 0");
  }
  const uint32_t mult = c.Alloc(static_cast<size_t>(channels) * 8);
  int32_t* m = mult == kNoLoc ? nullptr : reinterpret_cast<int32_t*>(c.s->arena + mult);
  for (int32_t i = 0; i < channels; ++i) {
    const float fs = filter.scales.F32(filter.n_scales == 1 ? 0 : static_cast<uint32_t>(i));
    const double eff = static_cast<double>(in.scale()) * static_cast<double>(fs) / static_cast<double>(out.scale());
    int shift = 0;
    int32_t q = 0;
    if (!QuantizeMultiplier(eff, &q, &shift)) return Fail(c, op, "invalid requantization scale");
    if (shift > max_shift) return Unsupported(c, op, "requantization scale (input x filter / output) of 128 or more");
    if (m == nullptr) continue;  // the arena is too small: Load reports it
    std::memcpy(&m[i], &q, 4);
    const int32_t s32 = shift;
    std::memcpy(&m[channels + i], &s32, 4);
  }
  return Status::kOk;
}

// The operand types of a windowed convolution: int8 input, filter and output, or int16 input and
// output with an int8 filter. Sets *int16 for the latter.
Status WindowedTypes(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& f, const TensorDesc& out,
                     bool* int16) {
  *int16 = in.type == TensorType::kInt16 && out.type == TensorType::kInt16 && f.type == TensorType::kInt8 &&
           f.n_scales >= 1;
  if (!*int16 && (!IsQuantInt8(in) || !IsQuantInt8(out) || f.type != TensorType::kInt8 || f.n_scales < 1))
    return UnsupportedTypes(c, op, "int8 input, filter and output, or int16 input and output with an int8 filter");
  if (*int16 && !IsQuantInt16(in)) return BadQuantization(c, op, in);
  if (*int16 && !IsQuantInt16(out)) return BadQuantization(c, op, out);
  return Status::kOk;
}

// Reads the options of CONV_2D or DEPTHWISE_CONV_2D (dilation_w and dilation_h at `dilation_field`
// and the next) and fetches the input, filter and output (int8, or int16 with an int8 filter: *int16),
// all 4-D.
Status WindowedOperands(LoadCtx& c, int op, fb::Table& opt_table, uint8_t options_type, int act_field,
                        int dilation_field, WindowOptions* w, TensorDesc* in, TensorDesc* f, TensorDesc* out,
                        bool* int16) {
  Status st = ReadWindowOptions(c, op, opt_table, options_type, act_field, dilation_field, 1, w);
  if (st != Status::kOk || (st = Operands(c, op, in, f, out)) != Status::kOk) return st;
  if ((st = WindowedTypes(c, op, *in, *f, *out, int16)) != Status::kOk) return st;
  if (in->rank != 4 || f->rank != 4 || out->rank != 4) return Fail(c, op, "needs 4-D tensors");
  return Status::kOk;
}

// The window of CONV_2D and DEPTHWISE_CONV_2D from padding, strides and dilation, and the output
// shape check.
template <class P>
Status Windowed(LoadCtx& c, int op, P& p, const WindowOptions& w, const TensorDesc& out) {
  p.stride_h = w.stride_h;
  p.stride_w = w.stride_w;
  p.dilation_h = w.pair_h;
  p.dilation_w = w.pair_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, p.dilation_h, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, p.dilation_w, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or dilation");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.out_c)) return Fail(c, op, "output shape does not match");
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
  Status st = Windowed(c, op, p, w, out);
  if (st != Status::kOk) return st;
  st = OptionalBias(c, op, 2, p.out_c, TensorType::kInt32, "bias must be int32 of out channels, 4-byte aligned");
  if (st != Status::kOk) return st;
  p.input_offset = -in.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  StoreVariant(c, op, p, kernels);
  return PerChannel(c, op, in, f, out, p.out_c, channel_axis);
}

// The bias type of a 16x8 operator (input `index`): *type is int64, int32 (when `allow_int32`) or
// int16 (when `allow_int16`), or kInt8 when there is no bias. Checks its count, and the alignment of
// an int32 or int16 one (the kernels read int64 values at any alignment: see kernels/bias.h).
Status Bias16x8(LoadCtx& c, int op, int index, int32_t n, bool allow_int32, bool allow_int16, TensorType* type) {
  *type = TensorType::kInt8;
  if (!HasInput(c, op, index)) return Status::kOk;
  TensorDesc b;
  const Status st = Input(c, op, index, &b);
  if (st != Status::kOk) return st;
  if (!(b.type == TensorType::kInt64 || (allow_int32 && b.type == TensorType::kInt32) ||
        (allow_int16 && b.type == TensorType::kInt16))) {
    return UnsupportedTypes(c, op,
                            allow_int32   ? "int16 with an int64 or int32 bias"
                            : allow_int16 ? "int16 with an int64 or int16 bias"
                                          : "int16 with an int64 bias");
  }
  *type = b.type;
  if (b.type == TensorType::kInt64) {
    if (static_cast<int32_t>(b.count) != n) return Fail(c, op, "bias must have one element per output channel");
    return Status::kOk;
  }
  return OptionalBias(c, op, index, n, b.type, "bias must have one element per output channel, aligned");
}

// The 16x8 part of CONV_2D and DEPTHWISE_CONV_2D: the window, the bias (int64; int32 too for CONV_2D,
// with an int32 accumulator, as TFLite picks when the bias is int32, or there is no bias and the
// options say quantized_bias_type INT32), the activation, the multipliers.
template <class P>
Status FinishWindowed16(LoadCtx& c, int op, P& p, EvalFn eval64, EvalFn eval32, const WindowOptions& w,
                        const TensorDesc& in, const TensorDesc& f, const TensorDesc& out, int channel_axis,
                        bool int32_accumulator_without_bias) {
  static_assert(sizeof(P) % 4 == 0, "the per-channel multipliers follow the params (EvalPerChannelT)");
  Status st = Windowed(c, op, p, w, out);
  if (st != Status::kOk) return st;
  TensorType bias = TensorType::kInt8;
  if ((st = Bias16x8(c, op, 2, p.out_c, eval32 != nullptr, false, &bias)) != Status::kOk) return st;
  const bool acc32 = bias == TensorType::kInt32 || (bias == TensorType::kInt8 && int32_accumulator_without_bias);
  p.input_offset = 0;
  p.output_offset = 0;
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max, -32768, 32767)) != Status::kOk) return st;
  c.Store(op, p, acc32 ? eval32 : eval64);
  return PerChannel(c, op, in, f, out, p.out_c, channel_axis, acc32 ? 31 : kMaxShift64);
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
  bool int16 = false;
  // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused activation 3, dilation_w 4, dilation_h 5,
  // quantized_bias_type 6.
  Status st = WindowedOperands(c, op, opt_table, kOptConv2D, /*act_field=*/3, /*dilation_field=*/4, &w, &in, &f,
                               &out, &int16);
  if (st != Status::kOk) return st;
  Conv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.out_c = f.dims[0]; p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.filter_in_c = f.dims[3];
  if (p.in_c % p.filter_in_c != 0 || p.out_c % (p.in_c / p.filter_in_c) != 0) return Fail(c, op, "bad channel groups");
  if (!int16) return FinishWindowed(c, op, p, kConvKernels, w, in, f, out, 0);
  fb::Table o;
  if ((st = OptionsTable(c, op, kOptConv2D, &o, &opt_table)) != Status::kOk) return st;
  bool bad = false;
  const uint8_t bias_type = o.U8(6, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  return FinishWindowed16(
      c, op, p, EvalPerChannelT<Conv2dParams, int16_t, void, int16_t, Conv2dS16, 0, 1, 2>,
      EvalPerChannelT<Conv2dParams, int16_t, int32_t, int16_t, Conv2dS16Bias32, 0, 1, 2>, w, in, f, out, 0,
      bias_type == kSchemaInt32);
}

Status PrepareDepthwise(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, f, out;
  bool int16 = false;
  // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3 (derived from the
  // shapes instead), fused activation 4, dilation_w 5, dilation_h 6.
  Status st = WindowedOperands(c, op, opt_table, kOptDepthwiseConv2D, /*act_field=*/4, /*dilation_field=*/5, &w, &in,
                               &f, &out, &int16);
  if (st != Status::kOk) return st;
  if (f.dims[0] != 1) return Fail(c, op, "needs 4-D tensors");
  DepthwiseConv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.out_c = f.dims[3];
  if (p.out_c % p.in_c != 0) return Fail(c, op, "output channels are not a multiple of input channels");
  p.depth_multiplier = p.out_c / p.in_c;
  if (!int16) return FinishWindowed(c, op, p, kDepthwiseKernels, w, in, f, out, 3);
  // TFLite's 16x8 depthwise kernel reads the bias as int64 whatever its type: int64 only.
  return FinishWindowed16(
      c, op, p,
      EvalPerChannelT<DepthwiseConv2dParams, int16_t, void, int16_t, DepthwiseConv2dS16, 0, 1, 2>, nullptr, w,
      in, f, out, 3, false);
}

// ---- TRANSPOSE_CONV ----
// Inputs: 0 output_shape (int32 [4]; TFLite takes the output size from the output tensor instead),
// 1 filter [out_c, h, w, in_c], 2 input, 3 optional bias.
constexpr int kTcFilter = 1, kTcInput = 2, kTcBias = 3;

// TFLite's padding for TRANSPOSE_CONV: that of a forward convolution over the output size (dilation
// 1). As in TFLite (ComputePaddingHeightWidth), when the forward output size of either dimension is
// invalid (negative) both paddings stay 0.
void TransposePadding(int padding, int32_t out_h, int32_t out_w, int32_t filter_h, int32_t filter_w,
                      int32_t stride_h, int32_t stride_w, int32_t* pad_h, int32_t* pad_w) {
  auto one = [padding](int32_t size, int32_t filter, int32_t stride, int64_t* pad) {
    const int64_t n = padding == 0 ? (static_cast<int64_t>(size) + stride - 1) / stride
                                   : (static_cast<int64_t>(size) + stride - filter) / stride;  // truncates
    if (n < 0) return false;
    const int64_t total = (n - 1) * stride + filter - size;
    *pad = total > 0 ? total / 2 : 0;
    return true;
  };
  int64_t ph = 0, pw = 0;
  if (!one(out_w, filter_w, stride_w, &pw) || !one(out_h, filter_h, stride_h, &ph)) ph = pw = 0;
  *pad_h = static_cast<int32_t>(ph);
  *pad_w = static_cast<int32_t>(pw);
}

Status PrepareTransposeConv(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  int act;
  // TransposeConvOptions: padding 0, stride_w 1, stride_h 2, fused activation 3, quantized_bias_type 4
  // (TFLite reads and ignores it: the bias tensor's type decides).
  Status st = ActivationOptions(c, op, opt_table, kOptTransposeConv, /*act_field=*/3, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int padding = o.U8(0, 0, &bad);
  const int32_t stride_w = o.I32(1, 0, &bad);
  const int32_t stride_h = o.I32(2, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  const OpRec& r = c.rec(op);
  if (r.n_in < 3 || r.n_in > 4 || r.n_out != 1) return Fail(c, op, "needs 3 or 4 inputs and 1 output");
  TensorDesc shape, f, in, out;
  if ((st = Input(c, op, 0, &shape)) != Status::kOk || (st = Input(c, op, kTcFilter, &f)) != Status::kOk ||
      (st = Input(c, op, kTcInput, &in)) != Status::kOk || (st = Output(c, op, 0, &out)) != Status::kOk)
    return st;
  bool int16 = false;
  if ((st = WindowedTypes(c, op, in, f, out, &int16)) != Status::kOk) return st;
  if (shape.type != TensorType::kInt32 || shape.count != 4) return Fail(c, op, "output_shape must be 4 int32 values");
  if (in.rank != 4 || f.rank != 4 || out.rank != 4) return Fail(c, op, "needs 4-D tensors");
  if (padding != 0 && padding != 1) return Fail(c, op, "bad padding");
  if (stride_h < 1 || stride_w < 1 || stride_h > 65535 || stride_w > 65535) return Fail(c, op, "bad stride");
  TransposeConvParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.out_h = out.dims[1]; p.out_w = out.dims[2]; p.out_c = out.dims[3];
  p.filter_h = f.dims[1]; p.filter_w = f.dims[2];
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  if (out.dims[0] != p.batches || f.dims[0] != p.out_c || f.dims[3] != p.in_c)
    return Fail(c, op, "input, filter and output shapes do not match");
  // Keeps the kernel's output coordinates (y * stride - pad + fy) inside int32.
  if (static_cast<int64_t>(p.in_h) * p.stride_h + p.filter_h > 0x3FFFFFFF ||
      static_cast<int64_t>(p.in_w) * p.stride_w + p.filter_w > 0x3FFFFFFF)
    return Fail(c, op, "input too large for its stride");
  TransposePadding(padding, p.out_h, p.out_w, p.filter_h, p.filter_w, p.stride_h, p.stride_w, &p.pad_h, &p.pad_w);
  // One accumulator per output element: int32, or int64 for 16x8.
  const uint64_t scratch = static_cast<uint64_t>(out.count) * (int16 ? 8u : 4u);
  if (scratch > 0x7FFFFFFFu) return Fail(c, op, "output too large");
  static_assert(sizeof(TransposeConvParams) % 4 == 0, "the per-channel multipliers follow the params");
  if (!int16) {
    if ((st = OptionalBias(c, op, kTcBias, p.out_c, TensorType::kInt32,
                           "bias must be int32 of out channels, 4-byte aligned")) != Status::kOk)
      return st;
    p.input_offset = -in.zero_point();
    p.output_offset = out.zero_point();
    if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
    c.Store(op, p,
            EvalPerChannelT<TransposeConvParams, int8_t, int32_t, int8_t, TransposeConvS8, kTcInput, kTcFilter,
                            kTcBias>,
            static_cast<uint32_t>(scratch));
    return PerChannel(c, op, in, f, out, p.out_c, 0);
  }
  // 16x8: TFLite widens an int16 bias to int64 and reads any other as int64 (so an int32 one is refused).
  TensorType bias = TensorType::kInt8;
  if ((st = Bias16x8(c, op, kTcBias, p.out_c, false, true, &bias)) != Status::kOk) return st;
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max, -32768, 32767)) != Status::kOk) return st;
  c.Store(op, p,
          bias == TensorType::kInt16
              ? EvalPerChannelT<TransposeConvParams, int16_t, int16_t, int16_t, TransposeConvS16Bias16, kTcInput,
                                kTcFilter, kTcBias>
              : EvalPerChannelT<TransposeConvParams, int16_t, void, int16_t, TransposeConvS16, kTcInput, kTcFilter,
                                kTcBias>,
          static_cast<uint32_t>(scratch));
  return PerChannel(c, op, in, f, out, p.out_c, 0, kMaxShift64);
}

const OpRegistration kOps[] = {
    {kConv2d, PrepareConv},
    {kDepthwiseConv2d, PrepareDepthwise},
    {kTransposeConv, PrepareTransposeConv},
};

}  // namespace

HIL_OP_FAMILY(kConvFamily, kOps);

}  // namespace hil::agent::engine
