#include "hil/core/stats.h"

#include <algorithm>
#include <vector>

namespace hil {

Summary Summarize(std::span<const uint64_t> samples) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<uint64_t> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.count = sorted.size();
  s.min = sorted.front();
  s.max = sorted.back();
  const size_t mid = s.count / 2;
  s.median = (s.count % 2 == 1) ? static_cast<double>(sorted[mid])
                                 : (static_cast<double>(sorted[mid - 1]) + static_cast<double>(sorted[mid])) / 2.0;
  long double sum = 0;
  for (uint64_t v : sorted) sum += static_cast<long double>(v);
  s.mean = static_cast<double>(sum / static_cast<long double>(s.count));
  return s;
}

}  // namespace hil
