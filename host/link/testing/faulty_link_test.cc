#include "hil/link/testing/faulty_link.h"

#include <gtest/gtest.h>

#include <vector>

#include "hil/link/fd_link.h"

namespace hil::link::testing {
namespace {

using namespace std::chrono_literals;

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + 1);
  return v;
}

std::vector<uint8_t> ReadAll(Link& link) {
  std::vector<uint8_t> got;
  std::byte buf[256];
  for (;;) {
    auto n = link.Read(buf, Deadline::After(100ms));
    if (!n) break;
    for (size_t i = 0; i < *n; ++i) got.push_back(static_cast<uint8_t>(buf[i]));
  }
  return got;
}

TEST(FaultyLink, NoFaultsPassesBytesThrough) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  FaultyLink faulty(*pair->first, {});
  const auto data = Pattern(1000);
  ASSERT_TRUE(faulty.Write(std::as_bytes(std::span(data)), Deadline::After(1s)));
  EXPECT_EQ(ReadAll(*pair->second), data);
}

TEST(FaultyLink, DropsCorruptsAndDuplicatesReproducibly) {
  const auto data = Pattern(4000);
  std::vector<uint8_t> first;
  for (int round = 0; round < 2; ++round) {
    auto pair = MakeSocketPair();
    ASSERT_TRUE(pair);
    FaultyLink faulty(*pair->first, {.seed = 42, .drop = 0.01, .corrupt = 0.01, .duplicate = 0.01});
    ASSERT_TRUE(faulty.Write(std::as_bytes(std::span(data)), Deadline::After(1s)));
    auto got = ReadAll(*pair->second);
    EXPECT_GT(faulty.dropped(), 10u);
    EXPECT_GT(faulty.corrupted(), 10u);
    EXPECT_GT(faulty.duplicated(), 10u);
    EXPECT_EQ(got.size(), data.size() - faulty.dropped() + faulty.duplicated());
    EXPECT_NE(got, data);
    if (round == 0) first = got;
    else EXPECT_EQ(got, first);  // same seed, same damage
  }
}

TEST(FaultyLink, DamagesTheReadDirection) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  FaultyLink faulty(*pair->first, {.seed = 3, .drop = 0.5, .on_write = false});
  const auto data = Pattern(1000);
  ASSERT_TRUE(pair->second->Write(std::as_bytes(std::span(data)), Deadline::After(1s)));
  auto got = ReadAll(faulty);
  EXPECT_LT(got.size(), 700u);
  EXPECT_GT(got.size(), 300u);
  EXPECT_EQ(got.size() + faulty.dropped(), 1000u);
}

TEST(ParseFaultOptions, ReadsEveryKeyAndRejectsNonsense) {
  auto o = ParseFaultOptions("seed=9,drop=0.01,corrupt=0.5,dup=0.25,write-only");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->seed, 9u);
  EXPECT_DOUBLE_EQ(o->drop, 0.01);
  EXPECT_DOUBLE_EQ(o->corrupt, 0.5);
  EXPECT_DOUBLE_EQ(o->duplicate, 0.25);
  EXPECT_FALSE(o->on_read);
  EXPECT_TRUE(o->on_write);
  EXPECT_FALSE(ParseFaultOptions("drop=2"));
  EXPECT_FALSE(ParseFaultOptions("drop=x"));
  auto bad = ParseFaultOptions("lose=0.1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Status::kBadArgument);
}

}  // namespace
}  // namespace hil::link::testing
