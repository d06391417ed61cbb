#include "kernels/relu_s16.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t ReluS16ScratchBytes(const ReluParams&) { return 0; }

Status ReluS16(const ReluParams& p, const int16_t* input, void*, int16_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t x = WrapSub(input[i], p.input_offset);
    const int32_t v = WrapAdd(p.output_offset, MultiplyByQuantizedMultiplier(x, p.multiplier, p.shift));
    output[i] = static_cast<int16_t>(Clamp(v, p.act_min, p.act_max));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
