// A physical board on a desk or in a rack: the agent firmware flashed and reset through a debug probe
// (debug_probe.h: OpenOcdProbe, PyOcdProbe), reached over its UART (a USB-serial adapter or the
// probe's virtual COM port) or over RTT through the probe, and brought back when it hangs by a reset
// and, when the farm names the USB hub port that powers it, by a power cycle of that port.
//
// Start: flash (unless `flash` is off), reset, open the link, HELLO. Recover: (1) reset and HELLO on
// a fresh session; (2) power cycle the hub port, wait for the serial port and the probe to come
// back, flash again, reset, HELLO.
//
// Errors name the instance and the step, keeping the failing part's code: "board nucleo-f746zg#1:
// flash: openocd: no debug probe connected (or not the selected one): Error: open failed".
//   kBadArgument  options that cannot work (no probe, link not uart/rtt, uart without serial_port)
//   kNotFound     no firmware file, no serial port (a USB serial number that matches no port names
//                 the ports seen), or the probe's kNotFound
//   kTimeout      no HELLO, or the serial port did not come back after a power cycle, in time
//   kBadState     the link hung up, or the serial port vanished (CheckAlive)
//   and whatever the probe returns (debug_probe.h) for flash and reset.
//
// Thread: one thread per board (the runner's worker for this instance). The board owns its probe,
// its link and the probe's servers; destroying it closes the link and stops the servers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hil/board/board.h"
#include "hil/board/debug_probe.h"
#include "hil/board/hub_power.h"
#include "hil/link/gdb_remote.h"
#include "hil/link/link.h"
#include "hil/link/rtt_link.h"
#include "hil/link/serial_link.h"

namespace hil::board {

struct PhysicalBoardOptions {
  std::string instance_id;      // "nucleo-f746zg#1"
  std::string firmware;         // the agent ELF; may be empty when `flash` is off (no flash size then)
  std::string link = "uart";    // uart | rtt
  // uart: a tty path ("/dev/ttyACM0", "/dev/serial/by-id/...": starts with '/') or the USB serial
  // number of the USB-serial adapter, looked up among the serial ports (again after a power cycle,
  // where the adapter may come back under another name).
  std::string serial_port;
  int baud_rate = 115200;
  std::unique_ptr<DebugProbe> probe;  // required; the board owns it
  // The USB hub port that powers the board (board_kind.h HubPort; farm field `hub`). hub_port 0:
  // none, and Recover stops after the reset.
  std::string hub_location;     // "1-1.2"
  int hub_port = 0;             // 1-based
  std::chrono::milliseconds hub_off_time{2000};
  std::function<Result<std::unique_ptr<UsbControl>>(const std::string& location)> open_hub = OpenUsbHub;
  bool flash = true;            // off: the board already runs the agent; Start only resets it
  std::chrono::milliseconds flash_timeout{60000};
  std::chrono::milliseconds reset_timeout{10000};
  // Opening the link and HELLO after a reset: a serial port not there yet, or one that hangs up, is
  // opened again until then. A HELLO itself retransmits as `session` says.
  std::chrono::milliseconds hello_timeout{5000};
  // After power on: until the serial port is back, and the probe (flash or reset retried while the
  // probe is not found).
  std::chrono::milliseconds reappear_timeout{10000};
  // rtt: the port for the probe's RTT or GDB server (0: the probe picks a free one), the GDB client
  // for a probe that serves RTT through GDB (pyOCD), and where to search RAM for the control block
  // when the ELF has no _SEGGER_RTT symbol.
  int rtt_port = 0;
  link::GdbRemoteOptions gdb{.halt_for_access = false};  // a probe reads memory while the core runs
  uint32_t rtt_scan_start = 0x20000000;
  uint32_t rtt_scan_bytes = 0x10000;
  link::SessionOptions session;
  // Wraps the link before the session uses it (tests inject faults this way).
  std::function<std::unique_ptr<link::Link>(std::unique_ptr<link::Link>)> wrap_link;
  // Opens the serial port (uart): libserialport, or termios for a pty (link::OpenTty).
  std::function<Result<std::unique_ptr<link::Link>>(const std::string& path, int baud_rate)> open_serial = link::OpenTty;
};

class PhysicalBoard final : public Board {
 public:
  // Reads the ELF (flash size, _SEGGER_RTT), finds the serial port, flashes, resets, opens the link
  // and says HELLO. Errors: see the top of this file.
  static Result<std::unique_ptr<PhysicalBoard>> Start(PhysicalBoardOptions options);
  ~PhysicalBoard() override;

