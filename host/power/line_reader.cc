#include "line_reader.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <span>

namespace hil::power {

Result<std::optional<std::string>> LineReader::TakeBufferedLine() {
  const size_t nl = buffer_.find('\n');
  if (nl == std::string::npos) {
    if (buffer_.size() > kMaxLineBytes)
      return Fail(Status::kBadFrame, "a line longer than " + std::to_string(kMaxLineBytes) +
                                         " bytes without a newline (binary data or wrong baud rate?)");
    return std::nullopt;
  }
  std::string line = buffer_.substr(0, nl);
  buffer_.erase(0, nl + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > kMaxLineBytes)
    return Fail(Status::kBadFrame, "a line of " + std::to_string(line.size()) + " bytes (longer than " +
                                       std::to_string(kMaxLineBytes) + ")");
  for (unsigned char c : line) {
    if ((c < 0x20 && c != '\t') || c >= 0x7f) {
      std::string shown;
      for (unsigned char d : line.substr(0, 32)) shown += (d >= 0x20 && d < 0x7f) ? static_cast<char>(d) : '?';
      char hex[8];
      std::snprintf(hex, sizeof hex, "%02x", c);
      return Fail(Status::kBadFrame, std::string("a line with non-text byte 0x") + hex + ": '" + shown + "'");
    }
  }
  return line;
}

Result<std::string> LineReader::ReadLine(Deadline deadline) {
  for (;;) {
    auto line = TakeBufferedLine();
    if (!line) return std::unexpected(line.error());
    if (*line) return std::move(**line);
    std::byte chunk[512];
    auto n = link_.Read(chunk, deadline);
    if (!n) return std::unexpected(n.error());
    buffer_.append(reinterpret_cast<const char*>(chunk), *n);
  }
}

Result<void> LineReader::Drain(int quiet_ms, Deadline deadline) {
  buffer_.clear();
  for (;;) {
    std::byte chunk[512];
    auto n = link_.Read(chunk, Deadline::After(std::chrono::milliseconds(quiet_ms)).Min(deadline));
    if (!n) {
      if (n.error().code == Status::kTimeout) return {};
      return std::unexpected(n.error());
    }
  }
}

}  // namespace hil::power
