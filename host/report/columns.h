// Plain-text tables for the terminal, shared by the report's tables (internal to hil_report).
#pragma once

#include <string>
#include <vector>

namespace hil::report {

// Renders `rows` (the first is the header) as columns separated by two spaces: left-aligned, or
// right-aligned below the header where `right[i]` is true. notes[k], when not empty, goes on its own
// line under row k, indented by four spaces. Trailing blanks are trimmed.
std::string Columns(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& notes,
                    const std::vector<bool>& right);

}  // namespace hil::report
