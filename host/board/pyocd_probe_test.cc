#include "hil/board/pyocd_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hil::board {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Fake pyOCD executables in a temporary folder that becomes the whole PATH for one test.
class FakePyOcd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_fake_pyocd_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "bin");
    const char* p = getenv("PATH");
    saved_path_ = p ? p : "";
    setenv("PATH", (dir_ / "bin").c_str(), 1);
    std::ofstream(dir_ / "image.bin") << "1234";
    std::ofstream(dir_ / "image.elf") << "ELF";
  }
  void TearDown() override {
    setenv("PATH", saved_path_.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }
  // A /bin/sh script named `name` that appends its arguments to log.txt and runs `body`.
  void Tool(const std::string& name, const std::string& body) {
    const auto path = dir_ / "bin" / name;
    std::ofstream(path) << "#!/bin/sh\necho \"" << name << " $*\" >> " << (dir_ / "log.txt").string() << "\n" << body << "\n";
    chmod(path.c_str(), 0755);
  }
  std::string Log() {
    std::ifstream in(dir_ / "log.txt");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path dir_;
  std::string saved_path_;
};

TEST_F(FakePyOcd, DetectsTheModernCommand) {
  Tool("pyocd", "echo 0.36.0");
  auto d = DetectPyOcd();
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->flavor, PyOcdInstall::Flavor::kModern);
  EXPECT_EQ(d->version, "0.36.0");
  EXPECT_EQ(d->program, (dir_ / "bin" / "pyocd").string());
}

TEST_F(FakePyOcd, DetectsTheLegacyCommands) {
  Tool("pyocd-flashtool", "echo 0.13.1");
  Tool("pyocd-gdbserver", "exit 0");
  auto d = DetectPyOcd();
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->flavor, PyOcdInstall::Flavor::kLegacy);
  EXPECT_EQ(d->version, "0.13.1");
  EXPECT_EQ(d->bin_dir, (dir_ / "bin").string());
}

TEST_F(FakePyOcd, PrefersModernWhenBothAreInstalled) {
  Tool("pyocd", "echo 0.36.0");
  Tool("pyocd-flashtool", "echo 0.13.1");
  auto d = DetectPyOcd();
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->flavor, PyOcdInstall::Flavor::kModern);
}

TEST_F(FakePyOcd, NoneInstalledNamesTheDebianPackage) {
  auto d = DetectPyOcd();
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Status::kNotFound);
  EXPECT_THAT(d.error().message, HasSubstr("python3-pyocd"));
}

TEST_F(FakePyOcd, BrokenVersionIsBadState) {
  Tool("pyocd", "echo 'Traceback (most recent call last):' >&2; exit 1");
  auto d = DetectPyOcd();
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Status::kBadState);
}

TEST_F(FakePyOcd, ModernCommandLines) {
  Tool("pyocd", "echo 0.36.0");
  auto p = PyOcdProbe::Create({.instance_id = "nucleo#1", .target = "stm32l475xg",
                               .selector = ParseProbeSelector("0483:374b:066DFF").value()});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  const std::string py = (dir_ / "bin" / "pyocd").string();
  EXPECT_THAT((*p)->FlashCommandLine("/x/a.bin", 0x08000000),
              ElementsAre(py, "flash", "--no-wait", "-t", "stm32l475xg", "-u", "066DFF", "--base-address", "0x08000000", "--format",
                          "bin", "/x/a.bin"));
  EXPECT_THAT((*p)->FlashCommandLine("/x/a.elf", std::nullopt),
              ElementsAre(py, "flash", "--no-wait", "-t", "stm32l475xg", "-u", "066DFF", "/x/a.elf"));
  EXPECT_THAT((*p)->ResetCommandLine(), ElementsAre(py, "reset", "--no-wait", "-t", "stm32l475xg", "-u", "066DFF"));
  EXPECT_THAT((*p)->GdbServerCommandLine(3333),
              ElementsAre(py, "gdbserver", "--no-wait", "-t", "stm32l475xg", "--port", "3333", "-u", "066DFF"));
  EXPECT_THAT((*p)->ListCommandLine(), ElementsAre(py, "list"));
}

