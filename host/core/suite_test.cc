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

// A suite sent to the farm API names only files inside the folder of its uploads: any other path is
// refused by field and line before anything is read (a labels file outside would otherwise be read,
// and its first line echoed in the error).
TEST(ParseSuite, ConfinedPathsStayInsideTheUploadFolder) {
  const std::string ok = "name: s\nmodels:\n  - m.tflite\n  - {path: sub/n.tflite}\ninputs: {files: [in/a.bin, ./b.bin]}\nboards: [b]\n";
  auto suite = ParseSuite(ok, "suite", "/up", SuitePaths::kConfined);
  ASSERT_TRUE(suite) << suite.error().message;
  EXPECT_EQ(suite->models[0].resolved, "/up/m.tflite");
  EXPECT_EQ(suite->models[1].resolved, "/up/sub/n.tflite");
  EXPECT_EQ(suite->inputs.files[1], "/up/b.bin");
  const std::pair<std::string, std::string> refused[] = {
      {"name: s\nmodels:\n  - /etc/passwd\nboards: [b]\n", "suite:3: models[0]: '/etc/passwd' is not one of the suite's uploaded files"},
      {"name: s\nmodels:\n  - {path: ../../etc/passwd}\nboards: [b]\n", "suite:3: models[0].path: '../../etc/passwd' is not one"},
      {"name: s\nmodels: [m.tflite]\ninputs: {files: [a.bin, /etc/passwd]}\nboards: [b]\n", "inputs.files[1]: '/etc/passwd' is not one"},
      {"name: s\nmodels: [m.tflite]\ninputs: {folder: x, labels: /etc/shadow}\nboards: [b]\n", "inputs.labels: '/etc/shadow' is not one"},
      {"name: s\nmodels: [m.tflite]\ninputs: {folder: /etc, labels: l.txt}\nboards: [b]\n", "inputs.folder: '/etc' is not one"},
      {"name: s\nmodels: [m.tflite]\ninputs: {folder: a/../.., labels: l.txt}\nboards: [b]\n", "inputs.folder: 'a/../..' is not one"},
  };
  for (const auto& [text, says] : refused) {
    auto r = ParseSuite(text, "suite", "/up", SuitePaths::kConfined);
    ASSERT_FALSE(r) << text;
    EXPECT_THAT(r.error().message, HasSubstr(says)) << text;
    EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("root:"))) << text;
    // The same suite from the command line may name any file.
    auto any = ParseSuite(text, "suite", "/up");
    if (text.find("labels") == std::string::npos) EXPECT_TRUE(any) << text;
  }
  // A labels file inside the folder whose lines leave it.
  const auto dir = std::filesystem::temp_directory_path() / ("hil_confined_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "l.txt") << "a.bin 0\n../../etc/passwd 1\n";
  auto r = ParseSuite("name: s\nmodels: [m.tflite]\ninputs: {folder: ., labels: l.txt}\nboards: [b]\n", "suite", dir.string(),
                      SuitePaths::kConfined);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("l.txt:2: sample '../../etc/passwd' is not inside the uploaded folder"));
}

// Duplicate keys are refused with both lines (yaml-cpp would keep the first silently).
TEST(ParseSuite, DuplicateKeysAreRefusedWithBothLines) {
  auto r = ParseSuite("name: s\nmodels: [m.tflite]\nboards: [b]\nname: t\n", "s.yaml", ".");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.yaml:4: key 'name' given twice in one mapping (first at line 1)");
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

TEST(ParseSuite, KernelIsRefDspMveOrAuto) {
  auto good = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings:\n  - {kernel: dsp}\n  - {kernel: auto}\n", "s.yaml", ".");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->settings[0].kernel, "dsp");
  EXPECT_EQ(good->settings[1].kernel, "auto");
  auto bad = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings: {kernel: neon}\n", "s.yaml", ".");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("s.yaml:4: settings.kernel: expected ref, dsp, mve or auto, got 'neon'"));
}

// `engine: [tinyhil, tflm]` compares engines: one Settings per engine, the rest of the entry shared,
// in the suite's order; silent means ours (empty). Unknown or repeated engines are refused by line.
TEST(ParseSuite, EngineListPlansOneSettingsPerEngine) {
  auto good = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings:\n  - {kernel: auto, iterations: 3, engine: [tinyhil, tflm]}\n"
                         "  - {kernel: ref}\n  - {engine: tflm}\n",
                         "s.yaml", ".");
  ASSERT_TRUE(good) << good.error().message;
  ASSERT_EQ(good->settings.size(), 4u);
  EXPECT_EQ(good->settings[0].engine, "tinyhil");
  EXPECT_EQ(good->settings[1].engine, "tflm");
  EXPECT_EQ(good->settings[1].kernel, "auto");
  EXPECT_EQ(good->settings[1].iterations, 3);
  EXPECT_EQ(good->settings[2].engine, "");
  EXPECT_EQ(good->settings[3].engine, "tflm");
  auto single = ParseSuite("name: x\nmodels: [a, b]\nboards: [b]\nsettings: {engine: [tflm, tinyhil]}\n", "s.yaml", ".");
  ASSERT_TRUE(single) << single.error().message;
  ASSERT_EQ(single->settings.size(), 2u);
  EXPECT_EQ(single->settings[0].engine, "tflm");

  auto bad = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings:\n  engine: [tinyhil, onnx]\n", "s.yaml", ".");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("s.yaml:5: settings.engine[1]: expected tinyhil or tflm, got 'onnx'"));
  auto twice = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings: {engine: [tflm, tflm]}\n", "s.yaml", ".");
  ASSERT_FALSE(twice);
  EXPECT_THAT(twice.error().message, HasSubstr("settings.engine[1]: engine tflm is listed twice"));
  auto empty = ParseSuite("name: x\nmodels: [a]\nboards: [b]\nsettings: {engine: []}\n", "s.yaml", ".");
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("settings.engine: expected tinyhil, tflm or a list of them, got an empty list"));
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

