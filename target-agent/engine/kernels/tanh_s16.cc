#include "kernels/logistic_s16.h"
#include "kernels/sigmoid_s16.h"

namespace hil::agent::engine {

size_t TanhS16ScratchBytes(const SigmoidS16Params&) { return 0; }

Status TanhS16(const SigmoidS16Params& p, const int16_t* input, void*, int16_t* output) {
  for (int32_t i = 0; i < p.count; ++i)
    output[i] = TanhS16Value(SigmoidS16Input(input[i], p.input_multiplier, p.input_left_shift));
  return Status::kOk;
}

}  // namespace hil::agent::engine
