#include "planner.h"

#include <vector>

#include <gtest/gtest.h>

namespace hil::agent::engine {
namespace {

bool Overlap(const PlanRecord& a, const PlanRecord& b, uint32_t align) {
  auto up = [&](uint32_t v) { return (v + align - 1) & ~(align - 1); };
  const bool time = !(a.last < b.first || b.last < a.first);
  const bool space = a.offset < b.offset + up(b.bytes) && b.offset < a.offset + up(a.bytes);
  return time && space && a.bytes > 0 && b.bytes > 0;
}

void ExpectValid(const std::vector<PlanRecord>& r, uint64_t total, uint32_t align) {
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].offset % align, 0u);
    EXPECT_LE(r[i].offset + r[i].bytes, total);
    for (size_t j = i + 1; j < r.size(); ++j) EXPECT_FALSE(Overlap(r[i], r[j], align)) << i << " vs " << j;
  }
}

TEST(PlannerTest, ChainReusesMemory) {
  // a -> b -> c -> d, each alive for two steps: two buffers suffice.
  std::vector<PlanRecord> r = {{100, 0, 1}, {100, 1, 2}, {100, 2, 3}, {100, 3, 4}};
  const uint64_t total = PlanGreedy(r.data(), 4, 4);
  EXPECT_EQ(total, 200u);
  ExpectValid(r, total, 4);
}

TEST(PlannerTest, FirstFitUsesGaps) {
  // A long-lived small tensor and short-lived big ones.
  std::vector<PlanRecord> r = {{64, 0, 9}, {1000, 0, 1}, {1000, 2, 3}, {500, 4, 5}, {400, 4, 5}};
  const uint64_t total = PlanGreedy(r.data(), static_cast<uint32_t>(r.size()), 16);
  EXPECT_EQ(total, 1072u);  // 1000 rounds to 1008, the 64-byte tensor follows; 500 and 400 reuse 0..912
  ExpectValid(r, total, 16);
}

TEST(PlannerTest, BestOrderReachesTheBoundWhereSizeOrderDoesNot) {
  // The MobileNet head: input 27648 (op 0), 18432 (0..1), 18432 (1..2), 36864 (2..3), 9216 (3..4).
  std::vector<PlanRecord> r = {{27648, 0, 0}, {18432, 0, 1}, {18432, 1, 2}, {36864, 2, 3}, {9216, 3, 4}};
  std::vector<PlanRecord> by_size = r;
  const uint64_t size_total = PlanGreedy(by_size.data(), 5, 16, PlanOrder::kSizeDescending);
  const uint64_t best = PlanBest(r.data(), 5, 16);
  EXPECT_EQ(best, 55296u);  // the peak of live bytes (18432 + 36864)
  EXPECT_GT(size_total, best);
  ExpectValid(r, best, 16);
}

TEST(PlannerTest, EmptyAndZeroSized) {
  EXPECT_EQ(PlanGreedy(nullptr, 0, 8), 0u);
  std::vector<PlanRecord> r = {{0, 0, 3}, {10, 0, 3}};
  EXPECT_EQ(PlanGreedy(r.data(), 2, 8), 16u);
}

TEST(PlannerTest, RandomPlansAreValid) {
  uint32_t seed = 12345;
  auto rnd = [&]() { return seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xFFFF; };
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<PlanRecord> r(20);
    uint64_t peak_bound = 0;
    for (auto& x : r) {
      x.bytes = rnd() % 5000;
      x.first = static_cast<int32_t>(rnd() % 10);
      x.last = x.first + static_cast<int32_t>(rnd() % 5);
      peak_bound += x.bytes + 8;
    }
    const uint64_t total = PlanBest(r.data(), 20, 8);
    ExpectValid(r, total, 8);
    EXPECT_LE(total, peak_bound);
  }
}

}  // namespace
}  // namespace hil::agent::engine
