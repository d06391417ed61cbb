// What every store stamps on the rows it writes (internal to hil_store): UTC time in ISO 8601 and
// this host's name.
#pragma once

#include <unistd.h>

#include <ctime>
#include <string>

namespace hil::store {

inline std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline std::string HostName() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace hil::store
