#include "hil/board/debug_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "hil/board/openocd_probe.h"
#include "hil/board/pyocd_probe.h"
#include "hil/board/testing/fake_probe.h"

namespace hil::board {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(DiagnoseOpenOcd, RecognisesEachFailure) {
  // Lines as OpenOCD 0.12.0 prints them (the no-probe ones measured on Debian 12 without hardware;
  // the verify one is startup.tcl's `program_error "** Verify Failed **"`).
  struct Case {
    const char* output;
    ProbeFailure failure;
    const char* line;
  } cases[] = {
      {"Info : clock speed 2000 kHz\nError: open failed\nin procedure 'program'\n** OpenOCD init failed **\n", ProbeFailure::kNoProbe,
       "Error: open failed"},
      {"Error: unable to find a matching CMSIS-DAP device\n** OpenOCD init failed **\n", ProbeFailure::kNoProbe,
       "Error: unable to find a matching CMSIS-DAP device"},
      {"Error: No J-Link device found\n", ProbeFailure::kNoProbe, "Error: No J-Link device found"},
      {"embedded:startup.tcl:28: Error: Can't find target/nosuch.cfg\nin procedure 'script'\n", ProbeFailure::kWrongTarget,
       "embedded:startup.tcl:28: Error: Can't find target/nosuch.cfg"},
      {"** Programming Finished **\n** Verify Started **\nError: checksum mismatch - attempting binary compare\n** Verify Failed **\n",
       ProbeFailure::kVerifyFailed, "** Verify Failed **"},
      {"Error: init mode failed (unable to connect to the target)\n", ProbeFailure::kConnectFailed,
       "Error: init mode failed (unable to connect to the target)"},
      {"Info : Listening on port 6666 for tcl connections\n", ProbeFailure::kNone, ""},
  };
  for (const auto& c : cases) {
    const auto d = DiagnoseOpenOcdOutput(c.output);
    EXPECT_EQ(d.failure, c.failure) << c.output;
    EXPECT_EQ(d.line, c.line) << c.output;
  }
}

TEST(DiagnosePyOcd, RecognisesEachFailureIncludingColour) {
  struct Case {
    const char* output;
    ProbeFailure failure;
  } cases[] = {
      {"\x1b[31mNo available debug probes are connected\x1b[0m\n", ProbeFailure::kNoProbe},        // 0.13 --list
      {"No connected debug probes\nError: There is no debug probe connected.\n", ProbeFailure::kNoProbe},  // 0.13 flashtool
      {"\x1b[33mWaiting for a debug probe to be connected...\x1b[0m\n", ProbeFailure::kNoProbe},     // 0.13 gdbserver, tool
      {"pyocd-flashtool: error: argument -t/--target: invalid choice: 'stm32f407vg' (choose from 'kinetis', ...)\n",
       ProbeFailure::kWrongTarget},
      {"0001234 C Target type 'nosuch' not recognized. Use 'pyocd list --targets' [__main__]\n", ProbeFailure::kWrongTarget},
      {"0000800 E No probe selected. [gdbserver_cmd]\n", ProbeFailure::kNoProbe},         // current gdbserver --no-wait
      {"0000800 E No target device available [load_cmd]\n", ProbeFailure::kNoProbe},      // current flash --no-wait
      {"GDB server started at port:3333\n", ProbeFailure::kNone},
  };
  for (const auto& c : cases) EXPECT_EQ(DiagnosePyOcdOutput(c.output).failure, c.failure) << c.output;
  EXPECT_EQ(DiagnosePyOcdOutput("\x1b[31mNo available debug probes are connected\x1b[0m\n").line,
            "No available debug probes are connected");
}

TEST(ProbeErrorTest, MapsFailuresToCodesAndQuotesTheTool) {
  auto e = ProbeError("board b#1: openocd: flash x.elf", {ProbeFailure::kNoProbe, "Error: open failed"}, "", 1);
  EXPECT_EQ(e.code, Status::kNotFound);
  EXPECT_EQ(e.message, "board b#1: openocd: flash x.elf: no debug probe connected (or not the selected one): Error: open failed");
  EXPECT_EQ(ProbeError("p", {ProbeFailure::kWrongTarget, "x"}, "", 1).code, Status::kBadArgument);
  EXPECT_EQ(ProbeError("p", {ProbeFailure::kVerifyFailed, "x"}, "", 1).code, Status::kCrcMismatch);
  auto other = ProbeError("p", {}, "Info : a\nError: something odd\nInfo : b\n", 3);
  EXPECT_EQ(other.code, Status::kBadState);
  EXPECT_THAT(other.message, HasSubstr("exit status 3: Error: something odd"));
}

TEST(PickFreeTcpPortTest, GivesAUsablePort) {
  auto p = PickFreeTcpPort();
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_GT(*p, 0);
  EXPECT_LT(*p, 65536);
}

// The DebugProbe contract every implementation keeps, run against the fake and the real drivers
// (OpenOCD and Debian's pyOCD, with no probe attached: what they must do without hardware).
struct ProbeFactory {
  const char* name;
  std::function<Result<std::unique_ptr<DebugProbe>>()> make;
  bool hardware_free;  // the fake: every call succeeds
};
void PrintTo(const ProbeFactory& f, std::ostream* os) { *os << f.name; }

class ProbeContract : public ::testing::TestWithParam<ProbeFactory> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_probe_contract_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "agent.bin", std::ios::binary) << "\x01\x02\x03\x04";
    auto p = GetParam().make();
    ASSERT_TRUE(p.has_value()) << p.error().message;
    probe_ = std::move(*p);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::unique_ptr<DebugProbe> probe_;
};

