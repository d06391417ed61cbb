#include "hil/link/mlperf_session.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hil::link {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

MlperfInputFormat MlperfInputFormatFor(const std::string& model_id) {
  if (model_id == "vww01" || model_id == "ic01") return MlperfInputFormat::kUint8Pixels;
  if (model_id == "ad01") return MlperfInputFormat::kFloat32;
  return MlperfInputFormat::kInt8;
}

std::vector<uint8_t> MlperfWireInput(MlperfInputFormat format, std::span<const uint8_t> tensor, float scale, int zero_point) {
  if (format == MlperfInputFormat::kInt8) return {tensor.begin(), tensor.end()};
  if (format == MlperfInputFormat::kUint8Pixels) {
    std::vector<uint8_t> pixels(tensor.size());
    for (size_t i = 0; i < tensor.size(); ++i) pixels[i] = static_cast<uint8_t>(tensor[i] ^ 0x80u);  // int8 + 128
    return pixels;
  }
  std::vector<uint8_t> wire(tensor.size() * 4);
  for (size_t i = 0; i < tensor.size(); ++i) {
    const float x = static_cast<float>(static_cast<int8_t>(tensor[i]) - zero_point) * scale;
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    for (int b = 0; b < 4; ++b) wire[4 * i + b] = static_cast<uint8_t>(bits >> (8 * b));  // little-endian
  }
  return wire;
}

Result<std::vector<double>> ParseMlperfResults(const std::string& line) {
  const std::string prefix = "m-results-[";
  if (!StartsWith(line, prefix.c_str()) || line.back() != ']')
    return Fail(Status::kBadFrame, "not an m-results line: '" + line + "'");
  std::vector<double> values;
  const std::string body = line.substr(prefix.size(), line.size() - prefix.size() - 1);
  size_t at = 0;
  while (at < body.size()) {
    const size_t comma = body.find(',', at);
    const std::string item = body.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size()) return Fail(Status::kBadFrame, "m-results: '" + item + "' is not a number");
    values.push_back(v);
    if (comma == std::string::npos) break;
    at = comma + 1;
    if (at == body.size()) return Fail(Status::kBadFrame, "m-results: a value is missing after the last ','");
  }
  return values;
}

Result<std::string> MlperfSession::ReadLine(const std::string& command, Deadline deadline) {
  for (;;) {
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) return line;
    }
    std::byte buf[4096];
    auto n = link_.Read(buf, deadline);
    if (!n) {
      const std::string what = command.empty() ? "the DUT's first m-ready" : "m-ready after '" + command + "%'";
      return Fail(n.error().code, who_ + ": no " + what + " (" + n.error().message + ")");
    }
    pending_.append(reinterpret_cast<const char*>(buf), *n);
  }
}

Result<std::vector<std::string>> MlperfSession::Command(const std::string& command) {
  return via_interface_ ? Passthrough(command) : Direct(command);
}

Result<std::vector<std::string>> MlperfSession::InterfaceCommand(const std::string& command) {
  const bool was = via_interface_;
  via_interface_ = false;
  auto r = Direct(command);
  via_interface_ = was;
  if (!r) return Fail(r.error().code, "interface board: " + r.error().message);
  return r;
}

Result<std::vector<std::string>> MlperfSession::Direct(const std::string& command) {
  if (!command.empty()) {
    const std::string text = command + "%";
    if (auto w = link_.Write(std::as_bytes(std::span(text.data(), text.size())), Deadline::After(timeout_)); !w)
      return Fail(w.error().code, who_ + ": sending '" + text + "': " + w.error().message);
  }
  std::vector<std::string> lines;
  std::vector<std::string> errors;
  const Deadline deadline = Deadline::After(timeout_);
  for (;;) {
    auto line = ReadLine(command, deadline);
    if (!line) return std::unexpected(line.error());
    if (*line == "m-ready") {
      if (!errors.empty()) return Fail(Status::kBadState, who_ + ": '" + command + "%': DUT says " + errors.front());
      return lines;
    }
    if (StartsWith(*line, "e-[")) errors.push_back(*line);
    else lines.push_back(*line);
  }
}

