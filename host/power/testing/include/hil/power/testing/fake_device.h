// The loop shared by the instrument emulators: one thread that reads what the monitor writes to
// the pty, lets the emulator answer, and writes its output as the pty takes it. Faults common to
// both instruments: go silent after N samples (stall), close the pty (port vanishes).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hil/core/error.h"
#include "hil/power/testing/pty.h"

namespace hil::power::testing {

struct DeviceFaults {
  // After this many trace samples: write nothing more and answer nothing (a hung instrument).
  std::optional<size_t> stall_after_samples;
  // After this many trace samples: close the pty master (the USB device disappeared).
  std::optional<size_t> close_after_samples;
  // Answer no command at all (a different device, or a dead one).
  bool mute = false;
};

// The board's timestamp GPIO as the POSIX agent writes it (hil-agent-posix --timestamp-gpio): a FIFO
// of pin levels, '0' low and '1' high. Open() creates it and opens it for reading (so the agent's
// open for writing finds a reader); the pin idles high.
class GpioFifo {
 public:
  GpioFifo() = default;
  GpioFifo(const GpioFifo&) = delete;
  GpioFifo& operator=(const GpioFifo&) = delete;
  ~GpioFifo();
  Result<void> Open(const std::string& path);
  bool is_open() const { return fd_ >= 0; }
  // Reads what is waiting; calls `on_fall` for each falling edge, in order. Returns the level.
  template <typename F>
  bool Drain(F&& on_fall) {
    char levels[256];
    for (long n; (n = Read(levels, sizeof levels)) > 0;) {
      for (long i = 0; i < n; ++i) {
        const bool high = levels[i] == '1';
        if (high_ && !high) on_fall();
        high_ = high;
      }
    }
    return high_;
  }
  bool high() const { return high_; }

 private:
  long Read(char* buffer, size_t size);
  int fd_ = -1;
  std::string path_;
  bool high_ = true;
};

class FakeDevice {
 public:
  virtual ~FakeDevice();
  const std::string& slave_path() const { return pty_.slave_path(); }
  // Waits until every trace sample has been written to the pty (or a fault stopped the trace).
  bool WaitPlayed(std::chrono::milliseconds timeout);
  // Trace samples written so far.
  size_t samples_written() const { return samples_written_; }

 protected:
  explicit FakeDevice(PtyPair pty, DeviceFaults faults) : pty_(std::move(pty)), faults_(faults) {}
  // Starts the thread; call at the end of the derived constructor.
  void Start();
  // Stops the thread; call first in the derived destructor.
  void Stop();

  // Called on the thread with bytes from the monitor; append answers to out_.
  virtual void OnInput(std::string_view bytes) = 0;
  // Called on the thread when out_ is short: append the next sample(s) if streaming. Returns the
  // number of trace samples appended (idle-tail samples do not count).
  virtual size_t Produce() = 0;
  // Total trace samples.
  virtual size_t trace_size() const = 0;

  std::string out_;

 private:
  void Loop();
  void MarkPlayed();

  PtyPair pty_;
  DeviceFaults faults_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> samples_written_{0};
  size_t samples_queued_ = 0;
  bool stalled_ = false;
  std::optional<std::chrono::steady_clock::time_point> close_at_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool played_ = false;
};

}  // namespace hil::power::testing
