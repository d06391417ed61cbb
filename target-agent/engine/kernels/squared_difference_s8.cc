#include "kernels/squared_difference_s8.h"

#include "kernels/squared_difference_element.h"

namespace hil::agent::engine {

size_t SquaredDifferenceS8ScratchBytes(const SquaredDifferenceParams&) { return 0; }

Status SquaredDifferenceS8(const SquaredDifferenceParams& p, const int8_t* input1, const int8_t* input2, void*,
                           int8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = static_cast<int8_t>(SquaredDifferenceElement(p, input1[i1], input2[i2]));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
