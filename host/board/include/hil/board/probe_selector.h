// Probe selectors as probe-rs spells them: `vid:pid[:serial]`, VID and PID as four hex digits
// ("0483:374b", "0d28:0204:0240000034544e45001b00028aa9001e4b51000097969900"). Passive data: what the
// farm file says a board's probe (or adapter, or power monitor) is, matched against USB devices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hil/core/error.h"

namespace hil::board {

struct ProbeSelector {
  uint16_t vid = 0;
  uint16_t pid = 0;
  std::optional<std::string> serial;  // absent: any device with this VID:PID

  // "0483:374b" or "0483:374b:066DFF...", VID and PID as four lowercase hex digits.
  std::string ToString() const;
  // Same VID and PID, and the same serial when the selector has one (exact, case-sensitive: USB
  // serial strings are opaque).
  bool Matches(uint16_t device_vid, uint16_t device_pid, const std::string& device_serial) const;
  bool operator==(const ProbeSelector&) const = default;
};

// Parses `vid:pid[:serial]`. VID and PID are 1 to 4 hex digits (an optional 0x prefix is accepted);
// the serial is everything after the second ':' (it may itself contain ':'), non-empty, printable
// ASCII without spaces. Errors: kBadArgument with one sentence saying which part is wrong and what a
// selector looks like.
Result<ProbeSelector> ParseProbeSelector(const std::string& text);

}  // namespace hil::board
