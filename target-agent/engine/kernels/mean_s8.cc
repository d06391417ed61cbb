#include "kernels/mean_s8.h"

#include <cmath>

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {
int32_t OutCount(const MeanParams& p, int32_t* reduced) {
  int32_t out = 1;
  *reduced = 1;
  for (int d = 0; d < 5; ++d) {
    if (p.reduce[d]) *reduced *= p.in_dims[d];
    else out *= p.in_dims[d];
  }
  return out;
}
}  // namespace

size_t MeanS8ScratchBytes(const MeanParams& p) {
  int32_t reduced;
  return static_cast<size_t>(OutCount(p, &reduced)) * sizeof(int32_t);
}

Status MeanS8(const MeanParams& p, const int8_t* input, void* scratch, int8_t* output) {
  int32_t n;
  const int32_t out_count = OutCount(p, &n);
  int32_t* acc = static_cast<int32_t*>(scratch);
  for (int32_t i = 0; i < out_count; ++i) acc[i] = 0;
  int32_t idx[5] = {0, 0, 0, 0, 0};
  int32_t flat = 0;
  const int32_t total = p.in_dims[0] * p.in_dims[1] * p.in_dims[2] * p.in_dims[3] * p.in_dims[4];
  for (int32_t e = 0; e < total; ++e) {
    int32_t o = 0;
    for (int d = 0; d < 5; ++d) {
      if (!p.reduce[d]) o = o * p.in_dims[d] + idx[d];
    }
    acc[o] += input[flat++];
    for (int d = 4; d >= 0; --d) {
      if (++idx[d] < p.in_dims[d]) break;
      idx[d] = 0;
    }
  }
  for (int32_t i = 0; i < out_count; ++i) {
    if (p.same_quantization) {
      output[i] = static_cast<int8_t>(acc[i] / n);
      continue;
    }
    const float mean = static_cast<float>(acc[i]) / static_cast<float>(n);
    const float scaled = mean * p.scale;
    float r = std::round(scaled + p.bias) + static_cast<float>(p.output_zero_point);
    r = r < 127.0f ? r : 127.0f;
    r = r > -128.0f ? r : -128.0f;  // NaN (hostile scales) ends at -128 here
    output[i] = static_cast<int8_t>(r == r ? r : -128.0f);
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
