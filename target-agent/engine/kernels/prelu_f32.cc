#include "kernels/prelu_f32.h"

namespace hil::agent::engine {

size_t PreluF32ScratchBytes(const PreluParams&) { return 0; }

Status PreluF32(const PreluParams& p, const float* input, const float* alpha, void*, float* output) {
  ForEachBroadcast(p.bc, [&](int32_t i, int32_t j, int32_t o) {
    output[o] = input[i] >= 0.0f ? input[i] : input[i] * alpha[j];
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
