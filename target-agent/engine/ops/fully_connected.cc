// FULLY_CONNECTED and BATCH_MATMUL, with int8 activations, or int16 activations and int8 weights.
#include <cstring>

#include "kernels/batch_matmul_s16.h"
#include "kernels/batch_matmul_s8.h"
#include "kernels/fully_connected_per_channel_s8.h"
#include "kernels/fully_connected_s16.h"
#include "kernels/fully_connected_s8.h"
#include "kernels/quant.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// TensorType values of the schema, as FullyConnectedOptions.quantized_bias_type holds them.
constexpr uint8_t kSchemaInt32 = 2;
// MultiplyByQuantizedMultiplier64 (the int64 accumulators of the 16x8 kernels) takes shifts up to 7;
// TFLite asserts on larger ones.
constexpr int kMaxShift64 = 7;

template <Status (*Kernel)(const FullyConnectedParams&, const int8_t*, const int8_t*, const int32_t*, void*, int8_t*)>
Status EvalFullyConnected(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<FullyConnectedParams>(r), s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch),
                s.OutS8(r, 0));
}

// Per-tensor kernels of any operand types.
template <typename In, typename Bias, typename Out,
          Status (*Kernel)(const FullyConnectedParams&, const In*, const int8_t*, const Bias*, void*, Out*)>
Status EvalFullyConnectedT(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<FullyConnectedParams>(r), reinterpret_cast<const In*>(s.In(r, 0)), s.InS8(r, 1),
                reinterpret_cast<const Bias*>(s.In(r, 2)), s.Resolve(r.scratch), reinterpret_cast<Out*>(s.Out(r, 0)));
}

// Per-channel kernels: the params are followed by int32 multiplier[out_depth], int32 shift[out_depth].
template <typename In, typename Bias, typename Out,
          Status (*Kernel)(const FullyConnectedParams&, const QuantParams&, const In*, const int8_t*, const Bias*,
                           void*, Out*)>
Status EvalPerChannelT(const EngineState& s, const OpRec& r) {
  const FullyConnectedParams* p = s.Params<FullyConnectedParams>(r);
  const int32_t* m = reinterpret_cast<const int32_t*>(p + 1);
  const QuantParams q{m, m + p->out_depth};
  return Kernel(*p, q, reinterpret_cast<const In*>(s.In(r, 0)), s.InS8(r, 1), reinterpret_cast<const Bias*>(s.In(r, 2)),
                s.Resolve(r.scratch), reinterpret_cast<Out*>(s.Out(r, 0)));
}

constexpr Variants<FullyConnectedParams> kKernels{
    EvalFullyConnected<FullyConnectedS8>,
    HIL_IF_DSP(EvalFullyConnected<FullyConnectedS8Dsp>),
    HIL_IF_MVE(EvalFullyConnected<FullyConnectedS8Mve>),
    FullyConnectedS8ScratchBytes,
    HIL_IF_DSP(FullyConnectedS8DspScratchBytes),
    HIL_IF_MVE(FullyConnectedS8MveScratchBytes)};

