// PhysicalBoard without hardware: the POSIX agent stands in for the board's firmware (its pty is the
// "serial port", reached through a symlink the way udev's /dev/serial/by-id names are, so an agent
// restarted on a new pty keeps the port's name), FakeProbe for the debug probe (its reset hook
// restarts the agent) and a fake hub for power cycling.
#include "hil/board/physical_board.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "hil/board/subprocess.h"
#include "hil/board/testing/fake_probe.h"
#include "hil/link/testing/fake_gdb_server.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kId[] = "nucleo-f746zg#1";
constexpr uint32_t kRttBlock = 0x20000400;
constexpr uint32_t kImageBytes = 4096;

// A 32-bit little-endian ARM ELF with one loadable segment of `image_bytes` and a symbol table:
// enough for ReadElf (flash size, _SEGGER_RTT) and for FakeProbe to "flash".
void WriteElf(const std::string& path, uint32_t image_bytes, const std::map<std::string, uint32_t>& symbols) {
  std::string strtab(1, '\0');
  std::string symtab(16, '\0');  // entry 0: the null symbol
  auto put32 = [](std::string& s, size_t at, uint32_t v) {
    if (s.size() < at + 4) s.resize(at + 4);
    for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto put16 = [](std::string& s, size_t at, uint16_t v) {
    if (s.size() < at + 2) s.resize(at + 2);
    s[at] = static_cast<char>(v & 0xff);
    s[at + 1] = static_cast<char>(v >> 8);
  };
  for (const auto& [name, value] : symbols) {
    const size_t at = symtab.size();
    symtab.resize(at + 16);
    put32(symtab, at, static_cast<uint32_t>(strtab.size()));
    put32(symtab, at + 4, value);
    symtab[at + 12] = 0x11;  // STB_GLOBAL, STT_OBJECT
    put16(symtab, at + 14, 1);  // defined (any section but 0)
    strtab += name + '\0';
  }
  const uint32_t seg_off = 52 + 32, sym_off = seg_off + image_bytes, str_off = sym_off + static_cast<uint32_t>(symtab.size());
  const uint32_t sh_off = (str_off + static_cast<uint32_t>(strtab.size()) + 3) & ~3u;
  std::string f(52, '\0');
  memcpy(f.data(), "\x7f" "ELF\x01\x01\x01", 7);
  put16(f, 16, 2);            // ET_EXEC
  put16(f, 18, 40);           // EM_ARM
  put32(f, 20, 1);
  put32(f, 24, 0x08000001);   // entry
  put32(f, 28, 52);           // phoff
  put32(f, 32, sh_off);
  put16(f, 40, 52);
  put16(f, 42, 32);
  put16(f, 44, 1);
  put16(f, 46, 40);
  put16(f, 48, 3);
  std::string ph(32, '\0');
  put32(ph, 0, 1);  // PT_LOAD
  put32(ph, 4, seg_off);
  put32(ph, 8, 0x08000000);
  put32(ph, 12, 0x08000000);
  put32(ph, 16, image_bytes);
  put32(ph, 20, image_bytes);
  put32(ph, 24, 5);
  f += ph + std::string(image_bytes, '\x5a') + symtab + strtab;
  f.resize(sh_off, '\0');
  std::string sh(3 * 40, '\0');
  put32(sh, 40 + 4, 2);  // SHT_SYMTAB
  put32(sh, 40 + 16, sym_off);
  put32(sh, 40 + 20, static_cast<uint32_t>(symtab.size()));
  put32(sh, 40 + 24, 2);  // its names are in section 2
  put32(sh, 40 + 36, 16);
  put32(sh, 80 + 4, 3);  // SHT_STRTAB
  put32(sh, 80 + 16, str_off);
  put32(sh, 80 + 20, static_cast<uint32_t>(strtab.size()));
  std::ofstream(path, std::ios::binary) << f + sh;
}

// The board's firmware: hil-agent-posix on a pty (`port` is a symlink to it) or on loopback TCP.
class Agent {
 public:
  explicit Agent(std::filesystem::path port, bool tcp = false) : port_(std::move(port)), tcp_(tcp) {}
  ~Agent() { Kill(); }

  // (Re)starts the agent and points the port at it; the board "boots".
  void Start() {
    Kill();
    proc_ = std::make_unique<Subprocess>();
    std::vector<std::string> argv = {HIL_AGENT_POSIX, "--board-id", kId};
    if (tcp_) argv.insert(argv.end(), {"--tcp", "0"});
    else argv.push_back("--pty");
    auto s = proc_->Start(argv, "", /*die_with_parent=*/true);
    ASSERT_TRUE(s) << s.error().message;
    const std::string want = tcp_ ? "TCP " : "PTY ";
    auto line = proc_->WaitForLine([&](const std::string& l) { return l.rfind(want, 0) == 0; }, Deadline::After(3s));
    ASSERT_TRUE(line) << line.error().message;
    endpoint = line->substr(4);
    ++starts;
    if (tcp_) return;
    const auto fresh = port_.string() + ".new";
    std::filesystem::remove(fresh);
    std::filesystem::create_symlink(endpoint, fresh);
    std::filesystem::rename(fresh, port_);
  }
  // The board loses power: the process dies, its pty goes away, and so does the port's name (as
  // udev removes /dev/serial/by-id/... on unplug). Left in place, the name would point at a pty
  // number the kernel soon hands to some other process, whose bytes a test would then read.
  void Kill() {
    if (!proc_) return;
    kill(proc_->pid(), SIGKILL);
    proc_->Stop(0ms);
    proc_.reset();
    std::error_code ignored;
    if (!tcp_) std::filesystem::remove(port_, ignored);
  }
  // The firmware hangs: the pty stays, nothing answers.
  void Hang() { kill(proc_->pid(), SIGSTOP); }

  std::string endpoint;  // "/dev/pts/5" or the TCP port
  int starts = 0;

 private:
  std::filesystem::path port_;
  bool tcp_;
  std::unique_ptr<Subprocess> proc_;
};

// The board owns its probe; this one forwards to a FakeProbe the test keeps.
class BorrowedProbe final : public DebugProbe {
 public:
  explicit BorrowedProbe(DebugProbe& probe) : probe_(probe) {}
  Result<void> Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) override {
    return probe_.Flash(image, address, deadline);
  }
  Result<void> Reset(Deadline deadline) override { return probe_.Reset(deadline); }
  Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline) override {
    return probe_.ReadMemory(address, size, deadline);
  }
  Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) override {
    return probe_.WriteMemory(address, bytes, deadline);
  }
  Result<ProbeEndpoint> StartGdbServer(int port, Deadline deadline) override { return probe_.StartGdbServer(port, deadline); }
  Result<ProbeEndpoint> StartRtt(uint32_t control_block, int port, Deadline deadline) override {
    return probe_.StartRtt(control_block, port, deadline);
  }
  void StopServers() override { probe_.StopServers(); }
  std::string Describe() const override { return probe_.Describe(); }

 private:
  DebugProbe& probe_;
};

