#include "hil/core/deadline.h"

#include <gtest/gtest.h>

namespace hil {
namespace {

using namespace std::chrono_literals;

TEST(Deadline, PastDeadlineIsExpiredWithZeroRemaining) {
  const Deadline d = Deadline::After(-5ms);
  EXPECT_TRUE(d.Expired());
  EXPECT_EQ(d.Remaining().count(), 0);
  EXPECT_EQ(d.PollTimeoutMs(), 0);
}

TEST(Deadline, NeverDoesNotExpireAndPollsForever) {
  const Deadline d = Deadline::Never();
  EXPECT_FALSE(d.Expired());
  EXPECT_EQ(d.PollTimeoutMs(), -1);
}

TEST(Deadline, MinPicksTheEarlier) {
  const Deadline a = Deadline::After(10ms);
  const Deadline b = Deadline::After(10s);
  EXPECT_EQ(a.Min(b).when(), a.when());
  EXPECT_EQ(b.Min(a).when(), a.when());
  EXPECT_LE(a.Remaining().count(), 10);
}

}  // namespace
}  // namespace hil
