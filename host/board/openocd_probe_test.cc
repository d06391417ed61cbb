// OpenOcdProbe against Debian's real openocd 0.12.0 with no hardware attached: what it says when
// there is no probe or no such target, and its TCL server and RTT server with `adapter driver dummy`.
#include "hil/board/openocd_probe.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace hil::board {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class RealOpenOcd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(system("command -v openocd >/dev/null 2>&1"), 0) << "openocd is not installed: install the Debian package openocd";
    image_ = std::filesystem::temp_directory_path() / ("hil_openocd_" + std::to_string(getpid()) + ".elf");
    std::ofstream(image_) << "not really an ELF";
  }
  void TearDown() override { std::filesystem::remove(image_); }
  std::unique_ptr<OpenOcdProbe> Make(OpenOcdOptions o) {
    auto p = OpenOcdProbe::Create(o);
    EXPECT_TRUE(p.has_value()) << p.error().message;
    return p ? std::move(*p) : nullptr;
  }
  static OpenOcdOptions Dummy() {
    return {.instance_id = "dummy#1",
            .commands = {"adapter driver dummy", "adapter speed 1000", "transport select jtag", "jtag newtap dummy cpu -irlen 4"}};
  }
  std::filesystem::path image_;
};

TEST(OpenOcdMissing, NamesTheDebianPackage) {
  auto p = OpenOcdProbe::Create({.openocd = "openocd-not-installed-here", .instance_id = "b#1",
                                 .interface_configs = {"interface/stlink.cfg"}});
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, Status::kNotFound);
  EXPECT_THAT(p.error().message, HasSubstr("board b#1: openocd"));
  EXPECT_THAT(p.error().message, HasSubstr("Debian package openocd"));
}

TEST(OpenOcdOptionsTest, NeedsAnInterface) {
  auto p = OpenOcdProbe::Create({.target_configs = {"target/stm32f4x.cfg"}});
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, Status::kBadArgument);
  EXPECT_THAT(p.error().message, HasSubstr("interface/stlink.cfg"));
}

TEST_F(RealOpenOcd, ReportsItsVersion) {
  auto p = Make({.interface_configs = {"interface/stlink.cfg"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version(), "0.12.0");
  EXPECT_EQ(p->Describe(), "openocd 0.12.0 (interface/stlink.cfg)");
}

TEST_F(RealOpenOcd, CommandLinesPutTheSerialBetweenInterfaceAndTarget) {
  auto p = Make({.target_configs = {"target/stm32l4x.cfg"}, .selector = ParseProbeSelector("0483:374b:066DFF").value()});
  ASSERT_TRUE(p);
  // The interface came from the selector's vendor id (ST).
  EXPECT_THAT(p->FlashCommandLine("/fw/agent.bin", 0x08000000),
              ElementsAre("openocd", "-f", "interface/stlink.cfg", "-c", "adapter serial 066DFF", "-f", "target/stm32l4x.cfg", "-c",
                          "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled", "-c",
                          "program {/fw/agent.bin} 0x08000000 verify reset exit"));
  EXPECT_THAT(p->ServerCommandLine(6000, 0),
              ElementsAre("openocd", "-f", "interface/stlink.cfg", "-c", "adapter serial 066DFF", "-f", "target/stm32l4x.cfg", "-c",
                          "tcl_port 6000", "-c", "gdb_port disabled", "-c", "telnet_port disabled"));
  EXPECT_THAT(OpenOcdProbe::RttCommands(0x20000400, 16, 19021),
              ElementsAre("rtt setup 0x20000400 16 \"SEGGER RTT\"", "rtt start", "rtt server start 19021 0"));
  EXPECT_EQ(OpenOcdInterfaceFor(0x0d28, 0x0204), "interface/cmsis-dap.cfg");
  EXPECT_EQ(OpenOcdInterfaceFor(0x1366, 0x0105), "interface/jlink.cfg");
  EXPECT_EQ(OpenOcdInterfaceFor(0x1234, 0x5678), "");
}

TEST_F(RealOpenOcd, StlinkFlashWithoutProbeIsNotFound) {
  auto p = Make({.instance_id = "nucleo#1", .interface_configs = {"interface/stlink.cfg"}, .target_configs = {"target/stm32f4x.cfg"}});
  ASSERT_TRUE(p);
  auto f = p->Flash(image_.string(), std::nullopt, Deadline::After(30s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kNotFound) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("board nucleo#1: openocd: flash"));
  EXPECT_THAT(f.error().message, HasSubstr("no debug probe connected"));
  EXPECT_THAT(f.error().message, HasSubstr("Error: open failed"));
}

TEST_F(RealOpenOcd, CmsisDapFlashWithoutProbeIsNotFound) {
  auto p = Make({.interface_configs = {"interface/cmsis-dap.cfg"}, .target_configs = {"target/nrf52.cfg"}});
  ASSERT_TRUE(p);
  auto f = p->Flash(image_.string(), std::nullopt, Deadline::After(30s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kNotFound) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("unable to find a matching CMSIS-DAP device"));
}

TEST_F(RealOpenOcd, JlinkResetWithoutProbeIsNotFound) {
  auto p = Make({.interface_configs = {"interface/jlink.cfg"}, .target_configs = {"target/nrf52.cfg"},
                 .commands = {"transport select swd"}});
  ASSERT_TRUE(p);
  auto r = p->Reset(Deadline::After(30s));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kNotFound) << r.error().message;
  EXPECT_THAT(r.error().message, HasSubstr("No J-Link device found"));
}

TEST_F(RealOpenOcd, UnknownTargetConfigIsBadArgument) {
  auto p = Make({.interface_configs = {"interface/stlink.cfg"}, .target_configs = {"target/no-such-chip.cfg"}});
  ASSERT_TRUE(p);
  auto f = p->Flash(image_.string(), std::nullopt, Deadline::After(30s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kBadArgument) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("Can't find target/no-such-chip.cfg"));
}

TEST_F(RealOpenOcd, RawBinaryWithoutAddressIsRefusedBeforeRunning) {
  auto bin = image_;
  bin.replace_extension(".bin");
  std::ofstream(bin) << "1234";
  auto p = Make({.interface_configs = {"interface/stlink.cfg"}});
  ASSERT_TRUE(p);
  auto f = p->Flash(bin.string(), std::nullopt, Deadline::After(5s));
  std::filesystem::remove(bin);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kBadArgument);
  EXPECT_THAT(f.error().message, HasSubstr("raw binary"));
}

