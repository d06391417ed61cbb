// Greedy arena planner: tensors sorted by size (largest first) go to the lowest offset that does not
// collide with any already placed tensor whose lifetime overlaps. No allocation: the caller owns the
// records.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::agent::engine {

struct PlanRecord {
  uint32_t bytes = 0;   // size to reserve
  int32_t first = 0;    // first operator index that uses it (inclusive)
  int32_t last = 0;     // last operator index that uses it (inclusive)
  uint32_t offset = 0;  // output: offset from the plan's base
  uint32_t order = 0;   // working space
};

enum class PlanOrder : uint8_t {
  kSizeDescending,      // TFLite Micro's greedy order
  kFirstUse,            // operator order: suits chains where a big tensor follows a big one
  kSizeTimesLifetime,   // bytes x lifetime, largest first
};

// Places every record in the given order at the lowest offset that fits; offsets are multiples of
// `align` (a power of two). Returns the plan's total bytes (the highest end), or 0 when it overflows
// 32 bits.
uint64_t PlanGreedy(PlanRecord* records, uint32_t count, uint32_t align,
                    PlanOrder order = PlanOrder::kSizeDescending);

// Tries every PlanOrder and keeps the smallest plan (records hold its offsets). Returns its total.
uint64_t PlanBest(PlanRecord* records, uint32_t count, uint32_t align);

}  // namespace hil::agent::engine
