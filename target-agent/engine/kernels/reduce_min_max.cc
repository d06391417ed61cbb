#include "kernels/reduce_min_max.h"

#include <limits>

namespace hil::agent::engine {

namespace {

template <typename T, bool kMax>
Status ReduceMinMax(const ReduceMinMaxParams& p, const T* input, T* output) {
  const T init = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  for (int32_t i = 0; i < p.shape.out_count; ++i) output[i] = init;
  ForEachReduced(p.shape, [&](int32_t in, int32_t out) {
    const T v = input[in];
    if (kMax ? (v > output[out]) : (v < output[out])) output[out] = v;
  });
  return Status::kOk;
}

}  // namespace

Status ReduceMaxS8(const ReduceMinMaxParams& p, const int8_t* input, void*, int8_t* output) {
  return ReduceMinMax<int8_t, true>(p, input, output);
}
Status ReduceMinS8(const ReduceMinMaxParams& p, const int8_t* input, void*, int8_t* output) {
  return ReduceMinMax<int8_t, false>(p, input, output);
}
Status ReduceMaxF32(const ReduceMinMaxParams& p, const float* input, void*, float* output) {
  return ReduceMinMax<float, true>(p, input, output);
}
Status ReduceMinF32(const ReduceMinMaxParams& p, const float* input, void*, float* output) {
  return ReduceMinMax<float, false>(p, input, output);
}

}  // namespace hil::agent::engine
