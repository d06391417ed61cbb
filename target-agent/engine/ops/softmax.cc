// SOFTMAX.
#include "kernels/quant.h"
#include "kernels/softmax_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

Status PrepareSoftmax(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptSoftmax, &o, &opt_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const float beta = o.F32(0, 0.0f, &bad);
  if (bad) return Fail(c, op, "malformed options");
  TensorDesc in, out;
  if ((st = Int8Operands(c, op, &in, nullptr, &out)) != Status::kOk) return st;
  if (out.zero_point() != -128 || out.scale() != 1.0f / 256) return Fail(c, op, "output must have scale 1/256, zero point -128");
  if (in.count != out.count || in.rank < 1) return Fail(c, op, "input and output sizes differ");
  SoftmaxParams p{};
  p.depth = in.dims[in.rank - 1];
  p.outer = static_cast<int32_t>(in.count / static_cast<uint32_t>(p.depth));
  constexpr int kScaledDiffIntegerBits = 5;
  double real = static_cast<double>(beta) * static_cast<double>(in.scale()) * static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
  if (real > 2147483647.0) real = 2147483647.0;
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.input_multiplier, &shift) || shift < 0) return Fail(c, op, "beta x scale out of range");
  p.input_left_shift = shift;
  p.diff_min = -CalculateInputRadius(kScaledDiffIntegerBits, shift);
  return c.Store(op, p, EvalUnary<SoftmaxParams, SoftmaxS8>);
}

const OpRegistration kOps[] = {
    {kSoftmax, PrepareSoftmax},
};

}  // namespace

HIL_OP_FAMILY(kSoftmaxFamily, kOps);

}  // namespace hil::agent::engine
