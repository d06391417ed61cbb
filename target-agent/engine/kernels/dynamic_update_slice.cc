#include "kernels/dynamic_update_slice.h"

#include <cstring>

#include "kernels/strided_copy.h"

namespace hil::agent::engine {

Status DynamicUpdateSlice(const DynamicUpdateSliceParams& p, const void* operand, const void* update,
                          const int64_t* starts, void* output) {
  int32_t operand_count = 1, update_count = 1;
  for (int d = 0; d < p.rank; ++d) {
    operand_count *= p.operand_dims[d];
    update_count *= p.update_dims[d];
  }
  std::memcpy(output, operand_count == update_count ? update : operand,
              static_cast<size_t>(operand_count) * p.elem_bytes);
  if (operand_count == update_count) return Status::kOk;
  StridedCopyParams c;
  c.elem_bytes = p.elem_bytes;
  const int pad = kCopyDims - p.rank;
  DenseSteps(p.update_dims, p.rank, c.in_step + pad);
  DenseSteps(p.operand_dims, p.rank, c.out_step + pad);
  for (int d = 0; d < p.rank; ++d) {
    int64_t s = starts[d] < 0 ? 0 : starts[d];
    const int64_t hi = static_cast<int64_t>(p.operand_dims[d]) - p.update_dims[d];
    if (s > hi) s = hi;
    c.dims[pad + d] = p.update_dims[d];
    c.out_base += static_cast<int32_t>(s) * c.out_step[pad + d];
  }
  SimplifyStridedCopy(&c);
  return StridedCopy(c, update, output);
}

}  // namespace hil::agent::engine
