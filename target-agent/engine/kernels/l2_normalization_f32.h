// float32 L2_NORMALIZATION over the last dimension (TFLite's reference_ops::L2Normalization):
// x / max(sqrt(sum x^2), 1e-6).
#pragma once

#include "kernels/l2_normalization_s8.h"

namespace hil::agent::engine {

size_t L2NormalizationF32ScratchBytes(const L2NormalizationParams& p);
Status L2NormalizationF32(const L2NormalizationParams& p, const float* input, void* scratch, float* output);

}  // namespace hil::agent::engine
