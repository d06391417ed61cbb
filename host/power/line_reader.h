// Splits a Link's bytes into text lines (LF or CRLF). Private to hil_power.
#pragma once

#include <optional>
#include <string>

#include "hil/link/link.h"

namespace hil::power {

class LineReader {
 public:
  static constexpr size_t kMaxLineBytes = 256;

  explicit LineReader(link::Link& link) : link_(link) {}

  // The next complete line without its terminator. Errors: the Link's (kTimeout when nothing
  // arrived by the deadline, kBadState when the port closed), kBadFrame for a line longer than
  // kMaxLineBytes or with a NUL or other control byte (not the ASCII protocol: wrong baud rate or
  // a binary format).
  Result<std::string> ReadLine(Deadline deadline);

  // A complete line already received, without waiting; nullopt when none is buffered.
  Result<std::optional<std::string>> TakeBufferedLine();

  // Discards buffered bytes and whatever arrives until `quiet_ms` pass without input (or the
  // deadline). Link errors other than kTimeout are returned.
  Result<void> Drain(int quiet_ms, Deadline deadline);

 private:
  link::Link& link_;
  std::string buffer_;
};

}  // namespace hil::power
