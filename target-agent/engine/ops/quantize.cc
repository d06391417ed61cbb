// Type conversions: QUANTIZE and DEQUANTIZE.
#include "kernels/dequantize_s8.h"
#include "kernels/quant.h"
#include "kernels/quantize_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

Status EvalRequantizeS8(const EngineState& s, const OpRec& r) {
  return RequantizeS8(*s.Params<QuantizeParams>(r), s.InS8(r, 0), nullptr, s.OutS8(r, 0));
}
Status EvalQuantizeF32(const EngineState& s, const OpRec& r) {
  return QuantizeF32ToS8(*s.Params<QuantizeParams>(r), reinterpret_cast<const float*>(s.In(r, 0)), nullptr,
                         s.OutS8(r, 0));
}

Status PrepareQuantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.count != out.count) return Fail(c, op, "input and output sizes differ");
  if (!IsQuantInt8(out)) return UnsupportedTypes(c, op, "float32 or int8 to int8");
  QuantizeParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.output_zero_point = out.zero_point();
  p.output_scale = out.scale();
  if (in.type == TensorType::kFloat32) return c.Store(op, p, EvalQuantizeF32);
  if (!IsQuantInt8(in)) return UnsupportedTypes(c, op, "float32 or int8 to int8");
  p.input_zero_point = in.zero_point();
  const double real = static_cast<double>(in.scale()) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid scales");
  p.shift = shift;
  return c.Store(op, p, EvalRequantizeS8);
}

Status EvalDequantizeS8(const EngineState& s, const OpRec& r) {
  return DequantizeS8(*s.Params<DequantizeParams>(r), s.InS8(r, 0), nullptr, reinterpret_cast<float*>(s.Out(r, 0)));
}

Status PrepareDequantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.count != out.count) return Fail(c, op, "input and output sizes differ");
  if (!IsQuantInt8(in) || out.type != TensorType::kFloat32) return UnsupportedTypes(c, op, "int8 to float32");
  return c.Store(op, DequantizeParams{static_cast<int32_t>(in.count), in.zero_point(), in.scale()}, EvalDequantizeS8);
}

const OpRegistration kOps[] = {
    {kQuantize, PrepareQuantize},
    {kDequantize, PrepareDequantize},
};

}  // namespace

HIL_OP_FAMILY(kQuantizeFamily, kOps);

}  // namespace hil::agent::engine
