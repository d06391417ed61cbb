#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// RESHAPE: the bytes are unchanged; copies when the planner gave the output its own memory.
struct ReshapeParams {
  uint32_t bytes;
};

size_t ReshapeS8ScratchBytes(const ReshapeParams& p);
Status ReshapeS8(const ReshapeParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
