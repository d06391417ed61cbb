#include "hil/board/openocd_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

namespace hil::board {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPackage = "openocd";
constexpr char kTclEnd = '\x1a';  // OpenOCD's TCL server ends every command and reply with ^Z

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string Braced(const std::string& path) { return "{" + path + "}"; }

bool IsRawBinary(const std::string& image) {
  const std::string ext = std::filesystem::path(image).extension().string();
  return ext == ".bin" || ext == ".BIN";
}

}  // namespace

std::string OpenOcdInterfaceFor(uint16_t vid, uint16_t pid) {
  if (vid == 0x0483 && pid == 0x3744) return "interface/stlink-v1.cfg";
  if (vid == 0x0483) return "interface/stlink.cfg";
  if (vid == 0x1366) return "interface/jlink.cfg";
  if (vid == 0x0d28 || vid == 0x03eb || vid == 0x2e8a || vid == 0xc251 || vid == 0x1fc9) return "interface/cmsis-dap.cfg";
  return {};
}

Result<std::unique_ptr<OpenOcdProbe>> OpenOcdProbe::Create(const OpenOcdOptions& options) {
  std::unique_ptr<OpenOcdProbe> p(new OpenOcdProbe(options));
  if (p->options_.interface_configs.empty() && p->options_.selector) {
    const std::string cfg = OpenOcdInterfaceFor(p->options_.selector->vid, p->options_.selector->pid);
    if (!cfg.empty()) p->options_.interface_configs.push_back(cfg);
  }
  bool dummy = false;
  for (const auto& c : p->options_.commands) dummy = dummy || c.find("adapter driver") != std::string::npos;
  if (p->options_.interface_configs.empty() && !dummy)
    return Fail(Status::kBadArgument, p->Who() + ": no interface config, and no probe selector whose vendor id names one "
                                                 "(give e.g. interface/stlink.cfg)");
  auto v = Subprocess::Run({p->options_.openocd, "--version"}, 10000ms, kPackage);
  if (!v) return Wrap(v.error(), p->Who());
  const size_t at = v->output.find("Debugger ");
  if (v->exit_code != 0 || at == std::string::npos)
    return Fail(Status::kBadState, p->Who() + ": `" + p->options_.openocd + " --version` did not say its version: " + v->output.substr(0, 200));
  std::string rest = v->output.substr(at + 9);
  p->version_ = rest.substr(0, rest.find_first_of(" \r\n"));
  return p;
}

std::string OpenOcdProbe::Who() const {
  return (options_.instance_id.empty() ? std::string() : "board " + options_.instance_id + ": ") + "openocd";
}

std::string OpenOcdProbe::Describe() const {
  std::string d = "openocd " + version_ + " (";
  bool first = true;
  for (const auto& f : options_.interface_configs) d += (first ? "" : ", ") + f, first = false;
  for (const auto& f : options_.target_configs) d += (first ? "" : ", ") + f, first = false;
  if (options_.selector) d += (first ? "" : ", ") + options_.selector->ToString();
  return d + ")";
}

std::vector<std::string> OpenOcdProbe::ConfigArgs() const {
  std::vector<std::string> a{options_.openocd};
  for (const auto& f : options_.interface_configs) a.insert(a.end(), {"-f", f});
  // `adapter serial` (OpenOCD 0.12 spelling; 0.11 had per-driver commands such as hla_serial) must
  // come after the interface and before the target config initialises anything.
  if (options_.selector && options_.selector->serial) a.insert(a.end(), {"-c", "adapter serial " + *options_.selector->serial});
  for (const auto& c : options_.commands) a.insert(a.end(), {"-c", c});
  for (const auto& f : options_.target_configs) a.insert(a.end(), {"-f", f});
  return a;
}

std::vector<std::string> OpenOcdProbe::FlashCommandLine(const std::string& image, std::optional<uint32_t> address) const {
  auto a = ConfigArgs();
  // Without a server: OpenOCD's own `program` procedure (startup.tcl) does init, halt, write, verify,
  // reset; `exit` makes the process end, with status 1 on any failure.
  a.insert(a.end(), {"-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled", "-c",
                     "program " + Braced(image) + (address ? " " + Hex(*address) : "") + " verify reset exit"});
  return a;
}

std::vector<std::string> OpenOcdProbe::ResetCommandLine() const {
  auto a = ConfigArgs();
  a.insert(a.end(), {"-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled", "-c", "init", "-c",
                     "reset run", "-c", "shutdown"});
  return a;
}

std::vector<std::string> OpenOcdProbe::ServerCommandLine(int tcl_port, int gdb_port) const {
  auto a = ConfigArgs();
  a.insert(a.end(), {"-c", "tcl_port " + std::to_string(tcl_port), "-c",
                     gdb_port > 0 ? "gdb_port " + std::to_string(gdb_port) : std::string("gdb_port disabled"), "-c",
                     "telnet_port disabled"});
  return a;
}

