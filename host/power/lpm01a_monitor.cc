#include "hil/power/lpm01a_monitor.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <vector>

#include "hil/link/serial_link.h"
#include "line_reader.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;

// A link error's message without the link's name in front (the caller names the port once).
std::string WithoutPrefix(std::string message, std::string_view name) {
  const std::string prefix = std::string(name) + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

constexpr std::string_view kPrompt = "PowerShield >";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Strips every leading prompt: the firmware prints one before each answer, and an answer that
// crosses an empty command line can carry two.
std::string_view StripPrompt(std::string_view s, bool* had_prompt = nullptr) {
  s = Trim(s);
  bool had = false;
  while (s.starts_with(kPrompt)) {
    s.remove_prefix(kPrompt.size());
    s = Trim(s);
    had = true;
  }
  if (had_prompt) *had_prompt = had;
  return s;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

double Pow10(int n) {
  double p = 1;
  for (int i = 0; i < n; ++i) p *= 10;  // exact up to 1e22
  return p;
}

}  // namespace

struct Lpm01aMonitor::Stream {
  std::mutex mu;  // the reader thread fills it; Collect reads it after join (the lock is for clarity)
  int64_t period_ns = 0;
  std::vector<CurrentSample> samples;
  std::vector<int64_t> event_times_ns;
  std::optional<Error> error;
  bool completed = false;
  std::chrono::steady_clock::time_point last_rx;

  // Takes one line of the acquisition stream. Errors: kBadFrame (not the protocol), kBadState
  // (the instrument reported an error).
  Result<void> Take(const std::string& raw) {
    bool had_prompt = false;
    const std::string_view line = StripPrompt(raw, &had_prompt);
    if (line.empty()) return {};
    if (line.find("Acquisition completed") != std::string_view::npos) {
      completed = true;
      return {};
    }
    if (line.starts_with("error") || line.starts_with("Error"))
      return Fail(Status::kBadState, "the instrument reported '" + std::string(line) + "' during acquisition");
    if (had_prompt || line.starts_with("ack")) return {};  // "ack stop", a bare prompt
    if (line.starts_with("TimeStamp:")) return {};  // the firmware's own clock; samples are counted instead
    if (line.starts_with("event")) {
      // "event <n> ris|fal"
      const std::string_view rest = Trim(line.substr(5));
      const size_t sp = rest.find(' ');
      const std::string_view num = sp == std::string_view::npos ? rest : rest.substr(0, sp);
      const std::string_view edge = sp == std::string_view::npos ? std::string_view() : Trim(rest.substr(sp + 1));
      if (!IsDigits(num) || (edge != "ris" && edge != "fal"))
        return Fail(Status::kBadFrame, "malformed event line '" + std::string(line) + "'");
      event_times_ns.push_back(static_cast<int64_t>(samples.size()) * period_ns);
      return {};
    }
    // Usually one value per line; the EnergyRunner's parser also takes several run together on one
    // line, so this does too (each exactly seven characters, optionally space-separated).
    std::vector<double> values;
    for (std::string_view rest = line; !rest.empty(); rest = Trim(rest)) {
      const std::string_view token = rest.substr(0, std::min<size_t>(7, rest.size()));
      auto ua = ParseCurrentUa(token);
      if (!ua) {
        return Fail(Status::kBadFrame, "malformed current value '" + std::string(line.substr(0, 80)) +
                                           "' (expected ascii_dec 'dddd-ee' values)");
      }
      values.push_back(*ua);
      rest.remove_prefix(token.size());
    }
    for (double ua : values) samples.push_back({static_cast<int64_t>(samples.size()) * period_ns, ua});
    return {};
  }
};

Result<double> Lpm01aMonitor::ParseCurrentUa(std::string_view text) {
  // UM2269 ascii_dec: four mantissa digits, a sign and a two-digit power of ten, in amperes.
  if (text.size() != 7 || !IsDigits(text.substr(0, 4)) || (text[4] != '-' && text[4] != '+') ||
      !IsDigits(text.substr(5, 2)))
    return Fail(Status::kBadFrame, "malformed current value '" + std::string(text.substr(0, 64)) +
                                       "' (expected ascii_dec 'dddd-ee')");
  const double mantissa = std::stoi(std::string(text.substr(0, 4)));
  const int exp = std::stoi(std::string(text.substr(5, 2)));
  // In microamps: mantissa x 10^(6 -/+ exp); divide by an exact power of ten so it rounds once.
  const int e = text[4] == '-' ? 6 - exp : 6 + exp;
  return e >= 0 ? mantissa * Pow10(e) : mantissa / Pow10(-e);
}

std::string Lpm01aMonitor::FreqArgument(uint32_t hz) {
  switch (hz) {
    case 1: case 2: case 5: case 10: case 20: case 50: case 100: case 200: case 500:
      return std::to_string(hz);
    case 1000: case 2000: case 5000:
      return std::to_string(hz / 1000) + "k";
    default:
      return "";
  }
}

Result<std::unique_ptr<Lpm01aMonitor>> Lpm01aMonitor::Open(const std::string& tty_path, Options options) {
  auto link = link::OpenTty(tty_path, kBaudRate);
  if (!link) return Wrap(link.error(), "lpm01a");
  return std::make_unique<Lpm01aMonitor>(std::move(*link), options);
}

Lpm01aMonitor::Lpm01aMonitor(std::unique_ptr<link::Link> link, Options options)
    : link_(std::move(link)),
      lines_(std::make_unique<LineReader>(*link_)),
      options_(options),
      description_("lpm01a:" + std::string(link_->Describe())) {}

Lpm01aMonitor::~Lpm01aMonitor() {
  StopReader();
  if (configured_) {
    // Best effort: leave the instrument in standalone mode, as the EnergyRunner does.
    const std::string hrc = "hrc\r\n";
    (void)link_->Write(std::as_bytes(std::span(hrc.data(), hrc.size())), Deadline::After(100ms));
  }
}

Error Lpm01aMonitor::Named(const Error& e) const {
  // Link errors already start with the link's name; say it once.
  const std::string name(link_->Describe());
  std::string_view message = e.message;
  if (message.starts_with(name + ": ")) message.remove_prefix(name.size() + 2);
  return Error{e.code, "lpm01a on " + name + ": " + std::string(message)};
}

Result<void> Lpm01aMonitor::Command(const std::string& command, Deadline deadline) {
  const auto budget = deadline.Remaining();
  const std::string wire = command + "\r\n";
  if (auto w = link_->Write(std::as_bytes(std::span(wire.data(), wire.size())), deadline); !w)
    return std::unexpected(Named(w.error()));
  std::string last;
  for (;;) {
    auto line = lines_->ReadLine(deadline);
    if (!line) {
      if (line.error().code == Status::kTimeout)
        return std::unexpected(Named({Status::kTimeout, "no ack for '" + command + "' within " +
                                                            std::to_string(budget.count()) + " ms" +
                                                            (last.empty() ? "" : " (last line: '" + last + "')")}));
      return std::unexpected(Named(line.error()));
    }
    const std::string_view t = StripPrompt(*line);
    if (t.starts_with("ack") && t.find(command) != std::string_view::npos) return {};
    if (t.starts_with("error")) {
      std::string detail;
      // UM2269: an error answer is followed by an "Error detail: ..." line.
      if (auto more = lines_->ReadLine(Deadline::After(100ms).Min(deadline)); more) {
        const std::string_view d = StripPrompt(*more);
        if (d.starts_with("Error detail")) detail = " (" + std::string(d) + ")";
      }
      return std::unexpected(Named({Status::kBadArgument, "'" + command + "' refused: " + std::string(t) + detail}));
    }
    if (!t.empty()) last = std::string(t.substr(0, 80));
  }
}

Result<void> Lpm01aMonitor::Configure(const CaptureConfig& config, Deadline deadline) {
  if (armed_) return std::unexpected(Named({Status::kBadState, "Configure while armed"}));
  const long mv = std::lround(config.voltage_v * 1000);
  if (mv < 1800 || mv > 3300)
    return std::unexpected(Named({Status::kBadArgument, "voltage " + std::to_string(config.voltage_v) +
                                                            " V outside the LPM01A's 1.8..3.3 V"}));
  const std::string freq = FreqArgument(config.sample_rate_hz);
  if (freq.empty())
    return std::unexpected(Named({Status::kBadArgument, "sample rate " + std::to_string(config.sample_rate_hz) +
                                                            " Hz: the LPM01A streams ascii_dec at 1, 2, 5, ..., "
                                                            "500, 1k, 2k or 5k Hz"}));
  configured_ = false;
  if (auto d = lines_->Drain(20, deadline); !d) return std::unexpected(Named(d.error()));
  for (const std::string& c : {std::string("htc"), "volt " + std::to_string(mv) + "m", "freq " + freq,
                               std::string("acqtime 0"), std::string("output current"),
                               std::string("format ascii_dec"), std::string("trigsrc sw"),
                               std::string("eventsrc d7 fal")}) {
    if (auto r = Command(c, deadline); !r) return r;
  }
  config_ = config;
  config_.voltage_v = static_cast<double>(mv) / 1000;
  configured_ = true;
  return {};
}

Result<void> Lpm01aMonitor::Arm(Deadline deadline) {
  if (!configured_) return std::unexpected(Named({Status::kBadState, "Arm before Configure"}));
  if (armed_) return std::unexpected(Named({Status::kBadState, "already armed"}));
  stream_ = std::make_unique<Stream>();
  stream_->period_ns = 1'000'000'000LL / config_.sample_rate_hz;
  if (auto r = Command("start", deadline); !r) return r;
  armed_ = true;
  stop_reader_ = false;
  stream_->last_rx = std::chrono::steady_clock::now();
  reader_ = std::thread([this] { ReaderLoop(); });
  return {};
}

void Lpm01aMonitor::ReaderLoop() {
  Stream& s = *stream_;
  while (!stop_reader_) {
    auto line = lines_->ReadLine(Deadline::After(20ms));
    std::lock_guard lock(s.mu);
    if (!line) {
      if (line.error().code != Status::kTimeout) {
        s.error = Named({line.error().code, (line.error().code == Status::kBadState ? "the port went away during capture: "
                                                                          : "during capture: ") +
                                          WithoutPrefix(line.error().message, link_->Describe())});
        return;
      }
      const auto silent = std::chrono::steady_clock::now() - s.last_rx;
      if (silent > options_.stall_timeout) {
        s.error = Named({Status::kTimeout,
                         "no data for " + std::to_string(options_.stall_timeout.count()) +
                             " ms while capturing (after " + std::to_string(s.samples.size()) +
                             " samples): the instrument stopped streaming"});
        return;
      }
      continue;
    }
    s.last_rx = std::chrono::steady_clock::now();
    if (auto r = s.Take(*line); !r) {
      s.error = Named(r.error());
      return;
    }
  }
}

void Lpm01aMonitor::StopReader() {
  stop_reader_ = true;
  if (reader_.joinable()) reader_.join();
}

Result<Capture> Lpm01aMonitor::Collect(Deadline deadline) {
  if (!armed_) return std::unexpected(Named({Status::kBadState, "Collect before Arm"}));
  StopReader();
  armed_ = false;
  Stream& s = *stream_;
  if (s.error) {
    configured_ = false;
    return std::unexpected(*s.error);
  }
  const auto budget = deadline.Remaining();
  const std::string stop = "stop\r\n";
  if (auto w = link_->Write(std::as_bytes(std::span(stop.data(), stop.size())), deadline); !w) {
    configured_ = false;
    return std::unexpected(Named(w.error()));
  }
  // Values still in flight come before the completion message; keep them.
  while (!s.completed) {
    auto line = lines_->ReadLine(deadline);
    if (!line) {
      configured_ = false;
      if (line.error().code == Status::kTimeout)
        return std::unexpected(Named({Status::kTimeout, "no 'Acquisition completed' within " +
                                                            std::to_string(budget.count()) + " ms of 'stop'"}));
      return std::unexpected(Named({line.error().code, "after stop: " + line.error().message}));
    }
    if (auto r = s.Take(*line); !r) {
      configured_ = false;
      return std::unexpected(Named(r.error()));
    }
  }
  if (s.event_times_ns.size() % 2 != 0)
    return std::unexpected(Named({Status::kBadState, "the timestamp GPIO (D7) window opened at " +
                                                         std::to_string(s.event_times_ns.back()) +
                                                         " ns never closed"}));
  Capture c;
  c.voltage_v = config_.voltage_v;
  c.sample_period_ns = s.period_ns;
  c.samples = std::move(s.samples);
  c.source = "energy:lpm01a";
  for (size_t i = 0; i + 1 < s.event_times_ns.size(); i += 2) {
    if (s.event_times_ns[i + 1] <= s.event_times_ns[i])
      return std::unexpected(Named({Status::kBadFrame, "timestamp window " + std::to_string(i / 2) +
                                                           " is shorter than one sample (" +
                                                           std::to_string(s.period_ns) + " ns)"}));
    c.windows.push_back({s.event_times_ns[i], s.event_times_ns[i + 1], 0});
  }
  return c;
}

}  // namespace hil::power
