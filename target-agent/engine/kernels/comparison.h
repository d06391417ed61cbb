#pragma once

#include "kernels/broadcast.h"
#include "kernels/common.h"

namespace hil::agent::engine {

// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL with broadcasting; the output is bool (one
// byte, 0 or 1). Each element pair is ordered (less, equal, greater, or unordered for a float NaN) and the
// operator is the set of orderings it holds for: bit k of `holds` for ordering k (ComparisonHolds), so one
// kernel per type serves all six. int8 inputs are compared as TFLite does ("with scaling"): each side
// becomes MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zp) << left_shift, its scale as a Q31
// multiplier), so inputs of different quantizations compare by real value at a common scale; other
// types compare raw, bool as false / true (any non-zero byte).
enum ComparisonOrder : uint8_t { kOrderLess = 1, kOrderEqual = 2, kOrderGreater = 4, kOrderUnordered = 8 };
struct ComparisonParams {
  Broadcast5 shape;
  int32_t input1_offset, input2_offset, left_shift;
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  uint8_t holds;  // ComparisonOrder bits: EQUAL = equal, NOT_EQUAL = less | greater | unordered, ...
};

Status CompareS8(const ComparisonParams& p, const int8_t* input1, const int8_t* input2, void* scratch, uint8_t* output);
// Raw values: instantiated for int32_t, int64_t and float.
template <typename T>
Status Compare(const ComparisonParams& p, const T* input1, const T* input2, void* scratch, uint8_t* output);
Status CompareBool(const ComparisonParams& p, const uint8_t* input1, const uint8_t* input2, void* scratch,
                   uint8_t* output);

}  // namespace hil::agent::engine
