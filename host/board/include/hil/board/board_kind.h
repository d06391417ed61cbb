// Board kinds (boards/<kind>.yaml) and farm files (boards/farms/*.yaml): passive data that says what
// a board is and which instances a host has. Drivers read these; they never act on them here.
//
// boards/<kind>.yaml:
//   name: posix-host            # must equal the file stem
//   description: ...
//   core: cortex-m4             # or host-cpu
//   clock_hz: 1000000000
//   platform: posix             # the agent port: posix, mps2-an386, ...
//   transport: pty              # pty | unix | tcp | uart (an emulator's UART on a pty) | serial | rtt
//   protocol: tinyhil           # or mlperf-tiny: firmware speaking MLPerf Tiny's DUT text protocol
//   mlperf_mode: performance    # mlperf-tiny firmware built for performance (m-lap-us timestamps) or
//                               # energy (timestamps on the GPIO only; needs a power monitor)
//   baud_rate: 115200
//   flash_bytes: 0
//   ram_bytes: 0
//   agent: target-agent/ports/posix/hil-agent-posix   # relative to the build dir (posix boards)
//   agent_args: [--arena-bytes, "1048576"]
//   energy: {model: none}       # free-form key/values; estimates are labelled as such
//   qemu: {...}, probe: {...}   # free-form key/values for the drivers that need them
//
// farm file:
//   name: default
//   instances:
//     - {id: posix-host#1, kind: posix-host}            # optional: transport, args
//     - id: nucleo-l4r5zi#1                             # a physical board (all optional):
//       kind: nucleo-l4r5zi
//       probe: "0483:374b:066DFF535254887767184931"     # probe selector vid:pid[:serial] (probe_selector.h)
//       serial_port: /dev/ttyACM0                       # a tty path, or the USB serial number of the adapter
//       link: uart                                      # uart (needs serial_port) | rtt (needs flasher)
//       flasher: openocd                                # openocd | pyocd
//       power_monitor: "ppk2:C2B5A8F1E3D4"              # lpm01a | ppk2, optionally :serial
//       hub: "1-1.2:3"                                  # the USB hub port that powers the board, as
//                                                       # <hub location>:<port> (port 1-based); lets a
//                                                       # hung board be power cycled (hub_power.h)
//       interface_port: /dev/ttyACM2                    # mlperf-tiny boards: the DUT's UART is wired to
//                                                       # an interface board (EEMBC IO manager) on this
//                                                       # port (path or USB serial); commands go through
//                                                       # its `dut` passthrough
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hil/core/error.h"

namespace hil::board {

struct BoardKind {
  std::string name;
  std::string description;
  std::string core;
  uint64_t clock_hz = 0;
  std::string platform;
  std::string transport = "pty";
  // What the board's firmware speaks: "tinyhil" (our agent's frames) or "mlperf-tiny" (MLPerf
  // Tiny's DUT text protocol: a third party's submission, or our agent's --mlperf personality).
  std::string protocol = "tinyhil";
  // mlperf-tiny firmware: "performance" (the DUT prints m-lap-us) or "energy" (EE_CFG_ENERGY_MODE:
  // only GPIO timestamps, read by the instance's power monitor).
  std::string mlperf_mode = "performance";
  int baud_rate = 115200;
  uint64_t flash_bytes = 0;
  uint64_t ram_bytes = 0;
  std::string agent;
  std::vector<std::string> agent_args;
  std::map<std::string, std::string> energy;
  std::map<std::string, std::string> qemu;
  std::map<std::string, std::string> probe;
  std::string file;
};

// A USB hub port: the hub at sysfs port path `location` ("1-1.2", "usb1" for a root hub, as
// OpenUsbHub takes it) and its `port` (1-based). port 0: none.
struct HubPort {
  std::string location;
  int port = 0;
  bool operator==(const HubPort&) const = default;
};

// "1-1.2:3" -> {"1-1.2", 3}. The location is "usb<bus>" or "<bus>-<port>[.<port>...]", the port 1 to
// 255. Errors: kBadArgument saying what is wrong with `text`.
Result<HubPort> ParseHubPort(const std::string& text);

struct BoardInstance {
  std::string id;          // "posix-host#1"
  std::string kind;
  std::string transport;   // empty: the kind's
  std::vector<std::string> args;
  int line = 0;
  // Physical boards; empty for emulated and POSIX boards. Validated by LoadFarm.
  std::string probe;          // probe selector text, "vid:pid[:serial]"
  std::string serial_port;    // "/dev/ttyACM0" (starts with '/') or a USB serial number
  std::string link;           // "uart" | "rtt"; empty: the kind's transport
  std::string flasher;        // "openocd" | "pyocd"
  std::string power_monitor;  // "lpm01a" | "ppk2", optionally ":<USB serial>"
  HubPort hub;                // farm field `hub: "1-1.2:3"`; port 0 when absent
  std::string interface_port; // mlperf-tiny: the interface board the DUT is reached through
};

struct Farm {
  std::string name;
  std::string file;
  std::vector<BoardInstance> instances;
};

// One board kind file. Errors (kNotFound, kBadArgument) name the file, line and field.
Result<BoardKind> LoadBoardKind(const std::string& path);
// Every <dir>/*.yaml, by name. kNotFound when `dir` is missing. With `broken`, a file that does not
// parse is skipped and its error appended there (one bad kind must not stop runs on the others);
// without it, the first bad file is the error.
Result<std::map<std::string, BoardKind>> LoadBoardKinds(const std::string& dir, std::vector<Error>* broken = nullptr);
// A farm file; each instance's kind must be in `kinds` (an unknown kind names the file and line).
Result<Farm> LoadFarm(const std::string& path, const std::map<std::string, BoardKind>& kinds);

}  // namespace hil::board
