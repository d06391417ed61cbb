// SerialLink on a pseudo-terminal: the POSIX agent and emulators expose a pty slave, and real boards
// a tty; libserialport must open both.
#include "hil/link/serial_link.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "hil/link/fd_link.h"

namespace hil::link {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

struct Pty {
  int master = -1;
  std::string slave;
  Pty() {
    master = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(master);
    unlockpt(master);
    slave = ptsname(master);
    termios t;
    tcgetattr(master, &t);
    cfmakeraw(&t);
    tcsetattr(master, TCSANOW, &t);
  }
  ~Pty() {
    if (master >= 0) close(master);
  }
};

// Documents the libserialport limitation OpenTty works around; when this fails, libserialport has
// learnt ptys and the termios fallback can go.
TEST(SerialLink, Libserialport011RefusesAPtySlave) {
  Pty pty;
  auto link = SerialLink::Open(pty.slave, 115200);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, Status::kNotFound);
  EXPECT_THAT(link.error().message, HasSubstr(pty.slave));
}

TEST(OpenTty, OpensAPtySlaveAndCarriesBytesBothWays) {
  Pty pty;
  ASSERT_GE(pty.master, 0);
  auto link = OpenTty(pty.slave, 115200);
  ASSERT_TRUE(link) << link.error().message;
  EXPECT_EQ((*link)->Describe(), "tty:" + pty.slave + "@115200");

  const uint8_t out[] = {1, 0, 2, 0xFF};
  ASSERT_TRUE((*link)->Write(std::as_bytes(std::span(out)), Deadline::After(1s)));
  uint8_t got[8] = {};
  size_t have = 0;
  while (have < 4) {
    pollfd p{pty.master, POLLIN, 0};
    ASSERT_GT(poll(&p, 1, 1000), 0);
    ssize_t n = read(pty.master, got + have, sizeof got - have);
    ASSERT_GT(n, 0);
    have += static_cast<size_t>(n);
  }
  EXPECT_EQ(std::memcmp(got, out, 4), 0);  // raw mode: no CR/LF translation, 0x00 and 0xFF intact

  ASSERT_EQ(write(pty.master, "\x00\x0a\x0d", 3), 3);
  std::byte in[8];
  size_t total = 0;
  while (total < 3) {
    auto n = (*link)->Read(std::span(in + total, sizeof in - total), Deadline::After(1s));
    ASSERT_TRUE(n) << n.error().message;
    total += *n;
  }
  EXPECT_EQ(static_cast<int>(in[0]), 0);
  EXPECT_EQ(static_cast<int>(in[1]), 0x0a);
  EXPECT_EQ(static_cast<int>(in[2]), 0x0d);
}

TEST(OpenTty, ReadTimesOut) {
  Pty pty;
  auto link = OpenTty(pty.slave, 115200);
  ASSERT_TRUE(link) << link.error().message;
  std::byte in[4];
  auto n = (*link)->Read(in, Deadline::After(50ms));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Status::kTimeout);
}

TEST(OpenTty, MasterClosingIsReportedNotATimeout) {
  auto pty = std::make_unique<Pty>();
  auto link = OpenTty(pty->slave, 115200);
  ASSERT_TRUE(link) << link.error().message;
  pty.reset();  // the agent process died
  std::byte in[4];
  auto n = (*link)->Read(in, Deadline::After(2s));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Status::kBadState) << n.error().message;
}

TEST(SerialLink, MissingPortNamesThePath) {
  auto link = SerialLink::Open("/dev/does-not-exist-hil", 115200);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, Status::kNotFound);
  EXPECT_THAT(link.error().message, HasSubstr("/dev/does-not-exist-hil"));
}

TEST(OpenTty, MissingDeviceNamesThePath) {
  auto link = OpenTty("/dev/does-not-exist-hil", 115200);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code, Status::kNotFound);
  EXPECT_THAT(link.error().message, HasSubstr("/dev/does-not-exist-hil"));
}

TEST(TermiosLink, OpensAPtySlaveToo) {
  Pty pty;
  auto link = OpenTermios(pty.slave, 115200);
  ASSERT_TRUE(link) << link.error().message;
  ASSERT_EQ(write(pty.master, "ab", 2), 2);
  std::byte in[4];
  auto n = (*link)->Read(in, Deadline::After(1s));
  ASSERT_TRUE(n);
  EXPECT_GE(*n, 1u);
}

}  // namespace
}  // namespace hil::link
