#include "hil/core/stats.h"

#include <gtest/gtest.h>

#include <vector>

namespace hil {
namespace {

TEST(Summarize, OddCountMedianIsMiddleValue) {
  const std::vector<uint64_t> v = {9, 1, 5, 3, 7};
  const Summary s = Summarize(v);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.min, 1u);
  EXPECT_EQ(s.max, 9u);
  EXPECT_DOUBLE_EQ(s.median, 5.0);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
}

TEST(Summarize, EvenCountMedianAveragesTheMiddlePair) {
  const std::vector<uint64_t> v = {10, 2, 4, 100};
  const Summary s = Summarize(v);
  EXPECT_DOUBLE_EQ(s.median, 7.0);
  EXPECT_DOUBLE_EQ(s.mean, 29.0);
  EXPECT_EQ(s.min, 2u);
  EXPECT_EQ(s.max, 100u);
}

TEST(Summarize, EmptyIsAllZero) {
  const Summary s = Summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.max, 0u);
  EXPECT_DOUBLE_EQ(s.median, 0.0);
}

TEST(Summarize, LargeValuesDoNotOverflowTheMean) {
  const std::vector<uint64_t> v = {UINT64_MAX, UINT64_MAX};
  const Summary s = Summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, static_cast<double>(UINT64_MAX));
}

}  // namespace
}  // namespace hil
