#include "planner.h"

namespace hil::agent::engine {

namespace {
uint64_t AlignUp(uint64_t v, uint32_t align) { return (v + align - 1) & ~static_cast<uint64_t>(align - 1); }
}  // namespace

namespace {
// Whether a should be placed after b.
bool After(const PlanRecord& a, const PlanRecord& b, PlanOrder order) {
  switch (order) {
    case PlanOrder::kFirstUse:
      return a.first > b.first || (a.first == b.first && a.bytes < b.bytes);
    case PlanOrder::kSizeTimesLifetime: {
      const uint64_t wa = static_cast<uint64_t>(a.bytes) * static_cast<uint64_t>(a.last - a.first + 1);
      const uint64_t wb = static_cast<uint64_t>(b.bytes) * static_cast<uint64_t>(b.last - b.first + 1);
      return wa < wb || (wa == wb && a.first > b.first);
    }
    case PlanOrder::kSizeDescending:
    default:
      return a.bytes < b.bytes || (a.bytes == b.bytes && a.first > b.first);
  }
}
}  // namespace

uint64_t PlanBest(PlanRecord* r, uint32_t count, uint32_t align) {
  const PlanOrder orders[] = {PlanOrder::kSizeDescending, PlanOrder::kFirstUse, PlanOrder::kSizeTimesLifetime};
  uint64_t best = 0;
  PlanOrder best_order = orders[0];
  for (PlanOrder o : orders) {
    const uint64_t total = PlanGreedy(r, count, align, o);
    if (total != 0 && (best == 0 || total < best)) {
      best = total;
      best_order = o;
    }
  }
  return PlanGreedy(r, count, align, best_order);
}

uint64_t PlanGreedy(PlanRecord* r, uint32_t count, uint32_t align, PlanOrder order) {
  // Stable insertion sort of record indices (kept in the `order` fields) by the chosen key.
  for (uint32_t i = 0; i < count; ++i) r[i].order = i;
  for (uint32_t i = 1; i < count; ++i) {
    const uint32_t k = r[i].order;
    uint32_t j = i;
    while (j > 0) {
      const PlanRecord& a = r[r[j - 1].order];
      const PlanRecord& b = r[k];
      const bool after = After(a, b, order);
      if (!after) break;
      r[j].order = r[j - 1].order;
      --j;
    }
    r[j].order = k;
  }
  // r[i].order now lists record indices in placement order. The placed ones, r[0..n).order, are kept
  // sorted by offset, so one sweep finds each record's lowest fit (the lowest offset past every placed
  // record alive at the same time that it would overlap): O(count^2) in all. Jumping over one conflict
  // at a time, rescanning all placed records each time, finds the same offset but costs O(count^3),
  // minutes of Load on a target for a few thousand tensors alive together.
  uint64_t total = 0;
  for (uint32_t n = 0; n < count; ++n) {
    const uint32_t k = r[n].order;
    PlanRecord& t = r[k];
    const uint64_t bytes = AlignUp(t.bytes, align);
    uint64_t candidate = 0;
    for (uint32_t m = 0; m < n; ++m) {
      const PlanRecord& p = r[r[m].order];
      if (p.last < t.first || t.last < p.first) continue;  // not alive together
      if (p.offset >= candidate + bytes) break;             // a gap: the rest start no lower
      const uint64_t p_end = p.offset + AlignUp(p.bytes, align);
      if (p_end > candidate) candidate = p_end;
    }
    if (candidate + bytes > UINT32_MAX) return 0;
    t.offset = static_cast<uint32_t>(candidate);
    if (candidate + bytes > total) total = candidate + bytes;
    uint32_t j = n;  // into the sorted prefix (slot n held k)
    for (; j > 0 && r[r[j - 1].order].offset > t.offset; --j) r[j].order = r[j - 1].order;
    r[j].order = k;
  }
  return total;
}

}  // namespace hil::agent::engine
