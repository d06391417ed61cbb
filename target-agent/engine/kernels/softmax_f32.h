// float32 SOFTMAX and LOG_SOFTMAX over the last dimension, as TFLite's reference_ops::Softmax and
// LogSoftmax (float arithmetic and single-precision exp/log, in TFLite's order of operations).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct SoftmaxF32Params {
  int32_t outer, depth;
  float beta;  // SOFTMAX only
};

size_t SoftmaxF32ScratchBytes(const SoftmaxF32Params& p);
Status SoftmaxF32(const SoftmaxF32Params& p, const float* input, void* scratch, float* output);

size_t LogSoftmaxF32ScratchBytes(const SoftmaxF32Params& p);
Status LogSoftmaxF32(const SoftmaxF32Params& p, const float* input, void* scratch, float* output);

}  // namespace hil::agent::engine
