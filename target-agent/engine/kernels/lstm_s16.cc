#include "kernels/lstm_step.h"

namespace hil::agent::engine {

Status LstmS16(const LstmParams& p, const LstmTensorsS16& t) {
  lstm_internal::Run(p, t);
  return Status::kOk;
}

}  // namespace hil::agent::engine