TEST_F(FakePyOcd, LegacyCommandLines) {
  Tool("pyocd-flashtool", "echo 0.13.1");
  auto p = PyOcdProbe::Create({.target = "nrf52840", .selector = ParseProbeSelector("0d28:0204:0240ABC").value()});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  const std::string bin = (dir_ / "bin").string();
  EXPECT_THAT((*p)->FlashCommandLine("/x/a.bin", 0x1000),
              ElementsAre(bin + "/pyocd-flashtool", "-t", "nrf52840", "-b", "0240ABC", "-a", "0x00001000", "/x/a.bin", "bin"));
  EXPECT_THAT((*p)->ResetCommandLine(), ElementsAre(bin + "/pyocd-tool", "-t", "nrf52840", "-b", "0240ABC", "reset"));
  EXPECT_THAT((*p)->GdbServerCommandLine(4444), ElementsAre(bin + "/pyocd-gdbserver", "-t", "nrf52840", "-p", "4444", "-b", "0240ABC"));
  EXPECT_THAT((*p)->ListCommandLine(), ElementsAre(bin + "/pyocd-gdbserver", "--list"));
}

TEST_F(FakePyOcd, ModernFlashRunsTheToolAndReadsVerifyFailure) {
  Tool("pyocd", "case \"$1\" in --version) echo 0.36.0;; flash) echo '0001 C flash verify failed at 0x08000400 [__main__]' >&2; exit 1;; esac");
  auto p = PyOcdProbe::Create({.instance_id = "b#1", .target = "stm32l475xg"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto f = (*p)->Flash((dir_ / "image.elf").string(), std::nullopt, Deadline::After(10s));
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kCrcMismatch);
  EXPECT_THAT(f.error().message, HasSubstr("board b#1: pyocd: flash"));
  EXPECT_THAT(f.error().message, HasSubstr("flash verify failed at 0x08000400"));
  EXPECT_THAT(Log(), HasSubstr("pyocd flash --no-wait -t stm32l475xg " + (dir_ / "image.elf").string()));
}

TEST_F(FakePyOcd, LegacyFlashResetsAfterwards) {
  Tool("pyocd-flashtool", "[ \"$1\" = --version ] && echo 0.13.1; exit 0");
  Tool("pyocd-tool", "exit 0");
  auto p = PyOcdProbe::Create({.target = "nrf52"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto f = (*p)->Flash((dir_ / "image.bin").string(), 0, Deadline::After(10s));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  const std::string log = Log();
  EXPECT_THAT(log, HasSubstr("pyocd-flashtool -t nrf52 -a 0x00000000 " + (dir_ / "image.bin").string() + " bin"));
  EXPECT_THAT(log, HasSubstr("pyocd-tool -t nrf52 reset"));
}

TEST_F(FakePyOcd, GdbServerReportsItsPortOrNoProbe) {
  Tool("pyocd", "case \"$1\" in --version) echo 0.36.0;; gdbserver) echo \"0000 I GDB server listening on port $6 (core 0)\" >&2; exec /bin/sleep 30;; esac");
  auto p = PyOcdProbe::Create({.target = "stm32l475xg"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto ep = (*p)->StartGdbServer(45678, Deadline::After(10s));
  ASSERT_TRUE(ep.has_value()) << ep.error().message;
  EXPECT_EQ(ep->port, 45678);
  EXPECT_EQ(ep->kind, ProbeEndpoint::Kind::kGdb);
  (*p)->StopServers();

  Tool("pyocd", "case \"$1\" in --version) echo 0.36.0;; gdbserver) echo 'No available debug probes are connected'; exit 1;; esac");
  auto q = PyOcdProbe::Create({.target = "stm32l475xg"});
  ASSERT_TRUE(q.has_value());
  auto none = (*q)->StartGdbServer(0, Deadline::After(10s));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, Status::kNotFound);
  EXPECT_THAT(none.error().message, HasSubstr("No available debug probes are connected"));
}

TEST_F(FakePyOcd, ListParsesProbesOrNone) {
  Tool("pyocd", "case \"$1\" in --version) echo 0.36.0;; list) printf '  #   Probe/Board   Unique ID\\n-----\\n  0   STLINK-V3   002F003F3438510A34313939\\n';; esac");
  auto p = PyOcdProbe::Create({.target = "x"});
  ASSERT_TRUE(p.has_value());
  auto l = (*p)->ListProbes(Deadline::After(10s));
  ASSERT_TRUE(l.has_value()) << l.error().message;
  ASSERT_EQ(l->size(), 2u);
  EXPECT_THAT((*l)[1], HasSubstr("002F003F3438510A34313939"));
}

// The real python3-pyocd 0.13.1 from Debian, with no probe attached.
class DebianPyOcd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DetectPyOcd();
    ASSERT_TRUE(d.has_value()) << d.error().message << " -- install the Debian package python3-pyocd";
    install_ = *d;
  }
  PyOcdInstall install_;
};

TEST_F(DebianPyOcd, IsTheLegacyGeneration) {
  EXPECT_EQ(install_.flavor, PyOcdInstall::Flavor::kLegacy) << install_.program;
  EXPECT_EQ(install_.version, "0.13.1");
}

TEST_F(DebianPyOcd, ListsNoProbes) {
  auto p = PyOcdProbe::Create({.target = "nrf52", .install = install_});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto l = (*p)->ListProbes(Deadline::After(60s));
  ASSERT_TRUE(l.has_value()) << l.error().message;
  EXPECT_TRUE(l->empty());
}

TEST_F(DebianPyOcd, FlashWithoutProbeSaysSo) {
  const auto image = std::filesystem::temp_directory_path() / ("hil_pyocd_" + std::to_string(getpid()) + ".bin");
  std::ofstream(image) << "1234";
  auto p = PyOcdProbe::Create({.instance_id = "nrf#1", .target = "nrf52", .install = install_});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  auto f = (*p)->Flash(image.string(), 0, Deadline::After(60s));
  std::filesystem::remove(image);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kNotFound) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("no debug probe connected"));
}

