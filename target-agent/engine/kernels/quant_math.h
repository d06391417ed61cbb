// More of TFLite's fixed-point functions (tensorflow/lite/kernels/internal/common.h), for LOG_SOFTMAX,
// RSQRT and L2_NORMALIZATION. Same conventions as kernels/quant.h (raw int32 values, integer bits as
// arguments, wraparound where the reference relies on the machine's).
#pragma once

#include <cstdint>

namespace hil::agent::engine {

// TFLite's SaturatingRoundingMultiplyByPOTParam for exponent 0..31: a saturating left shift.
int32_t SaturatingRoundingMultiplyByPOTParam(int32_t x, int exponent);

// log_x_for_x_greater_than_or_equal_to_1<output_integer_bits>(x with input_integer_bits): log(x) as a
// raw value with output_integer_bits (LOG_SOFTMAX: 12 in, 5 out). x > 0.
int32_t LogXForXGreaterThanOrEqualTo1(int32_t x, int input_integer_bits, int output_integer_bits);

// GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31 multiplier and a shift (left-positive after
// multiplying by reverse_shift, which is -1 in every caller). Inputs <= 1 give INT32_MAX and shift 0.
void GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift, int32_t* output_inv_sqrt, int* output_shift);

}  // namespace hil::agent::engine
