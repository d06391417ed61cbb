#include "hil/link/gdb_remote.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>

namespace hil::link {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::unique_ptr<GdbRemoteClient>> GdbRemoteClient::Connect(const std::string& host, int port,
                                                                   GdbRemoteOptions options,
                                                                   Deadline deadline) {
  const std::string where = fmt::format("gdb:{}:{}", host, port);
  std::string last_error = "no attempt";
  for (;;) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) == 0) {
      for (addrinfo* a = found; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
          freeaddrinfo(found);
          // Every exchange is a few small packets and one-byte acks: without TCP_NODELAY, Nagle's
          // algorithm and delayed ACKs hold each of them for tens of milliseconds.
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          std::unique_ptr<GdbRemoteClient> c(new GdbRemoteClient(fd, where, options));
          // The stop reason tells whether the target is halted; servers stop it on attach.
          auto reason = c->Transact("?", deadline);
          if (!reason) return std::unexpected(reason.error());
          if (reason->empty() || (reason->front() != 'S' && reason->front() != 'T' && reason->front() != 'W')) {
            return Fail(Status::kBadFrame, where + ": unexpected answer to '?': '" + *reason + "'");
          }
          c->running_ = false;
          if (auto ok = c->Transact("QStartNoAckMode", deadline); ok && *ok == "OK") c->no_ack_ = true;
          return c;
        }
        last_error = strerror(errno);
        close(fd);
      }
      freeaddrinfo(found);
    } else {
      last_error = "cannot resolve host";
    }
    if (deadline.Expired()) return Fail(Status::kTimeout, fmt::format("{}: cannot connect: {}", where, last_error));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

GdbRemoteClient::~GdbRemoteClient() {
  if (fd_ >= 0) {
    // Leave the target running as we found it: detach lets a stopped core go on.
    if (!running_) (void)Transact("D", Deadline::After(std::chrono::milliseconds(200)));
    close(fd_);
  }
}

Result<void> GdbRemoteClient::WriteAll(const char* data, size_t size, Deadline deadline) {
  while (size > 0) {
    ssize_t n = send(fd_, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        if (poll(&p, 1, deadline.PollTimeoutMs()) == 0) return Fail(Status::kTimeout, description_ + ": write timed out");
        continue;
      }
      return Fail(Status::kBadState, description_ + ": connection lost: " + strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

Result<char> GdbRemoteClient::ReadByte(Deadline deadline) {
  if (pending_.empty()) {
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, deadline.PollTimeoutMs());
    if (r == 0) return Fail(Status::kTimeout, description_ + ": no answer from the GDB server");
    if (r < 0 && errno != EINTR) return Fail(Status::kInternal, description_ + ": poll: " + strerror(errno));
    char buf[8192];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return Fail(Status::kBadState, description_ + ": the GDB server closed the connection");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) return ReadByte(deadline);
      return Fail(Status::kBadState, description_ + ": " + strerror(errno));
    }
    pending_.append(buf, static_cast<size_t>(n));
  }
  char c = pending_.front();
  pending_.erase(0, 1);
  return c;
}

Result<void> GdbRemoteClient::SendPacket(const std::string& body, Deadline deadline) {
  uint8_t sum = 0;
  for (char c : body) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  std::string packet = "$" + body + "#" + kHex[sum >> 4] + kHex[sum & 0xF];
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (auto w = WriteAll(packet.data(), packet.size(), deadline); !w) return w;
    ++packets_;
    if (no_ack_) return {};
    // Wait for the acknowledgement; '-' asks for the packet again.
    for (;;) {
      auto c = ReadByte(deadline);
      if (!c) return std::unexpected(c.error());
      if (*c == '+') return {};
      if (*c == '-') break;
    }
  }
  return Fail(Status::kBadFrame, description_ + ": packet refused three times");
}

