#include "kernels/select_v2.h"

namespace hil::agent::engine {

template <typename T>
Status SelectV2(const SelectParams& p, const uint8_t* condition, const T* x, const T* y, void*, T* output) {
  int32_t out = 0;
  const int32_t* d = p.out_dims;
  for (int32_t i0 = 0; i0 < d[0]; ++i0)
    for (int32_t i1 = 0; i1 < d[1]; ++i1)
      for (int32_t i2 = 0; i2 < d[2]; ++i2)
        for (int32_t i3 = 0; i3 < d[3]; ++i3)
          for (int32_t i4 = 0; i4 < d[4]; ++i4) {
            auto at = [&](const int32_t* s) { return i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3] + i4 * s[4]; };
            output[out++] = condition[at(p.cond_stride)] != 0 ? x[at(p.x_stride)] : y[at(p.y_stride)];
          }
  return Status::kOk;
}

template Status SelectV2<uint8_t>(const SelectParams&, const uint8_t*, const uint8_t*, const uint8_t*, void*, uint8_t*);
template Status SelectV2<uint16_t>(const SelectParams&, const uint8_t*, const uint16_t*, const uint16_t*, void*,
                                   uint16_t*);
template Status SelectV2<uint32_t>(const SelectParams&, const uint8_t*, const uint32_t*, const uint32_t*, void*,
                                   uint32_t*);

}  // namespace hil::agent::engine
