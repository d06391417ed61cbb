#include "hil/core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hil {
namespace {

std::string Bytes(uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> ReadRegularFile(const std::string& path, uint64_t max_bytes) {
  if (path.empty()) return Fail(Status::kBadArgument, "(empty path): not a file name");
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (f.fd < 0) {
    const int e = errno;
    return Fail(e == ENOENT ? Status::kNotFound : Status::kBadArgument, path + ": cannot open (" + std::strerror(e) + ")");
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return Fail(Status::kInternal, path + ": cannot stat (" + std::strerror(errno) + ")");
  if (S_ISDIR(st.st_mode)) return Fail(Status::kBadArgument, path + ": is a directory, not a file");
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device" : S_ISBLK(st.st_mode) ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file";
    return Fail(Status::kBadArgument, path + ": is " + std::string(kind) + ", not a regular file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes)
    return Fail(Status::kTooLarge, path + ": " + Bytes(size) + ", more than the " + Bytes(max_bytes) + " accepted");
  // A regular file never blocks; back to blocking reads for the plain loop below.
  const int flags = ::fcntl(f.fd, F_GETFL);
  if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string out(static_cast<size_t>(size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(Status::kInternal, path + ": read failed (" + std::strerror(errno) + ")");
    if (n == 0) break;  // shrank while read
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace hil
