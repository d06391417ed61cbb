// MLPerf Tiny's interface board (the EEMBC IO manager, or the STM32H573 "tinyML Enhanced Interface
// Board") on a pty. In energy mode the host talks to this board, which relays commands to the DUT's
// UART and the DUT's lines back:
//   host -> "name%"          <- "tinyhil io-manager emulator", "m-ready"
//   host -> "version%"       <- "m-version-tinyhil-emu-1", "m-ready"
//   host -> "help%"          <- a few lines, "m-ready"
//   host -> "dut <command>%" <- "m-dut-passthrough(<command>)", "m-ready"; then "<command>%" goes to
//                               the DUT, and every line the DUT prints, at any time, comes back as
//                               "[dut]: <line>" (the DUT's own "m-ready" included).
//   anything else            <- "e-[Unknown command: <text>]", "m-ready"
// Commands end with '%'; '\r' and '\n' in the command stream are ignored. Lines end with "\r\n".
// Empty DUT lines are not forwarded.
//
// The DUT's serial device is opened on the first `dut` command, raw if it is a tty. It is opened
// again, the path resolved anew, when the path (a symlink) now points elsewhere (checked about every
// 100 ms, so a restarted DUT's first lines are relayed), and once when a write fails. After the DUT
// hangs up, its name is opened again only once it has been made anew (a symlink replaced): a dead
// pty's number goes to the next pty anyone creates, and the relay would read another process's bytes. When it cannot be opened, the `dut` command is answered with
// "m-dut-passthrough(<command>)", "m-ready", "e-[dut: cannot open <path>: <strerror>]"; a write that
// fails again after that re-open adds "e-[dut: cannot write <path>: <strerror>]".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hil/core/error.h"
#include "hil/power/testing/pty.h"

namespace hil::power::testing {

struct IoManagerOptions {
  // The DUT's serial device: a pty slave path, or a symlink to one.
  std::string dut_path;
  // With pace_dut, bytes towards and from the DUT move at dut_baud_rate / 10 bytes per second (8N1).
  uint32_t dut_baud_rate = 9600;
  bool pace_dut = false;
  // Fault: every Nth byte the DUT sends is lost (1-based count over all its bytes; 0 means none).
  std::optional<size_t> drop_every_nth_dut_byte = std::nullopt;
  // Fault: commands are recorded but nothing is answered or relayed.
  bool mute = false;
};

class FakeIoManager {
 public:
  // Opens the host's pty and starts the relay thread. Nothing is opened on the DUT side yet.
  // Errors: kInternal (pty or pipe could not be created, with errno text).
  static Result<std::unique_ptr<FakeIoManager>> Start(IoManagerOptions options);
  FakeIoManager(const FakeIoManager&) = delete;
  FakeIoManager& operator=(const FakeIoManager&) = delete;
  // Stops the thread and closes the host pty and the DUT descriptor.
  ~FakeIoManager();

  // The pty the host opens (at any baud rate; 115200 for the real boards' USB CDC).
  const std::string& slave_path() const { return host_.slave_path(); }
  // Host commands received so far, in order, without the '%'. Any thread.
  std::vector<std::string> commands() const;

 private:
  using Clock = std::chrono::steady_clock;

  FakeIoManager(PtyPair host, IoManagerOptions options, int wake_read, int wake_write);
  void Loop();
  void OnHostBytes(std::string_view bytes);
  void OnCommand(const std::string& command);
  void Reply(std::string_view line) { host_out_.append(line).append("\r\n"); }
  // Makes sure the DUT is open on what dut_path resolves to now. Returns "" or the strerror text.
  std::string EnsureDut();
  // `hung_up`: the DUT went away; its resolved name is not opened again (EnsureDut).
  void CloseDut(bool hung_up = false);
  void ReadDut();
  void WriteDut(Clock::time_point now);
  void ReleaseDutBytes(Clock::time_point now);
  void OnDutByte(char c);
  // One byte on the DUT's UART: ten bit times (8N1).
  Clock::duration ByteTime() const;

  PtyPair host_;
  IoManagerOptions options_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread thread_;

  // Relay thread only from here on.
  std::string host_in_;
  std::string host_out_;
  int dut_fd_ = -1;
  std::string dut_resolved_;  // what dut_path resolved to when dut_fd_ was opened
  std::string dut_identity_;      // of the name dut_path, when dut_fd_ was opened (NameIdentity)
  std::string hung_up_identity_;  // of the name whose device hung up: not opened again
  bool dut_wanted_ = false;   // a `dut` command has been seen: keep the DUT open
  Clock::time_point next_dut_check_;
  std::string dut_out_;            // towards the DUT, not yet written
  bool dut_write_retried_ = false;  // re-opened once for the pending command's failed write
  std::string dut_rx_;             // from the DUT, not yet through the paced wire
  Clock::time_point dut_tx_free_;  // with pace_dut: when the next byte may go to the DUT
  Clock::time_point dut_rx_next_;  // with pace_dut: when the next byte from the DUT has arrived
  size_t dut_bytes_seen_ = 0;
  std::string dut_line_;
  Clock::time_point host_hup_until_;

  mutable std::mutex mu_;
  std::vector<std::string> commands_;
};

}  // namespace hil::power::testing
