#include "hil/report/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hil::report {
namespace {

using ::testing::HasSubstr;

store::JobRow Job(const std::string& model, const std::string& kind, std::vector<uint64_t> samples,
                  const std::string& unit = "instructions", const std::string& source = "qemu-icount") {
  store::JobRow j;
  j.info.model_name = model;
  j.info.board_kind = kind;
  j.status = "pass";
  j.unit = unit;
  j.source = source;
  j.samples = std::move(samples);
  return j;
}

// One engine's figures never stand for another's: with TFLM jobs in the base run only, ours pairs
// with ours (an older store's empty engine is ours) and TFLM's job is "not in the candidate run".
TEST(CompareJobs, PairsByEngineToo) {
  std::vector<store::JobRow> a = {Job("kws", "an386", {7000}), Job("kws", "an386", {8000})};
  a[0].info.engine = "tflm";
  std::vector<store::JobRow> b = {Job("kws", "an386", {8000})};
  b[0].info.engine = "tinyhil";
  const auto rows = CompareJobs(a, b, 1.0);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_NE(rows[0].base, nullptr);
  EXPECT_EQ(rows[0].base->samples[0], 8000u);
  EXPECT_EQ(rows[0].comparison.verdict, Verdict::kUnchanged);
  EXPECT_EQ(rows[1].candidate, nullptr);
  EXPECT_EQ(rows[1].base->info.engine, "tflm");
}

TEST(CompareJobs, PairsByModelAndBoardAndFlagsOnlyRealChanges) {
  const std::vector<store::JobRow> a = {Job("kws", "an386", {1000, 1000, 1000}), Job("vww", "an386", {5000, 5000}),
                                        Job("ic", "an386", {7000}),
                                        Job("fc", "posix", {100, 101, 99, 100, 102, 98, 100}, "ns", "host-monotonic")};
  const std::vector<store::JobRow> b = {Job("vww", "an386", {5000, 5000}), Job("kws", "an386", {1100, 1100, 1100}),
                                        Job("fc", "posix", {104, 110, 95, 99, 120, 90, 100}, "ns", "host-monotonic"),
                                        Job("new", "an386", {1})};
  const auto rows = CompareJobs(a, b, 5.0);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].model_name, "vww");
  EXPECT_EQ(rows[0].comparison.verdict, Verdict::kUnchanged);
  EXPECT_EQ(rows[1].model_name, "kws");
  EXPECT_EQ(rows[1].comparison.verdict, Verdict::kRegression);
  EXPECT_NEAR(rows[1].comparison.delta_pct, 10.0, 1e-9);
  EXPECT_EQ(rows[2].comparison.verdict, Verdict::kUnchanged);  // +0%: noisy but no change of the median
  EXPECT_EQ(rows[3].base, nullptr);
  EXPECT_EQ(rows[4].model_name, "ic");
  EXPECT_EQ(rows[4].candidate, nullptr);
  const std::string table = CompareTable(rows, 1, 2, 5.0);
  EXPECT_THAT(table, HasSubstr("MEDIAN A (run 1)"));
  EXPECT_THAT(table, HasSubstr("+10.00%"));
  EXPECT_THAT(table, HasSubstr("regression (exact)"));
  EXPECT_THAT(table, HasSubstr("only in B"));
  EXPECT_THAT(table, HasSubstr("only in A"));
  EXPECT_THAT(table, HasSubstr("1 regression, 0 improvements"));
  EXPECT_THAT(RegressionDetail(rows[1], "baseline nightly"), HasSubstr("median 1000 -> 1100 instructions (+10.00%) against baseline nightly"));
}

}  // namespace
}  // namespace hil::report
