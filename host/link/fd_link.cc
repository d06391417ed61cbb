#include "hil/link/fd_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace hil::link {
namespace {

std::string Errno(int e) { return std::strerror(e); }

speed_t BaudConstant(int baud_rate) {
  switch (baud_rate) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    case 1000000: return B1000000;
    default: return B115200;
  }
}

}  // namespace

FdLink::FdLink(int fd, std::string description) : fd_(fd), description_(std::move(description)) {
  const int flags = fcntl(fd_, F_GETFL);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

FdLink::~FdLink() {
  if (fd_ >= 0) close(fd_);
}

std::expected<size_t, Error> FdLink::Read(std::span<std::byte> into, Deadline deadline) {
  if (into.empty()) return 0;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int pr = poll(&p, 1, deadline.PollTimeoutMs());
    if (pr < 0) {
      if (errno == EINTR) continue;
      return Fail(Status::kInternal, description_ + ": poll failed: " + Errno(errno));
    }
    if (pr == 0) return Fail(Status::kTimeout, description_ + ": nothing received by the deadline");
    const ssize_t n = read(fd_, into.data(), into.size());
    if (n > 0) return static_cast<size_t>(n);
    if (n == 0) return Fail(Status::kBadState, description_ + ": the peer closed the link");
    if (errno == EINTR || errno == EAGAIN) {
      if (deadline.Expired()) return Fail(Status::kTimeout, description_ + ": nothing received by the deadline");
      continue;
    }
    if (errno == EIO) return Fail(Status::kBadState, description_ + ": the peer hung up (EIO)");
    return Fail(Status::kInternal, description_ + ": read failed: " + Errno(errno));
  }
}

std::expected<void, Error> FdLink::Write(std::span<const std::byte> bytes, Deadline deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    const int e = errno;
    if (n < 0 && e == ENOTSOCK) {  // ttys and pipes
      const ssize_t m = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (m > 0) {
        done += static_cast<size_t>(m);
        continue;
      }
      if (m < 0 && errno != EAGAIN && errno != EINTR)
        return Fail(errno == EIO || errno == EPIPE ? Status::kBadState : Status::kInternal,
                    description_ + ": write failed: " + Errno(errno));
    } else if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    } else if (n < 0 && e != EAGAIN && e != EINTR) {
      return Fail(e == EPIPE || e == ECONNRESET ? Status::kBadState : Status::kInternal,
                  description_ + ": write failed: " + Errno(e));
    }
    if (deadline.Expired())
      return Fail(Status::kTimeout, description_ + ": could not write " + std::to_string(bytes.size()) + " bytes by the deadline");
    pollfd p{fd_, POLLOUT, 0};
    poll(&p, 1, deadline.PollTimeoutMs());
  }
  return {};
}

Result<std::unique_ptr<Link>> ConnectUnixSocket(const std::string& path, Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Fail(Status::kBadArgument, "unix:" + path + ": path too long for a socket");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int last_errno = 0;
  for (;;) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Fail(Status::kInternal, "unix:" + path + ": socket failed: " + Errno(errno));
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
      return std::make_unique<FdLink>(fd, "unix:" + path);
    last_errno = errno;
    close(fd);
    if (deadline.Expired()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Fail(Status::kTimeout, "unix:" + path + ": cannot connect by the deadline: " + Errno(last_errno));
}

Result<std::unique_ptr<Link>> ConnectTcp(const std::string& host, int port, Deadline deadline) {
  const std::string name = "tcp:" + host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res)
    return Fail(Status::kNotFound, name + ": cannot resolve the host");
  int last_errno = 0;
  for (;;) {
    for (addrinfo* a = res; a; a = a->ai_next) {
      const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        freeaddrinfo(res);
        return std::make_unique<FdLink>(fd, name);
      }
      last_errno = errno;
      close(fd);
    }
    if (deadline.Expired()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  freeaddrinfo(res);
  return Fail(Status::kTimeout, name + ": cannot connect by the deadline: " + Errno(last_errno));
}

Result<std::unique_ptr<Link>> OpenTermios(const std::string& path, int baud_rate) {
  const int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Fail(Status::kNotFound, "tty:" + path + ": cannot open: " + Errno(errno));
  termios t{};
  if (tcgetattr(fd, &t) != 0) {
    const int e = errno;
    close(fd);
    return Fail(Status::kBadArgument, "tty:" + path + ": not a terminal: " + Errno(e));
  }
  cfmakeraw(&t);
  cfsetispeed(&t, BaudConstant(baud_rate));
  cfsetospeed(&t, BaudConstant(baud_rate));
  t.c_cflag |= CLOCAL | CREAD;
  tcsetattr(fd, TCSANOW, &t);
  return std::make_unique<FdLink>(fd, "tty:" + path + "@" + std::to_string(baud_rate));
}

Result<std::pair<std::unique_ptr<Link>, std::unique_ptr<Link>>> MakeSocketPair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return Fail(Status::kInternal, std::string("socketpair failed: ") + Errno(errno));
  return std::make_pair(std::unique_ptr<Link>(new FdLink(fds[0], "socketpair:a")),
                        std::unique_ptr<Link>(new FdLink(fds[1], "socketpair:b")));
}

}  // namespace hil::link
