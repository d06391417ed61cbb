#include "hil/core/suite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hil/core/plan.h"

namespace hil {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGood = R"(name: quickstart
models:
  - generate: kws
    seed: 1
  - path: ../models/x.tflite
    name: x
inputs:
  random: {seed: 42, count: 2}
boards: [posix-host, other]
settings:
  - {warmup: 2, iterations: 20, repetitions: 3}
  - {warmup: 0, iterations: 5, link: rtt}
checks: {outputs: host-reference}
)";

TEST(ParseSuite, ParsesEveryField) {
  auto suite = ParseSuite(kGood, "suites/q.yaml", "/repo/suites");
  ASSERT_TRUE(suite) << suite.error().message;
  EXPECT_EQ(suite->name, "quickstart");
  ASSERT_EQ(suite->models.size(), 2u);
  EXPECT_EQ(suite->models[0].source, ModelSpec::Source::kGenerate);
  EXPECT_EQ(suite->models[0].generator, "kws");
  EXPECT_EQ(suite->models[0].seed, 1u);
  EXPECT_EQ(suite->models[0].name, "kws-s1");
  EXPECT_EQ(suite->models[0].line, 3);
  EXPECT_EQ(suite->models[1].resolved, "/repo/models/x.tflite");
  EXPECT_EQ(suite->inputs.seed, 42u);
  EXPECT_EQ(suite->inputs.count, 2);
  ASSERT_EQ(suite->boards.size(), 2u);
  EXPECT_EQ(suite->boards[1].kind, "other");
  EXPECT_EQ(suite->boards[1].line, 9);
  ASSERT_EQ(suite->settings.size(), 2u);
  EXPECT_EQ(suite->settings[0].repetitions, 3);
  EXPECT_EQ(suite->settings[1].warmup, 0);
  EXPECT_EQ(suite->settings[1].repetitions, 1);
  EXPECT_TRUE(suite->checks.outputs_equal_reference);
}

TEST(PlanJobs, IsTheCrossProductInSuiteOrder) {
  auto suite = ParseSuite(kGood, "q.yaml", ".");
  ASSERT_TRUE(suite);
  const auto jobs = PlanJobs(*suite);
  ASSERT_EQ(jobs.size(), 2u * 2u * 2u);
  EXPECT_EQ(jobs[0].model_index, 0u);
  EXPECT_EQ(jobs[0].board_kind, "posix-host");
  EXPECT_EQ(jobs[1].settings.iterations, 5);
  EXPECT_EQ(jobs[2].board_kind, "other");
  EXPECT_EQ(jobs[7].model_index, 1u);
  EXPECT_EQ(jobs[7].ordinal, 7);
}

TEST(LoadSuite, MissingFileIsNotFoundAndNamesThePath) {
  auto suite = LoadSuite("/nonexistent/dir/suite.yaml");
  ASSERT_FALSE(suite);
  EXPECT_EQ(suite.error().code, Status::kNotFound);
  EXPECT_THAT(suite.error().message, HasSubstr("/nonexistent/dir/suite.yaml"));
}

TEST(LoadSuite, ReadsAFileAndResolvesPathsAgainstItsFolder) {
  const auto dir = std::filesystem::temp_directory_path() / ("hil_suite_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "s.yaml";
  std::ofstream(file) << "name: s\nmodels: [m.tflite]\nboards: [b]\n";
  auto suite = LoadSuite(file.string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(suite) << suite.error().message;
  EXPECT_EQ(suite->models[0].resolved, (dir / "m.tflite").string());
  EXPECT_EQ(suite->models[0].name, "m");
  EXPECT_EQ(suite->settings.size(), 1u);
}

TEST(ParseSuite, YamlSyntaxErrorNamesFileAndLine) {
  auto suite = ParseSuite("name: x\nmodels:\n  - path: a\n  boards: [unclosed\n", "bad.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_EQ(suite.error().code, Status::kBadArgument);
  EXPECT_THAT(suite.error().message, HasSubstr("bad.yaml:"));
  EXPECT_THAT(suite.error().message, HasSubstr("YAML syntax error"));
}

TEST(ParseSuite, YamlSyntaxErrorLineIsTheOffendingLine) {
  auto suite = ParseSuite("name: x\nboards: [a]\nmodels: [a\n\nsettings: {warmup: 1}\n}\n", "bad.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, ::testing::MatchesRegex("bad\\.yaml:[3-6]: YAML syntax error.*"));
}

TEST(ParseSuite, UnknownTopLevelFieldIsNamedWithItsLine) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nbaords: [c]\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("s.yaml:4: baords: unknown field"));
}

TEST(ParseSuite, UnknownNestedFieldIsNamedWithItsPath) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings:\n  warmup: 1\n  iters: 3\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("s.yaml:6: settings.iters: unknown field"));
}

TEST(ParseSuite, BadTypeNamesFieldLineAndValue) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings:\n  iterations: ten\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_EQ(suite.error().code, Status::kBadArgument);
  EXPECT_THAT(suite.error().message, HasSubstr("s.yaml:5: settings.iterations: expected an integer in 1..1000000, got 'ten'"));
}

TEST(ParseSuite, LinkIsUartOrRtt) {
  auto good = ParseSuite(kGood, "s.yaml", ".");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->settings[0].link, "");
  EXPECT_EQ(good->settings[1].link, "rtt");
  auto bad = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings: {link: swo}\n", "s.yaml", ".");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("s.yaml:4: settings.link: expected uart or rtt, got 'swo'"));
}

TEST(ParseSuite, OutOfRangeIsRejected) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings: {warmup: 70000}\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("settings.warmup"));
}

TEST(ParseSuite, GeneratedModelWithoutSeedIsRejected) {
  auto suite = ParseSuite("name: x\nmodels:\n  - generate: kws\nboards: [b]\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("s.yaml:3: models[0].seed: missing"));
}

TEST(ParseSuite, ModelWithBothPathAndGenerateIsRejected) {
  auto suite = ParseSuite("name: x\nmodels:\n  - {generate: kws, path: a, seed: 1}\nboards: [b]\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("models[0]: needs exactly one of"));
}

TEST(ParseSuite, MissingBoardsIsRejected) {
  auto suite = ParseSuite("name: x\nmodels: [a]\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("boards: missing"));
}

TEST(ParseSuite, BoardsMustBeStrings) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards:\n  - {kind: b}\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("s.yaml:4: boards[0]: expected a non-empty string"));
}

TEST(ParseSuite, BadCheckValueIsRejected) {
  auto suite = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nchecks: {outputs: close}\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("checks.outputs: expected 'host-reference' or 'none', got 'close'"));
}

TEST(ParseSuite, EmptyFileIsRejected) {
  auto suite = ParseSuite("", "e.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("e.yaml:1"));
}

TEST(ParseSuite, DuplicateModelNamesAreRejected) {
  auto suite = ParseSuite("name: x\nmodels: [a.tflite, b/a.tflite]\nboards: [b]\n", "s.yaml", ".");
  ASSERT_FALSE(suite);
  EXPECT_THAT(suite.error().message, HasSubstr("duplicate model name 'a'"));
}

}  // namespace
}  // namespace hil
