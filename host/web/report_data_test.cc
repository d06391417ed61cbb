#include "hil/web/report_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hil/store/sqlite_store.h"
#include "hil/store/testing/memory_store.h"
#include "hil/web/html_report.h"

namespace hil::web {
namespace {

using nlohmann::json;

// Two runs of one model on one board kind; the second slower, with an estimated energy.
void Seed(store::Store& s, const std::string& suite, uint64_t base) {
  auto run = s.BeginRun({.suite_name = suite, .suite_path = "/nonexistent/" + suite + ".yaml"});
  ASSERT_TRUE(run);
  store::JobInfo info;
  info.model_name = "kws-s1";
  info.model_sha256 = "00";
  info.board_kind = "mps2-an386";
  info.board_instance = "mps2-an386#1";
  info.clock_hz = 25'000'000;
  info.iterations = 3;
  auto job = s.BeginJob(*run, info);
  ASSERT_TRUE(job);
  store::JobResult r;
  r.status = store::kPass;
  r.check = "outputs==host-reference: pass";
  r.unit = "instructions";
  r.source = "qemu-icount";
  r.samples = {{0, 0, 0, base}, {0, 0, 1, base + 2}, {0, 0, 2, base + 4}};
  r.ops = {{0, 3, "CONV_2D", 1, base / 2}, {1, 9, "FULLY_CONNECTED", 1, base / 2}};
  r.memory = store::MemoryRow{.arena_bytes = 4096, .arena_used = 2048, .stack_bytes = 2048, .stack_used = 512, .static_bytes = 1024};
  r.energy_uj = 12.5;
  r.energy_source = "estimate: 52 uA/MHz x 3.0 V";
  ASSERT_TRUE(s.FinishJob(*job, r));
  ASSERT_TRUE(s.FinishRun(*run, "pass"));
}

TEST(ReportJson, RunsOldestFirstWithTimeRamAndEstimateFlag) {
  store::testing::MemoryStore s;
  Seed(s, "quickstart", 25'000);
  Seed(s, "quickstart", 50'000);
  auto text = ReportJson(s, {.db_path = "x.db"});
  ASSERT_TRUE(text) << text.error().message;
  const json j = json::parse(*text);
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_LT(j["runs"][0]["id"].get<int64_t>(), j["runs"][1]["id"].get<int64_t>());
  ASSERT_EQ(j["jobs"].size(), 2u);
  const json& job = j["jobs"][0];
  EXPECT_DOUBLE_EQ(job["median"].get<double>(), 25'002);
  EXPECT_DOUBLE_EQ(job["median_us"].get<double>(), 25'002 * 1e6 / 25e6);
  EXPECT_EQ(job["ram_peak_bytes"].get<uint64_t>(), 2048u + 512u + 1024u);
  EXPECT_TRUE(job["energy_estimate"].get<bool>());
  EXPECT_EQ(job["ops"].size(), 2u);
}

TEST(ReportJson, FiltersBySuiteAndSince) {
  auto opened = store::SqliteStore::Open(":memory:");  // stamps runs with the UTC time
  ASSERT_TRUE(opened);
  store::Store& s = **opened;
  Seed(s, "quickstart", 1000);
  Seed(s, "other", 1000);
  auto text = ReportJson(s, {.filter = {.suite = "other"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["runs"].size(), 1u);
  text = ReportJson(s, {.filter = {.since = "2000-01-01"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["runs"].size(), 2u);
  text = ReportJson(s, {.filter = {.since = "9999-01-01"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["runs"].size(), 0u);
}

TEST(SeriesJson, OnePointPerRun) {
  store::testing::MemoryStore s;
  Seed(s, "quickstart", 1000);
  Seed(s, "quickstart", 2000);
  auto text = SeriesJson(s, "kws-s1", "mps2-an386", {});
  ASSERT_TRUE(text);
  const json j = json::parse(*text);
  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["points"].size(), 2u);
  EXPECT_EQ(json::parse(*SeriesJson(s, "nope", "", {}))["series"].size(), 0u);
}

TEST(JobsJson, UnknownRunIsNotFound) {
  store::testing::MemoryStore s;
  auto text = JobsJson(s, 42, {});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Status::kNotFound);
}

TEST(RenderReportHtml, EmbedsDataAndNoExternalResources) {
  const std::string html = RenderReportHtml(R"({"meta":{},"runs":[],"jobs":[]})");
  EXPECT_THAT(html, ::testing::HasSubstr(R"(<script type="application/json" id="hil-data">{"meta")"));
  EXPECT_THAT(html, ::testing::HasSubstr("uPlot"));
  EXPECT_THAT(html, ::testing::Not(::testing::HasSubstr("<!--HIL_DATA-->")));
  EXPECT_THAT(html, ::testing::Not(::testing::HasSubstr("src=\"http")));
  EXPECT_THAT(html, ::testing::Not(::testing::HasSubstr("href=\"http")));
}

TEST(ReportJson, EscapesScriptEndInText) {
  store::testing::MemoryStore s;
  auto run = s.BeginRun({.suite_name = "</script><b>", .suite_path = ""});
  ASSERT_TRUE(run);
  auto text = ReportJson(s, {});
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("</"), std::string::npos);
}

}  // namespace
}  // namespace hil::web
