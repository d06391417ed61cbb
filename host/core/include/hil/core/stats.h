// Summary statistics of latency samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hil {

struct Summary {
  size_t count = 0;
  uint64_t min = 0;
  uint64_t max = 0;
  double median = 0;  // mean of the two middle values for an even count
  double mean = 0;
};

// Summary of `samples` (any order); all zero for an empty span.
Summary Summarize(std::span<const uint64_t> samples);

}  // namespace hil
