#include "hil/link/rtt_link.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "hil/link/testing/fake_gdb_server.h"

namespace hil::link {
namespace {

using testing::FakeGdbServer;
using namespace std::chrono_literals;

constexpr uint32_t kBase = 0x20000000;
constexpr uint32_t kBlock = kBase + 0x100;
constexpr uint32_t kUpBuf = kBase + 0x400;
constexpr uint32_t kDownBuf = kBase + 0x800;

// Lays out a 32-bit control block like the firmware's, with small rings so offsets wrap often.
void BuildBlock(FakeGdbServer& s, uint32_t up_size, uint32_t down_size, bool with_id = true) {
  auto lock = s.Lock();
  if (with_id) memcpy(s.At(kBlock), "SEGGER RTT", 11);
  s.Put32(kBlock + 16, 1);
  s.Put32(kBlock + 20, 1);
  s.Put32(kBlock + 24 + 4, kUpBuf);
  s.Put32(kBlock + 24 + 8, up_size);
  s.Put32(kBlock + 48 + 4, kDownBuf);
  s.Put32(kBlock + 48 + 8, down_size);
}

// The "core": moves every byte from the down ring to the up ring, as an echoing agent would.
void Echo(FakeGdbServer& s) {
  for (;;) {
    uint32_t drd = s.Get32(kBlock + 48 + 16), dwr = s.Get32(kBlock + 48 + 12), dsz = s.Get32(kBlock + 48 + 8);
    if (drd == dwr) return;
    uint32_t uwr = s.Get32(kBlock + 24 + 12), urd = s.Get32(kBlock + 24 + 16), usz = s.Get32(kBlock + 24 + 8);
    if ((uwr + 1) % usz == urd) return;  // up ring full
    *s.At(kUpBuf + uwr) = *s.At(kDownBuf + drd);
    s.Put32(kBlock + 24 + 12, (uwr + 1) % usz);
    s.Put32(kBlock + 48 + 16, (drd + 1) % dsz);
  }
}

std::unique_ptr<GdbRemoteClient> Connect(FakeGdbServer& s) {
  auto c = GdbRemoteClient::Connect("127.0.0.1", s.port(), {}, Deadline::After(2s));
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return c ? std::move(*c) : nullptr;
}

TEST(GdbRemote, ReadsAndWritesMemoryInPackets) {
  FakeGdbServer s(kBase, 0x10000);
  GdbRemoteOptions small;
  small.max_packet_bytes = 64;  // forces several packets per access
  auto c = GdbRemoteClient::Connect("127.0.0.1", s.port(), small, Deadline::After(2s));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  std::vector<uint8_t> data(300);
  std::iota(data.begin(), data.end(), 0);
  ASSERT_TRUE((*c)->WriteMemory(kBase + 10, data, Deadline::After(2s)));
  auto back = (*c)->ReadMemory(kBase + 10, 300, Deadline::After(2s));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, data);
  EXPECT_GE(s.memory_packets(), 10u);
}

TEST(GdbRemote, UnmappedAddressIsOutOfRange) {
  FakeGdbServer s(kBase, 0x1000);
  auto c = Connect(s);
  ASSERT_TRUE(c);
  auto r = c->ReadMemory(0x10000000, 4, Deadline::After(2s));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kOutOfRange);
  EXPECT_NE(r.error().message.find("0x10000000"), std::string::npos) << r.error().message;
}

TEST(GdbRemote, NoServerTimesOutNamingTheAddress) {
  FakeGdbServer s(kBase, 0x100);
  int port = s.port();
  auto c = GdbRemoteClient::Connect("127.0.0.1", port + 1 == 65536 ? 1 : port + 1, {}, Deadline::After(200ms));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Status::kTimeout);
  EXPECT_NE(c.error().message.find("gdb:127.0.0.1:"), std::string::npos);
}

TEST(RttLink, EchoesThroughWrappingRingsWithTheTargetRunning) {
  FakeGdbServer s(kBase, 0x1000);
  BuildBlock(s, 16, 16);
  s.SetTarget(Echo);
  auto gdb = Connect(s);
  ASSERT_TRUE(gdb);
  ASSERT_TRUE(gdb->Resume(Deadline::After(1s)));
  auto link = RttLink::Attach(std::move(gdb), {kBlock, 0, 0}, Deadline::After(2s));
  ASSERT_TRUE(link.has_value()) << link.error().message;
  std::vector<std::byte> msg(200);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = std::byte(i * 7);
  std::vector<std::byte> got;
  // Write in pieces so the 16-byte rings never need to hold more than they can.
  for (size_t off = 0; off < msg.size(); off += 10) {
    ASSERT_TRUE((*link)->Write(std::span(msg).subspan(off, 10), Deadline::After(2s)));
    while (got.size() < off + 10) {
      std::byte buf[64];
      auto n = (*link)->Read(buf, Deadline::After(2s));
      ASSERT_TRUE(n.has_value()) << n.error().message;
      got.insert(got.end(), buf, buf + *n);
    }
  }
  EXPECT_EQ(got, msg);
  EXPECT_EQ(s.refused_while_running(), 0u);  // every access was made with the core stopped
}

TEST(RttLink, FindsTheBlockByScanningRam) {
  FakeGdbServer s(kBase, 0x1000);
  BuildBlock(s, 64, 64);
  auto gdb = Connect(s);
  ASSERT_TRUE(gdb);
  auto link = RttLink::Attach(std::move(gdb), {0, kBase, 0x1000}, Deadline::After(2s));
  ASSERT_TRUE(link.has_value()) << link.error().message;
  EXPECT_EQ((*link)->control_block(), kBlock);
}

TEST(RttLink, MissingControlBlockTimesOut) {
  FakeGdbServer s(kBase, 0x1000);
  BuildBlock(s, 64, 64, /*with_id=*/false);
  auto gdb = Connect(s);
  ASSERT_TRUE(gdb);
  auto link = RttLink::Attach(std::move(gdb), {kBlock, 0, 0}, Deadline::After(300ms));
  ASSERT_FALSE(link.has_value());
  EXPECT_EQ(link.error().code, Status::kTimeout);
  EXPECT_NE(link.error().message.find("no RTT control block"), std::string::npos);
}

TEST(RttLink, MalformedRingIsRefused) {
  FakeGdbServer s(kBase, 0x1000);
  BuildBlock(s, 64, 0);
  auto gdb = Connect(s);
  ASSERT_TRUE(gdb);
  auto link = RttLink::Attach(std::move(gdb), {kBlock, 0, 0}, Deadline::After(1s));
  ASSERT_FALSE(link.has_value());
  EXPECT_EQ(link.error().code, Status::kModelInvalid);
}

TEST(RttLink, ReadTimesOutWhenTheTargetIsSilent) {
  FakeGdbServer s(kBase, 0x1000);
  BuildBlock(s, 64, 64);
  auto gdb = Connect(s);
  ASSERT_TRUE(gdb);
  auto link = RttLink::Attach(std::move(gdb), {kBlock, 0, 0}, Deadline::After(1s));
  ASSERT_TRUE(link.has_value());
  std::byte buf[8];
  auto n = (*link)->Read(buf, Deadline::After(100ms));
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, Status::kTimeout);
}

}  // namespace
}  // namespace hil::link