TEST(ParseSuite, RegressionRules) {
  const std::string head = "name: s\nmodels: [a.tflite]\nboards: [b]\n";
  auto none = ParseSuite(head, "s.yaml", ".");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->regressions.enabled);
  auto last = ParseSuite(head + "regressions: {against: last-run, threshold_pct: 2.5}\n", "s.yaml", ".");
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_TRUE(last->regressions.enabled);
  EXPECT_EQ(last->regressions.baseline, "");
  EXPECT_DOUBLE_EQ(last->regressions.threshold_pct, 2.5);
  EXPECT_EQ(last->regressions.line, 4);
  auto base = ParseSuite(head + "regressions:\n  against: baseline:nightly\n", "s.yaml", ".");
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_EQ(base->regressions.baseline, "nightly");
  EXPECT_DOUBLE_EQ(base->regressions.threshold_pct, 5.0);
  auto bad = ParseSuite(head + "regressions:\n  against: yesterday\n", "s.yaml", ".");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("s.yaml:5: regressions.against: expected last-run or baseline:NAME, got 'yesterday'"));
  auto pct = ParseSuite(head + "regressions: {against: last-run, threshold_pct: lots}\n", "s.yaml", ".");
  ASSERT_FALSE(pct);
  EXPECT_THAT(pct.error().message, HasSubstr("s.yaml:4: regressions.threshold_pct: expected a number in 0..1000, got 'lots'"));
  auto key = ParseSuite(head + "regressions: {against: last-run, treshold: 1}\n", "s.yaml", ".");
  ASSERT_FALSE(key);
  EXPECT_THAT(key.error().message, HasSubstr("regressions.treshold: unknown field"));
}

TEST(ParseSuite, BudgetsPerBoardKind) {
  const std::string head = "name: s\nmodels: [a.tflite]\nboards: [an386, an505]\n";
  auto ok = ParseSuite(head + "budgets:\n  all: {ram_peak_bytes: 65536}\n  an386: {latency_us: 2500.5, latency_instructions: 50000000, "
                              "flash_bytes: 262144, energy_uj: 10}\n",
                       "s.yaml", ".");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->budgets.size(), 2u);
  const Budget* an386 = BudgetFor(*ok, "an386");
  ASSERT_NE(an386, nullptr);
  EXPECT_DOUBLE_EQ(*an386->latency_us, 2500.5);
  EXPECT_EQ(*an386->latency_instructions, 50000000u);
  EXPECT_EQ(*an386->flash_bytes, 262144u);
  EXPECT_FALSE(an386->ram_peak_bytes);  // its own entry replaces `all`
  EXPECT_EQ(an386->line, 6);
  EXPECT_EQ(BudgetFor(*ok, "an505")->kind, "all");
  EXPECT_EQ(*BudgetFor(*ok, "an505")->ram_peak_bytes, 65536u);
  EXPECT_EQ(BudgetFor(ParseSuite(head, "s.yaml", ".").value(), "an386"), nullptr);

  auto kind = ParseSuite(head + "budgets:\n  nucleo: {flash_bytes: 1}\n", "s.yaml", ".");
  ASSERT_FALSE(kind);
  EXPECT_THAT(kind.error().message, HasSubstr("s.yaml:5: budgets.nucleo: 'nucleo' is not a board kind of this suite (boards: an386, an505"));
  auto field = ParseSuite(head + "budgets:\n  an386:\n    ram_kb: 64\n", "s.yaml", ".");
  ASSERT_FALSE(field);
  EXPECT_THAT(field.error().message, HasSubstr("s.yaml:6: budgets.an386.ram_kb: unknown field"));
  auto value = ParseSuite(head + "budgets:\n  an386:\n    flash_bytes: -5\n", "s.yaml", ".");
  ASSERT_FALSE(value);
  EXPECT_THAT(value.error().message, HasSubstr("s.yaml:6: budgets.an386.flash_bytes: expected an integer in 1.."));
}