// A hub that switches power per port, records every request and tells the test when a port's power
// goes off and on.
struct HubState {
  std::vector<std::string> opened;
  std::vector<UsbControlRequest> log;
  std::function<void()> on_power_off;
  std::function<void()> on_power_on;
};

class FakeHub final : public UsbControl {
 public:
  explicit FakeHub(std::shared_ptr<HubState> state) : state_(std::move(state)) {}
  Result<size_t> Transfer(const UsbControlRequest& r, std::span<uint8_t> data, std::chrono::milliseconds) override {
    state_->log.push_back(r);
    if (r.request == kUsbRequestGetDescriptor) {
      // 4 ports, wHubCharacteristics 0x0009: per-port power switching.
      const uint8_t desc[] = {0x09, 0x29, 0x04, 0x09, 0x00, 0x32, 0x64, 0x00, 0xff};
      const size_t n = std::min<size_t>({sizeof desc, data.size(), r.length});
      memcpy(data.data(), desc, n);
      return n;
    }
    if (r.request_type == kHubPortRequestOut && r.value == kHubFeaturePortPower) {
      powered_[r.index] = r.request == kUsbRequestSetFeature;
      if (!powered_[r.index] && state_->on_power_off) state_->on_power_off();
      if (powered_[r.index] && state_->on_power_on) state_->on_power_on();
      return 0;
    }
    if (r.request_type == kHubPortRequestIn && r.request == kUsbRequestGetStatus) {
      const uint16_t status = 0x0003 | (powered_[r.index] ? 0x0100 : 0);
      data[0] = status & 0xff;
      data[1] = status >> 8;
      data[2] = data[3] = 0;
      return 4;
    }
    return Fail(Status::kBadState, "fake hub: stall");
  }
  bool usb3() const override { return false; }
  std::string Describe() const override { return "hub 1-1.2 (05e3:0610)"; }

