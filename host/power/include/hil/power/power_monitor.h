// Power monitors behind one interface: a bench instrument (STM32 X-NUCLEO-LPM01A, Nordic PPK2)
// that measures the current a board draws, or an estimate for emulated boards. Same shape as the
// other seams (Link, DebugProbe, Store): small, blocking, every call with a deadline.
//
// One capture:   Configure(voltage, rate) once -> Arm() -> [the agent runs the timed inferences and
//                marks their start and end on its timestamp GPIO] -> Collect() -> Capture.
// The timestamp GPIO idles high and each mark is a short low pulse (MLPerf Tiny's th_timestamp()
// convention). The monitor sees it on a trigger or digital input (LPM01A: Arduino D7 falling-edge
// events; PPK2: a logic-port bit) and reports the period from each falling edge to the next as a
// Window. Energy per inference is then IntegrateWindows() (energy.h) over the Capture with the
// inference count of each window.
//
// Threading: one thread uses a monitor at a time (it owns its Link). A monitor may run a reader
// thread of its own between Arm() and Collect(); it is joined before Collect() returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"

namespace hil::power {

struct CaptureConfig {
  // Supply voltage the monitor applies to the board (LPM01A 1.8..3.3 V, PPK2 0.8..5 V). Energy is
  // computed with this value: both instruments regulate it, neither reports it per sample.
  double voltage_v = 3.3;
  // Samples per second. The LPM01A takes one of its fixed rates (1..100k; ASCII output up to
  // 10k); the PPK2 always samples at 100 kHz and accepts only that.
  uint32_t sample_rate_hz = 1000;
  // The digital input that carries the timestamp GPIO: PPK2 logic-port bit 0..7 (D0..D7). The
  // LPM01A has one event input (Arduino D7) and ignores this.
  int gpio_channel = 0;
};

// One current sample: the mean current over [time_ns, time_ns + sample period) of the trace.
// Time counts from the first sample of the capture, on the monitor's own sample clock.
struct CurrentSample {
  int64_t time_ns = 0;
  double current_ua = 0;
};

// The period between two timestamp marks (falling edges): [start_ns, end_ns) on the trace's clock.
// `inferences` is not known to the monitor (Collect leaves it 0); the caller fills it in from the
// agent's INVOKE count before integrating.
struct Window {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint32_t inferences = 0;
};

struct Capture {
  double voltage_v = 0;
  int64_t sample_period_ns = 0;  // nominal; the last sample lasts this long
  std::vector<CurrentSample> samples;  // ascending time_ns
  std::vector<Window> windows;         // ascending, non-overlapping
  // The value stored with every energy figure: "energy:lpm01a", "energy:ppk2", "energy:estimate".
  std::string source;
  // True for EstimateMonitor: the figure is a model, not a measurement, and must be shown so.
  bool estimate = false;
};

class PowerMonitor {
 public:
  virtual ~PowerMonitor() = default;

  // Applies voltage and sample rate (and takes control of the instrument). Errors: kBadArgument
  // (a value the instrument cannot take, naming it), kTimeout (no acknowledgement by the
  // deadline), kBadState (the port closed), kBadFrame (an answer that is not the protocol).
  virtual Result<void> Configure(const CaptureConfig& config, Deadline deadline) = 0;

  // Starts capturing: returns once the instrument acknowledged the start. Errors as Configure, and
  // kBadState when not configured or already armed.
  virtual Result<void> Arm(Deadline deadline) = 0;

  // Stops capturing and returns everything captured since Arm(). Errors: kTimeout (the instrument
  // stopped streaming during the capture, or did not confirm the stop by the deadline; the message
  // names the device and its port), kBadState (the port vanished), kBadFrame (malformed data, the
  // offending line or sample quoted). After an error the monitor must be configured again.
  virtual Result<Capture> Collect(Deadline deadline) = 0;

  // "lpm01a:tty:/dev/ttyACM0@3686400", "ppk2:tty:/dev/ttyACM1@115200", "estimate:52uA/MHz@3V".
  virtual std::string_view Describe() const = 0;
};

}  // namespace hil::power
