#include "kernels/copy.h"

#include <cstring>

namespace hil::agent::engine {

Status CopyBytes(const CopyParams& p, const void* input, void*, void* output) {
  if (input != output) std::memmove(output, input, p.bytes);
  return Status::kOk;
}

}  // namespace hil::agent::engine
