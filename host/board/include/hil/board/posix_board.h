// The POSIX agent (target-agent/ports/posix, executable hil-agent-posix) as a board: spawned with
// posix_spawn, reached over its pty (through libserialport, as a real board's UART), a Unix socket or
// loopback TCP. Detects an agent that exits or stops answering, and kills it on teardown.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hil/board/board.h"
#include "hil/board/subprocess.h"
#include "hil/link/link.h"

namespace hil::board {

struct PosixBoardOptions {
  std::string agent_path;                      // the hil-agent-posix executable
  std::string instance_id = "posix-host#1";
  std::string transport = "pty";               // pty | unix | tcp
  int baud_rate = 115200;
  std::string socket_path;                     // unix: default in $TMPDIR, unique per process
  std::vector<std::string> extra_args;         // e.g. {"--arena-bytes", "65536"}
  std::chrono::milliseconds start_timeout{5000};
  link::SessionOptions session;
  // Optional: wraps the opened link before the session uses it (fault injection in tests).
  std::function<std::unique_ptr<link::Link>(std::unique_ptr<link::Link>)> wrap_link;
};

class PosixBoard final : public Board {
 public:
  // Spawns the agent, reads its "PTY <path>" / "UNIX <path>" / "TCP <port>" line, opens the link and
  // says HELLO. Errors name the instance: kNotFound (no executable), kTimeout (no announcement or no
  // HELLO by the deadline), kBadState (the process exited; its last stderr line is quoted).
  static Result<std::unique_ptr<PosixBoard>> Start(const PosixBoardOptions& options);
  ~PosixBoard() override;

  link::AgentSession& session() override { return *session_; }
  Result<void> CheckAlive() override;
  std::string Describe() const override;
  const std::string& instance_id() const override { return options_.instance_id; }
  std::string link_kind() const override { return options_.transport; }

  pid_t pid() const { return agent_.pid(); }
  const link::AgentInfo& hello() const { return hello_; }
  // SIGTERM, then SIGKILL after `grace`; idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(500));

 private:
  explicit PosixBoard(const PosixBoardOptions& options) : options_(options) {}

  PosixBoardOptions options_;
  Subprocess agent_;
  std::string endpoint_;
  std::unique_ptr<link::Link> link_;
  std::unique_ptr<link::AgentSession> session_;
  link::AgentInfo hello_;
};

// Kills every agent and emulator this process started (SIGKILL); async-signal-safe, for the
// SIGINT/SIGTERM handler. Same as Subprocess::KillAll().
void KillAllAgents() noexcept;

}  // namespace hil::board
