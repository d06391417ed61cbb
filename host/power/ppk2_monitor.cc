#include "hil/power/ppk2_monitor.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "hil/link/serial_link.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;

// A link error's message without the link's name in front (the caller names the port once).
std::string WithoutPrefix(std::string message, std::string_view name) {
  const std::string prefix = std::string(name) + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

}  // namespace

Result<Ppk2Calibration> Ppk2Monitor::ParseMetadata(std::string_view text) {
  std::map<std::string, double, std::less<>> values;
  bool end = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line == "END") {
      end = true;
      break;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // firmware banner lines
    const std::string_view key = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size()) {
      // Only calibration keys must be numbers ("HW", "IA", "Calibrated" may be anything).
      if (key.size() >= 2 && std::string_view("RGOSIU").find(key[0]) != std::string_view::npos &&
          std::isdigit(static_cast<unsigned char>(key.back())))
        return Fail(Status::kBadFrame, "metadata: " + std::string(key) + " is not a number: '" +
                                           std::string(value.substr(0, 40)) + "'");
      continue;
    }
    values[std::string(key)] = v;
  }
  if (!end) return Fail(Status::kBadFrame, "metadata without the closing 'END' line");
  Ppk2Calibration cal;
  auto need = [&](const char* name, std::array<double, 5>& into, bool required) -> Result<void> {
    for (int r = 0; r < 5; ++r) {
      auto it = values.find(std::string(name) + std::to_string(r));
      if (it == values.end()) {
        if (required) return Fail(Status::kBadFrame, std::string("metadata lacks ") + name + std::to_string(r));
        continue;
      }
      into[r] = it->second;
    }
    return {};
  };
  for (auto [name, arr] : {std::pair{"R", &cal.r}, {"GS", &cal.gs}, {"GI", &cal.gi}, {"O", &cal.o}, {"S", &cal.s},
                           {"I", &cal.i}}) {
    if (auto r = need(name, *arr, true); !r) return std::unexpected(r.error());
  }
  (void)need("UG", cal.ug, false);  // user gains: older firmware omits them (default 1)
  for (int r = 0; r < 5; ++r) {
    if (!(cal.r[r] > 0)) return Fail(Status::kBadFrame, "metadata: R" + std::to_string(r) + " must be positive");
  }
  return cal;
}

std::array<uint8_t, 2> Ppk2Monitor::RegulatorBytes(int mv) {
  const int code = mv - 800 + 32;
  return {static_cast<uint8_t>(3 + code / 256), static_cast<uint8_t>(code % 256)};
}

Result<double> Ppk2Monitor::ConvertToUa(uint32_t word, const Ppk2Calibration& cal, double vdd_v) {
  const uint32_t range = (word >> 14) & 0x7;
  if (range > 4)
    return Fail(Status::kBadFrame, "sample " + Hex32(word) + ": measurement range " + std::to_string(range) +
                                       " is not 0..4 (a misaligned stream, or not a PPK2)");
  const double adc = static_cast<double>(word & 0x3FFF) * 4;
  const double x = (adc - cal.o[range]) * (1.8 / 163840) / cal.r[range];
  const double amps = cal.ug[range] * (x * (cal.gs[range] * x + cal.gi[range]) + cal.s[range] * vdd_v + cal.i[range]);
  return amps * 1e6;
}

Result<std::unique_ptr<Ppk2Monitor>> Ppk2Monitor::Open(const std::string& tty_path, Options options) {
  auto link = link::OpenTty(tty_path, kBaudRate);
  if (!link) return Wrap(link.error(), "ppk2");
  return std::make_unique<Ppk2Monitor>(std::move(*link), options);
}

Ppk2Monitor::Ppk2Monitor(std::unique_ptr<link::Link> link, Options options)
    : link_(std::move(link)), options_(options), description_("ppk2:" + std::string(link_->Describe())) {}

Ppk2Monitor::~Ppk2Monitor() {
  StopReader();
  if (armed_) (void)Send({kAverageStop}, Deadline::After(100ms));
}

Error Ppk2Monitor::Named(const Error& e) const {
  // Link errors already start with the link's name; say it once.
  const std::string name(link_->Describe());
  std::string_view message = e.message;
  if (message.starts_with(name + ": ")) message.remove_prefix(name.size() + 2);
  return Error{e.code, "ppk2 on " + name + ": " + std::string(message)};
}

Result<void> Ppk2Monitor::Send(std::initializer_list<uint8_t> bytes, Deadline deadline) {
  std::vector<uint8_t> b(bytes);
  if (auto w = link_->Write(std::as_bytes(std::span(b)), deadline); !w) return std::unexpected(Named(w.error()));
  return {};
}

