// A Link over a POSIX file descriptor with poll(2): Unix and TCP sockets, socketpairs in tests, and a
// plain termios tty. Owns the descriptor.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "hil/link/link.h"

namespace hil::link {

class FdLink final : public Link {
 public:
  // Takes ownership of `fd` (made non-blocking here).
  FdLink(int fd, std::string description);
  ~FdLink() override;
  FdLink(const FdLink&) = delete;
  FdLink& operator=(const FdLink&) = delete;

  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override;
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

 private:
  int fd_;
  std::string description_;
};

// Connects to a Unix stream socket, retrying until `deadline` while the path does not exist yet or
// refuses (the agent may still be starting). Errors: kTimeout naming the path and the last errno.
Result<std::unique_ptr<Link>> ConnectUnixSocket(const std::string& path, Deadline deadline);

// Connects to host:port over TCP (loopback emulators), retrying until `deadline`.
Result<std::unique_ptr<Link>> ConnectTcp(const std::string& host, int port, Deadline deadline);

// Opens a tty (serial device or pty slave) with termios in raw mode at `baud_rate`; the fallback
// when libserialport is not wanted. Errors: kNotFound naming the path.
Result<std::unique_ptr<Link>> OpenTermios(const std::string& path, int baud_rate);

// Two connected in-process links (socketpair), for tests.
Result<std::pair<std::unique_ptr<Link>, std::unique_ptr<Link>>> MakeSocketPair();

}  // namespace hil::link
