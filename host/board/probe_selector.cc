#include "hil/board/probe_selector.h"

#include <cstdio>

namespace hil::board {
namespace {

constexpr const char* kShape = " (expected vid:pid[:serial], e.g. 0483:374b or 0483:374b:066DFF535254887767184931)";

std::optional<uint16_t> Hex16(std::string t) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t = t.substr(2);
  if (t.empty() || t.size() > 4) return std::nullopt;
  uint32_t v = 0;
  for (char c : t) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return static_cast<uint16_t>(v);
}

}  // namespace

std::string ProbeSelector::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%04x", vid, pid);
  return serial ? std::string(buf) + ":" + *serial : std::string(buf);
}

bool ProbeSelector::Matches(uint16_t device_vid, uint16_t device_pid, const std::string& device_serial) const {
  return vid == device_vid && pid == device_pid && (!serial || *serial == device_serial);
}

Result<ProbeSelector> ParseProbeSelector(const std::string& text) {
  if (text.empty()) return Fail(Status::kBadArgument, std::string("empty probe selector") + kShape);
  const size_t first = text.find(':');
  if (first == std::string::npos)
    return Fail(Status::kBadArgument, "probe selector '" + text + "' has no ':'" + kShape);
  const size_t second = text.find(':', first + 1);
  const std::string vid_text = text.substr(0, first);
  const std::string pid_text = text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  ProbeSelector s;
  auto vid = Hex16(vid_text);
  if (!vid) return Fail(Status::kBadArgument, "probe selector '" + text + "': vendor id '" + vid_text + "' is not 1 to 4 hex digits" + kShape);
  auto pid = Hex16(pid_text);
  if (!pid) return Fail(Status::kBadArgument, "probe selector '" + text + "': product id '" + pid_text + "' is not 1 to 4 hex digits" + kShape);
  s.vid = *vid;
  s.pid = *pid;
  if (second != std::string::npos) {
    const std::string serial = text.substr(second + 1);
    if (serial.empty()) return Fail(Status::kBadArgument, "probe selector '" + text + "': empty serial number after the second ':'" + kShape);
    for (unsigned char c : serial) {
      if (c <= 0x20 || c >= 0x7f)
        return Fail(Status::kBadArgument, "probe selector '" + text + "': the serial number may not contain spaces or non-ASCII characters" + std::string(kShape));
    }
    s.serial = serial;
  }
  return s;
}

}  // namespace hil::board
