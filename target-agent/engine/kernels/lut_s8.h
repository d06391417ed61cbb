// An int8 -> int8 table lookup (TFLite's LUTLookup for int8): out = table[(uint8_t)q]. The table is
// built by the operator's prepare with PopulateLutS8 (ELU: x < 0 ? exp(x) - 1 : x).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct LutS8Params {
  int32_t count;
  int8_t table[256];  // indexed by the input byte: entries 0..127 for q >= 0, then -128..-1
};

// TFLite's LUTPopulateInt8, in float: for every q, x = input_scale * (q - input_zero_point),
// table[(uint8_t)q] = clamp((int32_t)(round(transform(x) * (1 / output_scale)) + output_zero_point)).
void PopulateLutS8(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                   float (*transform)(float), int8_t* table);

size_t LutS8ScratchBytes(const LutS8Params& p);
Status LutS8(const LutS8Params& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
