// A running board instance with an open protocol session: what the runner drives. A driver (PosixBoard,
// later QemuBoard, physical boards) brings it up; destroying it tears the board down.
#pragma once

#include <string>

#include "hil/core/error.h"
#include "hil/link/agent_session.h"

namespace hil::board {

// How a board's raw counter values become stored figures: multiply by `factor`, store under `unit`
// and `source` ("instructions" / "qemu-icount" for SysTick ticks under QEMU's -icount).
struct CycleScale {
  double factor = 1.0;
  std::string unit;
  std::string source;
};

class Board {
 public:
  virtual ~Board() = default;
  virtual link::AgentSession& session() = 0;
  // The agent's counter as reported (HELLO/INVOKE cycle source), as the figure to store.
  virtual CycleScale Scale(uint8_t cycle_source) const {
    return {1.0, link::CycleUnit(cycle_source), link::CycleSourceLabel(cycle_source)};
  }
  // Brings a board that stopped answering back (reset, then restart, for boards that can), with a
  // fresh session. The default cannot: the caller then starts the board anew.
  virtual Result<void> Recover() { return Fail(Status::kBadState, "board " + instance_id() + ": cannot recover in place"); }
  // The link in use: "uart", "rtt", "pty", "unix", "tcp".
  virtual std::string link_kind() const = 0;
  // Bytes of the agent firmware image in flash; 0 for an agent that is a host process.
  virtual uint64_t firmware_flash_bytes() const { return 0; }
  // kOk while the board can still answer; otherwise an Error that says why not ("board posix-host#1:
  // agent process 4242 exited with status 1: cannot create a pty").
  virtual Result<void> CheckAlive() = 0;
  // "posix-host#1 (pid 4242, serial:/dev/pts/5@115200)".
  virtual std::string Describe() const = 0;
  virtual const std::string& instance_id() const = 0;
};

}  // namespace hil::board
