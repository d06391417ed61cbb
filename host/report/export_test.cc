#include "hil/report/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace hil::report {
namespace {

using ::testing::HasSubstr;

store::JobRow Job(int64_t id, const std::string& model, const std::string& status) {
  store::JobRow j;
  j.id = id;
  j.run_id = 4;
  j.info.model_name = model;
  j.info.board_kind = "mps2-an386";
  j.info.board_instance = "mps2-an386#1";
  j.info.clock_hz = 25000000;
  j.info.model_bytes = 1000;
  j.info.kernel = "dsp";
  j.status = status;
  j.unit = "instructions";
  j.source = "qemu-icount";
  j.samples = {100, 100, 100, 100, 100};
  j.memory = store::MemoryRow{4096, 2048, 1024, 512, 256};
  j.flash_bytes = 9000;
  j.energy_uj = 1.5;
  j.energy_source = "estimate: x";
  j.check = "outputs==host-reference: pass (2 compared)";
  return j;
}

struct Fixture {
  store::RunRow run{4, "quick \"start\" <&>", "suites/q.yaml", "2026-11-26T01:00:00Z", "2026-11-26T01:01:00Z", "fail", 3};
  Environment env{{"host", "farm1"}, {"git_branch", "main"}};
  std::vector<store::JobRow> jobs;
  Fixture() {
    jobs.push_back(Job(1, "kws", "pass"));
    auto bad = Job(2, "vww, big", "fail");
    bad.check = "outputs==host-reference: FAIL (1 of 2 differ)";
    bad.check_detail = "input 0 output 0: 3 of 12 bytes differ\x01";
    bad.regression = "median 100 -> 120 instructions (+20.00%) against baseline nightly";
    jobs.push_back(bad);
    auto err = Job(3, "ic", "error");
    err.error = "board mps2-an386#1: no HELLO within 2000 ms";
    err.samples.clear();
    err.memory.reset();
    jobs.push_back(err);
  }
};

TEST(RunJson, CarriesRunEnvironmentStatsAndSummary) {
  Fixture f;
  const auto doc = nlohmann::json::parse(RunJson(f.run, f.env, f.jobs));
  EXPECT_EQ(doc["format"], "tinyhil-run/1");
  EXPECT_EQ(doc["run"]["id"], 4);
  EXPECT_EQ(doc["environment"]["git_branch"], "main");
  EXPECT_EQ(doc["summary"]["pass"], 1);
  EXPECT_EQ(doc["summary"]["fail"], 1);
  EXPECT_EQ(doc["summary"]["error"], 1);
  const auto& j = doc["jobs"][0];
  EXPECT_EQ(j["stats"]["median"], 100.0);
  EXPECT_EQ(j["stats"]["p90"], 100);
  EXPECT_EQ(j["stats"]["median_ci"][0], 100);
  EXPECT_EQ(j["deterministic"], true);
  EXPECT_DOUBLE_EQ(j["median_us"].get<double>(), 4.0);  // 100 instructions at 25 MHz
  EXPECT_EQ(j["memory"]["ram_peak_bytes"], 2048 + 512 + 256);
  EXPECT_EQ(j["flash_bytes"], 10000);
  EXPECT_EQ(doc["jobs"][1]["regression"], f.jobs[1].regression);
  EXPECT_EQ(doc["jobs"][2]["error"], f.jobs[2].error);
  EXPECT_FALSE(doc["jobs"][2].contains("stats"));
}

TEST(RunJson, CarriesTheKernelVariantOfEachJob) {
  Fixture f;
  f.jobs[1].info.kernel = "ref";
  f.jobs[2].info.kernel.clear();  // a store from before variants were recorded
  const auto doc = nlohmann::json::parse(RunJson(f.run, f.env, f.jobs));
  EXPECT_EQ(doc["jobs"][0]["kernel"], "dsp");
  EXPECT_EQ(doc["jobs"][1]["kernel"], "ref");
  EXPECT_TRUE(doc["jobs"][2]["kernel"].is_null());
}

TEST(JobsCsv, OneQuotedRowPerJob) {
  Fixture f;
  const std::string csv = JobsCsv(f.run, f.jobs);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_THAT(csv, HasSubstr("4,2,\"vww, big\","));
  EXPECT_THAT(csv, HasSubstr(",100,100,100.000,100,100,100,100,4.000,2048,512,2816,10000,"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')).find("run_id,job_id,model"), 0u);
}

TEST(JobsCsv, CarriesTheKernelVariantAndEngineAfterTheBoard) {
  Fixture f;
  f.jobs[1].info.kernel = "ref";
  f.jobs[2].info.engine = "tflm";
  const std::string csv = JobsCsv(f.run, f.jobs);
  EXPECT_THAT(csv, HasSubstr("board_kind,board_instance,kernel,engine,status,"));
  EXPECT_THAT(csv, HasSubstr("4,1,kws,,mps2-an386,mps2-an386#1,dsp,tinyhil,pass,instructions,"));  // an older store's: ours
  EXPECT_THAT(csv, HasSubstr(",mps2-an386,mps2-an386#1,ref,tinyhil,fail,"));
  EXPECT_THAT(csv, HasSubstr(",mps2-an386,mps2-an386#1,dsp,tflm,error,"));
}

TEST(JUnitXml, OneCasePerJobAndCheckWithMessages) {
  Fixture f;
  const std::string xml = JUnitXml(f.run, f.env, f.jobs);
  // kws: job + outputs; vww: job + outputs (failure) + regression (failure); ic: job (error).
  EXPECT_THAT(xml, HasSubstr("tests=\"6\" failures=\"2\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"kws on mps2-an386#1: outputs==host-reference\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"outputs==host-reference: FAIL (1 of 2 differ)\" type=\"hil.check\">"));
  EXPECT_THAT(xml, HasSubstr("<error message=\"board mps2-an386#1: no HELLO within 2000 ms\" type=\"hil.error\">"));
  EXPECT_THAT(xml, HasSubstr("name=\"quick &quot;start&quot; &lt;&amp;&gt;\""));
  EXPECT_THAT(xml, HasSubstr("+20.00%"));
}

TEST(JUnitXml, ValidatesAgainstTheSchemaInTheTree) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) FAIL() << "xmllint is missing: apt-get install libxml2-utils";
  Fixture f;
  const auto path = std::filesystem::temp_directory_path() / ("hil_junit_" + std::to_string(getpid()) + ".xml");
  std::ofstream(path) << JUnitXml(f.run, f.env, f.jobs);
  const std::string cmd = "xmllint --noout --schema " HIL_SOURCE_DIR "/tests/junit.xsd " + path.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  // An empty run is valid too.
  std::ofstream(path) << JUnitXml(f.run, {}, {});
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove(path);
}

TEST(JUnitXml, EachCheckOfAJobIsACase) {
  Fixture f;
  auto j = Job(1, "kws", "fail");
  j.check = "outputs==host-reference: pass (2 compared); budget: FAIL latency_us 9.0 > 5 (budgets.all.latency_us)";
  const std::string xml = JUnitXml(f.run, f.env, {j});
  EXPECT_THAT(xml, HasSubstr("tests=\"3\" failures=\"1\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("name=\"kws on mps2-an386#1: budget\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"budget: FAIL latency_us 9.0 &gt; 5 (budgets.all.latency_us)\""));
}

}  // namespace
}  // namespace hil::report