std::vector<std::string> OpenOcdProbe::RttCommands(uint32_t control_block, uint32_t search_bytes, int port) {
  return {"rtt setup " + Hex(control_block) + " " + std::to_string(search_bytes) + " \"SEGGER RTT\"", "rtt start",
          "rtt server start " + std::to_string(port) + " 0"};
}

Result<void> OpenOcdProbe::RunOnce(const std::vector<std::string>& argv, const std::string& what, Deadline deadline) {
  auto r = Subprocess::Run(argv, std::max(deadline.Remaining(), std::chrono::milliseconds(1)), kPackage);
  if (!r) return Wrap(r.error(), Who() + ": " + what);
  if (r->exit_code == 0) {
    // `program ... exit` exits 0 only after "** Verified OK **"; a verify failure still exits 1, but
    // check the text too in case a script swallowed the error.
    if (DiagnoseOpenOcdOutput(r->output).failure != ProbeFailure::kVerifyFailed) return {};
  }
  return std::unexpected(ProbeError(Who() + ": " + what, DiagnoseOpenOcdOutput(r->output), r->output, r->exit_code));
}

Result<void> OpenOcdProbe::Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(image, ec)) return Fail(Status::kNotFound, Who() + ": flash: no image file " + image);
  if (!address && IsRawBinary(image))
    return Fail(Status::kBadArgument, Who() + ": flash: " + image + " is a raw binary: give the flash address");
  if (server_.pid() > 0 && tcl_fd_ >= 0) {
    auto r = Tcl("program " + Braced(image) + (address ? " " + Hex(*address) : "") + " verify reset", deadline);
    if (!r) {
      auto d = DiagnoseOpenOcdOutput(r.error().message);
      if (d.failure != ProbeFailure::kNone) return std::unexpected(ProbeError(Who() + ": flash " + image, d, "", 1));
      return std::unexpected(r.error());
    }
    return {};
  }
  return RunOnce(FlashCommandLine(image, address), "flash " + image, deadline);
}

Result<void> OpenOcdProbe::Reset(Deadline deadline) {
  if (server_.pid() > 0 && tcl_fd_ >= 0) {
    auto r = Tcl("reset run", deadline);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  return RunOnce(ResetCommandLine(), "reset", deadline);
}

Result<void> OpenOcdProbe::StartServer(Deadline deadline) {
  if (server_.pid() > 0 && server_.Running() && tcl_fd_ >= 0) return {};
  StopServers();
  auto port = PickFreeTcpPort();
  if (!port) return std::unexpected(port.error());
  tcl_port_ = *port;
  if (auto s = server_.Start(ServerCommandLine(tcl_port_, gdb_port_), kPackage, /*die_with_parent=*/true); !s)
    return Wrap(s.error(), Who());
  const std::string want = "Listening on port " + std::to_string(tcl_port_) + " for tcl connections";
  auto line = server_.WaitForLine([&](const std::string& l) { return l.find(want) != std::string::npos; },
                                  deadline.Min(Deadline::After(options_.start_timeout)));
  if (!line) {
    const std::string out = server_.output();
    const auto d = DiagnoseOpenOcdOutput(out);
    server_.Stop();
    if (d.failure != ProbeFailure::kNone || line.error().code == Status::kBadState)
      return std::unexpected(ProbeError(Who() + ": server", d, out, 1));
    return Wrap(line.error(), Who() + ": server");
  }
  return TclConnect(deadline);
}

Result<void> OpenOcdProbe::TclConnect(Deadline deadline) {
  for (;;) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Fail(Status::kInternal, Who() + ": socket: " + strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(tcl_port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      tcl_fd_ = fd;
      return {};
    }
    close(fd);
    if (deadline.Expired() || !server_.Running())
      return Fail(Status::kTimeout, Who() + ": cannot connect to the TCL server on port " + std::to_string(tcl_port_));
    std::this_thread::sleep_for(20ms);
  }
}

Result<std::string> OpenOcdProbe::Tcl(const std::string& command, Deadline deadline) {
  if (tcl_fd_ < 0) {
    if (auto s = StartServer(deadline); !s) return std::unexpected(s.error());
  }
  // The TCL server returns a command's result but not whether it failed; catch says which.
  const std::string wrapped = "if {[catch {" + command + "} _hil_e]} {set _hil_r \"E$_hil_e\"} else {set _hil_r \"O$_hil_e\"}";
  std::string out = wrapped + kTclEnd;
  size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = send(tcl_fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return Fail(Status::kBadState, Who() + ": TCL connection lost (" + server_.ExitText() + ")");
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  for (;;) {
    pollfd p{tcl_fd_, POLLIN, 0};
    const int pr = poll(&p, 1, std::min(deadline.PollTimeoutMs() < 0 ? 200 : deadline.PollTimeoutMs(), 200));
    if (pr > 0) {
      char buf[4096];
      const ssize_t n = recv(tcl_fd_, buf, sizeof buf, 0);
      if (n <= 0) return Fail(Status::kBadState, Who() + ": TCL connection closed during '" + command + "'");
      reply.append(buf, static_cast<size_t>(n));
      if (!reply.empty() && reply.back() == kTclEnd) break;
    } else if (deadline.Expired()) {
      // The reply would arrive late and be read as the next command's: this connection is done.
      close(tcl_fd_);
      tcl_fd_ = -1;
      return Fail(Status::kTimeout, Who() + ": no reply to '" + command + "' in time");
    }
  }
  reply.pop_back();
  if (reply.empty()) return Fail(Status::kBadState, Who() + ": empty reply to '" + command + "'");
  if (reply[0] == 'O') return reply.substr(1);
  // OpenOCD 0.12 leaves the message empty for some failures (e.g. `rtt setup` with no target).
  return Fail(Status::kBadState, Who() + ": '" + command + "' failed: " +
                                     (reply.size() > 1 ? reply.substr(1) : std::string("(OpenOCD gave no reason; is a target configured?)")));
}

Result<std::vector<uint8_t>> OpenOcdProbe::ReadMemory(uint32_t address, size_t size, Deadline deadline) {
  std::vector<uint8_t> bytes;
  bytes.reserve(size);
  while (bytes.size() < size) {
    const size_t n = std::min<size_t>(size - bytes.size(), 1024);
    // read_memory (OpenOCD 0.12) returns a TCL list of hex numbers: "0x12 0x34 ...".
    auto r = Tcl("read_memory " + Hex(static_cast<uint32_t>(address + bytes.size())) + " 8 " + std::to_string(n), deadline);
    if (!r) return Fail(Status::kOutOfRange, r.error().message);
    const size_t before = bytes.size();
    std::istringstream in(*r);
    for (std::string t; in >> t;) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(t.c_str(), &end, 0);
      if (*end != '\0' || v > 0xff) return Fail(Status::kBadState, Who() + ": read_memory returned '" + t + "', not a byte");
      bytes.push_back(static_cast<uint8_t>(v));
    }
    if (bytes.size() - before != n)
      return Fail(Status::kBadState, Who() + ": read_memory returned " + std::to_string(bytes.size() - before) + " bytes, not " + std::to_string(n));
  }
  return bytes;
}

Result<void> OpenOcdProbe::WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) {
  for (size_t at = 0; at < bytes.size(); at += 1024) {
    std::string list;
    for (size_t i = at; i < std::min(bytes.size(), at + 1024); ++i) list += (i == at ? "" : " ") + std::to_string(bytes[i]);
    auto r = Tcl("write_memory " + Hex(static_cast<uint32_t>(address + at)) + " 8 {" + list + "}", deadline);
    if (!r) return Fail(Status::kOutOfRange, r.error().message);
  }
  return {};
}

