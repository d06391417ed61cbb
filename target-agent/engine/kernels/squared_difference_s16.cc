#include "kernels/squared_difference_s16.h"

#include "kernels/squared_difference_element.h"

namespace hil::agent::engine {

size_t SquaredDifferenceS16ScratchBytes(const SquaredDifferenceParams&) { return 0; }

Status SquaredDifferenceS16(const SquaredDifferenceParams& p, const int16_t* input1, const int16_t* input2, void*,
                            int16_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = static_cast<int16_t>(SquaredDifferenceElement(p, input1[i1], input2[i2]));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
