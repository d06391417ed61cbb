#include "kernels/relu_s16.h"

namespace hil::agent::engine {

size_t Relu6S16ScratchBytes(const ReluParams&) { return 0; }

Status Relu6S16(const ReluParams& p, const int16_t* input, void*, int16_t* output) {
  for (int32_t i = 0; i < p.count; ++i) output[i] = static_cast<int16_t>(Clamp(input[i], p.act_min, p.act_max));
  return Status::kOk;
}

}  // namespace hil::agent::engine
