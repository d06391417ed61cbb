#include "kernels/mul_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t MulS8ScratchBytes(const MulParams&) { return 0; }

Status MulS8(const MulParams& p, const int8_t* input1, const int8_t* input2, void*, int8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t v1 = p.input1_offset + input1[i1];
    const int32_t v2 = p.input2_offset + input2[i2];
    const int32_t raw = WrapAdd(p.output_offset, MultiplyByQuantizedMultiplier(v1 * v2, p.output_multiplier, p.output_shift));
    output[o] = static_cast<int8_t>(Clamp(raw, p.act_min, p.act_max));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
