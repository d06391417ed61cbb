// Host builds only (POSIX): reading a file a user names into memory. The one implementation of the
// rule, for hil (host/core's ReadRegularFile wraps it) and for the tools and the POSIX agent outside
// host/: a regular file of bounded size only. A folder, a device such as /dev/zero or a FIFO with no
// writer is refused with the reason, checked on the descriptor opened without blocking (so nothing can
// swap the file between check and read), instead of aborting, reading forever or hanging on open.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "hil/common/status.h"

namespace hil::host_file {

inline std::string Bytes(uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// Reads `path` into `out` (a std::string or a std::vector of bytes). Returns kOk, or the failure with
// its reason in *why ("cannot open (No such file or directory)", "is a directory, not a file", "is a
// FIFO, not a regular file", "300 bytes, more than the 256 bytes accepted", ...): kNotFound when it
// does not exist, kTooLarge past max_bytes, kInternal when stat or read fail, else kBadArgument. A
// file that shrinks while read yields what was there.
template <typename Container>
Status ReadRegular(const std::string& path, uint64_t max_bytes, Container* out, std::string* why) {
  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  } f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) {
    const int e = errno;
    *why = std::string("cannot open (") + std::strerror(e) + ")";
    return e == ENOENT ? Status::kNotFound : Status::kBadArgument;
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    *why = std::string("cannot stat (") + std::strerror(errno) + ")";
    return Status::kInternal;
  }
  if (S_ISDIR(st.st_mode)) {
    *why = "is a directory, not a file";
    return Status::kBadArgument;
  }
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISFIFO(st.st_mode)   ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    *why = std::string("is ") + kind + ", not a regular file";
    return Status::kBadArgument;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) {
    *why = Bytes(size) + ", more than the " + Bytes(max_bytes) + " accepted";
    return Status::kTooLarge;
  }
  // A regular file never blocks; back to blocking reads for the plain loop below.
  const int flags = ::fcntl(f.fd, F_GETFL);
  if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
  out->resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t n = ::read(f.fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = std::string("read failed (") + std::strerror(errno) + ")";
      return Status::kInternal;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  return Status::kOk;
}

}  // namespace hil::host_file