Result<std::string> GdbRemoteClient::ReceivePacket(Deadline deadline) {
  for (;;) {
    char c;
    do {
      auto b = ReadByte(deadline);
      if (!b) return std::unexpected(b.error());
      c = *b;
    } while (c != '$');
    std::string body;
    uint8_t sum = 0;
    for (;;) {
      auto b = ReadByte(deadline);
      if (!b) return std::unexpected(b.error());
      if (*b == '#') break;
      body.push_back(*b);
      sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(*b));
    }
    auto h = ReadByte(deadline);
    auto l = h ? ReadByte(deadline) : h;
    if (!h || !l) return std::unexpected(!h ? h.error() : l.error());
    const int got = HexValue(*h) * 16 + HexValue(*l);
    if (got != sum && !no_ack_) {
      if (auto w = WriteAll("-", 1, deadline); !w) return std::unexpected(w.error());
      continue;
    }
    if (!no_ack_) {
      if (auto w = WriteAll("+", 1, deadline); !w) return std::unexpected(w.error());
    }
    // Run-length encoding: "X*n" repeats X (n - 29) more times.
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '*' && i + 1 < body.size() && !out.empty()) {
        out.append(static_cast<size_t>(static_cast<uint8_t>(body[i + 1]) - 29), out.back());
        ++i;
      } else {
        out.push_back(body[i]);
      }
    }
    return out;
  }
}

Result<std::string> GdbRemoteClient::Transact(const std::string& body, Deadline deadline) {
  if (auto s = SendPacket(body, deadline); !s) return std::unexpected(s.error());
  for (;;) {
    auto r = ReceivePacket(deadline);
    if (!r) return r;
    // Console output ('O' packets) may come before the answer while the target runs.
    if (!r->empty() && r->front() == 'O' && r->size() > 1 && r->size() % 2 == 1) continue;
    return r;
  }
}

Result<void> GdbRemoteClient::Stop(Deadline deadline) {
  if (!options_.halt_for_access || !running_) return {};
  if (auto w = WriteAll("\x03", 1, deadline); !w) return w;
  auto reply = ReceivePacket(deadline);
  if (!reply) return std::unexpected(reply.error());
  running_ = false;
  return {};
}

Result<void> GdbRemoteClient::Resume(Deadline deadline) {
  if (running_) return {};
  // `c` has no immediate answer: the stop reply comes when the target stops again.
  if (auto s = SendPacket("c", deadline); !s) return s;
  running_ = true;
  return {};
}

Result<std::vector<uint8_t>> GdbRemoteClient::ReadMemory(uint32_t address, size_t size, Deadline deadline) {
  std::vector<uint8_t> out;
  out.reserve(size);
  while (out.size() < size) {
    const size_t n = std::min(options_.max_packet_bytes / 2, size - out.size());
    const uint32_t at = address + static_cast<uint32_t>(out.size());
    auto r = Transact(fmt::format("m{:x},{:x}", at, n), deadline);
    if (!r) return std::unexpected(r.error());
    if (r->size() == 3 && (*r)[0] == 'E') {
      return Fail(Status::kOutOfRange, fmt::format("{}: cannot read {} bytes at 0x{:08x} ({})", description_, n, at, *r));
    }
    if (r->size() != 2 * n) {
      return Fail(Status::kBadFrame, fmt::format("{}: read of {} bytes at 0x{:08x} returned {} hex digits", description_, n, at, r->size()));
    }
    for (size_t i = 0; i < n; ++i) {
      const int hi = HexValue((*r)[2 * i]), lo = HexValue((*r)[2 * i + 1]);
      if (hi < 0 || lo < 0) return Fail(Status::kBadFrame, description_ + ": non-hex memory data");
      out.push_back(static_cast<uint8_t>(hi * 16 + lo));
    }
  }
  return out;
}

Result<void> GdbRemoteClient::WriteMemory(uint32_t address, std::span<const uint8_t> bytes, Deadline deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    const size_t n = std::min(options_.max_packet_bytes / 2, bytes.size() - done);
    const uint32_t at = address + static_cast<uint32_t>(done);
    std::string body = fmt::format("M{:x},{:x}:", at, n);
    for (size_t i = 0; i < n; ++i) {
      body.push_back(kHex[bytes[done + i] >> 4]);
      body.push_back(kHex[bytes[done + i] & 0xF]);
    }
    auto r = Transact(body, deadline);
    if (!r) return std::unexpected(r.error());
    if (*r != "OK") {
      return Fail(Status::kOutOfRange, fmt::format("{}: cannot write {} bytes at 0x{:08x} ({})", description_, n, at, *r));
    }
    done += n;
  }
  return {};
}

}  // namespace hil::link
