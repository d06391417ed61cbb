#include "hil/power/testing/fake_lpm01a.h"

#include <cstdio>

namespace hil::power::testing {

FakeLpm01a::FakeLpm01a(PtyPair pty, Trace trace, Faults faults)
    : FakeDevice(std::move(pty), faults), trace_(std::move(trace)), faults_(std::move(faults)) {
  if (!trace_.live) return;
  // The event's time is that of the value after it: each edge gets one at its new state.
  EnableLive({.gpio_fifo = trace_.live->gpio_fifo, .samples_per_ms = trace_.live->values_per_ms},
             [this](bool in_window, bool) {
               out_ += (in_window ? trace_.live->window_value : trace_.live->idle_value) + "\r\n";
             },
             [this] { out_ += "event " + std::to_string(++event_count_) + " fal\r\n"; });
}

Result<std::unique_ptr<FakeLpm01a>> FakeLpm01a::Start(Trace trace, Faults faults) {
  auto pty = PtyPair::Open();
  if (!pty) return std::unexpected(pty.error());
  std::unique_ptr<FakeLpm01a> fake(new FakeLpm01a(std::move(*pty), std::move(trace), std::move(faults)));
  if (auto r = fake->FakeDevice::Start(); !r) return std::unexpected(r.error());
  return fake;
}

FakeLpm01a::LiveStats FakeLpm01a::live_stats() const {
  const auto s = live() ? live()->stats() : LiveStream::Stats{};
  return {.values = s.samples, .window_values = s.window_samples, .windows = s.windows};
}

std::vector<std::string> FakeLpm01a::commands() const {
  std::lock_guard lock(mu_);
  return commands_;
}

void FakeLpm01a::OnInput(std::string_view bytes) {
  in_.append(bytes);
  for (size_t nl; (nl = in_.find('\n')) != std::string::npos;) {
    std::string command = in_.substr(0, nl);
    in_.erase(0, nl + 1);
    if (!command.empty() && command.back() == '\r') command.pop_back();
    if (command.empty()) continue;
    {
      std::lock_guard lock(mu_);
      commands_.push_back(command);
    }
    if (command == faults_.refuse) {
      out_ += "PowerShield > error " + command + "\r\n";
      out_ += "PowerShield > Error detail: parameter out of range\r\n";
      continue;
    }
    if (command == "stop") {
      // Whatever of the trace is left goes out first, as the instrument's buffer would.
      if (live()) live()->Stop();
      if (streaming_) EmitUpTo(trace_.values.size());
      streaming_ = false;
      out_ += "PowerShield > ack stop\r\n";
      if (!faults_.no_completion) out_ += "PowerShield > Acquisition completed\r\n";
      continue;
    }
    out_ += "PowerShield > ack " + command + "\r\n";
    if (command == "start") {
      streaming_ = true;
      next_ = 0;
      last_idle_ = std::chrono::steady_clock::now();
      if (live()) live()->Start();
    }
  }
}

void FakeLpm01a::EmitUpTo(size_t end) {
  for (; next_ < end && next_ < trace_.values.size(); ++next_) {
    for (const auto& [at, line] : faults_.inject)
      if (at == next_) out_ += line + "\r\n";
    for (const auto& [at, edge] : trace_.events)
      if (at == next_) out_ += "event " + std::to_string(++event_count_) + " " + edge + "\r\n";
    if (trace_.timestamp_every && next_ > 0 && next_ % trace_.timestamp_every == 0) {
      char ts[64];
      std::snprintf(ts, sizeof ts, "TimeStamp: %zus %03zums, buff 00%%\r\n", next_ / 1000, next_ % 1000);
      out_ += ts;
    }
    out_ += trace_.values[next_] + "\r\n";
  }
}

size_t FakeLpm01a::Produce() {
  if (live()) return live()->Produce();
  if (!streaming_) return 0;
  if (next_ < trace_.values.size()) {
    EmitUpTo(next_ + 1);
    return 1;
  }
  // Events after the last value (a window closing at the end of the trace).
  for (const auto& [at, edge] : trace_.events)
    if (at == trace_.values.size() && event_count_ < static_cast<int>(trace_.events.size()))
      out_ += "event " + std::to_string(++event_count_) + " " + edge + "\r\n";
  // The idle tail: the instrument keeps streaming until "stop", about once a millisecond here.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_idle_ >= std::chrono::milliseconds(1) && !trace_.values.empty()) {
    last_idle_ = now;
    out_ += (trace_.idle_value.empty() ? trace_.values.back() : trace_.idle_value) + "\r\n";
  }
  return 0;
}

}  // namespace hil::power::testing
