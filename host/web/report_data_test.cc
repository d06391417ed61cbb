#include "hil/web/report_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "hil/store/sqlite_store.h"
#include "hil/store/testing/memory_store.h"
#include "hil/web/html_report.h"
#include "hil/web/testing/kernel_seed.h"

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

// Whose firmware made the figures: the kind's protocol (mlperf-tiny: an MLPerf Tiny DUT, a third
// party's stack), or without kind files the latency source.
TEST(ReportJson, NamesTheFirmwareStackOfEachJob) {
  store::testing::MemoryStore s;
  Seed(s, "quickstart", 25'000);  // mps2-an386: our agent
  auto run = s.BeginRun({.suite_name = "stacks", .suite_path = "/nonexistent/stacks.yaml"});
  ASSERT_TRUE(run);
  store::JobInfo info;
  info.model_name = "kws-s1";
  info.model_sha256 = "00";
  info.board_kind = "posix-mlperf";
  info.board_instance = "dut#1";
  info.clock_hz = 1'000'000'000;
  auto job = s.BeginJob(*run, info);
  ASSERT_TRUE(job);
  store::JobResult r;
  r.status = store::kPass;
  r.unit = "ns";
  r.source = "mlperf-lap-us";
  r.samples = {{0, 0, 0, 3'000'000}};
  ASSERT_TRUE(s.FinishJob(*job, r));
  ASSERT_TRUE(s.FinishRun(*run, "pass"));
  for (const std::string boards : {std::string(HIL_SOURCE_DIR "/boards"), std::string()}) {
    auto text = ReportJson(s, {.db_path = "x.db", .boards_dir = boards});
    ASSERT_TRUE(text) << text.error().message;
    const json j = json::parse(*text);
    ASSERT_EQ(j["jobs"].size(), 2u);
    EXPECT_EQ(j["jobs"][0]["firmware"], "TinyHIL agent") << boards;
    EXPECT_EQ(j["jobs"][1]["firmware"], "MLPerf Tiny DUT") << boards;
    EXPECT_DOUBLE_EQ(j["jobs"][1]["median_us"].get<double>(), 3000.0);
  }
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

// The run of kernel_seed.h, with its suite in a temporary folder; cores from the tree's boards/.
class KernelReport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_kernel_report_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    auto run = testing::SeedKernelRun(store_, (dir_ / "suite.yaml").string());
    ASSERT_TRUE(run) << run.error().message;
    run_ = *run;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ReportOptions Options() const { return {.db_path = "x.db", .boards_dir = HIL_SOURCE_DIR "/boards"}; }

  std::filesystem::path dir_;
  store::testing::MemoryStore store_;
  int64_t run_ = 0;
};

TEST_F(KernelReport, JsonCarriesEachJobsVariantAndTheComparison) {
  auto text = ReportJson(store_, Options());
  ASSERT_TRUE(text) << text.error().message;
  const json j = json::parse(*text);
  ASSERT_EQ(j["jobs"].size(), 7u);
  EXPECT_EQ(j["jobs"][0]["kernel"], "ref");
  EXPECT_EQ(j["jobs"][0]["engine"], "tinyhil");
  EXPECT_EQ(j["jobs"][1]["kernel"], "dsp");  // the variant in effect, though the job asked for "auto"
  EXPECT_EQ(j["jobs"][2]["engine"], "tflm");
  EXPECT_EQ(j["jobs"][4]["kernel"], "mve");

  // fc-64x10 on the M4 and on the M55; the ref-only pairs form no group.
  const json& k = j["kernels"];
  ASSERT_EQ(k.size(), 2u);
  const json& m4 = k[0];
  EXPECT_EQ(m4["run_id"], run_);
  EXPECT_EQ(m4["model"], "fc-64x10");
  EXPECT_EQ(m4["board"], "mps2-an386");
  EXPECT_EQ(m4["core"], "cortex-m4");
  EXPECT_EQ(m4["peak_macs_per_cycle"], 2.0);
  EXPECT_EQ(m4["macs"], 640);
  ASSERT_EQ(m4["variants"].size(), 3u);
  EXPECT_EQ(m4["variants"][0]["kernel"], "ref");
  EXPECT_DOUBLE_EQ(m4["variants"][0]["median"].get<double>(), 6400);
  EXPECT_DOUBLE_EQ(m4["variants"][0]["per_mac"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(m4["variants"][0]["speedup"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m4["variants"][0]["peak_pct"].get<double>(), 5.0);  // 640 / (6400 x 2)
  EXPECT_EQ(m4["variants"][1]["kernel"], "dsp");
  EXPECT_DOUBLE_EQ(m4["variants"][1]["per_mac"].get<double>(), 3.75);
  EXPECT_DOUBLE_EQ(m4["variants"][1]["speedup"].get<double>(), 6400.0 / 2400.0);
  EXPECT_DOUBLE_EQ(m4["variants"][1]["peak_pct"].get<double>(), 100.0 * 640 / (2400.0 * 2));
  // TensorFlow Lite Micro last; every row against it, with each engine's arena.
  EXPECT_EQ(m4["variants"][0]["engine"], "tinyhil");
  EXPECT_EQ(m4["variants"][2]["engine"], "tflm");
  EXPECT_EQ(m4["variants"][2]["kernel"], "dsp");
  EXPECT_DOUBLE_EQ(m4["variants"][2]["median"].get<double>(), 2900);
  EXPECT_DOUBLE_EQ(m4["variants"][2]["speedup"].get<double>(), 6400.0 / 2900.0);
  EXPECT_DOUBLE_EQ(m4["variants"][2]["vs_tflm"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m4["variants"][1]["vs_tflm"].get<double>(), 2900.0 / 2400.0);
  EXPECT_DOUBLE_EQ(m4["variants"][0]["vs_tflm"].get<double>(), 2900.0 / 6400.0);
  EXPECT_EQ(m4["variants"][1]["arena_used"], 1200);
  EXPECT_EQ(m4["variants"][2]["arena_used"], 1648);
  EXPECT_TRUE(m4["variants"][0]["arena_used"].is_null());
  EXPECT_TRUE(k[1]["variants"][1]["vs_tflm"].is_null());  // no TFLM job on the M55
  ASSERT_EQ(m4["ops"].size(), 4u);  // ours with dsp, then TFLM, each against ours with ref
  EXPECT_EQ(m4["ops"][2]["engine"], "tflm");
  EXPECT_DOUBLE_EQ(m4["ops"][2]["speedup"].get<double>(), 2.5);  // 6000 -> 2400 per call
  EXPECT_EQ(m4["ops"][0]["name"], "FULLY_CONNECTED");
  EXPECT_DOUBLE_EQ(m4["ops"][0]["ref"].get<double>(), 6000);
  EXPECT_DOUBLE_EQ(m4["ops"][0]["value"].get<double>(), 2000);
  EXPECT_DOUBLE_EQ(m4["ops"][0]["speedup"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(m4["ops"][1]["speedup"].get<double>(), 1.0);

  const json& m55 = k[1];
  EXPECT_EQ(m55["board"], "mps3-an547");
  EXPECT_EQ(m55["core"], "cortex-m55");
  EXPECT_EQ(m55["peak_macs_per_cycle"], 8.0);
  EXPECT_EQ(m55["variants"][1]["kernel"], "mve");
  EXPECT_DOUBLE_EQ(m55["variants"][1]["speedup"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(m55["variants"][1]["peak_pct"].get<double>(), 100.0 * 640 / (1200.0 * 8));
  EXPECT_DOUBLE_EQ(m55["ops"][0]["speedup"].get<double>(), 5.0);
}

TEST_F(KernelReport, RunJobsApiAndKernelGroupsAgree) {
  auto text = JobsJson(store_, run_, Options());
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["kernels"].size(), 2u);
  auto groups = KernelGroups(store_, run_, Options());
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 2u);
  ASSERT_TRUE((*groups)[0].macs);
  EXPECT_EQ(*(*groups)[0].macs, 640u);
  EXPECT_DOUBLE_EQ(*(*groups)[1].variants[1].speedup, 4.0);
  EXPECT_EQ(KernelGroups(store_, 999, Options()).error().code, Status::kNotFound);
}

TEST(ReportJson, NoKernelGroupsWithOneVariant) {
  store::testing::MemoryStore s;
  Seed(s, "quickstart", 1000);
  auto text = ReportJson(s, {});
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text)["kernels"].size(), 0u);
  EXPECT_TRUE(json::parse(*text)["jobs"][0]["kernel"].is_null());
}

}  // namespace
}  // namespace hil::web
