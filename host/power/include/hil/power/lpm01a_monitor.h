// STMicroelectronics X-NUCLEO-LPM01A ("PowerShield") over its ASCII serial protocol (UM2269,
// "Getting started with PowerShield firmware"), used as MLPerf Tiny's EnergyRunner uses it.
//
// What this driver sends (each answered by "PowerShield > ack <command>" or "... error ..."):
//   htc                 host takes control
//   volt <mV>m          supply 1800m..3300m
//   freq <n>            1, 2, 5, 10, 20, 50, 100, 200, 500, 1k, 2k, 5k (ascii_dec streams without
//                       limit only up to 5 kHz at 3686400 baud)
//   acqtime 0           acquire until "stop"
//   output current      instantaneous current (not integrated energy)
//   format ascii_dec    one value per line, "dddd-ee" = dddd x 10^-ee A ("6409-07" = 640.9 uA);
//                       several run together on a line are taken too, as the EnergyRunner does
//   trigsrc sw          start immediately on "start"
//   eventsrc d7 fal     report edges of Arduino D7 (the board's timestamp GPIO) in the stream
//   start / stop        stop ends with "Acquisition completed"; hrc in the destructor
// In the stream: value lines, "TimeStamp: <s>s <ms>ms, buff <n>%" lines, and "event <n> <edge>"
// lines between values. Events pair up in order into windows (1st opens, 2nd closes, ...): the
// agent marks both ends of its timed loop on D7. An event's time is that of the value after it,
// so window edges have one sample period of resolution.
//
// Checked against FakeLpm01a only. The command set and value format are UM2269's; the event
// lines and "eventsrc" come from the EnergyRunner's parser (a firmware that reports D7 events is
// needed) and are not yet verified on an instrument, nor is the line ending the firmware wants
// (this driver sends CRLF, as the EnergyRunner does).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "hil/link/link.h"
#include "hil/power/power_monitor.h"

namespace hil::power {

class LineReader;

class Lpm01aMonitor final : public PowerMonitor {
 public:
  // UM2269: the PowerShield's virtual COM port runs at 3686400 baud.
  static constexpr int kBaudRate = 3686400;

  struct Options {
    // While armed, silence longer than this is an error: the instrument streams continuously.
    std::chrono::milliseconds stall_timeout{1000};
  };

  // Opens `tty_path` through link::OpenTty. Errors: kNotFound naming the path.
  static Result<std::unique_ptr<Lpm01aMonitor>> Open(const std::string& tty_path, Options options);
  static Result<std::unique_ptr<Lpm01aMonitor>> Open(const std::string& tty_path) { return Open(tty_path, Options{}); }
  // Takes an open link (tests, or a port opened elsewhere).
  Lpm01aMonitor(std::unique_ptr<link::Link> link, Options options);
  ~Lpm01aMonitor() override;

  Result<void> Configure(const CaptureConfig& config, Deadline deadline) override;
  Result<void> Arm(Deadline deadline) override;
  Result<Capture> Collect(Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

  // The argument of "freq" for a rate ("1k" for 1000); empty when the LPM01A cannot stream it
  // in ascii_dec.
  static std::string FreqArgument(uint32_t sample_rate_hz);
  // Parses one ascii_dec value ("6409-07") to microamps. Errors: kBadFrame quoting the text.
  static Result<double> ParseCurrentUa(std::string_view text);

 private:
  struct Stream;  // samples, events and the first error, filled by the reader thread
  Result<void> Command(const std::string& command, Deadline deadline);
  Error Named(const Error& e) const;
  void ReaderLoop();
  void StopReader();

  std::unique_ptr<link::Link> link_;
  std::unique_ptr<LineReader> lines_;
  Options options_;
  std::string description_;
  CaptureConfig config_;
  bool configured_ = false;
  bool armed_ = false;
  std::unique_ptr<Stream> stream_;
  std::thread reader_;
  std::atomic<bool> stop_reader_{false};
};

}  // namespace hil::power