 private:
  std::shared_ptr<HubState> state_;
  std::map<int, bool> powered_;
};

class PhysicalBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_physical_" + std::to_string(getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    firmware_ = (dir_ / "agent.elf").string();
    WriteElf(firmware_, kImageBytes, {{"_SEGGER_RTT", kRttBlock}, {"main", 0x08000101}});
    port_ = (dir_ / "ttyACM0").string();
    agent_ = std::make_unique<Agent>(port_);
  }
  void TearDown() override {
    agent_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A uart board on the agent's pty whose probe reset restarts the agent.
  PhysicalBoardOptions Options() {
    PhysicalBoardOptions o;
    o.instance_id = kId;
    o.firmware = firmware_;
    o.link = "uart";
    o.serial_port = port_;
    o.baud_rate = 115200;
    probe_.on_reset = [this] { agent_->Start(); };
    o.probe = std::make_unique<BorrowedProbe>(probe_);
    o.hello_timeout = 1500ms;
    o.reappear_timeout = 500ms;
    o.hub_off_time = 10ms;
    o.session.response_timeout = 200ms;
    o.session.max_attempts = 3;
    return o;
  }

  // The same with a fake hub at 1-1.2 port 3.
  PhysicalBoardOptions WithHub(PhysicalBoardOptions o) {
    hub_ = std::make_shared<HubState>();
    o.hub_location = "1-1.2";
    o.hub_port = 3;
    o.open_hub = [hub = hub_](const std::string& location) -> Result<std::unique_ptr<UsbControl>> {
      hub->opened.push_back(location);
      return std::unique_ptr<UsbControl>(new FakeHub(hub));
    };
    return o;
  }

  std::filesystem::path dir_;
  std::string firmware_;
  std::string port_;
  std::unique_ptr<Agent> agent_;
  testing::FakeProbe probe_;  // outlives the boards, so tests can look at it after a failed Start
  std::shared_ptr<HubState> hub_;
};

TEST_F(PhysicalBoardTest, StartFlashesResetsAndSaysHelloOverTheSerialPort) {
  auto board = PhysicalBoard::Start(Options());
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_THAT(probe_.flashed, ElementsAre(firmware_));
  EXPECT_EQ(probe_.resets, 2);  // the flash's own reset, then Start's
  EXPECT_EQ((*board)->hello().board_id, kId);
  EXPECT_EQ((*board)->firmware_flash_bytes(), kImageBytes);
  EXPECT_EQ((*board)->link_kind(), "uart");
  EXPECT_EQ((*board)->serial_path(), port_);
  EXPECT_EQ((*board)->Describe(), std::string(kId) + " (fake probe, serial:" + port_ + "@115200)");
  EXPECT_TRUE((*board)->CheckAlive());
  auto mem = (*board)->session().GetMemory();
  ASSERT_TRUE(mem) << mem.error().message;
  EXPECT_GT(mem->arena_bytes, 0u);
}

TEST_F(PhysicalBoardTest, WithoutFlashingStartOnlyResets) {
  auto o = Options();
  o.flash = false;
  o.firmware.clear();
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_TRUE(probe_.flashed.empty());
  EXPECT_EQ(probe_.resets, 1);
  EXPECT_EQ((*board)->firmware_flash_bytes(), 0u);
}

TEST_F(PhysicalBoardTest, FlashFailureNamesTheInstanceAndTheStep) {
  // What OpenOcdProbe returns when OpenOCD 0.12 finds no ST-LINK.
  const std::string out =
      "Open On-Chip Debugger 0.12.0\nInfo : clock speed 2000 kHz\nError: open failed\nin procedure 'program'\n"
      "** OpenOCD init failed **\nshutdown command invoked\n";
  auto o = Options();
  probe_.FailNext(ProbeError(std::string("board ") + kId + ": openocd", DiagnoseOpenOcdOutput(out), out, 1));
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kNotFound);
  EXPECT_THAT(board.error().message,
              HasSubstr(std::string("board ") + kId + ": flash: openocd: no debug probe connected (or not the selected one): Error: open failed"));
  EXPECT_THAT(board.error().message, Not(HasSubstr(std::string(kId) + ": flash: board")));  // the board is named once
  EXPECT_EQ(probe_.resets, 0);
}

