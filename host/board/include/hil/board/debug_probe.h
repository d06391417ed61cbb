// A debug probe attached to one physical board: flash the agent, reset, read and write target memory,
// and serve GDB or RTT so a link (link/gdb_remote.h, link/rtt_link.h, a TCP link) reaches the agent.
// PyOcdProbe and OpenOcdProbe run the tools as subprocesses (board/subprocess.h); FakeProbe (testing/)
// stands in for them in tests.
//
// Errors (each names the probe, the tool and the tool's own line when it gave one):
//   kNotFound     no probe connected (or not the selected one), or the tool is not installed (the
//                 message names the Debian package: openocd, python3-pyocd)
//   kBadArgument  wrong or unknown target, missing config file, bad image file
//   kCrcMismatch  flash verify failed
//   kTimeout      the tool did not finish by the deadline (it is killed)
//   kBadState     the tool failed in a way not recognised above (its last error line is quoted)
// Thread: one thread per probe. The probe owns the server processes it starts; destroying it stops them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"

namespace hil::board {

// What a server started by a probe listens on.
struct ProbeEndpoint {
  enum class Kind {
    kGdb,     // GDB remote protocol (GdbRemoteClient; RTT through RttLink)
    kRttTcp,  // raw bytes of one RTT channel over TCP (OpenOCD's `rtt server`)
  };
  Kind kind = Kind::kGdb;
  std::string host = "127.0.0.1";
  int port = 0;
};

class DebugProbe {
 public:
  virtual ~DebugProbe() = default;
  // Writes `image` to flash, verifies it and resets the target to run it. An ELF or Intel HEX file
  // carries its addresses; a raw binary (.bin) needs `address` (kBadArgument without it).
  virtual Result<void> Flash(const std::string& image, std::optional<uint32_t> address, Deadline deadline) = 0;
  // Resets the target and lets it run.
  virtual Result<void> Reset(Deadline deadline) = 0;
  // Reads `size` bytes at `address` while the core runs (the probe accesses memory through the debug
  // port). kOutOfRange when the target refuses the address.
  virtual Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline) = 0;
  virtual Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) = 0;
  // Starts (once) the tool's GDB server; `port` 0 picks a free port. Returns where it listens.
  virtual Result<ProbeEndpoint> StartGdbServer(int port, Deadline deadline) = 0;
  // Makes RTT channel 0 reachable: the control block at `control_block` (0: search RAM). OpenOCD
  // serves the channel over TCP (kRttTcp); pyOCD through its GDB server (kGdb, for RttLink).
  virtual Result<ProbeEndpoint> StartRtt(uint32_t control_block, int port, Deadline deadline) = 0;
  // Stops any server started above; idempotent.
  virtual void StopServers() = 0;
  // "openocd 0.12.0 (interface/stlink.cfg, target/stm32l4x.cfg, 0483:374b:066DFF...)".
  virtual std::string Describe() const = 0;
};

// Why a probe tool failed, read from its output.
enum class ProbeFailure {
  kNone,          // nothing recognised
  kNoProbe,       // no (matching) probe connected
  kWrongTarget,   // unknown target name / config file, or the connected chip is not the target
  kVerifyFailed,  // flash contents differ after programming
  kConnectFailed, // a probe is there but the target does not answer (power, wiring, held in reset)
};

struct ProbeDiagnosis {
  ProbeFailure failure = ProbeFailure::kNone;
  std::string line;  // the tool's line that says so ("Error: open failed"), trimmed
};

// Reads OpenOCD 0.12 / pyOCD (0.13 legacy commands and current releases) output. Pure functions.
ProbeDiagnosis DiagnoseOpenOcdOutput(const std::string& output);
ProbeDiagnosis DiagnosePyOcdOutput(const std::string& output);

// The Error for a failed tool run: the code for the diagnosis (see the table at the top) and one
// sentence "<who>: <what> (<tool line>)"; falls back to the last "Error"-looking line, or the last
// line, with kBadState.
Error ProbeError(const std::string& who, const ProbeDiagnosis& diagnosis, const std::string& output, int exit_code);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0). Errors: kInternal.
Result<int> PickFreeTcpPort();

}  // namespace hil::board
