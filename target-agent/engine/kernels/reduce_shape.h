// The shape of a reduction over a set of axes (MEAN, SUM, REDUCE_MAX, REDUCE_MIN), shared by their
// kernels: the input's dimensions right-aligned to five, and for each the stride of the output element it
// feeds (0 for a reduced dimension). The output holds the kept dimensions in their input order, as TFLite's
// ReducedOutputOffset lays it out whatever keep_dims says.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

struct ReduceShape {
  int32_t dims[5];        // input dimensions, leading 1s for a rank below 5
  int32_t out_stride[5];  // output stride per input dimension; 0 where the dimension is reduced
  int32_t out_count;
};

// Calls f(input index, output index) for every input element in row-major order (TFLite's order, which
// decides which of two equal floats REDUCE_MAX keeps).
template <typename F>
inline void ForEachReduced(const ReduceShape& s, F&& f) {
  int32_t in = 0;
  for (int32_t i0 = 0; i0 < s.dims[0]; ++i0) {
    const int32_t o0 = i0 * s.out_stride[0];
    for (int32_t i1 = 0; i1 < s.dims[1]; ++i1) {
      const int32_t o1 = o0 + i1 * s.out_stride[1];
      for (int32_t i2 = 0; i2 < s.dims[2]; ++i2) {
        const int32_t o2 = o1 + i2 * s.out_stride[2];
        for (int32_t i3 = 0; i3 < s.dims[3]; ++i3) {
          const int32_t o3 = o2 + i3 * s.out_stride[3];
          const int32_t stride4 = s.out_stride[4];
          for (int32_t i4 = 0; i4 < s.dims[4]; ++i4) f(in++, o3 + i4 * stride4);
        }
      }
    }
  }
}

}  // namespace hil::agent::engine