TEST_F(PhysicalBoardTest, ResetFailureNamesTheStep) {
  auto o = Options();
  o.flash = false;
  probe_.FailNext(Error{Status::kBadState, "openocd: the probe cannot reach the target (power, wiring, reset line?): Error: init mode failed"});
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kBadState);
  EXPECT_THAT(board.error().message, HasSubstr(std::string("board ") + kId + ": reset: openocd: the probe cannot reach"));
}

TEST_F(PhysicalBoardTest, RecoverResetsAnAgentThatDied) {
  auto board = PhysicalBoard::Start(Options());
  ASSERT_TRUE(board) << board.error().message;
  agent_->Kill();
  EXPECT_FALSE((*board)->session().GetMemory());
  auto r = (*board)->Recover();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(agent_->starts, 3);  // flash, reset, and the recovery's reset
  EXPECT_EQ(probe_.flashed.size(), 1u);  // a reset is enough: no second flash
  EXPECT_TRUE((*board)->CheckAlive());
  auto hello = (*board)->session().Hello();
  ASSERT_TRUE(hello) << hello.error().message;
  EXPECT_EQ(hello->board_id, kId);
  auto mem = (*board)->session().GetMemory();
  ASSERT_TRUE(mem) << mem.error().message;
}

TEST_F(PhysicalBoardTest, RecoverPowerCyclesTheHubPortWhenResetDoesNotHelp) {
  auto board = PhysicalBoard::Start(WithHub(Options()));
  ASSERT_TRUE(board) << board.error().message;
  hub_->on_power_off = [this] { agent_->Kill(); };
  hub_->on_power_on = [this] { agent_->Start(); };
  probe_.on_reset = nullptr;  // the reset line does nothing to a hung core
  agent_->Hang();
  auto r = (*board)->Recover();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(hub_->opened, ElementsAre("1-1.2"));
  std::vector<UsbControlRequest> power;
  for (const auto& q : hub_->log)
    if (q.request_type == kHubPortRequestOut) power.push_back(q);
  // ClearPortFeature(PORT_POWER) then SetPortFeature(PORT_POWER), on port 3 only.
  EXPECT_THAT(power, ElementsAre(HubPortPowerRequest(3, false), HubPortPowerRequest(3, true)));
  EXPECT_EQ(probe_.flashed.size(), 2u);  // flashed again after power on
  auto mem = (*board)->session().GetMemory();
  ASSERT_TRUE(mem) << mem.error().message;
  EXPECT_EQ((*board)->hello().board_id, kId);
}

TEST_F(PhysicalBoardTest, RecoverListsEveryStepWhenNothingHelps) {
  auto board = PhysicalBoard::Start(WithHub(Options()));
  ASSERT_TRUE(board) << board.error().message;
  hub_->on_power_off = [this] { agent_->Kill(); };  // and it never comes back
  probe_.on_reset = nullptr;
  agent_->Hang();
  const auto start = std::chrono::steady_clock::now();
  auto r = (*board)->Recover();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kTimeout);
  const std::string& m = r.error().message;
  EXPECT_THAT(m, HasSubstr(std::string("board ") + kId + ": not recovered: step 1 (reset): hello: "));
  EXPECT_THAT(m, HasSubstr("no HELLO within"));
  EXPECT_THAT(m, HasSubstr("; step 2 (power cycle of hub 1-1.2 port 3): serial port " + port_ +
                           " did not come back within 500 ms after power on"));
  EXPECT_FALSE((*board)->CheckAlive());
}

TEST_F(PhysicalBoardTest, RecoverWithoutAHubSaysSo) {
  auto board = PhysicalBoard::Start(Options());
  ASSERT_TRUE(board) << board.error().message;
  probe_.on_reset = nullptr;
  agent_->Hang();
  auto r = (*board)->Recover();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("step 1 (reset): hello: "));
  EXPECT_THAT(r.error().message, HasSubstr("step 2 (power cycle): no hub port configured"));
}

TEST_F(PhysicalBoardTest, CheckAliveReportsASerialPortThatVanished) {
  // The pty itself as the port: it disappears with the agent, as /dev/ttyACM0 does when unplugged.
  agent_->Start();
  auto o = Options();
  o.serial_port = agent_->endpoint;
  o.flash = false;
  probe_.on_reset = nullptr;
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_TRUE((*board)->CheckAlive());
  const std::string pty = agent_->endpoint;
  agent_->Kill();
  auto alive = (*board)->CheckAlive();
  ASSERT_FALSE(alive);
  EXPECT_EQ(alive.error().code, Status::kBadState);
  EXPECT_THAT(alive.error().message, HasSubstr(std::string("board ") + kId + ": serial port " + pty + " is gone"));
}

