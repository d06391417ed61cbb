#include "hil/power/testing/fake_ppk2.h"

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

FakePpk2::FakePpk2(PtyPair pty, Trace trace, Faults faults) : FakeDevice(std::move(pty), faults), trace_(std::move(trace)) {
  if (!trace_.live) return;
  EnableLive({.gpio_fifo = trace_.live->gpio_fifo, .samples_per_ms = trace_.live->samples_per_ms, .shows_level = true},
             [this](bool in_window, bool high) {
               const Live& spec = *trace_.live;
               Append(Ppk2Word(in_window ? spec.window_adc : spec.idle_adc, 0,
                               high ? static_cast<uint8_t>(1u << spec.gpio_bit) : 0));
             });
}

Result<std::unique_ptr<FakePpk2>> FakePpk2::Start(Trace trace, Faults faults) {
  auto pty = PtyPair::Open();
  if (!pty) return std::unexpected(pty.error());
  std::unique_ptr<FakePpk2> fake(new FakePpk2(std::move(*pty), std::move(trace), faults));
  if (auto r = fake->FakeDevice::Start(); !r) return std::unexpected(r.error());
  return fake;
}

FakePpk2::LiveStats FakePpk2::live_stats() const { return live() ? live()->stats() : LiveStats{}; }

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
        streaming_ = true;
        next_ = 0;
        last_idle_ = std::chrono::steady_clock::now();
        if (live()) live()->Start();
        break;
      case 0x07:
        // Samples already taken still go out, then nothing.
        if (live()) live()->Stop();
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
  if (live()) return live()->Produce();
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
