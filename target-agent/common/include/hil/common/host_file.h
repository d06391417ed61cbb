// Host builds only (POSIX): reading a file a user names into memory, for the tools and the POSIX
// agent that sit outside host/ (whose hil::ReadRegularFile they cannot link). Regular files of
// bounded size only: a folder, a device such as /dev/zero or a FIFO with no writer is refused with
// the reason, checked on the descriptor opened without blocking, instead of aborting, reading
// forever or hanging on open.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace hil::host_file {

// Appends nothing and returns false on failure, with the reason ("is a directory") in *why.
inline bool ReadRegular(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out, std::string* why) {
  why->clear();
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) *why = std::strerror(errno);
  else if (S_ISDIR(st.st_mode)) *why = "is a directory";
  else if (S_ISCHR(st.st_mode)) *why = "is a character device, not a regular file";
  else if (S_ISFIFO(st.st_mode)) *why = "is a FIFO, not a regular file";
  else if (!S_ISREG(st.st_mode)) *why = "is not a regular file";
  else if (static_cast<uint64_t>(st.st_size) > max_bytes) *why = "is larger than " + std::to_string(max_bytes) + " bytes";
  if (why->empty()) {
    out->resize(static_cast<size_t>(st.st_size));
    size_t at = 0;
    while (at < out->size()) {
      const ssize_t n = read(fd, out->data() + at, out->size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    out->resize(at);  // a file that shrank while read: what was there
  }
  close(fd);
  return why->empty();
}

}  // namespace hil::host_file
