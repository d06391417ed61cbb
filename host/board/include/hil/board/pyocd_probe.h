// A debug probe driven by pyOCD as a subprocess. Two generations exist and both are supported:
//   legacy  python3-pyocd 0.13.1 as Debian 12 ships it: pyocd-flashtool, pyocd-gdbserver, pyocd-tool
//           (`pyocd-gdbserver --list` prints "No available debug probes are connected"; with no probe,
//           pyocd-gdbserver and pyocd-tool wait forever printing "Waiting for a debug probe to be
//           connected...", which is read here as "no probe")
//   modern  pip releases (0.14 on): one `pyocd` command with subcommands list, flash, reset, gdbserver.
// DetectPyOcd() picks the modern command when both are on PATH. Memory access and RTT go through
// pyOCD's GDB server (link/gdb_remote.h, link/rtt_link.h), so both generations behave the same.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hil/board/debug_probe.h"
#include "hil/board/probe_selector.h"
#include "hil/board/subprocess.h"
#include "hil/link/gdb_remote.h"

namespace hil::board {

struct PyOcdInstall {
  enum class Flavor { kModern, kLegacy };
  Flavor flavor = Flavor::kModern;
  std::string version;  // "0.13.1"
  std::string program;  // the path of `pyocd` (modern) or `pyocd-flashtool` (legacy)
  std::string bin_dir;  // where the legacy siblings (pyocd-gdbserver, pyocd-tool) are
};

// Finds pyOCD on PATH: `pyocd` (modern) first, then `pyocd-flashtool` (legacy), and asks it for
// its version. Errors: kNotFound naming the Debian package python3-pyocd (and pip's pyocd);
// kBadState when the program is there but `--version` fails.
Result<PyOcdInstall> DetectPyOcd(std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));

struct PyOcdOptions {
  std::string instance_id;
  std::string target;                          // pyOCD target type: "stm32l475xg", "nrf52840"
  std::optional<ProbeSelector> selector;       // its serial is pyOCD's probe unique ID (-u / -b)
  std::optional<PyOcdInstall> install;         // empty: DetectPyOcd()
  std::chrono::milliseconds start_timeout{15000};
};

class PyOcdProbe final : public DebugProbe {
 public:
  // Errors: those of DetectPyOcd; kBadArgument (no target).
  static Result<std::unique_ptr<PyOcdProbe>> Create(const PyOcdOptions& options);
  ~PyOcdProbe() override;

  Result<void> Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) override;
  Result<void> Reset(Deadline deadline) override;
  Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline) override;
  Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) override;
  Result<ProbeEndpoint> StartGdbServer(int port, Deadline deadline) override;
  Result<ProbeEndpoint> StartRtt(uint32_t control_block, int port, Deadline deadline) override;
  void StopServers() override;
  std::string Describe() const override;

  // Lists connected probes: the tool's lines, empty when it says none are connected.
  Result<std::vector<std::string>> ListProbes(Deadline deadline);

  // The command lines (argv) for each generation.
  std::vector<std::string> ListCommandLine() const;
  std::vector<std::string> FlashCommandLine(const std::string& image, std::optional<uint32_t> address) const;
  std::vector<std::string> ResetCommandLine() const;
  std::vector<std::string> GdbServerCommandLine(int port) const;

  const PyOcdInstall& install() const { return install_; }

 private:
  explicit PyOcdProbe(PyOcdOptions options, PyOcdInstall install)
      : options_(std::move(options)), install_(std::move(install)) {}
  std::string Who() const;
  std::string Legacy(const std::string& tool) const;
  Result<void> RunOnce(const std::vector<std::string>& argv, const std::string& what, Deadline deadline);
  Result<link::GdbRemoteClient*> Gdb(Deadline deadline);

  PyOcdOptions options_;
  PyOcdInstall install_;
  Subprocess server_;
  int gdb_port_ = 0;
  std::unique_ptr<link::GdbRemoteClient> gdb_;
};

}  // namespace hil::board
