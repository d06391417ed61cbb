// Broadcast iteration for binary elementwise kernels: shapes right-aligned to 5 dims; a stride of 0
// repeats an input along a dimension of size 1.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

struct Broadcast5 {
  int32_t out_dims[5];
  int32_t stride1[5];
  int32_t stride2[5];
};

// Calls f(index1, index2, out_index) for every output element in row-major order.
template <typename F>
inline void ForEachBroadcast(const Broadcast5& b, F&& f) {
  int32_t out = 0;
  for (int32_t i0 = 0; i0 < b.out_dims[0]; ++i0)
    for (int32_t i1 = 0; i1 < b.out_dims[1]; ++i1)
      for (int32_t i2 = 0; i2 < b.out_dims[2]; ++i2)
        for (int32_t i3 = 0; i3 < b.out_dims[3]; ++i3)
          for (int32_t i4 = 0; i4 < b.out_dims[4]; ++i4) {
            const int32_t a = i0 * b.stride1[0] + i1 * b.stride1[1] + i2 * b.stride1[2] + i3 * b.stride1[3] + i4 * b.stride1[4];
            const int32_t c = i0 * b.stride2[0] + i1 * b.stride2[1] + i2 * b.stride2[2] + i3 * b.stride2[3] + i4 * b.stride2[4];
            f(a, c, out++);
          }
}

}  // namespace hil::agent::engine
