#include "hil/power/testing/fake_io_manager.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace hil::power::testing {
namespace {

using namespace std::chrono_literals;

// Re-resolving the DUT path and re-opening a DUT that hung up: often enough that a restarted DUT's
// first lines are relayed, rarely enough to cost nothing.
constexpr auto kDutCheckPeriod = 100ms;
// A pty master reports POLLHUP for as long as no one holds the slave open; poll again this much later
// instead of spinning.
constexpr auto kHostHangupBackoff = 10ms;

std::string Errno(int e) { return std::strerror(e); }

}  // namespace

Result<std::unique_ptr<FakeIoManager>> FakeIoManager::Start(IoManagerOptions options) {
  auto pty = PtyPair::Open();
  if (!pty) return std::unexpected(pty.error());
  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) return Fail(Status::kInternal, "io manager: pipe2: " + Errno(errno));
  std::unique_ptr<FakeIoManager> fake(new FakeIoManager(std::move(*pty), std::move(options), wake[0], wake[1]));
  fake->thread_ = std::thread([raw = fake.get()] { raw->Loop(); });
  return fake;
}

FakeIoManager::FakeIoManager(PtyPair host, IoManagerOptions options, int wake_read, int wake_write)
    : host_(std::move(host)), options_(std::move(options)), wake_read_(wake_read), wake_write_(wake_write) {}

FakeIoManager::~FakeIoManager() {
  if (thread_.joinable()) {
    const char stop = 'x';
    (void)!write(wake_write_, &stop, 1);
    thread_.join();
  }
  CloseDut();
  close(wake_read_);
  close(wake_write_);
  host_.CloseMaster();
}

std::vector<std::string> FakeIoManager::commands() const {
  std::lock_guard lock(mu_);
  return commands_;
}

void FakeIoManager::Loop() {
  for (;;) {
    const auto before = Clock::now();
    const bool host_backoff = before < host_hup_until_;
    const bool dut_tx_due = !options_.pace_dut || before >= dut_tx_free_;
    pollfd fds[3] = {
        {wake_read_, POLLIN, 0},
        {host_backoff ? -1 : host_.master(), static_cast<short>(POLLIN | (host_out_.empty() ? 0 : POLLOUT)), 0},
        {dut_fd_, static_cast<short>(POLLIN | (!dut_out_.empty() && dut_tx_due ? POLLOUT : 0)), 0},
    };

    std::optional<Clock::time_point> wake_at;
    const auto earliest = [&](Clock::time_point t) { wake_at = wake_at ? std::min(*wake_at, t) : t; };
    if (dut_wanted_) earliest(next_dut_check_);
    if (host_backoff) earliest(host_hup_until_);
    if (options_.pace_dut && dut_fd_ >= 0 && !dut_out_.empty() && !dut_tx_due) earliest(dut_tx_free_);
    if (!dut_rx_.empty()) earliest(dut_rx_next_);
    timespec timeout{};
    if (wake_at && *wake_at > before) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*wake_at - before).count();
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    const int r = ppoll(fds, 3, wake_at ? &timeout : nullptr, nullptr);
    if (r < 0 && errno != EINTR) return;
    if (r > 0 && (fds[0].revents & POLLIN)) return;
    const auto now = Clock::now();

    if (r > 0 && fds[2].fd >= 0 && dut_fd_ >= 0) {
      if (fds[2].revents & POLLIN) {
        ReadDut();
      } else if (fds[2].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        CloseDut(/*hung_up=*/true);
      }
      if (dut_fd_ < 0) next_dut_check_ = now + kDutCheckPeriod;
    }
    ReleaseDutBytes(now);

    if (r > 0 && fds[1].fd >= 0) {
      bool hung_up = (fds[1].revents & (POLLHUP | POLLERR)) && !(fds[1].revents & POLLIN);
      if (fds[1].revents & POLLIN) {
        char buffer[512];
        const ssize_t n = read(host_.master(), buffer, sizeof buffer);
        if (n > 0) {
          OnHostBytes(std::string_view(buffer, static_cast<size_t>(n)));
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          hung_up = true;  // EIO: the host closed its end of the pty
        }
      }
      if (hung_up) host_hup_until_ = now + kHostHangupBackoff;
    }

    if (dut_wanted_ && now >= next_dut_check_) {
      EnsureDut();  // quietly: a DUT that is still away is reported at the next `dut` command
      next_dut_check_ = now + kDutCheckPeriod;
    }
    WriteDut(now);

    if (!host_out_.empty()) {
      const ssize_t n = write(host_.master(), host_out_.data(), host_out_.size());
      if (n > 0) host_out_.erase(0, static_cast<size_t>(n));
    }
  }
}

void FakeIoManager::OnHostBytes(std::string_view bytes) {
  for (const char c : bytes) {
    if (c == '\r' || c == '\n') continue;
    if (c != '%') {
      host_in_ += c;
      continue;
    }
    std::string command;
    command.swap(host_in_);
    {
      std::lock_guard lock(mu_);
      commands_.push_back(command);
    }
    if (!options_.mute) OnCommand(command);
  }
}

