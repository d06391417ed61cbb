#include "ops/registry.h"

namespace hil::agent::engine {

namespace {
const OpFamily* const kFamilies[] = {
    &kConvFamily,  &kFullyConnectedFamily, &kPoolFamily,    &kElementwiseFamily, &kActivationFamily,
    &kSoftmaxFamily, &kQuantizeFamily,     &kShapeFamily,   &kReduceFamily,      &kSliceFamily,
    &kTransposeFamily, &kResizeFamily,     &kCompareFamily, &kMathFamily,        &kRecurrentFamily,
    &kControlFlowFamily,
};
}  // namespace

const OpRegistration* FindRegistration(uint16_t opcode) {
  for (const OpFamily* f : kFamilies)
    for (size_t i = 0; i < f->count; ++i)
      if (f->ops[i].opcode == opcode) return &f->ops[i];
  return nullptr;
}

}  // namespace hil::agent::engine
