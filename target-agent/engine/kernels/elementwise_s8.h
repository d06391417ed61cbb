// Unary int8 kernels (and conversions) over flat element counts.
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// QUANTIZE int8 -> int8 (requantise) and float -> int8.
struct QuantizeParams {
  int32_t count, input_zero_point, output_zero_point, multiplier, shift;
  float output_scale;
};
size_t QuantizeS8ScratchBytes(const QuantizeParams& p);
Status RequantizeS8(const QuantizeParams& p, const int8_t* input, void* scratch, int8_t* output);
Status QuantizeF32ToS8(const QuantizeParams& p, const float* input, void* scratch, int8_t* output);

// DEQUANTIZE int8 -> float.
struct DequantizeParams {
  int32_t count, zero_point;
  float scale;
};
size_t DequantizeS8ScratchBytes(const DequantizeParams& p);
Status DequantizeS8(const DequantizeParams& p, const int8_t* input, void* scratch, float* output);

// LOGISTIC and TANH: gemmlowp fixed point with 4 input integer bits.
struct SigmoidParams {
  int32_t count, input_zero_point, input_range_radius, input_multiplier, input_left_shift;
};
size_t LogisticS8ScratchBytes(const SigmoidParams& p);
Status LogisticS8(const SigmoidParams& p, const int8_t* input, void* scratch, int8_t* output);
size_t TanhS8ScratchBytes(const SigmoidParams& p);
Status TanhS8(const SigmoidParams& p, const int8_t* input, void* scratch, int8_t* output);

// RELU (requantising, as TFLite Micro) and RELU6 (clamp in the input's quantisation).
struct ReluParams {
  int32_t count, input_offset, output_offset, multiplier, shift, act_min, act_max;
};
size_t ReluS8ScratchBytes(const ReluParams& p);
Status ReluS8(const ReluParams& p, const int8_t* input, void* scratch, int8_t* output);
Status Relu6S8(const ReluParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