Result<std::vector<std::string>> MlperfSession::Passthrough(const std::string& command) {
  static const std::string kPrefix = "[dut]: ";
  if (command.empty()) {
    // Waiting for the DUT's own m-ready (after a reset): relayed lines up to a relayed m-ready.
    const Deadline deadline = Deadline::After(timeout_);
    std::vector<std::string> lines;
    for (;;) {
      auto line = ReadLine(command, deadline);
      if (!line) return std::unexpected(line.error());
      if (!StartsWith(*line, kPrefix.c_str())) continue;
      if (*line == kPrefix + "m-ready") return lines;
      lines.push_back(line->substr(kPrefix.size()));
    }
  }
  const std::string text = "dut " + command + "%";
  if (auto w = link_.Write(std::as_bytes(std::span(text.data(), text.size())), Deadline::After(timeout_)); !w)
    return Fail(w.error().code, who_ + ": sending '" + text + "' to the interface board: " + w.error().message);
  const Deadline deadline = Deadline::After(timeout_);
  const std::string ack = "m-dut-passthrough(" + command + ")";
  // The interface's acknowledgement and its m-ready; relayed DUT lines before it are stale.
  bool acked = false;
  for (;;) {
    auto line = ReadLine(command, deadline);
    if (!line) return Fail(line.error().code, line.error().message + (acked ? "" : " [the interface board did not acknowledge]"));
    if (StartsWith(*line, kPrefix.c_str())) continue;
    if (*line == ack) {
      acked = true;
      continue;
    }
    if (StartsWith(*line, "e-["))
      return Fail(Status::kBadState, who_ + ": '" + text + "': the interface board says " + *line);
    if (*line == "m-ready" && acked) break;
  }
  std::vector<std::string> lines;
  std::vector<std::string> errors;
  for (;;) {
    auto line = ReadLine(command, deadline);
    if (!line) return std::unexpected(line.error());
    if (!StartsWith(*line, kPrefix.c_str())) {
      if (StartsWith(*line, "e-["))
        return Fail(Status::kBadState, who_ + ": '" + text + "': the interface board says " + *line);
      continue;  // the interface's own chatter
    }
    const std::string dut = line->substr(kPrefix.size());
    if (dut == "m-ready") {
      if (!errors.empty()) return Fail(Status::kBadState, who_ + ": '" + command + "%': DUT says " + errors.front());
      return lines;
    }
    if (StartsWith(dut, "e-[")) errors.push_back(dut);
    else if (!dut.empty()) lines.push_back(dut);
  }
}

Result<void> MlperfSession::WaitReady() {
  auto r = Command("");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::string> MlperfSession::Name() {
  auto lines = Command("name");
  if (!lines) return std::unexpected(lines.error());
  // A DUT just reset prints a banner ending in m-ready first: then the reply is the next block.
  // (Through an interface board too: it relays what the DUT printed once it opens the DUT's UART.)
  for (int block = 0; block < 2; ++block) {
    for (const auto& l : *lines)
      if (StartsWith(l, "m-name-dut-[") && l.back() == ']') return l.substr(12, l.size() - 13);
    if (block == 0 && !(lines = Command(""))) return std::unexpected(lines.error());
  }
  std::string got;
  for (const auto& l : *lines) got += (got.empty() ? "" : " | ") + l;
  return Fail(Status::kBadFrame, who_ + ": name%: no m-name-dut-[...] line (got: " + (got.empty() ? "nothing" : got) + ")");
}

Result<std::string> MlperfSession::ModelId() {
  auto lines = Command("profile");
  if (!lines) return std::unexpected(lines.error());
  for (const auto& l : *lines)
    if (StartsWith(l, "m-model-[") && l.back() == ']') return l.substr(9, l.size() - 10);
  return Fail(Status::kBadFrame, who_ + ": profile%: no m-model-[...] line");
}

Result<void> MlperfSession::LoadInput(std::span<const uint8_t> input, size_t chunk_bytes) {
  if (auto r = Command("db load " + std::to_string(input.size())); !r) return std::unexpected(r.error());
  bool done = false;
  for (size_t at = 0; at < input.size(); at += chunk_bytes) {
    std::string hex = "db ";
    for (size_t i = at; i < std::min(input.size(), at + chunk_bytes); ++i) {
      char two[3];
      std::snprintf(two, sizeof two, "%02x", input[i]);
      hex += two;
    }
    auto r = Command(hex);
    if (!r) return std::unexpected(r.error());
    for (const auto& l : *r) done = done || l == "m-load-done";
  }
  if (!done) return Fail(Status::kBadState, who_ + ": the DUT did not confirm the input (no m-load-done)");
  return {};
}

Result<MlperfInference> MlperfSession::Infer(uint64_t runs, uint64_t warmup) {
  auto lines = Command("infer " + std::to_string(runs) + " " + std::to_string(warmup));
  if (!lines) return std::unexpected(lines.error());
  MlperfInference out;
  out.runs = runs;
  std::vector<uint64_t> laps;
  for (const auto& l : *lines) {
    if (StartsWith(l, "m-lap-us-")) laps.push_back(std::strtoull(l.c_str() + 9, nullptr, 10));
    if (StartsWith(l, "m-results-[")) {
      auto r = ParseMlperfResults(l);
      if (!r) return Fail(r.error().code, who_ + ": " + r.error().message);
      out.results = std::move(*r);
    }
  }
  if (laps.empty()) return out;  // energy-mode firmware: the power monitor times the runs
  if (laps.size() != 2 || laps[1] < laps[0])
    return Fail(Status::kBadFrame, who_ + ": infer: expected two increasing m-lap-us lines, got " + std::to_string(laps.size()));
  out.lap_us = laps[1] - laps[0];
  return out;
}

Result<std::vector<double>> MlperfSession::Results() {
  auto lines = Command("results");
  if (!lines) return std::unexpected(lines.error());
  for (const auto& l : *lines)
    if (StartsWith(l, "m-results-[")) {
      auto r = ParseMlperfResults(l);
      if (!r) return Fail(r.error().code, who_ + ": " + r.error().message);
      return r;
    }
  return Fail(Status::kBadFrame, who_ + ": results%: no m-results-[...] line");
}

}  // namespace hil::link
