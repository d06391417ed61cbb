// A point in time by which a blocking call must return. Every blocking host call takes one, so
// nothing waits forever on a board that stopped answering.
#pragma once

#include <chrono>

namespace hil {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline After(std::chrono::milliseconds duration) { return Deadline(Clock::now() + duration); }
  static Deadline At(Clock::time_point when) { return Deadline(when); }
  static Deadline Never() { return Deadline(Clock::time_point::max()); }

  bool never() const { return when_ == Clock::time_point::max(); }
  bool Expired() const { return !never() && Clock::now() >= when_; }
  // Time left, never negative; a large value for Never().
  std::chrono::milliseconds Remaining() const;
  // For poll(2): -1 for Never(), otherwise the time left rounded up to whole milliseconds (>= 0).
  int PollTimeoutMs() const;
  // The earlier of the two.
  Deadline Min(Deadline other) const { return when_ < other.when_ ? *this : other; }
  Clock::time_point when() const { return when_; }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
};

}  // namespace hil
