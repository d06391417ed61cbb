#include "kernels/maximum_minimum.h"

namespace hil::agent::engine {

template <typename T>
Status Maximum(const MaximumMinimumParams& p, const T* input1, const T* input2, void*, T* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const T a = input1[i1];
    const T b = input2[i2];
    output[o] = a > b ? a : b;
  });
  return Status::kOk;
}

template <typename T>
Status Minimum(const MaximumMinimumParams& p, const T* input1, const T* input2, void*, T* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const T a = input1[i1];
    const T b = input2[i2];
    output[o] = a < b ? a : b;
  });
  return Status::kOk;
}

#define HIL_MAXIMUM_MINIMUM(T)                                                                  \
  template Status Maximum<T>(const MaximumMinimumParams&, const T*, const T*, void*, T*);     \
  template Status Minimum<T>(const MaximumMinimumParams&, const T*, const T*, void*, T*);
HIL_MAXIMUM_MINIMUM(int8_t)
HIL_MAXIMUM_MINIMUM(int16_t)
HIL_MAXIMUM_MINIMUM(int32_t)
HIL_MAXIMUM_MINIMUM(int64_t)
HIL_MAXIMUM_MINIMUM(float)
#undef HIL_MAXIMUM_MINIMUM

}  // namespace hil::agent::engine
