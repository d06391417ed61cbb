// An emulated board: the agent firmware under qemu-system-arm, reached like a real board. The UART is
// a pty opened through libserialport (the code path of a real serial port); `link: rtt` reaches the
// RTT control block through QEMU's gdbstub instead. Reset goes through the QMP monitor; a board that
// does not answer after a reset is restarted; the emulator is killed on teardown.
//
// Cycle figures: with `icount_shift` >= 0 QEMU counts instructions and SysTick runs on that virtual
// clock, so figures repeat exactly run after run. InstructionsPerTick() converts SysTick ticks.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hil/board/board.h"
#include "hil/board/subprocess.h"
#include "hil/link/link.h"

namespace hil::board {

struct QemuBoardOptions {
  std::string qemu = "qemu-system-arm";
  std::string machine;          // -M: mps2-an386, mps3-an547, lm3s6965evb, ...
  std::string firmware;         // the agent ELF for this machine
  std::string instance_id;      // "mps2-an386#1"
  std::string link = "uart";    // uart | rtt
  int icount_shift = 0;         // -icount shift=N; negative: no instruction counting
  int baud_rate = 115200;
  // Which of the machine's serial ports is the agent's console (QEMU numbers them in the SoC's
  // order: netduinoplus2's USART2 is 1); the ones before it get `-serial null`.
  int uart_index = 0;
  std::chrono::milliseconds start_timeout{10000};
  link::SessionOptions session;
  // Wraps the link before the session uses it (tests inject faults this way).
  std::function<std::unique_ptr<link::Link>(std::unique_ptr<link::Link>)> wrap_link;
};

// Starts `options.qemu` on options.machine with options.firmware, the console UART
// (options.uart_index; the ones before it to null) on a pty, under -icount when options.icount_shift
// >= 0, plus `extra` arguments, with die_with_parent. Returns the pty's path once QEMU prints it
// (by options.start_timeout). QemuBoard starts its emulator this way; so does the runner for MLPerf
// Tiny DUT firmware, which speaks no protocol of ours. Errors: Subprocess's, kTimeout.
Result<std::string> LaunchQemu(Subprocess& qemu, const QemuBoardOptions& options, const std::vector<std::string>& extra = {});

class QemuBoard final : public Board {
 public:
  // Starts QEMU, opens the link and says HELLO. Errors name the instance: kNotFound (no QEMU: Debian
  // package qemu-system-arm; no firmware file), kTimeout (no pty or no HELLO in time), kBadState
  // (QEMU exited, quoting its last line).
  static Result<std::unique_ptr<QemuBoard>> Start(const QemuBoardOptions& options);
  ~QemuBoard() override;

  link::AgentSession& session() override { return *session_; }
  Result<void> CheckAlive() override;
  std::string Describe() const override;
  const std::string& instance_id() const override { return options_.instance_id; }
  // SysTick ticks under -icount become exact instruction counts ("instructions" / "qemu-icount").
  CycleScale Scale(uint8_t cycle_source) const override;
  uint64_t firmware_flash_bytes() const override { return flash_bytes_; }

  // system_reset through QMP, then HELLO on a fresh session.
  Result<void> Reset();
  // Reset; when the agent still does not answer, restart QEMU. Errors when neither brings it back.
  Result<void> Recover() override;
  std::string link_kind() const override { return options_.link; }

  const link::AgentInfo& hello() const { return hello_; }
  // Instructions per SysTick tick under -icount (1e9 / clock_hz * 2^-shift); 0 without icount.
  double InstructionsPerTick() const;
  uint64_t flash_bytes() const { return flash_bytes_; }
  const std::string& firmware_build_id() const { return build_id_; }
  pid_t pid() const { return qemu_.pid(); }

 private:
  explicit QemuBoard(const QemuBoardOptions& options) : options_(options) {}
  Result<void> Launch();
  Result<void> Connect();
  Result<void> Qmp(const std::string& command);
  void Shutdown();

  QemuBoardOptions options_;
  Subprocess qemu_;
  std::string pty_;
  std::string qmp_path_;
  int gdb_port_ = 0;
  uint32_t rtt_address_ = 0;
  uint64_t flash_bytes_ = 0;
  std::string build_id_;
  std::unique_ptr<link::Link> link_;
  std::unique_ptr<link::AgentSession> session_;
  link::AgentInfo hello_;
};

}  // namespace hil::board
