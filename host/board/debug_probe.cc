#include "hil/board/debug_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace hil::board {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Without ANSI colour sequences (pyOCD 0.13 prints its messages through colorama) and surrounding blanks.
std::string Clean(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      i += 2;
      while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
      continue;
    }
    if (line[i] != '\r') out += line[i];
  }
  const size_t b = out.find_first_not_of(" \t");
  const size_t e = out.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

std::vector<std::string> Lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string l; std::getline(in, l);) {
    l = Clean(l);
    if (!l.empty()) lines.push_back(l);
  }
  return lines;
}

struct Pattern {
  ProbeFailure failure;
  const char* text;  // lowercase substring
};

ProbeDiagnosis Diagnose(const std::string& output, std::initializer_list<Pattern> patterns) {
  // The first line that matches wins: tools print the root cause before the consequences
  // ("Error: open failed" before "** OpenOCD init failed **").
  for (const auto& line : Lines(output)) {
    const std::string l = Lower(line);
    for (const auto& p : patterns)
      if (l.find(p.text) != std::string::npos) return {p.failure, line};
  }
  return {};
}

}  // namespace

ProbeDiagnosis DiagnoseOpenOcdOutput(const std::string& output) {
  // OpenOCD 0.12.0 wording, per adapter driver (measured without hardware where possible):
  //   hla/stlink "Error: open failed"; cmsis-dap "Error: unable to find a matching CMSIS-DAP device";
  //   jlink "Error: No J-Link device found"; ftdi/others "Error: no device found" / "unable to open".
  return Diagnose(output, {
      {ProbeFailure::kVerifyFailed, "verify failed"},
      {ProbeFailure::kNoProbe, "error: open failed"},
      {ProbeFailure::kNoProbe, "unable to find a matching cmsis-dap device"},
      {ProbeFailure::kNoProbe, "no cmsis-dap device found"},
      {ProbeFailure::kNoProbe, "no j-link device found"},
      {ProbeFailure::kNoProbe, "error: no device found"},
      {ProbeFailure::kNoProbe, "unable to open ftdi device"},
      {ProbeFailure::kNoProbe, "no stlink"},
      {ProbeFailure::kWrongTarget, "can't find target/"},
      {ProbeFailure::kWrongTarget, "can't find "},
      {ProbeFailure::kWrongTarget, "cannot identify target"},
      {ProbeFailure::kWrongTarget, "unexpected idcode"},
      {ProbeFailure::kWrongTarget, "unknown target type"},
      {ProbeFailure::kWrongTarget, "device id = 0x"},  // followed by "Cannot identify"; kept after it
      {ProbeFailure::kConnectFailed, "unable to connect to the target"},
      {ProbeFailure::kConnectFailed, "error connecting dp"},
      {ProbeFailure::kConnectFailed, "target voltage may be too low"},
      {ProbeFailure::kConnectFailed, "unable to reset target"},
      {ProbeFailure::kConnectFailed, "examination failed"},
  });
}

ProbeDiagnosis DiagnosePyOcdOutput(const std::string& output) {
  // pyOCD 0.13.1 (Debian): "No available debug probes are connected" (--list), "No connected debug
  // probes" + "Error: There is no debug probe connected." (pyocd-flashtool), "Waiting for a debug probe
  // to be connected..." (pyocd-gdbserver, pyocd-tool: they wait forever), argparse's "invalid choice"
  // for an unknown -t. Current releases: "No available debug probes are connected", "Target type 'x'
  // not recognized", "... unique ID ... not found".
  return Diagnose(output, {
      {ProbeFailure::kVerifyFailed, "verify failed"},
      {ProbeFailure::kVerifyFailed, "verification failed"},
      {ProbeFailure::kNoProbe, "no available debug probes"},
      {ProbeFailure::kNoProbe, "no connected debug probes"},
      {ProbeFailure::kNoProbe, "no debug probe connected"},
      {ProbeFailure::kNoProbe, "waiting for a debug probe"},
      {ProbeFailure::kNoProbe, "no matching debug probe"},
      {ProbeFailure::kNoProbe, "no probe with unique id"},
      {ProbeFailure::kNoProbe, "no probe selected"},            // current `pyocd gdbserver --no-wait`
      {ProbeFailure::kNoProbe, "no target device available"},   // current `pyocd flash --no-wait`
      {ProbeFailure::kWrongTarget, "argument -t/--target: invalid choice"},
      {ProbeFailure::kWrongTarget, "not recognized"},
      {ProbeFailure::kWrongTarget, "unknown target"},
      {ProbeFailure::kConnectFailed, "no ack"},
      {ProbeFailure::kConnectFailed, "transfererror"},
      {ProbeFailure::kConnectFailed, "failed to connect"},
  });
}

Error ProbeError(const std::string& who, const ProbeDiagnosis& diagnosis, const std::string& output, int exit_code) {
  std::string quote = diagnosis.line;
  if (quote.size() > 300) quote = quote.substr(0, 300) + "...";
  switch (diagnosis.failure) {
    case ProbeFailure::kNoProbe:
      return {Status::kNotFound, who + ": no debug probe connected (or not the selected one): " + quote};
    case ProbeFailure::kWrongTarget:
      return {Status::kBadArgument, who + ": wrong or unknown target: " + quote};
    case ProbeFailure::kVerifyFailed:
      return {Status::kCrcMismatch, who + ": flash verify failed: " + quote};
    case ProbeFailure::kConnectFailed:
      return {Status::kBadState, who + ": the probe cannot reach the target (power, wiring, reset line?): " + quote};
    case ProbeFailure::kNone:
      break;
  }
  const auto lines = Lines(output);
  std::string last;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (Lower(*it).find("error") != std::string::npos) {
      last = *it;
      break;
    }
  }
  if (last.empty() && !lines.empty()) last = lines.back();
  return {Status::kBadState, who + ": failed with exit status " + std::to_string(exit_code) + (last.empty() ? "" : ": " + last)};
}

Result<int> PickFreeTcpPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(Status::kInternal, std::string("socket: ") + strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string why = strerror(errno);
    close(fd);
    return Fail(Status::kInternal, "cannot find a free TCP port: " + why);
  }
  close(fd);
  return static_cast<int>(ntohs(a.sin_port));
}

}  // namespace hil::board
