#include "hil/board/qemu_board.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <regex>
#include <thread>

#include "hil/board/elf_file.h"
#include "hil/link/gdb_remote.h"
#include "hil/link/rtt_link.h"
#include "hil/link/serial_link.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;

// A free loopback TCP port for the gdbstub. Another process could take it before QEMU binds it; QEMU
// then fails to start and says so, and Start() reports that.
int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Result<std::unique_ptr<QemuBoard>> QemuBoard::Start(const QemuBoardOptions& options) {
  const std::string who = "board " + options.instance_id;
  auto elf = ReadElf(options.firmware);
  if (!elf) return Wrap(elf.error(), who);
  std::unique_ptr<QemuBoard> board(new QemuBoard(options));
  board->flash_bytes_ = elf->flash_bytes;
  board->build_id_ = elf->build_id;
  if (options.link == "rtt") {
    auto it = elf->symbols.find("_SEGGER_RTT");
    if (it == elf->symbols.end()) {
      return Fail(Status::kNotFound, who + ": firmware " + options.firmware + " has no _SEGGER_RTT symbol for link: rtt");
    }
    board->rtt_address_ = it->second;
  } else if (options.link != "uart") {
    return Fail(Status::kBadArgument, who + ": link '" + options.link + "' is not one an emulated board offers (uart, rtt)");
  }
  if (auto s = board->Launch(); !s) return std::unexpected(s.error());
  if (auto s = board->Connect(); !s) return std::unexpected(s.error());
  return board;
}

