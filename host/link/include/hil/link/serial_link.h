// A serial port through libserialport: USB CDC-ACM and UART adapters of real boards.
//
// libserialport 0.1.1 (Debian 12) refuses pseudo-terminals: sp_get_port_by_name looks every port up
// under /sys/class/tty, where pty slaves do not appear, and fails with ENOENT. OpenTty() therefore
// tries libserialport first and falls back to a plain termios descriptor (fd_link.h) for ptys.
#pragma once

#include <memory>
#include <string>

#include "hil/link/link.h"

struct sp_port;

namespace hil::link {

class SerialLink final : public Link {
 public:
  // Opens `path` 8N1 without flow control at `baud_rate`. Errors: kNotFound (no such port or cannot
  // open, with libserialport's reason), kInternal (configuration refused).
  static Result<std::unique_ptr<SerialLink>> Open(const std::string& path, int baud_rate);
  ~SerialLink() override;

  std::expected<size_t, Error> Read(std::span<std::byte> into, Deadline deadline) override;
  std::expected<void, Error> Write(std::span<const std::byte> bytes, Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

 private:
  SerialLink(sp_port* port, std::string description) : port_(port), description_(std::move(description)) {}
  sp_port* port_;
  std::string description_;
};

// libserialport first; for a pty (or any tty libserialport cannot look up) a raw termios link.
// Errors: kNotFound naming the path when neither can open it.
Result<std::unique_ptr<Link>> OpenTty(const std::string& path, int baud_rate);

}  // namespace hil::link
