#include "kernels/relu6_s8.h"

namespace hil::agent::engine {

size_t Relu6S8ScratchBytes(const ReluParams&) { return 0; }

Status Relu6S8(const ReluParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) output[i] = static_cast<int8_t>(Clamp(input[i], p.act_min, p.act_max));
  return Status::kOk;
}

}  // namespace hil::agent::engine
