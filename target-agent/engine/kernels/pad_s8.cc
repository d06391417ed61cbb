#include "kernels/pad_s8.h"

namespace hil::agent::engine {

size_t PadS8ScratchBytes(const PadParams&) { return 0; }

Status PadS8(const PadParams& p, const int8_t* input, void*, int8_t* output) {
  int32_t od[5];
  int32_t total = 1;
  for (int d = 0; d < 5; ++d) {
    od[d] = p.before[d] + p.in_dims[d] + p.after[d];
    total *= od[d];
  }
  int32_t idx[5] = {0, 0, 0, 0, 0};
  for (int32_t e = 0; e < total; ++e) {
    bool inside = true;
    int32_t src = 0;
    for (int d = 0; d < 5; ++d) {
      const int32_t i = idx[d] - p.before[d];
      if (i < 0 || i >= p.in_dims[d]) inside = false;
      src = src * p.in_dims[d] + i;
    }
    output[e] = inside ? input[src] : static_cast<int8_t>(p.pad_value);
    for (int d = 4; d >= 0; --d) {
      if (++idx[d] < od[d]) break;
      idx[d] = 0;
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
