#include "hil/board/pyocd_probe.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "hil/link/gdb_remote.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPackage = "python3-pyocd";

std::string FindOnPath(const std::string& name) {
  const char* path = getenv("PATH");
  const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = dirs.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

bool IsRawBinary(const std::string& image) {
  const std::string ext = std::filesystem::path(image).extension().string();
  return ext == ".bin" || ext == ".BIN";
}

// "exited with status 3: ..." -> 3; -1 when killed or still running.
int ExitCode(Subprocess& p) {
  const std::string t = p.ExitText();
  const std::string key = "exited with status ";
  if (t.rfind(key, 0) != 0) return -1;
  return std::atoi(t.c_str() + key.size());
}

}  // namespace

Result<PyOcdInstall> DetectPyOcd(std::chrono::milliseconds timeout) {
  PyOcdInstall install;
  install.program = FindOnPath("pyocd");
  if (!install.program.empty()) {
    install.flavor = PyOcdInstall::Flavor::kModern;
  } else {
    install.program = FindOnPath("pyocd-flashtool");
    install.flavor = PyOcdInstall::Flavor::kLegacy;
  }
  if (install.program.empty())
    return Fail(Status::kNotFound, "pyOCD is not installed: neither pyocd nor pyocd-flashtool is on PATH "
                                   "(Debian package python3-pyocd, or `pip install pyocd`)");
  install.bin_dir = std::filesystem::path(install.program).parent_path().string();
  auto v = Subprocess::Run({install.program, "--version"}, timeout, kPackage);
  if (!v) return Wrap(v.error(), "pyOCD");
  std::string first = v->output.substr(0, v->output.find('\n'));
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
  if (v->exit_code != 0 || first.empty() || !std::isdigit(static_cast<unsigned char>(first[0])))
    return Fail(Status::kBadState, install.program + " --version failed (exit status " + std::to_string(v->exit_code) +
                                       "): " + first);
  install.version = first;
  return install;
}

Result<std::unique_ptr<PyOcdProbe>> PyOcdProbe::Create(const PyOcdOptions& options) {
  PyOcdInstall install;
  if (options.install) {
    install = *options.install;
  } else {
    auto d = DetectPyOcd();
    if (!d) return Wrap(d.error(), (options.instance_id.empty() ? std::string("pyocd") : "board " + options.instance_id));
    install = *d;
  }
  if (options.target.empty())
    return Fail(Status::kBadArgument, (options.instance_id.empty() ? std::string() : "board " + options.instance_id + ": ") +
                                          "pyocd: no target type (e.g. stm32l475xg, nrf52840)");
  return std::unique_ptr<PyOcdProbe>(new PyOcdProbe(options, install));
}

PyOcdProbe::~PyOcdProbe() { StopServers(); }

std::string PyOcdProbe::Who() const {
  return (options_.instance_id.empty() ? std::string() : "board " + options_.instance_id + ": ") + "pyocd";
}

std::string PyOcdProbe::Describe() const {
  return std::string("pyocd ") + install_.version + (install_.flavor == PyOcdInstall::Flavor::kLegacy ? " (legacy commands, " : " (") +
         "target " + options_.target + (options_.selector ? ", " + options_.selector->ToString() : "") + ")";
}

std::string PyOcdProbe::Legacy(const std::string& tool) const { return (std::filesystem::path(install_.bin_dir) / tool).string(); }

std::vector<std::string> PyOcdProbe::ListCommandLine() const {
  if (install_.flavor == PyOcdInstall::Flavor::kModern) return {install_.program, "list"};
  return {Legacy("pyocd-gdbserver"), "--list"};
}

