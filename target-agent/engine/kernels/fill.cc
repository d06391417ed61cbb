#include "kernels/fill.h"

namespace hil::agent::engine {

Status Fill(const FillParams& p, const void* value, void*, void* output) {
  uint8_t* out = static_cast<uint8_t*>(output);
  if (value == nullptr) {
    std::memset(out, 0, static_cast<size_t>(p.count) * p.elem_bytes);
    return Status::kOk;
  }
  FillElements(out, static_cast<const uint8_t*>(value), p.count, p.elem_bytes);
  return Status::kOk;
}

}  // namespace hil::agent::engine
