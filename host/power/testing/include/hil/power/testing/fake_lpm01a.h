// An X-NUCLEO-LPM01A on a pty: answers the ASCII commands ("PowerShield > ack <command>"), and
// after "start" streams a known trace in ascii_dec with "event <n> ris|fal" lines for the D7
// timestamp GPIO and periodic "TimeStamp:" lines, then the last value as an idle tail until
// "stop", which it answers with "Acquisition completed".
//
// Live mode (Trace::live; LiveStream in fake_device.h): the D7 events follow a board's timestamp
// GPIO as the POSIX agent writes it to a FIFO: each falling edge becomes an "event <n> fal" line
// followed by a value, window_value from a window's opening edge to its closing edge and idle_value
// outside, values_per_ms of them a millisecond of wall time. live_stats() says how many fell inside
// windows.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hil/power/testing/fake_device.h"

namespace hil::power::testing {

class FakeLpm01a final : public FakeDevice {
 public:
  struct Live {
    std::string gpio_fifo;
    std::string window_value;  // ascii_dec, e.g. "1000-06" (1000 uA) inside windows
    std::string idle_value;    // outside
    int values_per_ms = 1;
  };
  struct LiveStats {
    uint64_t values = 0;
    uint64_t window_values = 0;
    uint64_t windows = 0;
  };
  struct Trace {
    std::optional<Live> live;
    std::vector<std::string> values;  // ascii_dec lines as the instrument prints them, e.g. "2500-06"
    // D7 edges: before value index i, an "event <n> <edge>" line ("ris" or "fal").
    std::vector<std::pair<size_t, std::string>> events;
    size_t timestamp_every = 0;  // a "TimeStamp:" line every N values; 0 for none
    std::string idle_value;      // streamed after the trace until "stop"; empty for the last value
  };
  struct Faults : DeviceFaults {
    std::string refuse;                       // answer this command with "error" + "Error detail:"
    std::vector<std::pair<size_t, std::string>> inject;  // extra lines before value index i
    bool no_completion = false;               // never say "Acquisition completed"
  };

  static Result<std::unique_ptr<FakeLpm01a>> Start(Trace trace, Faults faults);
  static Result<std::unique_ptr<FakeLpm01a>> Start(Trace trace) { return Start(std::move(trace), Faults{}); }
  ~FakeLpm01a() override { Stop(); }

  // Commands received, in order, without line endings.
  std::vector<std::string> commands() const;
  LiveStats live_stats() const;

 private:
  FakeLpm01a(PtyPair pty, Trace trace, Faults faults);
  void OnInput(std::string_view bytes) override;
  size_t Produce() override;
  size_t trace_size() const override { return trace_.values.size(); }
  void EmitUpTo(size_t end);

  Trace trace_;
  Faults faults_;
  std::string in_;
  mutable std::mutex mu_;
  std::vector<std::string> commands_;
  bool streaming_ = false;
  size_t next_ = 0;
  int event_count_ = 0;
  std::chrono::steady_clock::time_point last_idle_;
};

}  // namespace hil::power::testing
