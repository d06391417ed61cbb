#include "hil/link/fd_link.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

namespace hil::link {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::span<const std::byte> B(const char* s) { return std::as_bytes(std::span(s, std::strlen(s))); }

TEST(FdLink, SocketPairCarriesBytesBothWays) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  auto& [a, b] = *pair;
  ASSERT_TRUE(a->Write(B("hello"), Deadline::After(1s)));
  std::byte buf[16];
  auto n = b->Read(buf, Deadline::After(1s));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), *n), "hello");
}

TEST(FdLink, ReadTimesOutAtTheDeadline) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  std::byte buf[4];
  const auto start = std::chrono::steady_clock::now();
  auto n = pair->first->Read(buf, Deadline::After(100ms));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Status::kTimeout);
  EXPECT_GE(took, 95ms);
  EXPECT_LT(took, 1s);
  EXPECT_THAT(n.error().message, HasSubstr("socketpair:a"));
}

TEST(FdLink, ClosedPeerIsBadStateNotATimeout) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  pair->second.reset();
  std::byte buf[4];
  auto n = pair->first->Read(buf, Deadline::After(2s));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Status::kBadState);
  auto w = pair->first->Write(B("x"), Deadline::After(1s));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, Status::kBadState);
}

TEST(FdLink, UnixSocketConnectWaitsForTheListener) {
  const std::string path = (std::filesystem::temp_directory_path() / ("hil_fd_test_" + std::to_string(getpid()) + ".sock")).string();
  ::unlink(path.c_str());
  std::thread server([&] {
    std::this_thread::sleep_for(150ms);  // the client is already retrying
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(s, 1);
    int c = accept(s, nullptr, nullptr);
    (void)!write(c, "ok", 2);
    close(c);
    close(s);
  });
  auto link = ConnectUnixSocket(path, Deadline::After(3s));
  ASSERT_TRUE(link) << link.error().message;
  std::byte buf[4];
  auto n = (*link)->Read(buf, Deadline::After(2s));
  server.join();
  ::unlink(path.c_str());
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ((*link)->Describe(), "unix:" + path);
}

TEST(FdLink, UnixSocketConnectFailsClearlyWhenNobodyListens) {
  auto link = ConnectUnixSocket("/nonexistent/agent.sock", Deadline::After(100ms));
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, Status::kTimeout);
  EXPECT_THAT(link.error().message, HasSubstr("unix:/nonexistent/agent.sock"));
}

}  // namespace
}  // namespace hil::link