Result<void> Ppk2Monitor::Configure(const CaptureConfig& config, Deadline deadline) {
  if (armed_) return std::unexpected(Named({Status::kBadState, "Configure while armed"}));
  const long mv = std::lround(config.voltage_v * 1000);
  if (mv < 800 || mv > 5000)
    return std::unexpected(Named({Status::kBadArgument, "voltage " + std::to_string(config.voltage_v) +
                                                            " V outside the PPK2's 0.8..5 V"}));
  if (config.sample_rate_hz != kSampleRateHz)
    return std::unexpected(Named({Status::kBadArgument, "sample rate " + std::to_string(config.sample_rate_hz) +
                                                            " Hz: the PPK2 streams at 100000 Hz only"}));
  if (config.gpio_channel < 0 || config.gpio_channel > 7)
    return std::unexpected(Named({Status::kBadArgument, "GPIO channel D" + std::to_string(config.gpio_channel) +
                                                            ": the logic port has D0..D7"}));
  configured_ = false;
  // Stale samples from an earlier session would misalign the metadata text.
  for (;;) {
    std::byte junk[256];
    auto n = link_->Read(junk, Deadline::After(20ms).Min(deadline));
    if (!n) {
      if (n.error().code == Status::kTimeout) break;
      return std::unexpected(Named(n.error()));
    }
  }
  const auto budget = deadline.Remaining();
  if (auto r = Send({kGetMetadata}, deadline); !r) return r;
  std::string text;
  while (text.find("END") == std::string::npos) {
    std::byte chunk[256];
    auto n = link_->Read(chunk, deadline);
    if (!n) {
      if (n.error().code == Status::kTimeout)
        return std::unexpected(Named({Status::kTimeout, "no metadata ending in 'END' within " +
                                                            std::to_string(budget.count()) + " ms of GetMetadata" +
                                                            (text.empty() ? " (nothing arrived)" : "")}));
      return std::unexpected(Named(n.error()));
    }
    text.append(reinterpret_cast<const char*>(chunk), *n);
    if (text.size() > 8192) return std::unexpected(Named({Status::kBadFrame, "metadata longer than 8 KiB without 'END'"}));
  }
  // Bytes after END (there should be none) are dropped with the rest of this read.
  auto cal = ParseMetadata(text.substr(0, text.find("END") + 3));
  if (!cal) return std::unexpected(Named(cal.error()));
  calibration_ = *cal;
  const auto reg = RegulatorBytes(static_cast<int>(mv));
  if (auto r = Send({kSetPowerMode, static_cast<uint8_t>(options_.source_meter ? 2 : 1)}, deadline); !r) return r;
  if (auto r = Send({kRegulatorSet, reg[0], reg[1]}, deadline); !r) return r;
  if (options_.source_meter) {
    if (auto r = Send({kDeviceRunningSet, 1}, deadline); !r) return r;
  }
  config_ = config;
  config_.voltage_v = static_cast<double>(mv) / 1000;
  configured_ = true;
  return {};
}

Result<void> Ppk2Monitor::Arm(Deadline deadline) {
  if (!configured_) return std::unexpected(Named({Status::kBadState, "Arm before Configure"}));
  if (armed_) return std::unexpected(Named({Status::kBadState, "already armed"}));
  raw_.clear();
  reader_error_.reset();
  if (auto r = Send({kAverageStart}, deadline); !r) return r;
  // The first sample is the acknowledgement: until it arrives the instrument may not be measuring
  // yet, and a window the board opens before then would be lost.
  while (raw_.size() < 4) {
    std::vector<std::byte> chunk(4096);
    auto n = link_->Read(chunk, deadline);
    if (!n) {
      (void)Send({kAverageStop}, Deadline::After(100ms));
      return std::unexpected(Named({n.error().code, n.error().code == Status::kTimeout
                                                        ? "no samples after AverageStart by the deadline: not streaming"
                                                        : "after AverageStart: " + WithoutPrefix(n.error().message, link_->Describe())}));
    }
    const auto* p = reinterpret_cast<const uint8_t*>(chunk.data());
    raw_.insert(raw_.end(), p, p + *n);
  }
  last_rx_ = std::chrono::steady_clock::now().time_since_epoch().count();
  armed_ = true;
  stop_reader_ = false;
  reader_ = std::thread([this] { ReaderLoop(); });
  return {};
}

