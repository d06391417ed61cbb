#include "kernels/dequantize_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t DequantizeS8ScratchBytes(const DequantizeParams&) { return 0; }

Status DequantizeS8(const DequantizeParams& p, const int8_t* input, void*, float* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    output[i] = static_cast<float>(static_cast<double>(p.scale) * (input[i] - p.zero_point));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