TEST_F(PhysicalBoardTest, AUsbSerialNumberThatMatchesNoPortIsNotFound) {
  auto o = Options();
  o.serial_port = "NO-SUCH-ADAPTER-0042";
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kNotFound);
  EXPECT_THAT(board.error().message, HasSubstr(std::string("board ") + kId +
                                               ": serial port: no serial port has USB serial number 'NO-SUCH-ADAPTER-0042' (ports seen: "));
  EXPECT_TRUE(probe_.flashed.empty());  // found out before touching the board
}

TEST_F(PhysicalBoardTest, OptionsThatCannotWorkAreRefused) {
  auto no_probe = Options();
  no_probe.probe.reset();
  auto a = PhysicalBoard::Start(std::move(no_probe));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Status::kBadArgument);
  auto swo = Options();
  swo.link = "swo";
  auto b = PhysicalBoard::Start(std::move(swo));
  ASSERT_FALSE(b);
  EXPECT_THAT(b.error().message, HasSubstr("link 'swo' is not one a physical board offers (uart, rtt)"));
  auto no_port = Options();
  no_port.serial_port.clear();
  auto c = PhysicalBoard::Start(std::move(no_port));
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr("uart needs serial_port"));
  auto no_file = Options();
  no_file.firmware = (dir_ / "missing.elf").string();
  auto d = PhysicalBoard::Start(std::move(no_file));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, Status::kNotFound);
  EXPECT_THAT(d.error().message, HasSubstr(std::string("board ") + kId + ": firmware "));
}

TEST_F(PhysicalBoardTest, RttThroughTheProbesTcpServerReachesTheAgent) {
  // OpenOCD's `rtt server` carries channel 0 as plain TCP; the TCP agent stands in for it.
  Agent tcp_agent(dir_ / "unused", /*tcp=*/true);
  tcp_agent.Start();
  auto o = Options();
  o.link = "rtt";
  o.serial_port.clear();
  probe_.on_reset = nullptr;
  probe_.rtt_endpoint = {ProbeEndpoint::Kind::kRttTcp, "127.0.0.1", std::stoi(tcp_agent.endpoint)};
  auto board = PhysicalBoard::Start(std::move(o));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_EQ(probe_.rtt_control_block, kRttBlock);  // from the ELF's _SEGGER_RTT
  EXPECT_EQ((*board)->link_kind(), "rtt");
  EXPECT_EQ((*board)->Describe(), std::string(kId) + " (fake probe, rtt:tcp:127.0.0.1:" + tcp_agent.endpoint + ")");
  EXPECT_TRUE((*board)->CheckAlive());
  EXPECT_TRUE((*board)->session().GetMemory());
}

TEST(SerialPorts, AUsbSerialNumberFindsItsPort) {
  const std::vector<SerialPortInfo> ports = {
      {"/dev/ttyACM0", "usb", "066DFF535254887767184931", "STM32 STLink"},
      {"/dev/ttyS0", "native", "", ""},
      {"/dev/ttyUSB0", "usb", "A50285BI", "FT232R USB UART"},
  };
  auto a = FindUsbSerialPort("A50285BI", ports);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(*a, "/dev/ttyUSB0");
  auto b = FindUsbSerialPort("066dff535254887767184931", ports);  // case does not matter
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*b, "/dev/ttyACM0");
  auto c = FindUsbSerialPort("XYZ", ports);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Status::kNotFound);
  EXPECT_THAT(c.error().message, HasSubstr("no serial port has USB serial number 'XYZ' (ports seen: /dev/ttyACM0 (usb serial "
                                           "066DFF535254887767184931), /dev/ttyS0 (native), /dev/ttyUSB0 (usb serial A50285BI))"));
  auto none = FindUsbSerialPort("XYZ", {});
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("(ports seen: none)"));
}

