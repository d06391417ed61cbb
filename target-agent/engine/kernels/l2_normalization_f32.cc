#include "kernels/l2_normalization_f32.h"

#include <cmath>

namespace hil::agent::engine {

size_t L2NormalizationF32ScratchBytes(const L2NormalizationParams&) { return 0; }

Status L2NormalizationF32(const L2NormalizationParams& p, const float* input, void*, float* output) {
  constexpr float kEpsilon = 1e-6f;
  for (int32_t i = 0; i < p.outer; ++i) {
    const float* in = input + static_cast<size_t>(i) * p.depth;
    float* out = output + static_cast<size_t>(i) * p.depth;
    float squared = 0;
    for (int32_t c = 0; c < p.depth; ++c) squared += in[c] * in[c];
    float norm = std::sqrt(squared);
    norm = norm < kEpsilon ? kEpsilon : norm;  // std::max(norm, epsilon)
    for (int32_t c = 0; c < p.depth; ++c) out[c] = in[c] / norm;
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
