#include "hil/report/summary_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hil::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

store::JobRow Row(const std::string& model, const std::string& status) {
  store::JobRow j;
  j.info.model_name = model;
  j.info.board_instance = "posix-host#1";
  j.info.clock_hz = 1000000000;
  j.status = status;
  j.unit = "ns";
  j.source = "host-monotonic";
  return j;
}

TEST(SummaryTable, ShowsMedianMinMaxInUnitAndMicroseconds) {
  auto j = Row("kws-s1", "pass");
  j.samples = {3000, 1000, 2000, 500000};
  j.memory = store::MemoryRow{65536, 2048, 8192, 1536, 0};
  j.check = "outputs==host-reference: pass";
  const std::string t = SummaryTable({j});
  EXPECT_THAT(t, HasSubstr("kws-s1"));
  EXPECT_THAT(t, HasSubstr("2500"));       // median of an even count
  EXPECT_THAT(t, HasSubstr("500000"));     // max
  EXPECT_THAT(t, HasSubstr("ns:host-monotonic"));
  EXPECT_THAT(t, HasSubstr("2.50"));       // median us
  EXPECT_THAT(t, HasSubstr("2.0 KiB"));    // arena used
  EXPECT_THAT(t, HasSubstr("1.5 KiB"));    // stack used
  EXPECT_THAT(t, HasSubstr("outputs==host-reference: pass"));
}

TEST(SummaryTable, ShowsRamPeakFlashAndMarksEstimatedEnergy) {
  auto j = Row("kws", "pass");
  j.info.board_instance = "mps2-an386#1";
  j.info.clock_hz = 25000000;
  j.info.model_bytes = 43232;
  j.unit = "instructions";
  j.source = "qemu-icount";
  j.samples = {40000000, 40000000};
  j.memory = store::MemoryRow{524288, 21592, 16384, 1896, 24884};
  j.flash_bytes = 69192;
  j.energy_uj = 6240.0;
  j.energy_source = "estimate: instructions x 52 uA/MHz x 3.0 V";
  const std::string t = SummaryTable({j});
  EXPECT_THAT(t, HasSubstr("1600000"));                              // 40 M instructions at 25 MHz, in us
  EXPECT_THAT(t, HasSubstr(Bytes(21592 + 1896 + 24884)));            // RAM peak
  EXPECT_THAT(t, HasSubstr(Bytes(69192 + 43232)));                   // firmware + model
  EXPECT_THAT(t, HasSubstr("~6.24 mJ"));
  EXPECT_THAT(t, HasSubstr("~ energy is an estimate"));
  // A measured figure carries no '~' and no footnote.
  j.energy_source = "lpm01a";
  const std::string m = SummaryTable({j});
  EXPECT_THAT(m, HasSubstr("6.24 mJ"));
  EXPECT_THAT(m, Not(HasSubstr("~6.24")));
  EXPECT_THAT(m, Not(HasSubstr("is an estimate")));
}

TEST(SummaryTable, CyclesConvertWithTheBoardClock) {
  EXPECT_DOUBLE_EQ(ToMicroseconds(25000, "cycles", 25000000), 1000.0);
  EXPECT_DOUBLE_EQ(ToMicroseconds(1500, "ns", 0), 1.5);
  EXPECT_LT(ToMicroseconds(1, "cycles", 0), 0);
}

TEST(SummaryTable, FailedJobShowsItsErrorOnTheNextLine) {
  auto j = Row("broken", "error");
  j.error = "board posix-host#1: no HELLO within 2000 ms on tty:/dev/pts/5";
  const std::string t = SummaryTable({j});
  EXPECT_THAT(t, HasSubstr("\n    error: board posix-host#1: no HELLO within 2000 ms"));
}

TEST(OpProfileTable, ShowsPerCallAndShare) {
  const std::string t = OpProfileTable({{0, 3, "CONV_2D", 4, 300}, {1, 9, "FULLY_CONNECTED", 4, 100}}, "ns");
  EXPECT_THAT(t, HasSubstr("TOTAL ns"));
  EXPECT_THAT(t, ::testing::ContainsRegex("CONV_2D +4 +300 +75 +75.0%"));
  EXPECT_THAT(t, ::testing::ContainsRegex("FULLY_CONNECTED +4 +100 +25 +25.0%"));
}

TEST(SummaryLine, CountsStatuses) {
  EXPECT_EQ(SummaryLine({Row("a", "pass"), Row("b", "fail"), Row("c", "pass")}), "3 jobs: 2 pass, 1 fail, 0 error");
  EXPECT_THAT(SummaryLine({Row("a", "running")}), HasSubstr("1 unfinished"));
  EXPECT_THAT(SummaryLine({Row("a", "pass")}), Not(HasSubstr("jobs")));
}

}  // namespace
}  // namespace hil::report