TEST_P(ProbeContract, RawBinaryNeedsAnAddress) {
  auto f = probe_->Flash((dir_ / "agent.bin").string(), std::nullopt, Deadline::After(30s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kBadArgument);
  EXPECT_THAT(f.error().message, HasSubstr("raw binary"));
}

TEST_P(ProbeContract, MissingImageIsNotFound) {
  auto f = probe_->Flash((dir_ / "nope.elf").string(), std::nullopt, Deadline::After(30s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kNotFound);
  EXPECT_THAT(f.error().message, HasSubstr("nope.elf"));
}

TEST_P(ProbeContract, FlashAtAnAddressWorksOrSaysNoProbe) {
  auto f = probe_->Flash((dir_ / "agent.bin").string(), 0x08000000, Deadline::After(60s));
  if (GetParam().hardware_free) {
    ASSERT_TRUE(f.has_value()) << f.error().message;
    auto back = probe_->ReadMemory(0x08000000, 4, Deadline::After(1s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, (std::vector<uint8_t>{1, 2, 3, 4}));
  } else {
    ASSERT_FALSE(f.has_value());
    EXPECT_EQ(f.error().code, Status::kNotFound) << f.error().message;
    EXPECT_THAT(f.error().message, HasSubstr("no debug probe connected"));
  }
}

TEST_P(ProbeContract, ResetWorksOrSaysNoProbe) {
  auto r = probe_->Reset(Deadline::After(60s));
  if (GetParam().hardware_free) {
    EXPECT_TRUE(r.has_value());
  } else {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Status::kNotFound) << r.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllProbes, ProbeContract,
    ::testing::Values(
        ProbeFactory{"fake", [] { return Result<std::unique_ptr<DebugProbe>>(std::make_unique<testing::FakeProbe>()); }, true},
        ProbeFactory{"openocd_stlink",
                     []() -> Result<std::unique_ptr<DebugProbe>> {
                       auto p = OpenOcdProbe::Create(
                           {.interface_configs = {"interface/stlink.cfg"}, .target_configs = {"target/stm32f4x.cfg"}});
                       if (!p) return std::unexpected(p.error());
                       return std::unique_ptr<DebugProbe>(std::move(*p));
                     },
                     false},
        ProbeFactory{"pyocd_debian",
                     []() -> Result<std::unique_ptr<DebugProbe>> {
                       auto p = PyOcdProbe::Create({.target = "nrf52"});
                       if (!p) return std::unexpected(p.error());
                       return std::unique_ptr<DebugProbe>(std::move(*p));
                     },
                     false}),
    [](const ::testing::TestParamInfo<ProbeFactory>& info) { return std::string(info.param.name); });

class FakeProbeContract : public ::testing::Test {
 protected:
  std::unique_ptr<DebugProbe> probe_ = std::make_unique<testing::FakeProbe>();
};

TEST_F(FakeProbeContract, MemoryRoundTripsAndUnmappedIsOutOfRange) {
  const std::vector<uint8_t> data = {0xde, 0xad, 0xbe, 0xef};
  ASSERT_TRUE(probe_->WriteMemory(0x20000100, data, Deadline::After(1s)).has_value());
  auto r = probe_->ReadMemory(0x20000100, 4, Deadline::After(1s));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, data);
  auto bad = probe_->ReadMemory(0xf0000000, 4, Deadline::After(1s));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Status::kOutOfRange);
}

TEST(FakeProbeTest, InjectedFailureHitsOnlyTheNextCall) {
  testing::FakeProbe p;
  p.FailNext({Status::kNotFound, "no probe"});
  EXPECT_EQ(p.Reset(Deadline::After(1s)).error().code, Status::kNotFound);
  EXPECT_TRUE(p.Reset(Deadline::After(1s)).has_value());
  EXPECT_EQ(p.resets, 1);
}

}  // namespace
}  // namespace hil::board