// Per-channel multipliers (double products, as TFLite's per-channel path), stored right after the
// op's params (call right after LoadCtx::Store). Fails when a shift exceeds `max_shift`.
Status PerChannelMultipliers(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& f, const TensorDesc& out,
                             int32_t channels, int max_shift) {
  const uint32_t mult = c.Alloc(static_cast<size_t>(channels) * 8);
  int32_t* m = mult == kNoLoc ? nullptr : reinterpret_cast<int32_t*>(c.s->arena + mult);
  for (int32_t i = 0; i < channels; ++i) {
    const double eff = static_cast<double>(in.scale()) * static_cast<double>(f.scales.F32(static_cast<uint32_t>(i))) /
                       static_cast<double>(out.scale());
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

Status PrepareFullyConnected(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  int act;
  // FullyConnectedOptions: fused activation 0, weights_format 1, keep_num_dims 2 (the output tensor's
  // shape says it), asymmetric_quantize_inputs 3, quantized_bias_type 4.
  Status st = ActivationOptions(c, op, opt_table, kOptFullyConnected, /*act_field=*/0, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int weights_format = o.U8(1, 0, &bad);
  const uint8_t bias_type = o.U8(4, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (weights_format != 0) return Unsupported(c, op, "shuffled weights are not supported");
  TensorDesc in, f, out;
  if ((st = Operands(c, op, &in, &f, &out)) != Status::kOk) return st;
  const bool int16 = in.type == TensorType::kInt16 && out.type == TensorType::kInt16 && f.type == TensorType::kInt8;
  if (!int16) {
    const TensorDesc* checked[3] = {&in, &out, &f};
    for (const TensorDesc* d : checked) {
      if (d->type != TensorType::kInt8)
        return UnsupportedTypes(c, op, "int8 quantized tensors, or int16 input and output with int8 weights");
      if (!IsQuantInt8(*d)) return BadQuantization(c, op, *d);
    }
  } else {
    if (!IsQuantInt16(in)) return BadQuantization(c, op, in);
    if (!IsQuantInt16(out)) return BadQuantization(c, op, out);
    if (!IsQuantInt8(f)) return BadQuantization(c, op, f);
  }
  if (f.rank != 2) return Fail(c, op, "weights must be 2-D");
  FullyConnectedParams p{};
  p.out_depth = f.dims[0];
  p.accum_depth = f.dims[1];
  if (out.count % static_cast<uint32_t>(p.out_depth) != 0) return Fail(c, op, "output size does not match weights");
  p.batches = static_cast<int32_t>(out.count / static_cast<uint32_t>(p.out_depth));
  if (static_cast<uint64_t>(p.batches) * static_cast<uint64_t>(p.accum_depth) != in.count)
    return Fail(c, op, "input size does not match weights");
  // Per-channel weights: one scale per output unit along dimension 0 (TFLite takes more than one scale
  // as per-channel and ignores the weight zero points then).
  const bool per_channel = f.n_scales > 1;
  if (per_channel && (static_cast<int32_t>(f.n_scales) != p.out_depth || f.quant_dim != 0))
    return Fail(c, op, "weight scales do not match the output units");
  TensorType bias = TensorType::kInt32;
  if (int16 && HasInput(c, op, 2)) {
    TensorDesc b;
    if ((st = Input(c, op, 2, &b)) != Status::kOk) return st;
    if (b.type != TensorType::kInt64 && b.type != TensorType::kInt32)
      return UnsupportedTypes(c, op, "int16 with an int64 or int32 bias");
    bias = b.type;
  } else if (int16) {
    // No bias: TFLite accumulates in int32 only when the options ask for int32 biases.
    bias = bias_type == kSchemaInt32 ? TensorType::kInt32 : TensorType::kInt64;
  }
  // An int64 bias is read at any alignment (kernels/bias.h): converters align buffers to 4 bytes only.
  if (bias == TensorType::kInt64 && HasInput(c, op, 2)) {
    TensorDesc b;
    if ((st = Input(c, op, 2, &b)) != Status::kOk) return st;
    if (static_cast<int32_t>(b.count) != p.out_depth) return Fail(c, op, "bias must have one element per output unit");
  } else if ((st = OptionalBias(c, op, 2, p.out_depth, bias,
                                int16 ? "bias must have one element per output unit, aligned"
                                      : "bias must be int32 of out depth, 4-byte aligned")) != Status::kOk) {
    return st;
  }
  const bool acc64 = bias == TensorType::kInt64;
  p.input_offset = -in.zero_point();
  p.filter_offset = -f.zero_point();
  p.output_offset = out.zero_point();
  if (int16) st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max, -32768, 32767);
  else st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max);
  if (st != Status::kOk) return st;
  if (per_channel) {
    p.filter_offset = 0;
    EvalFn eval = !int16 ? EvalPerChannelT<int8_t, int32_t, int8_t, FullyConnectedPerChannelS8>
                  : acc64 ? EvalPerChannelT<int16_t, void, int16_t, FullyConnectedPerChannelS16>
                          : EvalPerChannelT<int16_t, int32_t, int16_t, FullyConnectedPerChannelS16Bias32>;
    c.Store(op, p, eval);
    return PerChannelMultipliers(c, op, in, f, out, p.out_depth, acc64 ? kMaxShift64 : 31);
  }
  // TFLite multiplies the two float scales in float before widening (GetQuantizedConvolutionMultipler).
  const float product = in.scale() * f.scale();
  const double real = static_cast<double>(product) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid requantization scale");
  p.shift = shift;
  if (!int16) return StoreVariant(c, op, p, kKernels);
  if (acc64 && shift > kMaxShift64)
    return Unsupported(c, op, "requantization scale (input x filter / output) of 128 or more");
  return c.Store(op, p,
                 acc64 ? EvalFullyConnectedT<int16_t, void, int16_t, FullyConnectedS16>
                       : EvalFullyConnectedT<int16_t, int32_t, int16_t, FullyConnectedS16Bias32>);
}

// ---- BATCH_MATMUL ----
Status PrepareBatchMatMul(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  // BatchMatMulOptions: adj_x 0, adj_y 1, asymmetric_quantize_inputs 2 (float hybrid only).
  Status st = OptionsTable(c, op, kOptBatchMatMul, &o, &opt_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const bool adj_x = o.U8(0, 0, &bad) != 0;
  const bool adj_y = o.U8(1, 0, &bad) != 0;
  if (bad) return Fail(c, op, "malformed options");
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 1) return Fail(c, op, "needs 2 inputs and 1 output");
  TensorDesc lhs, rhs, out;
  if ((st = Operands(c, op, &lhs, &rhs, &out)) != Status::kOk) return st;
  const bool int16 = lhs.type == TensorType::kInt16;
  if (lhs.type != rhs.type || lhs.type != out.type || (lhs.type != TensorType::kInt8 && !int16))
    return UnsupportedTypes(c, op, "int8 or int16, all three the same");
  const TensorDesc* operands[3] = {&lhs, &rhs, &out};
  for (const TensorDesc* d : operands) {
    if (!(int16 ? IsQuantInt16(*d) : IsQuantInt8(*d))) return BadQuantization(c, op, *d);
  }
  if (lhs.rank < 2 || rhs.rank < 2) return Fail(c, op, "operands need at least 2 dimensions");
  // Both operands extended to 5-D (kMaxDims): three batch dimensions, then the matrix.
  int32_t l[5], rd[5];
  for (int i = 0; i < 5; ++i) l[i] = rd[i] = 1;
  for (int i = 0; i < lhs.rank; ++i) l[5 - lhs.rank + i] = lhs.dims[i];
  for (int i = 0; i < rhs.rank; ++i) rd[5 - rhs.rank + i] = rhs.dims[i];
  BatchMatMulParams p{};
  p.rows = adj_x ? l[4] : l[3];
  p.depth = adj_x ? l[3] : l[4];
  p.cols = adj_y ? rd[3] : rd[4];
  if ((adj_y ? rd[4] : rd[3]) != p.depth) return Fail(c, op, "inner dimensions differ");
  p.lhs_row = adj_x ? 1 : p.depth;
  p.lhs_depth = adj_x ? p.rows : 1;
  p.rhs_depth = adj_y ? 1 : p.cols;
  p.rhs_col = adj_y ? p.depth : 1;
  uint64_t count = static_cast<uint64_t>(p.rows) * static_cast<uint64_t>(p.cols);
  int32_t lstride = l[3] * l[4], rstride = rd[3] * rd[4];
  for (int i = 2; i >= 0; --i) {
    if (l[i] != rd[i] && l[i] != 1 && rd[i] != 1) return Fail(c, op, "batch dimensions do not broadcast");
    p.batch[i] = l[i] > rd[i] ? l[i] : rd[i];
    p.lhs_batch_stride[i] = l[i] == 1 ? 0 : lstride;
    p.rhs_batch_stride[i] = rd[i] == 1 ? 0 : rstride;
    lstride *= l[i];
    rstride *= rd[i];
    count *= static_cast<uint64_t>(p.batch[i]);
  }
  // TFLite rewrites the output's dimensions but needs its rank and element count to fit.
  const int out_rank = lhs.rank > rhs.rank ? lhs.rank : rhs.rank;
  if (out.rank < out_rank || count != out.count) return Fail(c, op, "output shape does not match");
  p.lhs_offset = -lhs.zero_point();
  p.rhs_offset = -rhs.zero_point();
  p.output_offset = out.zero_point();
  // TFLite multiplies the two float scales in float before widening (GetQuantizedConvolutionMultipler).
  const float product = lhs.scale() * rhs.scale();
  int shift = 0;
  if (!QuantizeMultiplier(static_cast<double>(product) / static_cast<double>(out.scale()), &p.multiplier, &shift))
    return Fail(c, op, "invalid requantization scale");
  p.shift = shift;
  if (int16 && shift > kMaxShift64)
    return Unsupported(c, op, "requantization scale (lhs x rhs / output) of 128 or more");
  return c.Store(op, p,
                 int16 ? EvalBinaryT<BatchMatMulParams, int16_t, BatchMatMulS16>
                       : EvalBinaryT<BatchMatMulParams, int8_t, BatchMatMulS8>);
}

const OpRegistration kOps[] = {
    {kFullyConnected, PrepareFullyConnected},
    {kBatchMatmul, PrepareBatchMatMul},
};

}  // namespace

HIL_OP_FAMILY(kFullyConnectedFamily, kOps);

}  // namespace hil::agent::engine