void FakeIoManager::OnCommand(const std::string& command) {
  if (command == "name") {
    Reply("tinyhil io-manager emulator");
  } else if (command == "version") {
    Reply("m-version-tinyhil-emu-1");
  } else if (command == "help") {
    Reply("name        -- this board's name");
    Reply("version     -- firmware version");
    Reply("help        -- this list");
    Reply("dut <cmd>   -- send <cmd>% to the DUT; its lines come back as [dut]: <line>");
  } else if (command == "dut" || command.starts_with("dut ")) {
    const size_t start = command.find_first_not_of(' ', 3);
    const std::string payload = start == std::string::npos ? "" : command.substr(start);
    Reply("m-dut-passthrough(" + payload + ")");
    Reply("m-ready");
    dut_wanted_ = true;
    if (const std::string error = EnsureDut(); !error.empty()) {
      Reply("e-[dut: cannot open " + options_.dut_path + ": " + error + "]");
      return;
    }
    if (dut_out_.empty()) dut_tx_free_ = std::max(dut_tx_free_, Clock::now());
    dut_out_ += payload + "%";
    dut_write_retried_ = false;
    return;
  } else {
    Reply("e-[Unknown command: " + command + "]");
  }
  Reply("m-ready");
}

namespace {

// What tells one making of a name from the next: the inode and change time of the name itself (a
// symlink is not followed).
std::string NameIdentity(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec);
}

}  // namespace

std::string FakeIoManager::EnsureDut() {
  // A DUT that hung up is not opened again until its name is made anew (a symlink re-pointed by
  // rename has a new inode): the kernel hands a dead pty's number to the next pty anyone opens, and
  // under the old name we would be reading some other process's bytes.
  const std::string identity = NameIdentity(options_.dut_path);
  if (dut_fd_ < 0 && !hung_up_identity_.empty() && hung_up_identity_ == identity)
    return "it hung up (waiting for its name to point at a new device)";
  char resolved[PATH_MAX];
  if (!realpath(options_.dut_path.c_str(), resolved)) {
    const int e = errno;
    CloseDut();
    return Errno(e);
  }
  if (dut_fd_ >= 0 && dut_resolved_ == resolved) return "";
  CloseDut();
  const int fd = open(resolved, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Errno(errno);
  termios t;
  if (isatty(fd) && tcgetattr(fd, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(fd, TCSANOW, &t);
  }
  dut_fd_ = fd;
  dut_resolved_ = resolved;
  dut_identity_ = identity;
  hung_up_identity_.clear();
  return "";
}

void FakeIoManager::CloseDut(bool hung_up) {
  if (hung_up && dut_fd_ >= 0) hung_up_identity_ = dut_identity_;
  if (dut_fd_ >= 0) close(dut_fd_);
  dut_fd_ = -1;
  // What was not yet sent belongs to the DUT that went away; what was read stays on the "wire".
  dut_out_.clear();
}

void FakeIoManager::ReadDut() {
  for (;;) {
    char buffer[512];
    const ssize_t n = read(dut_fd_, buffer, sizeof buffer);
    if (n > 0) {
      if (options_.pace_dut && dut_rx_.empty()) dut_rx_next_ = std::max(dut_rx_next_, Clock::now()) + ByteTime();
      dut_rx_.append(buffer, static_cast<size_t>(n));
      if (!options_.pace_dut) ReleaseDutBytes(Clock::now());
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    CloseDut(/*hung_up=*/true);  // EOF or EIO: the DUT's end of the pty is gone (its process restarted)
    return;
  }
}

void FakeIoManager::ReleaseDutBytes(Clock::time_point now) {
  size_t released = 0;
  if (!options_.pace_dut) {
    released = dut_rx_.size();
  } else {
    while (released < dut_rx_.size() && now >= dut_rx_next_) {
      ++released;
      if (released < dut_rx_.size()) dut_rx_next_ += ByteTime();
    }
  }
  for (size_t i = 0; i < released; ++i) OnDutByte(dut_rx_[i]);
  dut_rx_.erase(0, released);
}

void FakeIoManager::OnDutByte(char c) {
  ++dut_bytes_seen_;
  const auto nth = options_.drop_every_nth_dut_byte;
  if (nth && *nth > 0 && dut_bytes_seen_ % *nth == 0) return;
  if (c != '\n') {
    dut_line_ += c;
    return;
  }
  if (!dut_line_.empty() && dut_line_.back() == '\r') dut_line_.pop_back();
  if (!dut_line_.empty()) Reply("[dut]: " + dut_line_);
  dut_line_.clear();
}

void FakeIoManager::WriteDut(Clock::time_point now) {
  while (dut_fd_ >= 0 && !dut_out_.empty()) {
    size_t want = dut_out_.size();
    if (options_.pace_dut) {
      if (now < dut_tx_free_) return;
      want = 1;
    }
    const ssize_t n = write(dut_fd_, dut_out_.data(), want);
    if (n > 0) {
      dut_out_.erase(0, static_cast<size_t>(n));
      if (options_.pace_dut) dut_tx_free_ += ByteTime();
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    const int e = n < 0 ? errno : EIO;
    // Once per command: the DUT may have been restarted on a path that resolves to a new device.
    std::string pending;
    pending.swap(dut_out_);
    CloseDut(/*hung_up=*/true);
    if (!dut_write_retried_ && EnsureDut().empty()) {
      dut_write_retried_ = true;
      dut_out_ = std::move(pending);
      continue;
    }
    Reply("e-[dut: cannot write " + options_.dut_path + ": " + Errno(e) + "]");
    return;
  }
}

FakeIoManager::Clock::duration FakeIoManager::ByteTime() const {
  const uint32_t baud = std::max<uint32_t>(options_.dut_baud_rate, 1);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(10'000'000'000LL / baud));
}

}  // namespace hil::power::testing
