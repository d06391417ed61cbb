// Binary element-wise arithmetic with broadcasting: ADD, MUL.
#include "kernels/add_s8.h"
#include "kernels/mul_s8.h"
#include "kernels/quant.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// The fused activation (field 0 of AddOptions and MulOptions) and the two int8 inputs that broadcast
// to the int8 output.
Status BroadcastOperands(LoadCtx& c, int op, fb::Table& opt_table, uint8_t options_type, int* act, TensorDesc* a,
                         TensorDesc* b, TensorDesc* out, Broadcast5* shape) {
  fb::Table o;
  Status st = ActivationOptions(c, op, opt_table, options_type, /*act_field=*/0, &o, act);
  if (st != Status::kOk || (st = Int8Operands(c, op, a, b, out)) != Status::kOk) return st;
  if (!MakeBroadcast(*a, *b, *out, shape)) return Fail(c, op, "shapes do not broadcast");
  return Status::kOk;
}

constexpr Variants<AddParams> kAddKernels{
    EvalBinary<AddParams, AddS8>,
    HIL_IF_DSP((EvalBinary<AddParams, AddS8Dsp>)),
    HIL_IF_MVE((EvalBinary<AddParams, AddS8Mve>)),
    AddS8ScratchBytes,
    HIL_IF_DSP(AddS8DspScratchBytes),
    HIL_IF_MVE(AddS8MveScratchBytes)};

Status PrepareAdd(LoadCtx& c, int op, fb::Table& opt_table) {
  int act;
  TensorDesc a, b, out;
  AddParams p{};
  Status st = BroadcastOperands(c, op, opt_table, kOptAdd, &act, &a, &b, &out, &p.shape);
  if (st != Status::kOk) return st;
  p.left_shift = 20;
  const double twice_max = 2.0 * static_cast<double>(a.scale() > b.scale() ? a.scale() : b.scale());
  const double m1 = static_cast<double>(a.scale()) / twice_max;
  const double m2 = static_cast<double>(b.scale()) / twice_max;
  const double mo = twice_max / ((1 << p.left_shift) * static_cast<double>(out.scale()));
  int s1 = 0, s2 = 0, so = 0;
  if (!QuantizeMultiplier(m1, &p.input1_multiplier, &s1) || !QuantizeMultiplier(m2, &p.input2_multiplier, &s2) ||
      !QuantizeMultiplier(mo, &p.output_multiplier, &so) || s1 > 0 || s2 > 0 || so > 0 || !(mo < 1.0))
    return Fail(c, op, "scales out of the supported range");
  p.input1_shift = s1; p.input2_shift = s2; p.output_shift = so;
  p.input1_offset = -a.zero_point();
  p.input2_offset = -b.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return StoreVariant(c, op, p, kAddKernels);
}

Status PrepareMul(LoadCtx& c, int op, fb::Table& opt_table) {
  int act;
  TensorDesc a, b, out;
  MulParams p{};
  Status st = BroadcastOperands(c, op, opt_table, kOptMul, &act, &a, &b, &out, &p.shape);
  if (st != Status::kOk) return st;
  const double real = static_cast<double>(a.scale()) * static_cast<double>(b.scale()) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.output_multiplier, &shift)) return Fail(c, op, "invalid scales");
  p.output_shift = shift;
  p.input1_offset = -a.zero_point();
  p.input2_offset = -b.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return c.Store(op, p, EvalBinary<MulParams, MulS8>);
}

const OpRegistration kOps[] = {
    {kAdd, PrepareAdd},
    {kMul, PrepareMul},
};

}  // namespace

HIL_OP_FAMILY(kElementwiseFamily, kOps);

}  // namespace hil::agent::engine
