#include "hil/board/probe_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hil/board/board_kind.h"

namespace hil::board {
namespace {

using ::testing::HasSubstr;

TEST(ProbeSelector, ParsesVidPid) {
  auto s = ParseProbeSelector("0483:374B");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->vid, 0x0483);
  EXPECT_EQ(s->pid, 0x374b);
  EXPECT_FALSE(s->serial.has_value());
  EXPECT_EQ(s->ToString(), "0483:374b");
}

TEST(ProbeSelector, ParsesSerialIncludingColonsAndHexPrefix) {
  auto s = ParseProbeSelector("0x0d28:204:0240000034544e45:001b");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->vid, 0x0d28);
  EXPECT_EQ(s->pid, 0x0204);
  EXPECT_EQ(s->serial.value_or(""), "0240000034544e45:001b");
  EXPECT_EQ(s->ToString(), "0d28:0204:0240000034544e45:001b");
}

TEST(ProbeSelector, RejectsMalformedWithReasons) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"", "empty probe selector"},
      {"0483", "has no ':'"},
      {"zz83:374b", "vendor id 'zz83'"},
      {"0483:12345", "product id '12345'"},
      {"0483::SER", "product id ''"},
      {"0483:374b:", "empty serial number"},
      {"0483:374b:AB CD", "may not contain spaces"},
  };
  for (const auto& c : cases) {
    auto s = ParseProbeSelector(c.text);
    ASSERT_FALSE(s.has_value()) << c.text;
    EXPECT_EQ(s.error().code, Status::kBadArgument) << c.text;
    EXPECT_THAT(s.error().message, HasSubstr(c.says)) << c.text;
    EXPECT_THAT(s.error().message, HasSubstr("vid:pid[:serial]")) << c.text;
  }
}

TEST(ProbeSelector, MatchesVidPidAndSerialWhenGiven) {
  auto any = ParseProbeSelector("0483:374b").value();
  auto one = ParseProbeSelector("0483:374b:066DFF").value();
  EXPECT_TRUE(any.Matches(0x0483, 0x374b, "whatever"));
  EXPECT_FALSE(any.Matches(0x0483, 0x374e, "whatever"));
  EXPECT_TRUE(one.Matches(0x0483, 0x374b, "066DFF"));
  EXPECT_FALSE(one.Matches(0x0483, 0x374b, "066dff"));  // USB serials are opaque: exact match
  EXPECT_FALSE(one.Matches(0x0483, 0x374b, ""));
}

// Farm files with physical-board fields.
class PhysicalFarm : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_probe_farm_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "boards");
    std::ofstream(dir_ / "boards" / "nucleo-l4r5zi.yaml") << "name: nucleo-l4r5zi\ncore: cortex-m4\nclock_hz: 120000000\n"
                                                             "platform: stm32l4\ntransport: serial\n";
    auto k = LoadBoardKinds((dir_ / "boards").string());
    ASSERT_TRUE(k.has_value()) << k.error().message;
    kinds_ = *k;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<Farm> Load(const std::string& text) {
    const auto path = dir_ / "farm.yaml";
    std::ofstream(path) << text;
    return LoadFarm(path.string(), kinds_);
  }
  std::filesystem::path dir_;
  std::map<std::string, BoardKind> kinds_;
};

TEST_F(PhysicalFarm, LoadsEveryPhysicalField) {
  auto f = Load(
      "name: lab\n"
      "instances:\n"
      "  - id: nucleo#1\n"
      "    kind: nucleo-l4r5zi\n"
      "    probe: \"0483:374b:066DFF535254887767184931\"\n"
      "    serial_port: /dev/ttyACM0\n"
      "    link: uart\n"
      "    flasher: openocd\n"
      "    power_monitor: \"ppk2:C2B5A8F1E3D4\"\n"
      "  - {id: nucleo#2, kind: nucleo-l4r5zi, probe: \"0483:374e\", link: rtt, flasher: pyocd, serial_port: A50285BI}\n");
  ASSERT_TRUE(f.has_value()) << f.error().message;
  ASSERT_EQ(f->instances.size(), 2u);
  const auto& a = f->instances[0];
  EXPECT_EQ(a.probe, "0483:374b:066DFF535254887767184931");
  EXPECT_EQ(a.serial_port, "/dev/ttyACM0");
  EXPECT_EQ(a.link, "uart");
  EXPECT_EQ(a.flasher, "openocd");
  EXPECT_EQ(a.power_monitor, "ppk2:C2B5A8F1E3D4");
  EXPECT_EQ(a.line, 3);
  EXPECT_EQ(f->instances[1].flasher, "pyocd");
  EXPECT_EQ(f->instances[1].line, 10);
}

TEST_F(PhysicalFarm, ErrorsNameFileLineAndField) {
  struct Case {
    const char* instance;
    const char* line_field;
    const char* says;
  } cases[] = {
      {"    probe: \"0483-374b\"\n", ":5: instances[0].probe", "has no ':'"},
      {"    probe: \"0483:37g4\"\n", ":5: instances[0].probe", "product id '37g4'"},
      {"    flasher: jlink\n", ":5: instances[0].flasher", "expected openocd or pyocd, got 'jlink'"},
      {"    link: swo\n", ":5: instances[0].link", "expected uart or rtt, got 'swo'"},
      {"    power_monitor: otii\n", ":5: instances[0].power_monitor", "expected lpm01a or ppk2"},
      {"    power_monitor: \"ppk2:\"\n", ":5: instances[0].power_monitor", "empty USB serial"},
      {"    link: rtt\n", ":5: instances[0].link", "rtt needs flasher"},
      {"    link: uart\n", ":5: instances[0].link", "uart needs serial_port"},
      {"    serial_port: \"/dev/tty ACM0\"\n", ":5: instances[0].serial_port", "expected a tty path"},
      {"    probes: \"0483:374b\"\n", ":5: instances[0].probes", "unknown field"},
  };
  for (const auto& c : cases) {
    auto f = Load(std::string("name: lab\ninstances:\n  - id: nucleo#1\n    kind: nucleo-l4r5zi\n") + c.instance);
    ASSERT_FALSE(f.has_value()) << c.instance;
    EXPECT_EQ(f.error().code, Status::kBadArgument) << c.instance;
    EXPECT_THAT(f.error().message, HasSubstr("farm.yaml" + std::string(c.line_field))) << c.instance;
    EXPECT_THAT(f.error().message, HasSubstr(c.says)) << c.instance;
  }
}

TEST(DefaultFarm, StillLoadsWithoutPhysicalFields) {
  auto kinds = LoadBoardKinds(std::string(HIL_SOURCE_DIR) + "/boards");
  ASSERT_TRUE(kinds.has_value()) << kinds.error().message;
  auto f = LoadFarm(std::string(HIL_SOURCE_DIR) + "/boards/farms/default.yaml", *kinds);
  ASSERT_TRUE(f.has_value()) << f.error().message;
  for (const auto& i : f->instances) {
    EXPECT_TRUE(i.probe.empty() && i.flasher.empty() && i.serial_port.empty()) << i.id;
  }
}

}  // namespace
}  // namespace hil::board
