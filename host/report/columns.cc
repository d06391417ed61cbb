#include "columns.h"

#include <fmt/format.h>

#include <algorithm>

namespace hil::report {

std::string Columns(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& notes,
                    const std::vector<bool>& right) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (size_t k = 0; k < rows.size(); ++k) {
    std::string line;
    for (size_t i = 0; i < rows[k].size(); ++i) {
      const bool last = i + 1 == rows[k].size();
      if (i < right.size() && right[i] && k > 0)
        line += fmt::format("{:>{}}", rows[k][i], width[i]);
      else
        line += last ? rows[k][i] : fmt::format("{:<{}}", rows[k][i], width[i]);
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (k < notes.size() && !notes[k].empty()) out += "    " + notes[k] + "\n";
  }
  return out;
}

}  // namespace hil::report
