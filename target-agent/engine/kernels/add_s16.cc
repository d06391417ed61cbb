#include "kernels/add_s16.h"

#include "kernels/add_sub_general.h"

namespace hil::agent::engine {

size_t AddS16ScratchBytes(const AddParams&) { return 0; }

Status AddS16(const AddParams& p, const int16_t* input1, const int16_t* input2, void*, int16_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = static_cast<int16_t>(AddSubElement<false>(p, input1[i1], input2[i2]));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