TEST(ParseSuite, InputsFromFilesAndALabelledFolder) {
  const auto dir = std::filesystem::temp_directory_path() / ("hil_suite_inputs_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "samples");
  std::ofstream(dir / "labels.txt") << "# file class\na.bin 3\n\nb.bin 0\n";
  std::ofstream(dir / "bad.txt") << "a.bin 3\nb.bin three\n";
  const std::string head = "name: s\nmodels: [m.tflite]\nboards: [b]\n";
  auto files = ParseSuite(head + "inputs: {files: [x.bin, /abs/y.bin]}\n", "s.yaml", dir.string());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->inputs.source, InputSpec::Source::kFiles);
  EXPECT_EQ(files->inputs.count, 2);
  EXPECT_EQ(files->inputs.files[0], (dir / "x.bin").string());
  EXPECT_EQ(files->inputs.files[1], "/abs/y.bin");
  auto folder = ParseSuite(head + "inputs: {folder: samples, labels: labels.txt}\nchecks: {top1: 0.75}\n", "s.yaml", dir.string());
  ASSERT_TRUE(folder) << folder.error().message;
  EXPECT_EQ(folder->inputs.source, InputSpec::Source::kFolder);
  EXPECT_EQ(folder->inputs.files, (std::vector<std::string>{(dir / "samples/a.bin").string(), (dir / "samples/b.bin").string()}));
  EXPECT_EQ(folder->inputs.labels, (std::vector<int>{3, 0}));
  EXPECT_DOUBLE_EQ(*folder->checks.min_top1, 0.75);

  auto bad_label = ParseSuite(head + "inputs: {folder: samples, labels: bad.txt}\n", "s.yaml", dir.string());
  ASSERT_FALSE(bad_label);
  EXPECT_THAT(bad_label.error().message, HasSubstr("bad.txt:2: expected '<file> <class index>', got 'b.bin three'"));
  auto no_labels = ParseSuite(head + "inputs: {folder: samples}\n", "s.yaml", dir.string());
  ASSERT_FALSE(no_labels);
  EXPECT_THAT(no_labels.error().message, HasSubstr("s.yaml:4: inputs.labels: missing"));
  auto two = ParseSuite(head + "inputs: {files: [a], random: {seed: 1}}\n", "s.yaml", dir.string());
  ASSERT_FALSE(two);
  EXPECT_THAT(two.error().message, HasSubstr("inputs: needs exactly one of random, files, folder"));
  auto top1 = ParseSuite(head + "checks: {top1: 0.5}\n", "s.yaml", dir.string());
  ASSERT_FALSE(top1);
  EXPECT_THAT(top1.error().message, HasSubstr("s.yaml:4: checks.top1: needs labelled inputs"));
  auto range = ParseSuite(head + "inputs: {folder: samples, labels: labels.txt}\nchecks: {top1: 2}\n", "s.yaml", dir.string());
  ASSERT_FALSE(range);
  EXPECT_THAT(range.error().message, HasSubstr("s.yaml:5: checks.top1: expected a number in 0..1, got '2'"));
  std::filesystem::remove_all(dir);
}

// Found with host/fuzz's intake targets (hil_submission_fuzz times out on it): long lists of repeated board
// kinds and empty settings planned millions of jobs from a few KiB, which cost the farm API seconds and
// gigabytes before its answer.
TEST(ParseSuite, PlansAtMostMaxSuiteJobs) {
  auto list = [](const char* item, size_t n) {
    std::string s = "[";
    for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + std::string(item);
    return s + "]";
  };
  const std::string head = "name: s\nmodels: [{generate: tiny, seed: 1}, m.tflite]\n";
  auto at_limit = ParseSuite(head + "boards: " + list("b", 100) + "\nsettings: " + list("{}", 50) + "\n", "s.yaml", ".");
  ASSERT_TRUE(at_limit) << at_limit.error().message;
  EXPECT_EQ(PlanJobs(*at_limit).size(), kMaxSuiteJobs);
  auto over = ParseSuite(head + "boards: " + list("b", 3000) + "\nsettings: " + list("{}", 3000) + "\n", "s.yaml", ".");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Status::kBadArgument);
  EXPECT_THAT(over.error().message,
              HasSubstr("s.yaml:1: (top level): 2 models x 3000 board kinds x 3000 settings plan 18000000 jobs, more than the 10000"));
}

}  // namespace
}  // namespace hil
