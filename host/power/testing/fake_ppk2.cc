#include "hil/power/testing/fake_ppk2.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hil::power::testing {
namespace {

// Argument bytes after each opcode the fake understands (pc-nrfconnect-ppk's command set).
int ArgumentBytes(uint8_t opcode) {
  switch (opcode) {
    case 0x06: case 0x07: case 0x19: return 0;   // AverageStart, AverageStop, GetMetadata
    case 0x0C: case 0x11: return 1;              // DeviceRunningSet, SetPowerMode
    case 0x0D: return 2;                         // RegulatorSet
    default: return 0;
  }
}

}  // namespace

std::string FakePpk2::SimpleMetadata() {
  return "Calibrated: 0\n"
         "R0: 43.9453125\nR1: 4.39453125\nR2: 10.15\nR3: 0.94\nR4: 0.043\n"
         "GS0: 0\nGS1: 0\nGS2: 0\nGS3: 0\nGS4: 0\n"
         "GI0: 1\nGI1: 1\nGI2: 1\nGI3: 1\nGI4: 1\n"
         "O0: 0\nO1: 0\nO2: 0\nO3: 0\nO4: 0\n"
         "S0: 0\nS1: 0\nS2: 0\nS3: 0\nS4: 0\n"
         "I0: 0\nI1: 0\nI2: 0\nI3: 0\nI4: 0\n"
         "UG0: 1\nUG1: 1\nUG2: 1\nUG3: 1\nUG4: 1\n"
         "HW: 9173\nmode: 2\nIA: 56\nEND\n";
}

Result<std::unique_ptr<FakePpk2>> FakePpk2::Start(Trace trace, Faults faults) {
  auto pty = PtyPair::Open();
  if (!pty) return std::unexpected(pty.error());
  std::unique_ptr<FakePpk2> fake(new FakePpk2(std::move(*pty), std::move(trace), faults));
  if (fake->trace_.live) {
    if (auto r = fake->gpio_.Open(fake->trace_.live->gpio_fifo); !r) return std::unexpected(r.error());
  }
  fake->FakeDevice::Start();
  return fake;
}

FakePpk2::LiveStats FakePpk2::live_stats() const {
  std::lock_guard lock(mu_);
  return live_stats_;
}

size_t FakePpk2::DrainGpio() {
  if (!gpio_.is_open()) return 0;
  size_t added = 0;
  // Every level the pin took gets a sample of its own, so a pulse shorter than the pace still shows
  // as a falling edge, and two pulses in a row as two.
  gpio_.Drain([&] {
    if (!streaming_) return;  // the capture starts outside any window
    if (!last_high_) added += AppendLiveAt(true);  // the pin went high again since the last sample
    in_window_ = !in_window_;
    if (in_window_) {
      std::lock_guard lock(mu_);
      ++live_stats_.windows;
    }
    added += AppendLiveAt(false);
  });
  if (streaming_ && gpio_.high() && !last_high_) added += AppendLiveAt(true);
  return added;
}

size_t FakePpk2::AppendLive() { return AppendLiveAt(gpio_.high()); }

size_t FakePpk2::AppendLiveAt(bool high) {
  const Live& live = *trace_.live;
  last_high_ = high;
  Append(Ppk2Word(in_window_ ? live.window_adc : live.idle_adc, 0, high ? static_cast<uint8_t>(1u << live.gpio_bit) : 0));
  std::lock_guard lock(mu_);
  ++live_stats_.samples;
  if (in_window_) ++live_stats_.window_samples;
  return 1;
}

std::vector<std::vector<uint8_t>> FakePpk2::commands() const {
  std::lock_guard lock(mu_);
  return commands_;
}

void FakePpk2::OnInput(std::string_view bytes) {
  in_.append(bytes);
  while (!in_.empty()) {
    const auto opcode = static_cast<uint8_t>(in_[0]);
    const size_t need = 1 + static_cast<size_t>(ArgumentBytes(opcode));
    if (in_.size() < need) return;
    std::vector<uint8_t> command(in_.begin(), in_.begin() + static_cast<long>(need));
    in_.erase(0, need);
    {
      std::lock_guard lock(mu_);
      commands_.push_back(command);
    }
    switch (opcode) {
      case 0x19: out_ += trace_.metadata; break;
      case 0x06:
        DrainGpio();  // edges from before the start are not part of the capture
        streaming_ = true;
        next_ = 0;
        last_idle_ = paced_from_ = std::chrono::steady_clock::now();
        paced_samples_ = 0;
        if (trace_.live) {
          in_window_ = false;
          AppendLive();  // the instrument samples from the moment it starts
        }
        break;
      case 0x07:
        // Samples already taken still go out, then nothing. Live: the edges the agent wrote before
        // the host asked to stop are in the FIFO by now.
        if (streaming_ && trace_.live) {
          DrainGpio();
          AppendLive();
        }
        while (streaming_ && next_ < trace_.words.size()) Append(trace_.words[next_++]);
        streaming_ = false;
        break;
      default: break;
    }
  }
}

void FakePpk2::Append(uint32_t w) {
  const char b[4] = {static_cast<char>(w & 0xFF), static_cast<char>(w >> 8 & 0xFF), static_cast<char>(w >> 16 & 0xFF),
                     static_cast<char>(w >> 24 & 0xFF)};
  out_.append(b, 4);
}

size_t FakePpk2::Produce() {
  if (trace_.live) {
    size_t added = DrainGpio();
    if (!streaming_) return added;
    const auto due = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - paced_from_).count()) *
                     static_cast<uint64_t>(trace_.live->samples_per_ms) / 1000;
    if (paced_samples_ < due) {
      ++paced_samples_;
      added += AppendLive();
    }
    return added;
  }
  if (!streaming_) return 0;
  if (next_ < trace_.words.size()) {
    Append(trace_.words[next_++]);
    return 1;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_idle_ >= std::chrono::milliseconds(1)) {
    last_idle_ = now;
    Append(trace_.idle_word);
  }
  return 0;
}

}  // namespace hil::power::testing
