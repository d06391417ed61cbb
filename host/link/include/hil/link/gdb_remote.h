// A client of the GDB remote serial protocol, just the part a memory client needs: read and write
// target memory, stop and resume the core. It talks to QEMU's gdbstub, and to the GDB servers of
// OpenOCD and pyOCD on real boards.
//
// QEMU's gdbstub handles packets only while the guest is stopped (a byte received while running is
// taken as an interrupt), so with `halt_for_access` every access is bracketed by ^C and `c`. A probe's
// GDB server reads memory through the debug port while the core runs; there it can be off.
//
// Thread: one thread per client. Owns its socket.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"

namespace hil::link {

struct GdbRemoteOptions {
  bool halt_for_access = true;
  size_t max_packet_bytes = 4096;  // largest m/M transfer per packet (hex doubles it on the wire)
};

class GdbRemoteClient {
 public:
  // Connects to host:port, retrying until `deadline` while the server is not up yet, then learns the
  // server's packet size and stop state. Errors: kTimeout, kBadFrame (not a GDB server).
  static Result<std::unique_ptr<GdbRemoteClient>> Connect(const std::string& host, int port,
                                                          GdbRemoteOptions options, Deadline deadline);
  ~GdbRemoteClient();

  // Reads `size` bytes at `address`. Errors: kTimeout, kOutOfRange (the server refused: not mapped),
  // kBadState (connection closed).
  Result<std::vector<uint8_t>> ReadMemory(uint32_t address, size_t size, Deadline deadline);
  Result<void> WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline);

  // Runs `access` with the core stopped when halt_for_access is set (stopping and resuming around
  // it), so several reads and writes cost one stop. The core is resumed even when `access` fails.
  template <class F>
  auto WithTargetStopped(Deadline deadline, F&& access) -> decltype(access()) {
    if (auto s = Stop(deadline); !s) return std::unexpected(s.error());
    auto result = access();
    auto r = Resume(deadline);
    if (result && !r) return std::unexpected(r.error());
    return result;
  }

  // ^C when running (waits for the stop reply); no-op when stopped or !halt_for_access.
  Result<void> Stop(Deadline deadline);
  // `c` when stopped by us; no-op otherwise.
  Result<void> Resume(Deadline deadline);

  std::string Describe() const { return description_; }
  uint64_t packets() const { return packets_; }

 private:
  GdbRemoteClient(int fd, std::string description, GdbRemoteOptions options)
      : fd_(fd), description_(std::move(description)), options_(options) {}
  Result<void> SendPacket(const std::string& body, Deadline deadline);
  Result<std::string> ReceivePacket(Deadline deadline);
  Result<std::string> Transact(const std::string& body, Deadline deadline);
  Result<void> WriteAll(const char* data, size_t size, Deadline deadline);
  Result<char> ReadByte(Deadline deadline);

  int fd_;
  std::string description_;
  GdbRemoteOptions options_;
  bool running_ = false;
  bool no_ack_ = false;
  std::string pending_;
  uint64_t packets_ = 0;
};

}  // namespace hil::link
