#include "hil/core/deadline.h"

#include <climits>

namespace hil {

std::chrono::milliseconds Deadline::Remaining() const {
  if (never()) return std::chrono::milliseconds(INT_MAX);
  const auto now = Clock::now();
  if (now >= when_) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(when_ - now);
}

int Deadline::PollTimeoutMs() const {
  if (never()) return -1;
  const auto ms = Remaining().count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace hil
