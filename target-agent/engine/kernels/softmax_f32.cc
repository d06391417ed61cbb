#include "kernels/softmax_f32.h"

#include <cmath>

namespace hil::agent::engine {

size_t SoftmaxF32ScratchBytes(const SoftmaxF32Params&) { return 0; }

Status SoftmaxF32(const SoftmaxF32Params& p, const float* input, void*, float* output) {
  for (int32_t i = 0; i < p.outer; ++i) {
    const float* in = input + static_cast<size_t>(i) * p.depth;
    float* out = output + static_cast<size_t>(i) * p.depth;
    float max = -3.40282347e38f;  // lowest float
    for (int32_t c = 0; c < p.depth; ++c) max = max < in[c] ? in[c] : max;  // std::max(max, x)
    float sum = 0.f;
    for (int32_t c = 0; c < p.depth; ++c) {
      const float e = std::exp((in[c] - max) * p.beta);
      out[c] = e;
      sum += e;
    }
    for (int32_t c = 0; c < p.depth; ++c) out[c] = out[c] / sum;
  }
  return Status::kOk;
}

size_t LogSoftmaxF32ScratchBytes(const SoftmaxF32Params&) { return 0; }

Status LogSoftmaxF32(const SoftmaxF32Params& p, const float* input, void*, float* output) {
  for (int32_t i = 0; i < p.outer; ++i) {
    const float* in = input + static_cast<size_t>(i) * p.depth;
    float* out = output + static_cast<size_t>(i) * p.depth;
    float max = -3.40282347e38f;
    for (int32_t c = 0; c < p.depth; ++c) max = max < in[c] ? in[c] : max;
    float sum = 0.f;
    for (int32_t c = 0; c < p.depth; ++c) sum += std::exp(in[c] - max);
    const float log_sum = std::log(sum);
    for (int32_t c = 0; c < p.depth; ++c) out[c] = in[c] - max - log_sum;
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
