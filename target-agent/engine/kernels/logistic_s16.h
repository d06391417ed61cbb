// int16 LOGISTIC and TANH (TFLite's reference_integer_ops::Logistic / Tanh for int16): each input q
// (zero point 0) is rescaled to v = x * 12288 by SigmoidS16Input(q, input_multiplier,
// input_left_shift), then LogisticS16Value / TanhS16Value (kernels/sigmoid_s16.h) give the Q0.15
// output (scale 2^-15, zero point 0).
#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

struct SigmoidS16Params {
  int32_t count;
  int32_t input_multiplier;  // 0..32767
  int32_t input_left_shift;  // 0..31: a right shift of the product, despite TFLite's name
};

size_t LogisticS16ScratchBytes(const SigmoidS16Params& p);
Status LogisticS16(const SigmoidS16Params& p, const int16_t* input, void* scratch, int16_t* output);

size_t TanhS16ScratchBytes(const SigmoidS16Params& p);
Status TanhS16(const SigmoidS16Params& p, const int16_t* input, void* scratch, int16_t* output);

}  // namespace hil::agent::engine