Result<std::string> LaunchQemu(Subprocess& qemu, const QemuBoardOptions& options, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {options.qemu, "-M", options.machine, "-nographic", "-monitor", "none"};
  for (int i = 0; i < options.uart_index; ++i) argv.insert(argv.end(), {"-serial", "null"});
  argv.insert(argv.end(), {"-serial", "pty", "-kernel", options.firmware});
  if (options.icount_shift >= 0) {
    // sleep=off: virtual time runs as fast as the host allows instead of tracking the wall clock.
    argv.insert(argv.end(), {"-icount", "shift=" + std::to_string(options.icount_shift) + ",sleep=off"});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  if (auto s = qemu.Start(argv, "qemu-system-arm", /*die_with_parent=*/true); !s) return std::unexpected(s.error());
  // "char device redirected to /dev/pts/3 (label serial0)"
  static const std::regex kPty(R"(redirected to (/dev/pts/\d+))");
  auto line = qemu.WaitForLine([](const std::string& l) { return std::regex_search(l, kPty); }, Deadline::After(options.start_timeout));
  if (!line) return std::unexpected(line.error());
  std::smatch m;
  std::regex_search(*line, m, kPty);
  return m[1].str();
}

Result<void> QemuBoard::Launch() {
  const std::string who = "board " + options_.instance_id;
  qmp_path_ = UniqueTempPath(options_.instance_id, ".qmp");
  std::vector<std::string> extra = {"-qmp", "unix:" + qmp_path_ + ",server=on,wait=off"};
  if (options_.link == "rtt") {
    gdb_port_ = FreeTcpPort();
    extra.insert(extra.end(), {"-gdb", "tcp:127.0.0.1:" + std::to_string(gdb_port_)});
  }
  auto pty = LaunchQemu(qemu_, options_, extra);
  if (!pty) return Wrap(pty.error(), who);
  pty_ = *pty;
  return {};
}

Result<void> QemuBoard::Connect() {
  const std::string who = "board " + options_.instance_id;
  session_.reset();
  link_.reset();
  const Deadline deadline = Deadline::After(options_.start_timeout);
  if (options_.link == "rtt") {
    auto gdb = link::GdbRemoteClient::Connect("127.0.0.1", gdb_port_, {}, deadline);
    if (!gdb) return Wrap(gdb.error(), who);
    // QEMU stops the guest when a debugger attaches; let it run to set up its control block.
    if (auto r = (*gdb)->Resume(deadline); !r) return Wrap(r.error(), who);
    auto rtt = link::RttLink::Attach(std::move(*gdb), {rtt_address_, 0, 0}, deadline);
    if (!rtt) return Wrap(rtt.error(), who);
    link_ = std::move(*rtt);
  } else {
    auto tty = link::OpenTty(pty_, options_.baud_rate);
    if (!tty) return Wrap(tty.error(), who);
    link_ = std::move(*tty);
  }
  if (options_.wrap_link) link_ = options_.wrap_link(std::move(link_));
  session_ = std::make_unique<link::AgentSession>(*link_, who, options_.session);
  auto hello = session_->Hello();
  if (!hello) {
    if (auto alive = CheckAlive(); !alive) return std::unexpected(alive.error());
    return std::unexpected(hello.error());
  }
  hello_ = *hello;
  return {};
}

Result<void> QemuBoard::CheckAlive() {
  if (!qemu_.Running()) return Fail(Status::kBadState, "board " + options_.instance_id + ": QEMU " + qemu_.ExitText());
  return {};
}

std::string QemuBoard::Describe() const {
  return options_.instance_id + " (qemu " + options_.machine + ", pid " + std::to_string(qemu_.pid()) + ", " +
         (link_ ? std::string(link_->Describe()) : pty_) + ")";
}

Result<void> QemuBoard::Qmp(const std::string& command) {
  const std::string who = "board " + options_.instance_id + ": QMP " + qmp_path_;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, qmp_path_.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return Fail(Status::kBadState, who + ": cannot connect: " + strerror(errno));
  }
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  // Greeting, capabilities negotiation, then the command; each answer is one JSON line.
  std::string in;
  auto read_line = [&]() -> std::string {
    for (;;) {
      auto nl = in.find('\n');
      if (nl != std::string::npos) {
        std::string l = in.substr(0, nl);
        in.erase(0, nl + 1);
        return l;
      }
      char buf[1024];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return {};
      in.append(buf, static_cast<size_t>(n));
    }
  };
  auto exchange = [&](const std::string& json) -> Result<void> {
    std::string msg = json + "\n";
    if (send(fd, msg.data(), msg.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(msg.size()))
      return Fail(Status::kBadState, who + ": write failed");
    for (;;) {
      std::string l = read_line();
      if (l.empty()) return Fail(Status::kTimeout, who + ": no answer to " + json);
      if (l.find("\"return\"") != std::string::npos) return {};
      if (l.find("\"error\"") != std::string::npos) return Fail(Status::kInternal, who + ": " + l);
      // Asynchronous events ({"event": ...}) come in between; skip them.
    }
  };
  Result<void> r = read_line().find("QMP") == std::string::npos ? Fail(Status::kBadFrame, who + ": no QMP greeting")
                                                                : exchange(R"({"execute":"qmp_capabilities"})");
  if (r) r = exchange(R"({"execute":")" + command + R"("})");
  close(fd);
  return r;
}

Result<void> QemuBoard::Reset() {
  if (auto a = CheckAlive(); !a) return a;
  if (auto r = Qmp("system_reset"); !r) return r;
  // The firmware starts over: a new session, since the agent forgot its sequence numbers and model.
  session_.reset();
  link_.reset();
  return Connect();
}

Result<void> QemuBoard::Recover() {
  auto reset = Reset();
  if (reset) return {};
  Shutdown();
  if (auto s = Launch(); !s) return Wrap(s.error(), "restart after failed reset (" + reset.error().message + ")");
  return Connect();
}

double QemuBoard::InstructionsPerTick() const {
  if (options_.icount_shift < 0 || hello_.clock_hz == 0) return 0;
  return 1e9 / static_cast<double>(hello_.clock_hz) / std::ldexp(1.0, options_.icount_shift);
}

CycleScale QemuBoard::Scale(uint8_t cycle_source) const {
  constexpr uint8_t kSysTick = 2;  // protocol::CycleSource::kSysTick
  const double per_tick = InstructionsPerTick();
  if (cycle_source == kSysTick && per_tick > 0) return {per_tick, "instructions", "qemu-icount"};
  return Board::Scale(cycle_source);
}

void QemuBoard::Shutdown() {
  session_.reset();
  link_.reset();
  qemu_.Stop();
  if (!qmp_path_.empty()) ::unlink(qmp_path_.c_str());
}

QemuBoard::~QemuBoard() { Shutdown(); }

}  // namespace hil::board
