#include "kernels/arg_min_max.h"

namespace hil::agent::engine {

namespace {

// Whether `candidate` replaces `current`: TFLite Micro's GreaterFn / LessFn, a plain strict comparison, so
// a NaN never replaces and a NaN held from the start is never replaced.
template <bool kMax, typename T>
inline bool Beats(T candidate, T current) {
  return kMax ? candidate > current : candidate < current;
}

template <typename T, bool kMax>
Status ArgMinMax(const ArgMinMaxParams& p, const T* input, int32_t* output) {
  for (int32_t o = 0; o < p.outer; ++o) {
    const T* line = input + o * p.axis_size * p.inner;
    int32_t* out = output + o * p.inner;
    for (int32_t i = 0; i < p.inner; ++i) {
      T best = line[i];
      int32_t best_index = 0;
      for (int32_t a = 1; a < p.axis_size; ++a) {
        const T v = line[a * p.inner + i];
        if (Beats<kMax>(v, best)) {
          best = v;
          best_index = a;
        }
      }
      out[i] = best_index;
    }
  }
  return Status::kOk;
}

}  // namespace

Status ArgMaxS8(const ArgMinMaxParams& p, const int8_t* input, void*, int32_t* output) {
  return ArgMinMax<int8_t, true>(p, input, output);
}
Status ArgMinS8(const ArgMinMaxParams& p, const int8_t* input, void*, int32_t* output) {
  return ArgMinMax<int8_t, false>(p, input, output);
}
Status ArgMaxF32(const ArgMinMaxParams& p, const float* input, void*, int32_t* output) {
  return ArgMinMax<float, true>(p, input, output);
}
Status ArgMinF32(const ArgMinMaxParams& p, const float* input, void*, int32_t* output) {
  return ArgMinMax<float, false>(p, input, output);
}

}  // namespace hil::agent::engine
