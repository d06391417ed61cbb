#include "hil/link/serial_link.h"

#include <libserialport.h>

#include <climits>

#include "hil/link/fd_link.h"

namespace hil::link {
namespace {

std::string LastError() {
  char* msg = sp_last_error_message();
  std::string text = msg ? msg : "unknown error";
  sp_free_error_message(msg);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// libserialport's blocking calls take a timeout in ms where 0 means "wait forever".
unsigned TimeoutMs(Deadline deadline) {
  if (deadline.never()) return 0;
  const auto ms = deadline.Remaining().count();
  return ms <= 0 ? 0 : static_cast<unsigned>(ms > INT_MAX ? INT_MAX : ms);
}

}  // namespace

Result<std::unique_ptr<SerialLink>> SerialLink::Open(const std::string& path, int baud_rate) {
  const std::string name = "serial:" + path + "@" + std::to_string(baud_rate);
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK)
    return Fail(Status::kNotFound, name + ": no such port: " + LastError());
  if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
    const std::string why = LastError();
    sp_free_port(port);
    return Fail(Status::kNotFound, name + ": cannot open: " + why);
  }
  std::unique_ptr<SerialLink> link(new SerialLink(port, name));
  if (sp_set_baudrate(port, baud_rate) != SP_OK || sp_set_bits(port, 8) != SP_OK ||
      sp_set_parity(port, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
      sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) != SP_OK)
    return Fail(Status::kInternal, name + ": configuration refused: " + LastError());
  return link;
}

SerialLink::~SerialLink() {
  sp_close(port_);
  sp_free_port(port_);
}

std::expected<size_t, Error> SerialLink::Read(std::span<std::byte> into, Deadline deadline) {
  if (into.empty()) return 0;
  for (;;) {
    sp_return r;
    if (!deadline.never() && deadline.Expired()) {
      r = sp_nonblocking_read(port_, into.data(), into.size());
    } else {
      r = sp_blocking_read_next(port_, into.data(), into.size(), TimeoutMs(deadline));
    }
    if (r > 0) return static_cast<size_t>(r);
    if (r < 0) {
      // A pty whose master closed reads EIO: the agent process is gone.
      return Fail(Status::kBadState, description_ + ": read failed (the peer hung up?): " + LastError());
    }
    if (deadline.Expired()) return Fail(Status::kTimeout, description_ + ": nothing received by the deadline");
  }
}

std::expected<void, Error> SerialLink::Write(std::span<const std::byte> bytes, Deadline deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    const unsigned timeout = TimeoutMs(deadline);
    if (!deadline.never() && timeout == 0)
      return Fail(Status::kTimeout, description_ + ": could not write " + std::to_string(bytes.size()) + " bytes by the deadline");
    const sp_return r = sp_blocking_write(port_, bytes.data() + done, bytes.size() - done, timeout);
    if (r < 0) return Fail(Status::kBadState, description_ + ": write failed: " + LastError());
    done += static_cast<size_t>(r);
  }
  return {};
}

Result<std::unique_ptr<Link>> OpenTty(const std::string& path, int baud_rate) {
  auto serial = SerialLink::Open(path, baud_rate);
  if (serial) return std::unique_ptr<Link>(std::move(*serial));
  auto tty = OpenTermios(path, baud_rate);
  if (tty) return tty;
  return Fail(Status::kNotFound, serial.error().message + "; " + tty.error().message);
}

}  // namespace hil::link
