// Element-wise activations: RELU, RELU6, LOGISTIC, TANH.
#include <cmath>

#include "kernels/logistic_s8.h"
#include "kernels/quant.h"
#include "kernels/relu6_s8.h"
#include "kernels/relu_s8.h"
#include "kernels/tanh_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// ---- LOGISTIC / TANH ----
Status PrepareSigmoid(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameSizeInt8Operands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  const bool logistic = c.rec(op).opcode == kLogistic;
  // As TFLite Micro: LOGISTIC needs output zero point -128; the kernels write Q0.8 / Q0.7 whatever the
  // output scale says.
  if (logistic && out.zero_point() != -128) return Fail(c, op, "output zero point must be -128");
  SigmoidParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(in.scale()) * static_cast<double>(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(real, &shift);
  const double qr = std::round(q * static_cast<double>(INT64_C(1) << 31));
  if (shift < -31 || shift > 30) return Fail(c, op, "input scale out of range");
  p.input_multiplier = qr >= 2147483648.0 ? INT32_MIN : static_cast<int32_t>(qr);
  p.input_left_shift = shift;
  p.input_range_radius = CalculateInputRadius(kInputIntegerBits, shift);
  return c.Store(op, p, logistic ? EvalUnary<SigmoidParams, LogisticS8> : EvalUnary<SigmoidParams, TanhS8>);
}

// ---- RELU / RELU6 ----
Status PrepareRelu(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameSizeInt8Operands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  ReluParams p{};
  p.count = static_cast<int32_t>(in.count);
  auto q = [](float x, float scale, int32_t zp) {
    float r = std::round(x / scale);
    if (r > 1e6f) r = 1e6f;
    return static_cast<int32_t>(r) + zp;
  };
  if (c.rec(op).opcode == kRelu6) {
    // TFLite Micro's RELU6 clamps in the input's quantisation without rescaling.
    p.act_min = in.zero_point();
    p.act_max = Clamp(q(6.0f, in.scale(), in.zero_point()), -128, 127);
    return c.Store(op, p, EvalUnary<ReluParams, Relu6S8>);
  }
  // TFLite Micro divides the float scales in float, then widens (CalculateReluOpData).
  const double real = static_cast<double>(in.scale() / out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid scales");
  p.shift = shift;
  p.input_offset = in.zero_point();
  p.output_offset = out.zero_point();
  const int32_t z = q(0.0f, out.scale(), out.zero_point());
  p.act_min = z > -128 ? z : -128;
  p.act_max = 127;
  return c.Store(op, p, EvalUnary<ReluParams, ReluS8>);
}

const OpRegistration kOps[] = {
    {kRelu, PrepareRelu},
    {kRelu6, PrepareRelu},
    {kLogistic, PrepareSigmoid},
    {kTanh, PrepareSigmoid},
};

}  // namespace

HIL_OP_FAMILY(kActivationFamily, kOps);

}  // namespace hil::agent::engine
