#include "kernels/sub_s8.h"

#include "kernels/add_sub_general.h"

namespace hil::agent::engine {

size_t SubS8ScratchBytes(const AddParams&) { return 0; }

Status SubS8(const AddParams& p, const int8_t* input1, const int8_t* input2, void*, int8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    output[o] = static_cast<int8_t>(AddSubElement<true>(p, input1[i1], input2[i2]));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