std::vector<std::string> PyOcdProbe::FlashCommandLine(const std::string& image, std::optional<uint32_t> address) const {
  const bool modern = install_.flavor == PyOcdInstall::Flavor::kModern;
  std::vector<std::string> a;
  if (modern) a = {install_.program, "flash", "--no-wait", "-t", options_.target};
  else a = {install_.program, "-t", options_.target};
  // The probe's unique ID is the USB serial number: -u in current releases, -b (board ID) in 0.13.
  if (options_.selector && options_.selector->serial) a.insert(a.end(), {modern ? "-u" : "-b", *options_.selector->serial});
  if (address) a.insert(a.end(), {modern ? "--base-address" : "-a", Hex(*address)});
  if (modern) {
    if (IsRawBinary(image)) a.insert(a.end(), {"--format", "bin"});
    a.push_back(image);
  } else {
    a.push_back(image);
    if (IsRawBinary(image)) a.push_back("bin");
  }
  return a;
}

std::vector<std::string> PyOcdProbe::ResetCommandLine() const {
  const bool modern = install_.flavor == PyOcdInstall::Flavor::kModern;
  std::vector<std::string> a;
  if (modern) a = {install_.program, "reset", "--no-wait", "-t", options_.target};
  else a = {Legacy("pyocd-tool"), "-t", options_.target};
  if (options_.selector && options_.selector->serial) a.insert(a.end(), {modern ? "-u" : "-b", *options_.selector->serial});
  if (!modern) a.push_back("reset");
  return a;
}

std::vector<std::string> PyOcdProbe::GdbServerCommandLine(int port) const {
  const bool modern = install_.flavor == PyOcdInstall::Flavor::kModern;
  std::vector<std::string> a;
  if (modern) a = {install_.program, "gdbserver", "--no-wait", "-t", options_.target, "--port", std::to_string(port)};
  else a = {Legacy("pyocd-gdbserver"), "-t", options_.target, "-p", std::to_string(port)};
  if (options_.selector && options_.selector->serial) a.insert(a.end(), {modern ? "-u" : "-b", *options_.selector->serial});
  return a;
}

Result<void> PyOcdProbe::RunOnce(const std::vector<std::string>& argv, const std::string& what, Deadline deadline) {
  Subprocess p;
  if (auto s = p.Start(argv, kPackage); !s) return Wrap(s.error(), Who() + ": " + what);
  // pyOCD 0.13's pyocd-tool and pyocd-gdbserver never give up waiting for a probe; stop at the first
  // line that says why it cannot go on.
  auto line = p.WaitForLine([](const std::string& l) { return DiagnosePyOcdOutput(l).failure == ProbeFailure::kNoProbe; }, deadline);
  if (line) {
    p.Stop();
    return std::unexpected(ProbeError(Who() + ": " + what, DiagnosePyOcdOutput(*line), p.output(), -1));
  }
  if (line.error().code == Status::kTimeout) {
    p.Stop();
    return Fail(Status::kTimeout, Who() + ": " + what + " did not finish by the deadline" +
                                      (p.LastLine().empty() ? "" : " (last: " + p.LastLine() + ")"));
  }
  const int code = ExitCode(p);
  const std::string out = p.output();
  const auto d = DiagnosePyOcdOutput(out);
  if (code == 0 && d.failure == ProbeFailure::kNone) return {};
  return std::unexpected(ProbeError(Who() + ": " + what, d, out, code));
}

Result<std::vector<std::string>> PyOcdProbe::ListProbes(Deadline deadline) {
  auto r = Subprocess::Run(ListCommandLine(), std::max(deadline.Remaining(), std::chrono::milliseconds(1)), kPackage);
  if (!r) return Wrap(r.error(), Who() + ": list");
  if (DiagnosePyOcdOutput(r->output).failure == ProbeFailure::kNoProbe) return std::vector<std::string>{};
  if (r->exit_code != 0) return std::unexpected(ProbeError(Who() + ": list", DiagnosePyOcdOutput(r->output), r->output, r->exit_code));
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < r->output.size()) {
    size_t end = r->output.find('\n', start);
    if (end == std::string::npos) end = r->output.size();
    std::string l = r->output.substr(start, end - start);
    if (l.find_first_not_of(" \t\r-") != std::string::npos) lines.push_back(l);
    start = end + 1;
  }
  return lines;
}

