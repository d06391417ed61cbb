// The loop shared by the instrument emulators: one thread that reads what the monitor writes to
// the pty, lets the emulator answer, and writes its output as the pty takes it. Faults common to
// both instruments: go silent after N samples (stall), close the pty (port vanishes). And their
// live mode (LiveStream): samples paced in wall time, following a board's timestamp GPIO.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

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

// The live mode of the instrument emulators (their Trace::live): instead of a fixed trace, the
// stream follows a board's timestamp GPIO (GpioFifo) while capturing. Each falling edge opens or
// closes a window, and the current is one value inside windows and another outside. Samples go out
// at a steady pace in wall time (not the instrument's rate: the monitor's clock is the sample
// count), and each edge adds a sample at its new state. The emulator supplies the encoding through
// the two callbacks, which append to its output. Used on the emulator's thread, but for stats().
class LiveStream {
 public:
  struct Options {
    std::string gpio_fifo;   // created by Open (mkfifo) and opened for reading; removed on teardown
    int samples_per_ms = 1;  // the pace in wall time
    // The stream carries the pin's level (the PPK2's logic port): every level the pin took gets a
    // sample of its own, so a pulse shorter than the pace still shows as a falling edge, and two
    // pulses in a row as two. Otherwise (the LPM01A's event lines) it reports the edges only.
    bool shows_level = false;
  };
  // Appends one sample: the current inside or outside a window, the pin `high` or low.
  using AppendSample = std::function<void(bool in_window, bool high)>;
  // Appends what the instrument reports of a falling edge, before the sample at its new state.
  using AppendFall = std::function<void()>;
  // What was streamed while capturing (between Start and Stop).
  struct Stats {
    uint64_t samples = 0;         // every sample streamed
    uint64_t window_samples = 0;  // samples inside a window (from a window's opening edge on)
    uint64_t windows = 0;         // windows opened while streaming
  };

  LiveStream(Options options, AppendSample append_sample, AppendFall append_fall = {})
      : options_(std::move(options)), append_sample_(std::move(append_sample)), append_fall_(std::move(append_fall)) {}
  // Creates and opens the FIFO. Errors: kInternal naming the path.
  Result<void> Open() { return gpio_.Open(options_.gpio_fifo); }
  // On the instrument's start command: drops the edges from before it (not part of the capture),
  // starts the pace outside any window and appends the first sample (the instrument samples from
  // the moment it starts).
  void Start();
  // On the stop command: the edges the agent wrote before the host asked to stop are in the FIFO
  // by now; appends them and a last sample, then streams no more.
  void Stop();
  // For FakeDevice::Produce: appends the edges waiting, then a sample when the pace says one is due.
  // Returns the samples appended.
  size_t Produce();
  // Any thread.
  Stats stats() const;

 private:
  size_t DrainGpio();
  size_t Append(bool high);

  Options options_;
  AppendSample append_sample_;
  AppendFall append_fall_;
  GpioFifo gpio_;
  bool streaming_ = false;
  bool in_window_ = false;
  bool last_high_ = true;  // the level of the last sample streamed
  std::chrono::steady_clock::time_point paced_from_;
  uint64_t paced_ = 0;
  mutable std::mutex mu_;
  Stats stats_;
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
  // Live mode: call in the derived constructor. The callbacks run on the thread.
  void EnableLive(LiveStream::Options options, LiveStream::AppendSample append_sample,
                  LiveStream::AppendFall append_fall = {}) {
    live_.emplace(std::move(options), std::move(append_sample), std::move(append_fall));
  }
  // The live stream, or null outside live mode.
  LiveStream* live() { return live_ ? &*live_ : nullptr; }
  const LiveStream* live() const { return live_ ? &*live_ : nullptr; }
  // Opens the live mode's FIFO, if any, and starts the thread; call at the end of the derived
  // Start. Errors: those of LiveStream::Open.
  Result<void> Start();
  // Stops the thread; call first in the derived destructor.
  void Stop();

  // Called on the thread with bytes from the monitor; append answers to out_.
  virtual void OnInput(std::string_view bytes) = 0;
  // Called on the thread when out_ is short: append the next sample(s) if streaming. Returns the
  // number of trace samples appended (idle-tail samples do not count).
  virtual size_t Produce() = 0;
  // Total trace samples (not asked in live mode).
  virtual size_t trace_size() const = 0;

  std::string out_;

 private:
  void Loop();
  void MarkPlayed();

  PtyPair pty_;
  DeviceFaults faults_;
  std::optional<LiveStream> live_;
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