TEST_F(RealOpenOcd, DummyAdapterServesTcl) {
  auto p = Make(Dummy());
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->StartServer(Deadline::After(20s)).has_value());
  EXPECT_GT(p->tcl_port(), 0);
  auto v = p->Tcl("version", Deadline::After(5s));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(*v, "Open On-Chip Debugger 0.12.0");
  auto sum = p->Tcl("expr {6 * 7}", Deadline::After(5s));
  ASSERT_TRUE(sum.has_value()) << sum.error().message;
  EXPECT_EQ(*sum, "42");
  auto bad = p->Tcl("no_such_command 1", Deadline::After(5s));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Status::kBadState);
  EXPECT_THAT(bad.error().message, HasSubstr("invalid command name \"no_such_command\""));
  // The connection still works after an error.
  EXPECT_TRUE(p->Tcl("version", Deadline::After(5s)).has_value());
}

TEST_F(RealOpenOcd, DummyAdapterServesRttOverTcpButNeedsATargetForSetup) {
  auto p = Make(Dummy());
  ASSERT_TRUE(p);
  // OpenOCD 0.12 registers `rtt server` globally but `rtt setup` / `rtt start` only with a target:
  // with the dummy adapter and no target, StartRtt fails at setup and says which command.
  auto ep = p->StartRtt(0x20000000, 0, Deadline::After(20s));
  ASSERT_FALSE(ep.has_value());
  EXPECT_EQ(ep.error().code, Status::kBadState);
  EXPECT_THAT(ep.error().message, HasSubstr("'rtt setup 0x20000000 16 \"SEGGER RTT\"' failed"));
  // The TCP side works without a target: OpenOCD listens on the RTT port.
  auto port = PickFreeTcpPort();
  ASSERT_TRUE(port.has_value());
  auto started = p->Tcl("rtt server start " + std::to_string(*port) + " 0", Deadline::After(5s));
  ASSERT_TRUE(started.has_value()) << started.error().message;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(*port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << "nothing listens on RTT port " << *port;
  close(fd);
}

TEST_F(RealOpenOcd, DummyAdapterFlashFailsToReachATarget) {
  auto p = Make(Dummy());
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->StartServer(Deadline::After(20s)).has_value());
  // Through the TCL server now: OpenOCD's program procedure cannot reset a target that is not there.
  auto f = p->Flash(image_.string(), 0x0, Deadline::After(20s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kBadState) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("Unable to reset target"));
}

TEST_F(RealOpenOcd, ServerThatCannotFindItsProbeFailsFast) {
  auto p = Make({.interface_configs = {"interface/cmsis-dap.cfg"}, .target_configs = {"target/nrf52.cfg"}});
  ASSERT_TRUE(p);
  auto s = p->StartGdbServer(0, Deadline::After(30s));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, Status::kNotFound) << s.error().message;
}

// A fake `openocd` that fails verification the way startup.tcl words it.
TEST(FakeOpenOcd, VerifyFailureIsCrcMismatch) {
  const auto dir = std::filesystem::temp_directory_path() / ("hil_fake_openocd_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto tool = dir / "openocd";
  std::ofstream(tool) << "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Open On-Chip Debugger 0.12.0' >&2; exit 0; fi\n"
                         "echo '** Programming Finished **' >&2\necho '** Verify Started **' >&2\n"
                         "echo 'Error: checksum mismatch - attempting binary compare' >&2\necho '** Verify Failed **' >&2\n"
                         "echo 'shutdown command invoked' >&2\nexit 1\n";
  chmod(tool.c_str(), 0755);
  std::ofstream(dir / "fw.elf") << "x";
  auto p = OpenOcdProbe::Create({.openocd = tool.string(), .interface_configs = {"interface/stlink.cfg"}});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto f = (*p)->Flash((dir / "fw.elf").string(), std::nullopt, Deadline::After(10s));
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kCrcMismatch) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("flash verify failed"));
}

}  // namespace
}  // namespace hil::board
