// ParseYaml / LoadYamlFile: what yaml-cpp accepts silently or fails on unhelpfully.
#include "hil/core/yaml_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hil {
namespace {

using ::testing::HasSubstr;

TEST(ParseYaml, ADuplicateKeyIsRefusedWithBothLines) {
  auto r = ParseYaml("name: s\nmodels: [a]\nname: t\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.yaml:3: key 'name' given twice in one mapping (first at line 1)");
  // Nested, in a flow mapping, and in a list item.
  r = ParseYaml("settings:\n  warmup: 1\n  iterations: 2\n  warmup: 3\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.yaml:4: key 'warmup' given twice in one mapping (first at line 2)");
  r = ParseYaml("models:\n  - {generate: kws, seed: 1, seed: 2}\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "s.yaml:2: key 'seed' given twice in one mapping (first at line 2)");
  // The same key in two different mappings is fine.
  EXPECT_TRUE(ParseYaml("a: {x: 1}\nb: {x: 2}\nc: [{x: 1}, {x: 2}]\n", "s.yaml"));
}

TEST(ParseYaml, DuplicatesInABigMappingAreFoundToo) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  EXPECT_TRUE(ParseYaml(text, "big.yaml"));
  text += "k17: again\n";
  auto r = ParseYaml(text, "big.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "big.yaml:1001: key 'k17' given twice in one mapping (first at line 18)");
}

TEST(ParseYaml, DeepNestingAndAliasBombsAreRefusedByName) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = ParseYaml(deep, "deep.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("deep.yaml:1: nested more than"));
  r = ParseYaml("a: " + std::string(80, '[') + std::string(80, ']') + "\n", "d.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("d.yaml:1: nested more than 64 levels deep"));
  // Each level lists the previous one ten times: 10^9 nodes from a few hundred bytes.
  std::string bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string p = "*l" + std::to_string(i - 1);
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + p;
    for (int k = 1; k < 10; ++k) bomb += ", " + p;
    bomb += "]\n";
  }
  r = ParseYaml(bomb, "bomb.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("bomb.yaml: more than 1000000 YAML nodes"));
}

TEST(ParseYaml, SyntaxErrorsNameTheLine) {
  auto r = ParseYaml("name: s\nmodels: [a\nboards: [x]\n", "s.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, ::testing::MatchesRegex("s\\.yaml:[0-9]+: YAML syntax error: .*"));
}

TEST(LoadYamlFile, ReadsOnlyABoundedRegularFile) {
  auto missing = LoadYamlFile("/nonexistent/x.yaml", "suite");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "suite /nonexistent/x.yaml: no such file");
  auto zero = LoadYamlFile("/dev/zero", "farm");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "farm /dev/zero: is a character device, not a regular file");
  const auto dir = std::filesystem::temp_directory_path() / ("hil_yaml_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = (dir / "k.yaml").string();
  std::ofstream(p) << "core: cortex-m4\nclock_hz: 1\ncore: cortex-m7\n";
  auto dup = LoadYamlFile(p, "board kind");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().message, p + ":3: key 'core' given twice in one mapping (first at line 1)");
}

}  // namespace
}  // namespace hil
