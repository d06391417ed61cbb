#include "kernels/relu_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t ReluS8ScratchBytes(const ReluParams&) { return 0; }

Status ReluS8(const ReluParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    // Wraps as the reference's int32 addition does on hardware (extreme scale ratios).
    const int32_t v = WrapAdd(p.output_offset, MultiplyByQuantizedMultiplier(input[i] - p.input_offset, p.multiplier, p.shift));
    output[i] = static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
  }
  return Status::kOk;
}


}  // namespace hil::agent::engine
