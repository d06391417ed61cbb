#include "hil/link/testing/fake_gdb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace hil::link::testing {
namespace {

std::string Frame(const std::string& body) {
  uint8_t sum = 0;
  for (char c : body) sum = uint8_t(sum + uint8_t(c));
  char tail[4];
  snprintf(tail, sizeof tail, "#%02x", sum);
  return "$" + body + tail;
}

}  // namespace

FakeGdbServer::FakeGdbServer(uint32_t base, size_t size) : base_(base), memory_(size, 0) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 1);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  server_ = std::thread([this] { Serve(); });
  cpu_ = std::thread([this] { Run(); });
}

FakeGdbServer::~FakeGdbServer() {
  stop_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  close(listen_fd_);
  server_.join();
  cpu_.join();
}

void FakeGdbServer::Put32(uint32_t address, uint32_t v) {
  uint8_t* p = At(address);
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}

uint32_t FakeGdbServer::Get32(uint32_t address) {
  const uint8_t* p = At(address);
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

void FakeGdbServer::Run() {
  while (!stop_) {
    if (running_ && target_) {
      auto lock = Lock();
      target_(*this);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

void FakeGdbServer::Serve() {
  pollfd p{listen_fd_, POLLIN, 0};
  while (!stop_ && poll(&p, 1, 50) == 0) {
  }
  if (stop_) return;
  int fd = accept(listen_fd_, nullptr, nullptr);
  if (fd < 0) return;
  bool no_ack = false;
  std::string in;
  auto reply = [&](const std::string& body) {
    std::string f = Frame(body);
    send(fd, f.data(), f.size(), MSG_NOSIGNAL);
  };
  while (!stop_) {
    pollfd q{fd, POLLIN, 0};
    if (poll(&q, 1, 50) <= 0) continue;
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, size_t(n));
    for (;;) {
      // Interrupt byte outside a packet.
      while (!in.empty() && in[0] != '$') {
        if (in[0] == '\x03') {
          running_ = false;
          reply("T02thread:01;");
        }
        in.erase(0, 1);
      }
      size_t hash = in.find('#');
      if (in.empty() || hash == std::string::npos || in.size() < hash + 3) break;
      std::string body = in.substr(1, hash - 1);
      in.erase(0, hash + 3);
      if (!no_ack) send(fd, "+", 1, MSG_NOSIGNAL);
      if (body == "?") reply("S05");
      else if (body == "QStartNoAckMode") { reply("OK"); no_ack = true; }
      else if (body == "c") running_ = true;
      else if (body == "D") { reply("OK"); running_ = true; }
      else if (body[0] == 'm' || body[0] == 'M') {
        if (running_) { ++refused_; reply("E01"); continue; }
        ++memory_packets_;
        unsigned addr = 0, len = 0;
        sscanf(body.c_str() + 1, "%x,%x", &addr, &len);
        if (addr < base_ || addr + len > base_ + memory_.size()) { reply("E14"); continue; }
        auto lock = Lock();
        if (body[0] == 'm') {
          std::string hex;
          char h[3];
          for (unsigned i = 0; i < len; ++i) { snprintf(h, sizeof h, "%02x", At(addr)[i]); hex += h; }
          reply(hex);
        } else {
          const char* data = strchr(body.c_str(), ':') + 1;
          for (unsigned i = 0; i < len; ++i) { unsigned v; sscanf(data + 2 * i, "%2x", &v); At(addr)[i] = uint8_t(v); }
          reply("OK");
        }
      } else reply("");
    }
  }
  close(fd);
}

}  // namespace hil::link::testing
