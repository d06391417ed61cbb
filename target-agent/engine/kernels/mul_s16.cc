#include "kernels/mul_s16.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t MulS16ScratchBytes(const MulParams&) { return 0; }

Status MulS16(const MulParams& p, const int16_t* input1, const int16_t* input2, void*, int16_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t product = (p.input1_offset + input1[i1]) * (p.input2_offset + input2[i2]);
    const int32_t raw = WrapAdd(p.output_offset, MultiplyByQuantizedMultiplier(product, p.output_multiplier, p.output_shift));
    output[o] = static_cast<int16_t>(Clamp(raw, p.act_min, p.act_max));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