TEST_F(DebianPyOcd, UnknownTargetIsBadArgument) {
  const auto image = std::filesystem::temp_directory_path() / ("hil_pyocd_t_" + std::to_string(getpid()) + ".elf");
  std::ofstream(image) << "x";
  auto p = PyOcdProbe::Create({.target = "stm32f407vg", .install = install_});
  ASSERT_TRUE(p.has_value());
  auto f = (*p)->Flash(image.string(), std::nullopt, Deadline::After(60s));
  std::filesystem::remove(image);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, Status::kBadArgument) << f.error().message;
  EXPECT_THAT(f.error().message, HasSubstr("invalid choice: 'stm32f407vg'"));
}

TEST_F(DebianPyOcd, ResetAndGdbServerDoNotWaitForeverForAProbe) {
  // pyocd-tool and pyocd-gdbserver 0.13.1 print "Waiting for a debug probe to be connected..." and
  // never exit; the driver stops there.
  auto p = PyOcdProbe::Create({.target = "nrf52", .install = install_, .start_timeout = 60000ms});
  ASSERT_TRUE(p.has_value());
  const auto start = std::chrono::steady_clock::now();
  auto r = (*p)->Reset(Deadline::After(60s));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kNotFound) << r.error().message;
  EXPECT_THAT(r.error().message, HasSubstr("Waiting for a debug probe"));
  auto g = (*p)->StartGdbServer(0, Deadline::After(60s));
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().code, Status::kNotFound) << g.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50s);
}

}  // namespace
}  // namespace hil::board
