// Broadcast iteration by rows, for the optimised binary elementwise kernels: the dimensions of a
// Broadcast5 merged where both inputs stay contiguous (size-1 dimensions dropped), so the innermost
// merged dimension is a row along which each input either advances one element at a time (step 1)
// or repeats one element (step 0). Visits exactly the (index1, index2, out_index) triples of
// ForEachBroadcast, in the same order; same-shape inputs make one row of every element.
#pragma once

#include <cstdint>

#include "kernels/broadcast.h"

namespace hil::agent::engine {

struct BroadcastRows {
  int32_t row = 1;                 // elements per row
  int32_t step1 = 0, step2 = 0;    // 1: the input advances along the row; 0: it repeats one element
  int32_t outer[4] = {1, 1, 1, 1};  // outer dimensions, innermost first
  int32_t stride1[4] = {}, stride2[4] = {};
};

inline BroadcastRows MakeBroadcastRows(const Broadcast5& b) {
  // Merged dimensions, innermost first: size and each input's stride.
  int32_t size[5], s1[5], s2[5];
  int n = 0;
  for (int i = 4; i >= 0; --i) {
    if (b.out_dims[i] == 1) continue;
    if (n > 0 && b.stride1[i] == s1[n - 1] * size[n - 1] && b.stride2[i] == s2[n - 1] * size[n - 1]) {
      size[n - 1] *= b.out_dims[i];
      continue;
    }
    size[n] = b.out_dims[i];
    s1[n] = b.stride1[i];
    s2[n] = b.stride2[i];
    ++n;
  }
  BroadcastRows r;
  if (n == 0) return r;  // one element
  r.row = size[0];
  r.step1 = s1[0];
  r.step2 = s2[0];
  for (int i = 1; i < n; ++i) {
    r.outer[i - 1] = size[i];
    r.stride1[i - 1] = s1[i];
    r.stride2[i - 1] = s2[i];
  }
  return r;
}

// Calls f(index1, index2, out_index) for the first element of every row, in row-major order; the row
// holds r.row output elements from out_index on.
template <typename F>
inline void ForEachBroadcastRow(const BroadcastRows& r, F&& f) {
  int32_t out = 0;
  for (int32_t i3 = 0; i3 < r.outer[3]; ++i3)
    for (int32_t i2 = 0; i2 < r.outer[2]; ++i2)
      for (int32_t i1 = 0; i1 < r.outer[1]; ++i1)
        for (int32_t i0 = 0; i0 < r.outer[0]; ++i0) {
          const int32_t a = i3 * r.stride1[3] + i2 * r.stride1[2] + i1 * r.stride1[1] + i0 * r.stride1[0];
          const int32_t c = i3 * r.stride2[3] + i2 * r.stride2[2] + i1 * r.stride2[1] + i0 * r.stride2[0];
          f(a, c, out);
          out += r.row;
        }
}

}  // namespace hil::agent::engine
