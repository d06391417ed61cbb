#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// NHWC; input and output share scale and zero point (as TFLite requires for int8 pooling).
struct PoolParams {
  int32_t batches, in_h, in_w, channels, out_h, out_w;
  int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
  int32_t act_min, act_max;
};

}  // namespace hil::agent::engine
