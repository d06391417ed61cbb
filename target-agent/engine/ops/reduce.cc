// Reductions: MEAN.
#include <cmath>

#include "kernels/mean_s8.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

Status PrepareMean(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptReducer, &o, &opt_table);
  TensorDesc in, axes, out;
  if (st != Status::kOk || (st = Int8Operands(c, op, &in, &axes, &out, /*in1_int8=*/false)) != Status::kOk)
    return st;
  if (axes.type != TensorType::kInt32 || !axes.is_const || axes.count > 8)
    return Unsupported(c, op, "axes must be constant int32");
  MeanParams p{};
  for (int i = 0; i < 5; ++i) p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) p.in_dims[5 - in.rank + i] = in.dims[i];
  for (uint32_t i = 0; i < axes.count; ++i) {
    int32_t a = ConstI32(c, axes, i);
    if (a < 0) a += in.rank;
    if (a < 0 || a >= in.rank) return Fail(c, op, "axis out of range");
    p.reduce[5 - in.rank + a] = 1;
  }
  uint32_t out_count = 1;
  for (int i = 0; i < 5; ++i)
    if (!p.reduce[i]) out_count *= static_cast<uint32_t>(p.in_dims[i]);
  if (out_count != out.count) return Fail(c, op, "output size does not match");
  p.output_zero_point = out.zero_point();
  p.same_quantization = SameQuantization(in, out);
  p.scale = in.scale() / out.scale();
  p.bias = static_cast<float>(-in.zero_point()) * p.scale;
  if (!std::isfinite(p.scale) || !std::isfinite(p.bias) || std::fabs(p.scale) > 1e6f)
    return Fail(c, op, "scales out of the supported range");
  return c.Store(op, p, EvalUnary<MeanParams, MeanS8>, static_cast<uint32_t>(MeanS8ScratchBytes(p)));
}

const OpRegistration kOps[] = {
    {kMean, PrepareMean},
};

}  // namespace

HIL_OP_FAMILY(kReduceFamily, kOps);

}  // namespace hil::agent::engine
