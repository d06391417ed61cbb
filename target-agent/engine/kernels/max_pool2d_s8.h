#pragma once

#include "kernels/pool_s8.h"

namespace hil::agent::engine {

size_t MaxPool2dS8ScratchBytes(const PoolParams& p);
Status MaxPool2dS8(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output);

}  // namespace hil::agent::engine