  link::AgentSession& session() override { return *session_; }
  // uart: kBadState "board nucleo-f746zg#1: serial port /dev/ttyACM0 is gone" once the port's path
  // no longer exists (USB unplugged, adapter lost power). rtt: always ok (the probe is asked on use).
  Result<void> CheckAlive() override;
  // "nucleo-f746zg#1 (openocd 0.12.0 (...), serial:/dev/ttyACM0@115200)".
  std::string Describe() const override;
  const std::string& instance_id() const override { return options_.instance_id; }
  std::string link_kind() const override { return options_.link; }
  uint64_t firmware_flash_bytes() const override { return flash_bytes_; }

  // Reset through the probe, then HELLO on a fresh session (the agent forgot its model). The
  // probe's servers are stopped first and, for rtt, started again.
  Result<void> Reset();
  // Powers the hub port off for hub_off_time and on again, waits for the serial port and the probe,
  // flashes again (when `flash` is on), resets, HELLO. Errors start "board X: power cycle: ";
  // kBadArgument when no hub port is configured, the hub's errors (hub_power.h), kTimeout when the
  // serial port does not come back within reappear_timeout.
  Result<void> PowerCycle();
  // Reset; when that does not bring the agent back, PowerCycle. The error lists both steps, with
  // the code of the last: "board X: not recovered: step 1 (reset): hello: no HELLO within 3000 ms
  // on ...; step 2 (power cycle of hub 1-1.2 port 3): serial port /dev/ttyACM0 did not come back
  // within 10000 ms after power on".
  Result<void> Recover() override;

  const link::AgentInfo& hello() const { return hello_; }
  const std::string& firmware_build_id() const { return build_id_; }
  // The serial port in use (uart), resolved from a USB serial number when one was given.
  const std::string& serial_path() const { return serial_path_; }
  DebugProbe& probe() { return *options_.probe; }

 private:
  explicit PhysicalBoard(PhysicalBoardOptions options);
  // Closes the link, stops the probe's servers, flashes (when asked), resets, connects.
  Result<void> BringUp(bool flash, Deadline probe_back);
  Result<void> Connect();
  void Disconnect();

  PhysicalBoardOptions options_;
  std::string who_;  // "board nucleo-f746zg#1"
  std::string serial_path_;
  uint32_t rtt_address_ = 0;
  uint64_t flash_bytes_ = 0;
  std::string build_id_;
  std::unique_ptr<link::Link> link_;
  std::unique_ptr<link::AgentSession> session_;
  link::AgentInfo hello_;
};

// A serial port as the OS lists it.
struct SerialPortInfo {
  std::string path;        // "/dev/ttyACM0"
  std::string transport;   // "usb", "native", "bluetooth"
  std::string usb_serial;  // the USB device's serial number; empty when not USB or it has none
  std::string description; // "STM32 STLink - ST-Link VCP Ctrl"
};

// Every serial port libserialport lists (sp_list_ports), sorted by path. Errors: kInternal.
Result<std::vector<SerialPortInfo>> ListSerialPorts();
// The path of the one port whose USB serial number is `usb_serial`. Errors: kNotFound naming the
// serial number and listing `ports` ("none" when empty); kBadArgument when several ports match (a
// dual-port adapter: give the tty path, e.g. /dev/serial/by-id/...).
Result<std::string> FindUsbSerialPort(const std::string& usb_serial, const std::vector<SerialPortInfo>& ports);
// `serial_port` itself when it is a path (starts with '/'), else FindUsbSerialPort over
// ListSerialPorts().
Result<std::string> ResolveSerialPort(const std::string& serial_port);

// The link to an RTT channel the probe serves at `endpoint`: kRttTcp -> a TCP connection carrying the
// channel's bytes (OpenOCD's RTT server); kGdb -> a GDB remote client (resumed: servers halt the core
// on attach) and an RttLink attached at `where`. Errors: the link's (kTimeout when nothing listens).
Result<std::unique_ptr<link::Link>> OpenRttLink(const ProbeEndpoint& endpoint, link::RttSearch where,
                                                const link::GdbRemoteOptions& gdb, Deadline deadline);

}  // namespace hil::board
