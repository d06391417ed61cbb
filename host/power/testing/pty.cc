#include "hil/power/testing/pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hil::power::testing {

Result<PtyPair> PtyPair::Open() {
  const int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0) return Fail(Status::kInternal, std::string("posix_openpt: ") + std::strerror(errno));
  if (grantpt(m) != 0 || unlockpt(m) != 0) {
    const int e = errno;
    close(m);
    return Fail(Status::kInternal, std::string("grantpt/unlockpt: ") + std::strerror(e));
  }
  const char* name = ptsname(m);
  if (!name) {
    close(m);
    return Fail(Status::kInternal, "ptsname failed");
  }
  // Raw from the start: no echo of commands back to the monitor, no CR/LF translation.
  termios t;
  if (tcgetattr(m, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(m, TCSANOW, &t);
  }
  fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
  return PtyPair(m, name);
}

void PtyPair::CloseMaster() {
  if (master_ >= 0) close(master_);
  master_ = -1;
}

}  // namespace hil::power::testing
