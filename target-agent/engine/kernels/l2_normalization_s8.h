// int8 L2_NORMALIZATION over the last dimension (TFLite's reference_integer_ops::L2Normalization):
// a_i = q_i - zp_in, S = sum a_i^2 (int32), (M, e) = GetInvSqrtQuantizedMultiplierExp(S, -1), and
// out_i = clamp(MultiplyByQuantizedMultiplier(a_i, M, e + 7)): x / |x| at scale 1/128, zero point 0,
// whatever the output tensor's quantisation says (TFLite does not check it).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct L2NormalizationParams {
  int32_t outer, depth;
  int32_t input_zero_point;
};

size_t L2NormalizationS8ScratchBytes(const L2NormalizationParams& p);
Status L2NormalizationS8(const L2NormalizationParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
