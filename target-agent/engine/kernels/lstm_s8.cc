#include "kernels/lstm_step.h"

namespace hil::agent::engine {

size_t LstmScratchBytes(const LstmParams&) { return 0; }

Status LstmS8(const LstmParams& p, const LstmTensorsS8& t) {
  lstm_internal::Run(p, t);
  return Status::kOk;
}

}  // namespace hil::agent::engine
