#include "kernels/strided_copy.h"

#include <cstring>

namespace hil::agent::engine {

namespace {

// One innermost row of n elements of T (fixed-size memcpy: tensors in the model blob need not be
// aligned to their element size).
template <typename T>
void CopyRow(const uint8_t* in, int32_t in_step, uint8_t* out, int32_t out_step, int32_t n) {
  for (int32_t i = 0; i < n; ++i) {
    std::memcpy(out + static_cast<ptrdiff_t>(i) * out_step * static_cast<ptrdiff_t>(sizeof(T)),
                in + static_cast<ptrdiff_t>(i) * in_step * static_cast<ptrdiff_t>(sizeof(T)), sizeof(T));
  }
}

}  // namespace

void DenseSteps(const int32_t* dims, int rank, int32_t* steps) {
  int32_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    steps[d] = s;
    s *= dims[d];
  }
}

void SimplifyStridedCopy(StridedCopyParams* p) {
  int32_t dims[kCopyDims], in_step[kCopyDims], out_step[kCopyDims];
  int n = 0;
  for (int d = 0; d < kCopyDims; ++d) {
    if (p->dims[d] == 1) continue;
    if (n > 0 && in_step[n - 1] == static_cast<int64_t>(p->in_step[d]) * p->dims[d] &&
        out_step[n - 1] == static_cast<int64_t>(p->out_step[d]) * p->dims[d]) {
      dims[n - 1] *= p->dims[d];  // the previous dimension continues this one in both views
      in_step[n - 1] = p->in_step[d];
      out_step[n - 1] = p->out_step[d];
      continue;
    }
    dims[n] = p->dims[d];
    in_step[n] = p->in_step[d];
    out_step[n] = p->out_step[d];
    ++n;
  }
  for (int d = 0; d < kCopyDims; ++d) {
    const int k = d - (kCopyDims - n);
    p->dims[d] = k < 0 ? 1 : dims[k];
    p->in_step[d] = k < 0 ? 0 : in_step[k];
    p->out_step[d] = k < 0 ? 0 : out_step[k];
  }
}

Status StridedCopy(const StridedCopyParams& p, const void* input, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const ptrdiff_t eb = static_cast<ptrdiff_t>(p.elem_bytes);
  const int32_t* n = p.dims;
  const int32_t* is = p.in_step;
  const int32_t* os = p.out_step;
  const int32_t row = n[5];
  const bool dense_row = is[5] == 1 && os[5] == 1;
  for (int32_t i0 = 0; i0 < n[0]; ++i0) {
    const int32_t a0 = p.in_base + i0 * is[0], b0 = p.out_base + i0 * os[0];
    for (int32_t i1 = 0; i1 < n[1]; ++i1) {
      const int32_t a1 = a0 + i1 * is[1], b1 = b0 + i1 * os[1];
      for (int32_t i2 = 0; i2 < n[2]; ++i2) {
        const int32_t a2 = a1 + i2 * is[2], b2 = b1 + i2 * os[2];
        for (int32_t i3 = 0; i3 < n[3]; ++i3) {
          const int32_t a3 = a2 + i3 * is[3], b3 = b2 + i3 * os[3];
          for (int32_t i4 = 0; i4 < n[4]; ++i4) {
            const uint8_t* src = in + (a3 + i4 * is[4]) * eb;
            uint8_t* dst = out + (b3 + i4 * os[4]) * eb;
            if (dense_row) {
              std::memcpy(dst, src, static_cast<size_t>(row) * p.elem_bytes);
              continue;
            }
            switch (p.elem_bytes) {
              case 1: CopyRow<uint8_t>(src, is[5], dst, os[5], row); break;
              case 2: CopyRow<uint16_t>(src, is[5], dst, os[5], row); break;
              case 4: CopyRow<uint32_t>(src, is[5], dst, os[5], row); break;
              default: CopyRow<uint64_t>(src, is[5], dst, os[5], row); break;
            }
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
