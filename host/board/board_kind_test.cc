#include "hil/board/board_kind.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hil::board {
namespace {

using ::testing::HasSubstr;

class BoardKindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_board_kind_" + std::to_string(getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

TEST_F(BoardKindTest, TheRepositoryBoardsAndDefaultFarmLoad) {
  auto kinds = LoadBoardKinds(HIL_SOURCE_DIR "/boards");
  ASSERT_TRUE(kinds) << kinds.error().message;
  ASSERT_TRUE(kinds->contains("posix-host"));
  const BoardKind& k = kinds->at("posix-host");
  EXPECT_EQ(k.clock_hz, 1000000000u);
  EXPECT_EQ(k.platform, "posix");
  EXPECT_EQ(k.transport, "pty");
  EXPECT_EQ(k.energy.at("model"), "none");
  auto farm = LoadFarm(HIL_SOURCE_DIR "/boards/farms/default.yaml", *kinds);
  ASSERT_TRUE(farm) << farm.error().message;
  // The emulated default: every QEMU kind has an instance, with a machine and an energy model.
  std::set<std::string> kinds_in_farm;
  for (const auto& i : farm->instances) kinds_in_farm.insert(i.kind);
  for (const char* kind : {"mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547", "lm3s6965evb", "posix-host"}) {
    EXPECT_TRUE(kinds_in_farm.contains(kind)) << kind;
    ASSERT_TRUE(kinds->contains(kind)) << kind;
    if (std::string(kind) == "posix-host") continue;
    const BoardKind& q = kinds->at(kind);
    EXPECT_EQ(q.qemu.at("machine"), kind);
    EXPECT_EQ(q.energy.at("model"), "per-mhz");
    EXPECT_GT(std::atof(q.energy.at("current_ua_per_mhz").c_str()), 0.0) << kind;
    EXPECT_FALSE(q.energy.at("reference").empty()) << kind;
  }
}

TEST_F(BoardKindTest, UnknownFieldNamesFileAndLine) {
  const auto f = Write("b.yaml", "name: b\nclock_hz: 10\nplatform: p\nclok_hz: 3\n");
  auto k = LoadBoardKind(f);
  ASSERT_FALSE(k);
  EXPECT_THAT(k.error().message, HasSubstr(f + ":4: clok_hz: unknown field"));
}

TEST_F(BoardKindTest, BadTypeNamesTheField) {
  const auto f = Write("b.yaml", "name: b\nclock_hz: fast\nplatform: p\n");
  auto k = LoadBoardKind(f);
  ASSERT_FALSE(k);
  EXPECT_THAT(k.error().message, HasSubstr(f + ":2: clock_hz: expected an unsigned integer, got 'fast'"));
}

TEST_F(BoardKindTest, ProtocolIsOursOrMlperfTiny) {
  auto k = LoadBoardKind(Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\nprotocol: mlperf-tiny\n"));
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->protocol, "mlperf-tiny");
  auto d = LoadBoardKind(Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\n"));
  EXPECT_EQ(d->protocol, "tinyhil");
  const auto f = Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\nprotocol: eembc\n");
  auto bad = LoadBoardKind(f);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr(f + ":4: protocol: expected tinyhil or mlperf-tiny, got 'eembc'"));
}

TEST_F(BoardKindTest, MlperfModeIsPerformanceOrEnergy) {
  auto d = LoadBoardKind(Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\nprotocol: mlperf-tiny\n"));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->mlperf_mode, "performance");
  auto e = LoadBoardKind(Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\nprotocol: mlperf-tiny\nmlperf_mode: energy\n"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->mlperf_mode, "energy");
  const auto f = Write("b.yaml", "name: b\nclock_hz: 1\nplatform: p\nmlperf_mode: power\n");
  auto bad = LoadBoardKind(f);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr(f + ":4: mlperf_mode: expected performance or energy, got 'power'"));
}

TEST_F(BoardKindTest, FarmInterfacePortIsATtyOrASerialNumber) {
  const auto f = Write("farm.yaml",
                       "name: lab\ninstances:\n  - {id: dut#1, kind: posix-host, interface_port: /dev/ttyACM2}\n"
                       "  - {id: dut#2, kind: posix-host}\n");
  std::map<std::string, BoardKind> kinds = {{"posix-host", BoardKind{}}};
  auto farm = LoadFarm(f, kinds);
  ASSERT_TRUE(farm) << farm.error().message;
  EXPECT_EQ(farm->instances[0].interface_port, "/dev/ttyACM2");
  EXPECT_EQ(farm->instances[1].interface_port, "");
  const auto g = Write("farm.yaml", "name: lab\ninstances:\n  - {id: dut#1, kind: posix-host, interface_port: 'a b'}\n");
  auto bad = LoadFarm(g, kinds);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("interface_port: expected a tty path or a USB serial number, got 'a b'"));
}

TEST_F(BoardKindTest, NameMustMatchTheFile) {
  const auto f = Write("b.yaml", "name: c\nclock_hz: 1\nplatform: p\n");
  auto k = LoadBoardKind(f);
  ASSERT_FALSE(k);
  EXPECT_THAT(k.error().message, HasSubstr("must equal the file name 'b'"));
}

TEST_F(BoardKindTest, FarmWithAnUnknownKindNamesItAndTheLine) {
  const auto f = Write("farm.yaml", "name: f\ninstances:\n  - {id: a#1, kind: posix-host}\n  - id: x#1\n    kind: nucleo\n");
  std::map<std::string, BoardKind> kinds = {{"posix-host", BoardKind{}}};
  auto farm = LoadFarm(f, kinds);
  ASSERT_FALSE(farm);
  EXPECT_EQ(farm.error().code, Status::kBadArgument);
  EXPECT_THAT(farm.error().message, HasSubstr(f + ":5: instances[1].kind: unknown board kind 'nucleo' (known: posix-host)"));
}

TEST_F(BoardKindTest, ABrokenKindFileIsSkippedWhenAsked) {
  Write("good.yaml", "name: good\nclock_hz: 1\nplatform: p\n");
  const auto bad = Write("bad.yaml", "name: bad\nclock_hz: 1\nplatform: p\ntransport: carrier-pigeon\n");
  std::vector<Error> broken;
  auto kinds = LoadBoardKinds(dir_.string(), &broken);
  ASSERT_TRUE(kinds);
  EXPECT_TRUE(kinds->contains("good"));
  EXPECT_FALSE(kinds->contains("bad"));
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_THAT(broken[0].message, HasSubstr(bad + ":4: transport"));
  auto strict = LoadBoardKinds(dir_.string());
  ASSERT_FALSE(strict);
  EXPECT_THAT(strict.error().message, HasSubstr("carrier-pigeon"));
}

TEST_F(BoardKindTest, MissingFarmFileIsNotFound) {
  auto farm = LoadFarm((dir_ / "none.yaml").string(), {});
  ASSERT_FALSE(farm);
  EXPECT_EQ(farm.error().code, Status::kNotFound);
  EXPECT_THAT(farm.error().message, HasSubstr("none.yaml"));
}

// Every farm file we ship loads against the kinds we ship (the default farm and the bench examples).
TEST_F(BoardKindTest, EveryShippedFarmLoads) {
  std::vector<Error> broken;
  auto kinds = LoadBoardKinds(HIL_SOURCE_DIR "/boards", &broken);
  ASSERT_TRUE(kinds) << kinds.error().message;
  EXPECT_TRUE(broken.empty()) << broken.front().message;
  int farms = 0;
  for (const auto& e : std::filesystem::directory_iterator(HIL_SOURCE_DIR "/boards/farms")) {
    if (e.path().extension() != ".yaml") continue;
    auto farm = LoadFarm(e.path().string(), *kinds);
    EXPECT_TRUE(farm) << farm.error().message;
    ++farms;
  }
  EXPECT_GE(farms, 2);
  // The MLPerf Tiny energy bench: the DUT behind an interface board, an LPM01A timing it.
  auto bench = LoadFarm(HIL_SOURCE_DIR "/boards/farms/mlperf-energy-bench.yaml", *kinds);
  ASSERT_TRUE(bench) << bench.error().message;
  const BoardInstance& dut = bench->instances.at(0);
  EXPECT_FALSE(dut.interface_port.empty());
  EXPECT_EQ(dut.power_monitor.substr(0, 7), "lpm01a:");
  EXPECT_EQ(kinds->at(dut.kind).mlperf_mode, "energy");
  EXPECT_EQ(kinds->at(dut.kind).baud_rate, 9600);
}

TEST_F(BoardKindTest, FarmHubPortIsLocationColonPort) {
  const auto f = Write("farm.yaml",
                       "name: lab\n"
                       "instances:\n"
                       "  - id: nucleo#1\n"
                       "    kind: posix-host\n"
                       "    hub: \"1-1.2:3\"\n"
                       "  - {id: nucleo#2, kind: posix-host, hub: \"usb2:7\"}\n"
                       "  - {id: nucleo#3, kind: posix-host}\n");
  std::map<std::string, BoardKind> kinds = {{"posix-host", BoardKind{}}};
  auto farm = LoadFarm(f, kinds);
  ASSERT_TRUE(farm) << farm.error().message;
  ASSERT_EQ(farm->instances.size(), 3u);
  EXPECT_EQ(farm->instances[0].hub, (HubPort{"1-1.2", 3}));
  EXPECT_EQ(farm->instances[1].hub, (HubPort{"usb2", 7}));
  EXPECT_EQ(farm->instances[2].hub, HubPort{});
  EXPECT_EQ(farm->instances[2].hub.port, 0);
}

TEST_F(BoardKindTest, MalformedFarmHubNamesFileLineAndWhatIsWrong) {
  struct Case {
    const char* value;
    const char* says;
  } cases[] = {
      {"\"1-1.2\"", "no ':' before the port"},
      {"\"1-1.2:0\"", "the port '0' is not a number from 1 to 255"},
      {"\"1-1.2:256\"", "the port '256' is not a number from 1 to 255"},
      {"\"1-1.2:x\"", "the port 'x'"},
      {"\"1-1.2:\"", "the port ''"},
      {"\":3\"", "the hub location '' is not a USB port path"},
      {"\"hub-a:3\"", "the hub location 'hub-a'"},
      {"\"1-1..2:3\"", "the hub location '1-1..2'"},
      {"\"usb:3\"", "the hub location 'usb'"},
      {"[1, 2]", "expected a non-empty string"},
  };
  std::map<std::string, BoardKind> kinds = {{"posix-host", BoardKind{}}};
  for (const auto& c : cases) {
    const auto f = Write("farm.yaml", std::string("name: lab\ninstances:\n  - id: nucleo#1\n    kind: posix-host\n    hub: ") +
                                          c.value + "\n");
    auto farm = LoadFarm(f, kinds);
    ASSERT_FALSE(farm) << c.value;
    EXPECT_EQ(farm.error().code, Status::kBadArgument) << c.value;
    EXPECT_THAT(farm.error().message, HasSubstr(f + ":5: instances[0].hub: ")) << c.value;
    EXPECT_THAT(farm.error().message, HasSubstr(c.says)) << c.value;
  }
}

TEST(HubPortText, ParsesAndRejects) {
  auto a = ParseHubPort("2-1.4.1:12");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(*a, (HubPort{"2-1.4.1", 12}));
  auto b = ParseHubPort("1-1");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Status::kBadArgument);
  EXPECT_THAT(b.error().message, HasSubstr("expected <hub location>:<port> such as \"1-1.2:3\", got '1-1'"));
}

}  // namespace
}  // namespace hil::board
