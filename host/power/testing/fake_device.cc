#include "hil/power/testing/fake_device.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hil::power::testing {

GpioFifo::~GpioFifo() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(path_.c_str());
  }
}

Result<void> GpioFifo::Open(const std::string& path) {
  path_ = path;
  unlink(path.c_str());
  if (mkfifo(path.c_str(), 0600) != 0) return Fail(Status::kInternal, "gpio fifo: mkfifo " + path + ": " + strerror(errno));
  fd_ = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) return Fail(Status::kInternal, "gpio fifo: open " + path + ": " + strerror(errno));
  return {};
}

long GpioFifo::Read(char* buffer, size_t size) { return fd_ < 0 ? -1 : static_cast<long>(read(fd_, buffer, size)); }

void LiveStream::Start() {
  DrainGpio();
  streaming_ = true;
  in_window_ = false;
  paced_from_ = std::chrono::steady_clock::now();
  paced_ = 0;
  Append(gpio_.high());
}

void LiveStream::Stop() {
  if (!streaming_) return;
  DrainGpio();
  Append(gpio_.high());
  streaming_ = false;
}

size_t LiveStream::Produce() {
  size_t added = DrainGpio();
  if (!streaming_) return added;
  const auto elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - paced_from_).count();
  if (paced_ < static_cast<uint64_t>(elapsed_us) * static_cast<uint64_t>(options_.samples_per_ms) / 1000) {
    ++paced_;
    added += Append(gpio_.high());
  }
  return added;
}

LiveStream::Stats LiveStream::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t LiveStream::DrainGpio() {
  size_t added = 0;
  gpio_.Drain([&] {
    if (!streaming_) return;
    if (options_.shows_level && !last_high_) added += Append(true);  // the pin went high again since
    if (append_fall_) append_fall_();
    in_window_ = !in_window_;
    if (in_window_) {
      std::lock_guard lock(mu_);
      ++stats_.windows;
    }
    added += Append(false);
  });
  if (options_.shows_level && streaming_ && gpio_.high() && !last_high_) added += Append(true);
  return added;
}

size_t LiveStream::Append(bool high) {
  last_high_ = high;
  append_sample_(in_window_, high);
  std::lock_guard lock(mu_);
  ++stats_.samples;
  if (in_window_) ++stats_.window_samples;
  return 1;
}

FakeDevice::~FakeDevice() = default;

Result<void> FakeDevice::Start() {
  if (live_) {
    if (auto r = live_->Open(); !r) return r;
  }
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void FakeDevice::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  MarkPlayed();
}

bool FakeDevice::WaitPlayed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return played_; });
}

void FakeDevice::MarkPlayed() {
  std::lock_guard lock(mu_);
  played_ = true;
  cv_.notify_all();
}

void FakeDevice::Loop() {
  // Bytes of out_ that belong to samples not yet on the wire: samples count as written once the
  // pty took every byte queued up to and including them.
  size_t pending_sample_bytes_end = 0;
  size_t pending_samples = 0;
  while (!stop_) {
    const int fd = pty_.master();
    if (fd < 0) return;
    // One trace sample per Produce() so a fault can cut the stream after exactly N samples.
    std::optional<size_t> limit = faults_.stall_after_samples;
    if (faults_.close_after_samples && (!limit || *faults_.close_after_samples < *limit))
      limit = faults_.close_after_samples;
    while (!stalled_ && out_.size() < 2048 && !(limit && samples_queued_ >= *limit)) {
      const size_t bytes_before = out_.size();
      const size_t added = Produce();
      if (added) {
        samples_queued_ += added;
        pending_samples += added;
        pending_sample_bytes_end = out_.size();
      }
      if (!added || out_.size() == bytes_before) break;
    }
    if (faults_.stall_after_samples && samples_queued_ >= *faults_.stall_after_samples && !stalled_) stalled_ = true;
    pollfd p{fd, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0};
    const int r = poll(&p, 1, 2);
    if (r < 0 && errno != EINTR) return;
    if (r > 0 && (p.revents & POLLIN)) {
      char buf[512];
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0 && !faults_.mute && !stalled_) OnInput(std::string_view(buf, static_cast<size_t>(n)));
    }
    if (r > 0 && (p.revents & POLLOUT) && !out_.empty()) {
      const ssize_t n = write(fd, out_.data(), out_.size());
      if (n > 0) {
        out_.erase(0, static_cast<size_t>(n));
        pending_sample_bytes_end = pending_sample_bytes_end > static_cast<size_t>(n)
                                       ? pending_sample_bytes_end - static_cast<size_t>(n)
                                       : 0;
        if (pending_sample_bytes_end == 0 && pending_samples) {
          samples_written_ += pending_samples;
          pending_samples = 0;
        }
      }
    }
    if (faults_.close_after_samples && samples_written_ >= *faults_.close_after_samples) {
      // Linux drops bytes still unread on the slave when the master closes; let the monitor read
      // what was written first, as the kernel would have delivered it from a real device.
      if (!close_at_) close_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      if (std::chrono::steady_clock::now() < *close_at_) continue;
      pty_.CloseMaster();
      MarkPlayed();
      return;
    }
    // A live stream has no end to play.
    if ((!live_ && samples_written_ >= trace_size()) || (stalled_ && out_.empty())) MarkPlayed();
  }
}

}  // namespace hil::power::testing
