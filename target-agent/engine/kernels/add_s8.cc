#include "kernels/add_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t AddS8ScratchBytes(const AddParams&) { return 0; }

Status AddS8(const AddParams& p, const int8_t* input1, const int8_t* input2, void*, int8_t* output) {
  ForEachBroadcast(p.shape, [&](int32_t i1, int32_t i2, int32_t o) {
    const int32_t v1 = (p.input1_offset + input1[i1]) * (1 << p.left_shift);
    const int32_t v2 = (p.input2_offset + input2[i2]) * (1 << p.left_shift);
    const int32_t s1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(v1, p.input1_multiplier, p.input1_shift);
    const int32_t s2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(v2, p.input2_multiplier, p.input2_shift);
    const int32_t raw = WrapAdd(
        MultiplyByQuantizedMultiplierSmallerThanOneExp(s1 + s2, p.output_multiplier, p.output_shift), p.output_offset);
    output[o] = static_cast<int8_t>(Clamp(raw, p.act_min, p.act_max));
  });
  return Status::kOk;
}

}  // namespace hil::agent::engine
