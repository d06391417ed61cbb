#include "hil/power/testing/fake_lpm01a.h"

#include <cstdio>

namespace hil::power::testing {

Result<std::unique_ptr<FakeLpm01a>> FakeLpm01a::Start(Trace trace, Faults faults) {
  auto pty = PtyPair::Open();
  if (!pty) return std::unexpected(pty.error());
  std::unique_ptr<FakeLpm01a> fake(new FakeLpm01a(std::move(*pty), std::move(trace), std::move(faults)));
  if (fake->trace_.live) {
    if (auto r = fake->gpio_.Open(fake->trace_.live->gpio_fifo); !r) return std::unexpected(r.error());
  }
  fake->FakeDevice::Start();
  return fake;
}

FakeLpm01a::LiveStats FakeLpm01a::live_stats() const {
  std::lock_guard lock(mu_);
  return live_stats_;
}

size_t FakeLpm01a::EmitLiveValue() {
  out_ += (in_window_ ? trace_.live->window_value : trace_.live->idle_value) + "\r\n";
  std::lock_guard lock(mu_);
  ++live_stats_.values;
  if (in_window_) ++live_stats_.window_values;
  return 1;
}

size_t FakeLpm01a::DrainGpio() {
  size_t added = 0;
  gpio_.Drain([&] {
    if (!streaming_) return;
    // The event's time is that of the value after it: each edge gets one at its new state.
    out_ += "event " + std::to_string(++event_count_) + " fal\r\n";
    in_window_ = !in_window_;
    if (in_window_) {
      std::lock_guard lock(mu_);
      ++live_stats_.windows;
    }
    added += EmitLiveValue();
  });
  return added;
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
      // Whatever of the trace is left goes out first, as the instrument's buffer would. Live: the
      // marks the agent made before the host asked to stop are in the FIFO by now.
      if (streaming_ && trace_.live) {
        DrainGpio();
        EmitLiveValue();
      }
      if (streaming_) EmitUpTo(trace_.values.size());
      streaming_ = false;
      out_ += "PowerShield > ack stop\r\n";
      if (!faults_.no_completion) out_ += "PowerShield > Acquisition completed\r\n";
      continue;
    }
    out_ += "PowerShield > ack " + command + "\r\n";
    if (command == "start") {
      if (trace_.live) DrainGpio();  // marks from before the start are not part of the capture
      streaming_ = true;
      next_ = 0;
      last_idle_ = paced_from_ = std::chrono::steady_clock::now();
      paced_ = 0;
      if (trace_.live) {
        in_window_ = false;
        EmitLiveValue();
      }
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
  if (trace_.live) {
    size_t added = DrainGpio();
    if (!streaming_) return added;
    const auto elapsed_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - paced_from_).count();
    if (paced_ < static_cast<uint64_t>(elapsed_us) * static_cast<uint64_t>(trace_.live->values_per_ms) / 1000) {
      ++paced_;
      added += EmitLiveValue();
    }
    return added;
  }
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