void Ppk2Monitor::ReaderLoop() {
  auto last_rx = std::chrono::steady_clock::now();
  std::vector<std::byte> chunk(16384);
  while (!stop_reader_) {
    auto n = link_->Read(chunk, Deadline::After(20ms));
    if (!n) {
      if (n.error().code != Status::kTimeout) {
        reader_error_ = Named({n.error().code, (n.error().code == Status::kBadState ? "the port went away during capture: "
                                                                       : "during capture: ") +
                                       WithoutPrefix(n.error().message, link_->Describe())});
        return;
      }
      if (std::chrono::steady_clock::now() - last_rx > options_.stall_timeout) {
        reader_error_ = Named({Status::kTimeout, "no data for " + std::to_string(options_.stall_timeout.count()) +
                                                     " ms while capturing (after " + std::to_string(raw_.size() / 4) +
                                                     " samples): the instrument stopped streaming"});
        return;
      }
      continue;
    }
    last_rx = std::chrono::steady_clock::now();
    last_rx_ = last_rx.time_since_epoch().count();
    const auto* p = reinterpret_cast<const uint8_t*>(chunk.data());
    raw_.insert(raw_.end(), p, p + *n);
  }
}

void Ppk2Monitor::StopReader() {
  stop_reader_ = true;
  if (reader_.joinable()) reader_.join();
}

Result<Capture> Ppk2Monitor::Collect(Deadline deadline) {
  if (!armed_) return std::unexpected(Named({Status::kBadState, "Collect before Arm"}));
  const auto called = std::chrono::steady_clock::now();
  StopReader();
  armed_ = false;
  if (reader_error_) {
    configured_ = false;
    return std::unexpected(*reader_error_);
  }
  const auto silent = called - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_rx_.load()));
  if (silent > options_.end_silence) {
    configured_ = false;
    (void)Send({kAverageStop}, Deadline::After(100ms));
    return std::unexpected(Named({Status::kTimeout, "no data for " +
                                                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silent).count()) +
                                                        " ms before the capture ended (after " + std::to_string(raw_.size() / 4) +
                                                        " samples): the instrument stopped streaming"}));
  }
  if (auto r = Send({kAverageStop}, deadline); !r) {
    configured_ = false;
    return std::unexpected(r.error());
  }
  // The stream has no end marker: samples in flight arrive within a few ms of AverageStop.
  for (;;) {
    std::vector<std::byte> chunk(16384);
    auto n = link_->Read(chunk, Deadline::After(50ms).Min(deadline));
    if (!n) {
      if (n.error().code == Status::kTimeout) break;
      configured_ = false;
      return std::unexpected(Named({n.error().code, "after AverageStop: " + n.error().message}));
    }
    const auto* p = reinterpret_cast<const uint8_t*>(chunk.data());
    raw_.insert(raw_.end(), p, p + *n);
  }

  Capture c;
  c.voltage_v = config_.voltage_v;
  c.sample_period_ns = 1'000'000'000LL / kSampleRateHz;
  c.source = "energy:ppk2";
  const size_t count = raw_.size() / 4;  // a torn last sample is dropped
  c.samples.reserve(count);
  // Windows run from one falling edge of the timestamp GPIO to the next (agent.h: the pin idles high
  // and each mark is a short low pulse), pairing the edges in order.
  const uint32_t gpio_bit = 1u << (24 + config_.gpio_channel);
  bool high = false;
  bool open = false;
  int64_t opened = 0;
  for (size_t k = 0; k < count; ++k) {
    const uint32_t word = uint32_t{raw_[4 * k]} | uint32_t{raw_[4 * k + 1]} << 8 | uint32_t{raw_[4 * k + 2]} << 16 |
                          uint32_t{raw_[4 * k + 3]} << 24;
    auto ua = ConvertToUa(word, calibration_, config_.voltage_v);
    if (!ua) return std::unexpected(Named({ua.error().code, "sample " + std::to_string(k) + ": " + ua.error().message}));
    const int64_t t = static_cast<int64_t>(k) * c.sample_period_ns;
    c.samples.push_back({t, *ua});
    const bool now_high = (word & gpio_bit) != 0;
    if (k > 0 && high && !now_high) {
      if (open) c.windows.push_back({opened, t, 0});
      else opened = t;
      open = !open;
    }
    high = now_high;
  }
  if (open)
    return std::unexpected(Named({Status::kBadState, "the timestamp GPIO (D" + std::to_string(config_.gpio_channel) +
                                                         ") window opened at " + std::to_string(opened) +
                                                         " ns never closed"}));
  return c;
}

}  // namespace hil::power