Result<void> PyOcdProbe::Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(image, ec)) return Fail(Status::kNotFound, Who() + ": flash: no image file " + image);
  if (!address && IsRawBinary(image))
    return Fail(Status::kBadArgument, Who() + ": flash: " + image + " is a raw binary: give the flash address");
  // A running GDB server holds the probe; pyOCD cannot open it twice.
  StopServers();
  if (auto f = RunOnce(FlashCommandLine(image, address), "flash " + image, deadline); !f) return f;
  // pyocd flash (current releases) resets after programming; pyocd-flashtool 0.13 leaves the core
  // halted, so reset it to run.
  if (install_.flavor == PyOcdInstall::Flavor::kLegacy) return Reset(deadline);
  return {};
}

Result<void> PyOcdProbe::Reset(Deadline deadline) {
  StopServers();
  return RunOnce(ResetCommandLine(), "reset", deadline);
}

Result<ProbeEndpoint> PyOcdProbe::StartGdbServer(int port, Deadline deadline) {
  if (gdb_port_ > 0 && server_.Running()) return ProbeEndpoint{ProbeEndpoint::Kind::kGdb, "127.0.0.1", gdb_port_};
  StopServers();
  if (port == 0) {
    auto p = PickFreeTcpPort();
    if (!p) return std::unexpected(p.error());
    port = *p;
  }
  if (auto s = server_.Start(GdbServerCommandLine(port), kPackage, /*die_with_parent=*/true); !s) return Wrap(s.error(), Who());
  // 0.13: "GDB server started at port:3333"; current: "GDB server listening on port 3333 (core 0)".
  auto line = server_.WaitForLine(
      [](const std::string& l) {
        return (l.find("GDB server") != std::string::npos && l.find("port") != std::string::npos) ||
               DiagnosePyOcdOutput(l).failure != ProbeFailure::kNone;
      },
      deadline.Min(Deadline::After(options_.start_timeout)));
  const std::string out = server_.output();
  const auto d = DiagnosePyOcdOutput(line ? *line : out);
  if (!line || d.failure != ProbeFailure::kNone) {
    server_.Stop();
    if (line || d.failure != ProbeFailure::kNone || line.error().code == Status::kBadState)
      return std::unexpected(ProbeError(Who() + ": gdbserver", d, out, -1));
    return Wrap(line.error(), Who() + ": gdbserver");
  }
  gdb_port_ = port;
  return ProbeEndpoint{ProbeEndpoint::Kind::kGdb, "127.0.0.1", port};
}

Result<ProbeEndpoint> PyOcdProbe::StartRtt(uint32_t /*control_block*/, int port, Deadline deadline) {
  // RTT goes through the GDB server (RttLink reads the rings with m/M packets); the control block
  // address is RttLink's business.
  return StartGdbServer(port, deadline);
}

Result<link::GdbRemoteClient*> PyOcdProbe::Gdb(Deadline deadline) {
  if (gdb_ && server_.Running()) return gdb_.get();
  gdb_.reset();
  auto ep = StartGdbServer(0, deadline);
  if (!ep) return std::unexpected(ep.error());
  link::GdbRemoteOptions o;
  o.halt_for_access = false;  // the probe reads memory through the debug port while the core runs
  auto c = link::GdbRemoteClient::Connect(ep->host, ep->port, o, deadline);
  if (!c) return Wrap(c.error(), Who());
  gdb_ = std::move(*c);
  return gdb_.get();
}

Result<std::vector<uint8_t>> PyOcdProbe::ReadMemory(uint32_t address, size_t size, Deadline deadline) {
  auto g = Gdb(deadline);
  if (!g) return std::unexpected(g.error());
  return (*g)->ReadMemory(address, size, deadline);
}

Result<void> PyOcdProbe::WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) {
  auto g = Gdb(deadline);
  if (!g) return std::unexpected(g.error());
  return (*g)->WriteMemory(address, bytes, deadline);
}

void PyOcdProbe::StopServers() {
  gdb_.reset();
  server_.Stop();
  gdb_port_ = 0;
}

}  // namespace hil::board