TEST(SerialPorts, ADualPortAdapterIsAmbiguous) {
  const std::vector<SerialPortInfo> ports = {{"/dev/ttyUSB0", "usb", "FT4ABC", ""}, {"/dev/ttyUSB1", "usb", "FT4ABC", ""}};
  auto r = FindUsbSerialPort("FT4ABC", ports);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Status::kBadArgument);
  EXPECT_THAT(r.error().message, HasSubstr("/dev/ttyUSB0, /dev/ttyUSB1"));
  EXPECT_THAT(r.error().message, HasSubstr("give the tty path"));
}

TEST(SerialPorts, APathIsTakenAsItIs) {
  auto r = ResolveSerialPort("/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink-if02");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink-if02");
}

// The GDB flavour of RTT (pyOCD): a GDB server with a control block in its memory and a "core" that
// echoes the down ring into the up ring.
constexpr uint32_t kRam = 0x20000000;
constexpr uint32_t kUpBuf = kRam + 0x800;
constexpr uint32_t kDownBuf = kRam + 0xc00;

void BuildControlBlock(link::testing::FakeGdbServer& s) {
  auto lock = s.Lock();
  memcpy(s.At(kRttBlock), "SEGGER RTT", 11);
  s.Put32(kRttBlock + 16, 1);
  s.Put32(kRttBlock + 20, 1);
  s.Put32(kRttBlock + 24 + 4, kUpBuf);
  s.Put32(kRttBlock + 24 + 8, 256);
  s.Put32(kRttBlock + 48 + 4, kDownBuf);
  s.Put32(kRttBlock + 48 + 8, 256);
}

void Echo(link::testing::FakeGdbServer& s) {
  for (;;) {
    const uint32_t drd = s.Get32(kRttBlock + 48 + 16), dwr = s.Get32(kRttBlock + 48 + 12), dsz = s.Get32(kRttBlock + 48 + 8);
    if (drd == dwr) return;
    const uint32_t uwr = s.Get32(kRttBlock + 24 + 12), urd = s.Get32(kRttBlock + 24 + 16), usz = s.Get32(kRttBlock + 24 + 8);
    if ((uwr + 1) % usz == urd) return;
    *s.At(kUpBuf + uwr) = *s.At(kDownBuf + drd);
    s.Put32(kRttBlock + 24 + 12, (uwr + 1) % usz);
    s.Put32(kRttBlock + 48 + 16, (drd + 1) % dsz);
  }
}

TEST(RttEndpoint, AGdbServerGetsAnRttLinkAtTheControlBlock) {
  link::testing::FakeGdbServer server(kRam, 0x1000);
  BuildControlBlock(server);
  server.SetTarget(Echo);
  link::GdbRemoteOptions gdb;
  gdb.halt_for_access = true;  // the fake serves memory only while stopped, like QEMU's gdbstub
  auto l = OpenRttLink({ProbeEndpoint::Kind::kGdb, "127.0.0.1", server.port()}, {kRttBlock, 0, 0}, gdb, Deadline::After(2s));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_THAT(std::string((*l)->Describe()), HasSubstr("rtt:gdb:127.0.0.1:"));
  const std::byte out[] = {std::byte{1}, std::byte{2}, std::byte{3}};
  ASSERT_TRUE((*l)->Write(out, Deadline::After(2s)));
  std::vector<std::byte> in;
  const Deadline deadline = Deadline::After(2s);
  while (in.size() < 3) {
    std::byte buf[8];
    auto n = (*l)->Read(buf, deadline);
    ASSERT_TRUE(n) << n.error().message;
    in.insert(in.end(), buf, buf + *n);
  }
  EXPECT_EQ(in, std::vector<std::byte>(out, out + 3));
}

TEST(RttEndpoint, NothingListeningTimesOut) {
  auto port = PickFreeTcpPort();
  ASSERT_TRUE(port);
  auto tcp = OpenRttLink({ProbeEndpoint::Kind::kRttTcp, "127.0.0.1", *port}, {}, {}, Deadline::After(100ms));
  ASSERT_FALSE(tcp);
  EXPECT_EQ(tcp.error().code, Status::kTimeout);
  auto gdb = OpenRttLink({ProbeEndpoint::Kind::kGdb, "127.0.0.1", *port}, {}, {}, Deadline::After(100ms));
  ASSERT_FALSE(gdb);
  EXPECT_EQ(gdb.error().code, Status::kTimeout);
  EXPECT_THAT(gdb.error().message, HasSubstr("gdb:127.0.0.1:" + std::to_string(*port)));
}

}  // namespace
}  // namespace hil::board
