#include "kernels/add_n.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

Status AddNS8(const AddNParams& p, const int8_t* const* inputs, int8_t* output) {
  auto rescaled = [&](int32_t x) {
    return MultiplyByQuantizedMultiplierSmallerThanOneExp(WrapShl(x, p.left_shift), p.input_multiplier,
                                                          p.input_shift);
  };
  const int32_t start = rescaled(p.input_offset);
  for (int32_t i = 0; i < p.count; ++i) {
    int32_t sum = start;
    for (int32_t j = 0; j < p.n_inputs; ++j) sum = WrapAdd(sum, rescaled(p.input_offset + inputs[j][i]));
    const int32_t raw =
        WrapAdd(MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, p.output_multiplier, p.output_shift), p.output_offset);
    output[i] = static_cast<int8_t>(Clamp(raw, p.act_min, p.act_max));
  }
  return Status::kOk;
}

Status AddNF32(const AddNParams& p, const float* const* inputs, float* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    float sum = 0.0f;
    for (int32_t j = 0; j < p.n_inputs; ++j) sum += inputs[j][i];
    output[i] = sum;
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
