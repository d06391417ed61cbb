// int8 HARD_SWISH (TFLite's reference_ops::HardSwish<int8_t>): x * relu6(x + 3) / 6 in int16 fixed
// point. x = q - zp_in goes to a "hires" scale (x * 2^7, scale s_in / 128); the output multiplier
// (hires / s_out) and the "reluish" multiplier (hires / (3 / 32768)) are Q15 values with exponents,
// and every step keeps TFLite's int16 arithmetic (gemmlowp's int16 RoundingDivideByPOT included, whose
// mask narrows to -1 for shifts of 16 and more).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct HardSwishParams {
  int32_t count;
  int32_t input_zero_point, output_zero_point;
  int32_t output_multiplier_q15;    // 0..32767
  int32_t output_exponent;          // -31..0 (a right shift)
  int32_t reluish_multiplier_q15;   // 0..32767
  int32_t reluish_exponent;         // -31..30
};

size_t HardSwishS8ScratchBytes(const HardSwishParams& p);
Status HardSwishS8(const HardSwishParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
