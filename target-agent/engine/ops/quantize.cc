// Type conversions: QUANTIZE and DEQUANTIZE, for the type pairs of TFLite Micro's reference kernels
// (quantize_common.cc, dequantize_common.cc). Both use per-tensor parameters only: QUANTIZE refuses an
// output with several scales, as TFLite Micro does; an input with several reads its first scale and zero
// point, as TFLite Micro's tensor parameters hold them.
#include "kernels/affine_dequantize.h"
#include "kernels/affine_quantize.h"
#include "kernels/quant.h"
#include "kernels/requantize.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// The range of a zero point of type t.
void ZeroPointRange(TensorType t, int64_t* lo, int64_t* hi) {
  switch (t) {
    case TensorType::kInt8: *lo = -128; *hi = 127; return;
    case TensorType::kUint8: *lo = 0; *hi = 255; return;
    case TensorType::kInt16: *lo = -32768; *hi = 32767; return;
    default: *lo = INT32_MIN; *hi = INT32_MAX; return;
  }
}

// Quantized with a scale > 0 and a zero point of the type's range; TFLite Micro takes the parameters of a
// tensor that has both a scale and a zero point.
Status CheckQuantized(LoadCtx& c, int op, const TensorDesc& d) {
  int64_t lo = 0, hi = 0;
  ZeroPointRange(d.type, &lo, &hi);
  if (d.n_scales < 1 || d.zero_points.size() < 1 || !(d.scale() > 0.0f)) return BadQuantization(c, op, d);
  const int64_t zp = d.zero_points.I64(0);
  return zp >= lo && zp <= hi ? Status::kOk : BadQuantization(c, op, d);
}

// Input 0 and output 0 of a one-input conversion: counts of operands and elements, and a constant input
// aligned for reading in place.
Status ConversionOperands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 1 || r.n_out != 1) return Fail(c, op, "needs 1 input and 1 output");
  const Status st = Operands(c, op, in, nullptr, out);
  if (st != Status::kOk) return st;
  if (in->count != out->count) return Fail(c, op, "input and output sizes differ");
  if (in->is_const && in->data_pos % ElementBytes(in->type) != 0) return Fail(c, op, "constant input is not aligned");
  return Status::kOk;
}

template <typename In, typename Out>
Status EvalRequantize(const EngineState& s, const OpRec& r) {
  return Requantize<In, Out>(*s.Params<RequantizeParams>(r), reinterpret_cast<const In*>(s.In(r, 0)), nullptr,
                             reinterpret_cast<Out*>(s.Out(r, 0)));
}

// The eval function of an integer pair TFLite Micro requantizes, or null.
EvalFn RequantizeFn(TensorType in, TensorType out) {
  using T = TensorType;
  switch (in) {
    case T::kInt8:
      if (out == T::kInt8) return EvalRequantize<int8_t, int8_t>;
      if (out == T::kUint8) return EvalRequantize<int8_t, uint8_t>;
      if (out == T::kInt16) return EvalRequantize<int8_t, int16_t>;
      if (out == T::kInt32) return EvalRequantize<int8_t, int32_t>;
      return nullptr;
    case T::kInt16:
      if (out == T::kInt8) return EvalRequantize<int16_t, int8_t>;
      if (out == T::kInt16) return EvalRequantize<int16_t, int16_t>;
      if (out == T::kInt32) return EvalRequantize<int16_t, int32_t>;
      return nullptr;
    case T::kInt32:
      if (out == T::kInt8) return EvalRequantize<int32_t, int8_t>;
      if (out == T::kInt16) return EvalRequantize<int32_t, int16_t>;
      return nullptr;
    case T::kUint8:
      return out == T::kInt8 ? EvalRequantize<uint8_t, int8_t> : nullptr;
    default:
      return nullptr;
  }
}

// Short: ErrorDetail holds 159 characters.
constexpr const char* kQuantizeTypes =
    "float32->int8/16; int8->int8/16/32,uint8; int16->int8/16/32; int32->int8/16; uint8->int8";

Status PrepareQuantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  Status st = ConversionOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  const bool from_float = in.type == TensorType::kFloat32;
  const EvalFn requantize = RequantizeFn(in.type, out.type);
  const bool float_pair = from_float && (out.type == TensorType::kInt8 || out.type == TensorType::kInt16);
  if (!float_pair && requantize == nullptr) return UnsupportedTypes(c, op, kQuantizeTypes);
  if (out.n_scales > 1) return Unsupported(c, op, "per-channel output quantization is not supported");
  if ((st = CheckQuantized(c, op, out)) != Status::kOk) return st;
  if (from_float) {
    const AffineQuantizeParams p{static_cast<int32_t>(in.count), out.zero_point(), out.scale()};
    if (out.type == TensorType::kInt8)
      return c.Store(op, p, EvalUnaryT<AffineQuantizeParams, float, int8_t, AffineQuantizeF32ToS8>);
    return c.Store(op, p, EvalUnaryT<AffineQuantizeParams, float, int16_t, AffineQuantizeF32ToS16>);
  }
  if ((st = CheckQuantized(c, op, in)) != Status::kOk) return st;
  RequantizeParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  p.output_zero_point = out.zero_point();
  // Shifts above 30 would make TFLite's MultiplyByQuantizedMultiplier shift an int32 by 31 or more.
  const double real = static_cast<double>(in.scale()) / static_cast<double>(out.scale());
  int shift = 0;
  if (!(real < 1073741823.75) || !QuantizeMultiplier(real, &p.multiplier, &shift))
    return Unsupported(c, op, "input scale / output scale must be below 2^30");
  p.shift = shift;
  return c.Store(op, p, requantize);
}

Status PrepareDequantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  Status st = ConversionOperands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  const bool int_in = in.type == TensorType::kInt8 || in.type == TensorType::kInt16 || in.type == TensorType::kUint8;
  if (!int_in || out.type != TensorType::kFloat32) return UnsupportedTypes(c, op, "int8, int16 or uint8 -> float32");
  if ((st = CheckQuantized(c, op, in)) != Status::kOk) return st;
  const AffineDequantizeParams p{static_cast<int32_t>(in.count), in.zero_point(), in.scale()};
  if (in.type == TensorType::kInt8)
    return c.Store(op, p, EvalUnaryT<AffineDequantizeParams, int8_t, float, AffineDequantizeS8>);
  if (in.type == TensorType::kInt16)
    return c.Store(op, p, EvalUnaryT<AffineDequantizeParams, int16_t, float, AffineDequantizeS16>);
  return c.Store(op, p, EvalUnaryT<AffineDequantizeParams, uint8_t, float, AffineDequantizeU8>);
}

const OpRegistration kOps[] = {
    {kQuantize, PrepareQuantize},
    {kDequantize, PrepareDequantize},
};

}  // namespace

HIL_OP_FAMILY(kQuantizeFamily, kOps);

}  // namespace hil::agent::engine
