// A debug probe driven by OpenOCD (Debian 12: openocd 0.12.0) as a subprocess.
//
// Flash and Reset run one OpenOCD per call (`-f interface -f target -c "program <file> verify reset
// exit"`) unless a server is up; StartGdbServer / StartRtt / ReadMemory / WriteMemory start one
// long-lived OpenOCD with its TCL server on a free port (and the GDB port, or `rtt setup; rtt start;
// rtt server start` for OpenOCD's RTT TCP server), and send commands there. No probe, wrong target
// and verify failures are read from OpenOCD's output (debug_probe.h lists the codes).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hil/board/debug_probe.h"
#include "hil/board/probe_selector.h"
#include "hil/board/subprocess.h"

namespace hil::board {

struct OpenOcdOptions {
  std::string openocd = "openocd";
  std::string instance_id;                      // names the board in errors
  // `-f` files, e.g. "interface/stlink.cfg". Empty: chosen from the selector's VID (ST-LINK 0483 ->
  // interface/stlink.cfg, DAPLink/CMSIS-DAP 0d28 and others -> interface/cmsis-dap.cfg, J-Link 1366
  // -> interface/jlink.cfg); kBadArgument when there is neither.
  std::vector<std::string> interface_configs;
  std::vector<std::string> target_configs;      // "target/stm32l4x.cfg"
  // `-c` commands after the configs and before any action ("transport select swd", "adapter speed
  // 4000"); `adapter driver dummy` here runs OpenOCD with no hardware (tests).
  std::vector<std::string> commands;
  std::optional<ProbeSelector> selector;        // its serial becomes `adapter serial <serial>`
  std::chrono::milliseconds start_timeout{10000};
};

class OpenOcdProbe final : public DebugProbe {
 public:
  // Checks that OpenOCD runs (`openocd --version`) and the options make sense; touches no hardware.
  // Errors: kNotFound naming the Debian package openocd; kBadArgument.
  static Result<std::unique_ptr<OpenOcdProbe>> Create(const OpenOcdOptions& options);
  ~OpenOcdProbe() override { StopServers(); }

  Result<void> Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) override;
  Result<void> Reset(Deadline deadline) override;
  Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline) override;
  Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) override;
  Result<ProbeEndpoint> StartGdbServer(int port, Deadline deadline) override;
  Result<ProbeEndpoint> StartRtt(uint32_t control_block, int port, Deadline deadline) override;
  void StopServers() override;
  std::string Describe() const override;

  // Starts the long-lived OpenOCD (TCL server on a free port; GDB and telnet disabled unless
  // StartGdbServer asked) and waits for its TCL port. Idempotent.
  Result<void> StartServer(Deadline deadline);
  // Runs one TCL command on the server; the command's result, or kBadState with OpenOCD's error text.
  Result<std::string> Tcl(const std::string& command, Deadline deadline);

  // The command lines (argv), for tests and for logs.
  std::vector<std::string> ConfigArgs() const;
  std::vector<std::string> FlashCommandLine(const std::string& image, std::optional<uint32_t> address) const;
  std::vector<std::string> ResetCommandLine() const;
  std::vector<std::string> ServerCommandLine(int tcl_port, int gdb_port) const;
  // The TCL command for RTT: `rtt setup <addr> <size> "SEGGER RTT"; rtt start; rtt server start <port> 0`.
  static std::vector<std::string> RttCommands(uint32_t control_block, uint32_t search_bytes, int port);

  const std::string& version() const { return version_; }  // "0.12.0"
  int tcl_port() const { return tcl_port_; }
  const Subprocess& server() const { return server_; }

 private:
  explicit OpenOcdProbe(OpenOcdOptions options) : options_(std::move(options)) {}
  std::string Who() const;
  Result<void> RunOnce(const std::vector<std::string>& argv, const std::string& what, Deadline deadline);
  Result<void> TclConnect(Deadline deadline);

  OpenOcdOptions options_;
  std::string version_;
  Subprocess server_;
  int tcl_port_ = 0;
  int gdb_port_ = 0;
  int tcl_fd_ = -1;
  int rtt_port_ = 0;
};

// The interface config for a probe VID:PID, or empty when unknown.
std::string OpenOcdInterfaceFor(uint16_t vid, uint16_t pid);

}  // namespace hil::board