Result<ProbeEndpoint> OpenOcdProbe::StartGdbServer(int port, Deadline deadline) {
  if (gdb_port_ > 0 && server_.pid() > 0 && server_.Running()) return ProbeEndpoint{ProbeEndpoint::Kind::kGdb, "127.0.0.1", gdb_port_};
  StopServers();
  if (port == 0) {
    auto p = PickFreeTcpPort();
    if (!p) return std::unexpected(p.error());
    port = *p;
  }
  gdb_port_ = port;
  if (auto s = StartServer(deadline); !s) {
    gdb_port_ = 0;
    return std::unexpected(s.error());
  }
  // OpenOCD opens the GDB port only for a target that examined; wait for it.
  const std::string want = "Listening on port " + std::to_string(port) + " for gdb connections";
  if (server_.output().find(want) == std::string::npos) {
    auto line = server_.WaitForLine([&](const std::string& l) { return l.find(want) != std::string::npos; },
                                    deadline.Min(Deadline::After(options_.start_timeout)));
    if (!line) {
      const std::string out = server_.output();
      auto e = ProbeError(Who() + ": gdb server", DiagnoseOpenOcdOutput(out), out, 1);
      StopServers();
      return std::unexpected(e);
    }
  }
  return ProbeEndpoint{ProbeEndpoint::Kind::kGdb, "127.0.0.1", port};
}

Result<ProbeEndpoint> OpenOcdProbe::StartRtt(uint32_t control_block, int port, Deadline deadline) {
  if (rtt_port_ > 0 && server_.Running()) return ProbeEndpoint{ProbeEndpoint::Kind::kRttTcp, "127.0.0.1", rtt_port_};
  if (auto s = StartServer(deadline); !s) return std::unexpected(s.error());
  if (port == 0) {
    auto p = PickFreeTcpPort();
    if (!p) return std::unexpected(p.error());
    port = *p;
  }
  // A known address: search 16 bytes there (the ID); otherwise the caller should pass the symbol.
  for (const auto& c : RttCommands(control_block, control_block ? 16 : 0x10000, port)) {
    auto r = Tcl(c, deadline);
    if (!r) return std::unexpected(r.error());
  }
  rtt_port_ = port;
  return ProbeEndpoint{ProbeEndpoint::Kind::kRttTcp, "127.0.0.1", port};
}

void OpenOcdProbe::StopServers() {
  if (tcl_fd_ >= 0) close(tcl_fd_);
  tcl_fd_ = -1;
  server_.Stop();
  rtt_port_ = 0;
}

}  // namespace hil::board
