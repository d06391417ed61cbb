// A child process with its stdout and stderr captured: emulators (QEMU), probe tools (pyOCD,
// OpenOCD) and the POSIX agent all run this way. Deadlines on every wait; SIGTERM then SIGKILL on
// teardown, so no child outlives its board.
//
// Threads: one Subprocess is used by one thread at a time, but that need not be the thread that
// started it. Every child is forked by one long-lived "spawner" thread of the process (started on
// first use, never joined), not by the caller's thread; so a child started on a short-lived worker
// thread lives on after that thread ends, until Stop() or the end of the process. (Only if that
// thread cannot be created does the caller's thread fork, and then the child dies with it.)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"

namespace hil::board {

class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess() { Stop(); }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv[0] (searched in PATH when it has no '/'), stdin from /dev/null; returns once the
  // program has been exec'd. May be called from any thread (see above).
  //
  // With `die_with_parent` the child gets SIGKILL when this process dies, even by SIGKILL, so no
  // emulator or agent outlives a killed hil. The child sets PR_SET_PDEATHSIG itself before exec and
  // then checks that its parent is still this process (exiting at once if hil died in between), so
  // there is no window in which it can be orphaned. PR_SET_PDEATHSIG fires when the *thread* that
  // forked exits, not the process: that thread is the spawner, which lives as long as the process.
  //
  // Errors: kNotFound (no such program, naming it and the Debian package when given); kInternal
  // ("cannot run X: <strerror>" when it exists but cannot be exec'd, e.g. not executable, wrong
  // format; or no pipe or process could be made).
  Result<void> Start(const std::vector<std::string>& argv, const std::string& package_hint = "",
                     bool die_with_parent = false);

  // Reads the child's stdout and stderr until a line satisfies `match` (returned) or the deadline
  // passes (kTimeout) or the child exits (kBadState, quoting its last stderr line).
  template <class Match>
  Result<std::string> WaitForLine(Match match, Deadline deadline);

  // Running? Collects the exit status when it has exited.
  bool Running();
  // "exited with status 1: <last line>" or "was killed by signal 9 (Killed)" once it has exited.
  std::string ExitText();
  // Everything the child printed so far (both streams, most recent 64 KiB).
  const std::string& output() { Drain(0); return output_; }
  std::string LastLine();
  pid_t pid() const { return pid_; }
  const std::string& program() const { return program_; }

  // SIGTERM, then SIGKILL after `grace`; idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(500));

  // Runs a command to completion with a timeout and returns its exit status and output
  // (kTimeout when it did not finish; it is killed).
  struct Completed {
    int exit_code = -1;
    std::string output;
  };
  static Result<Completed> Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                               const std::string& package_hint = "");

  // SIGKILL to every child started through Subprocess and still running. Async-signal-safe (a
  // lock-free table of pids), for a SIGINT/SIGTERM handler.
  static void KillAll() noexcept;

 private:
  // Reads what is available (waiting up to timeout_ms for the first bytes); appends complete lines
  // to `lines`.
  void Drain(int timeout_ms, std::vector<std::string>* lines = nullptr);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string program_;
  std::string output_;
  std::string partial_out_;
  std::string partial_err_;
};

template <class Match>
Result<std::string> Subprocess::WaitForLine(Match match, Deadline deadline) {
  for (;;) {
    std::vector<std::string> lines;
    Drain(std::min(deadline.PollTimeoutMs() < 0 ? 100 : deadline.PollTimeoutMs(), 100), &lines);
    for (auto& l : lines) {
      if (match(l)) return l;
    }
    if (!Running()) return Fail(Status::kBadState, program_ + " " + ExitText());
    if (deadline.Expired()) return Fail(Status::kTimeout, program_ + " printed nothing expected in time" +
                                                              (LastLine().empty() ? "" : " (last: " + LastLine() + ")"));
  }
}

// A path in the temp folder for a child's socket, unique within this process and across processes
// ("/tmp/hil-<pid>-<n>-<instance id, non-alphanumerics as _><suffix>"). Nothing is created.
std::string UniqueTempPath(const std::string& instance_id, const std::string& suffix);

}  // namespace hil::board
