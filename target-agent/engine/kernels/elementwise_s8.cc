#include "kernels/elementwise_s8.h"

#include <cmath>

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t QuantizeS8ScratchBytes(const QuantizeParams&) { return 0; }
size_t DequantizeS8ScratchBytes(const DequantizeParams&) { return 0; }
size_t LogisticS8ScratchBytes(const SigmoidParams&) { return 0; }
size_t TanhS8ScratchBytes(const SigmoidParams&) { return 0; }
size_t ReluS8ScratchBytes(const ReluParams&) { return 0; }

Status RequantizeS8(const QuantizeParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t v = MultiplyByQuantizedMultiplier(input[i] - p.input_zero_point, p.multiplier, p.shift) +
                      p.output_zero_point;
    output[i] = static_cast<int8_t>(Clamp(v, -128, 127));
  }
  return Status::kOk;
}

Status QuantizeF32ToS8(const QuantizeParams& p, const float* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    // The reference: round(x / scale) + zero_point, clamped. Clamp in float first so NaN and huge
    // values stay defined.
    float r = std::round(input[i] / p.output_scale);
    if (!(r > -1e6f)) r = -1e6f;
    if (r > 1e6f) r = 1e6f;
    output[i] = static_cast<int8_t>(Clamp(static_cast<int32_t>(r) + p.output_zero_point, -128, 127));
  }
  return Status::kOk;
}

Status DequantizeS8(const DequantizeParams& p, const int8_t* input, void*, float* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    output[i] = static_cast<float>(static_cast<double>(p.scale) * (input[i] - p.zero_point));
  }
  return Status::kOk;
}

Status LogisticS8(const SigmoidParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t in = input[i] - p.input_zero_point;
    if (in <= -p.input_range_radius) {
      output[i] = -128;
    } else if (in >= p.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(in, p.input_multiplier, p.input_left_shift);
      const int32_t q0 = gemm::Logistic(q4, 4);
      const int32_t q23 = RoundingDivideByPOT(q0, 31 - 8);
      output[i] = static_cast<int8_t>(Clamp(q23 - 128, -128, 127));
    }
  }
  return Status::kOk;
}

Status TanhS8(const SigmoidParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t in = input[i] - p.input_zero_point;
    if (in <= -p.input_range_radius) {
      output[i] = -128;
    } else if (in >= p.input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(in, p.input_multiplier, p.input_left_shift);
      const int32_t q0 = gemm::Tanh(q4, 4);
      const int32_t q24 = RoundingDivideByPOT(q0, 31 - 7);
      output[i] = static_cast<int8_t>(Clamp(q24, -128, 127));
    }
  }
  return Status::kOk;
}

Status ReluS8(const ReluParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) {
    const int32_t v = p.output_offset + MultiplyByQuantizedMultiplier(input[i] - p.input_offset, p.multiplier, p.shift);
    output[i] = static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
  }
  return Status::kOk;
}

Status Relu6S8(const ReluParams& p, const int8_t* input, void*, int8_t* output) {
  for (int32_t i = 0; i < p.count; ++i) output[i] = static_cast<int8_t>(Clamp(input[i], p.act_min, p.act_max));
  return Status::kOk;
}

}  // namespace hil::agent::engine
