#include "hil/power/estimate_monitor.h"

#include <charconv>
#include <cstdio>

namespace hil::power {
namespace {

std::string Number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

}  // namespace

EstimateMonitor::EstimateMonitor(EnergyModel model)
    : model_(std::move(model)),
      description_("estimate:" + Number(model_.current_ua_per_mhz) + "uA/MHz@" + Number(model_.voltage_v) + "V") {}

Result<EnergyModel> EstimateMonitor::ModelFromBoardEnergy(const std::map<std::string, std::string>& energy) {
  auto it = energy.find("model");
  const std::string model = it == energy.end() ? "" : it->second;
  if (model != "per-mhz")
    return Fail(Status::kNotFound, "energy model '" + model + "' is not 'per-mhz': no estimate for this board kind");
  EnergyModel m;
  for (auto [key, into] : {std::pair{"current_ua_per_mhz", &m.current_ua_per_mhz}, {"voltage_v", &m.voltage_v}}) {
    auto f = energy.find(key);
    if (f == energy.end()) return Fail(Status::kBadArgument, std::string("energy.") + key + " is missing");
    const std::string& s = f->second;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !(v > 0))
      return Fail(Status::kBadArgument, std::string("energy.") + key + ": expected a positive number, got '" + s + "'");
    *into = v;
  }
  if (auto r = energy.find("reference"); r != energy.end()) m.reference = r->second;
  return m;
}

Result<void> EstimateMonitor::Configure(const CaptureConfig&, Deadline) {
  if (armed_) return Fail(Status::kBadState, description_ + ": Configure while armed");
  return {};
}

Result<void> EstimateMonitor::Arm(Deadline) {
  if (armed_) return Fail(Status::kBadState, description_ + ": already armed");
  if (!(model_.current_ua_per_mhz > 0) || !(model_.voltage_v > 0))
    return Fail(Status::kBadArgument, description_ + ": the energy model needs a positive current and voltage");
  windows_.clear();
  armed_ = true;
  return {};
}

Result<void> EstimateMonitor::RecordWindow(uint64_t instructions) {
  if (!armed_) return Fail(Status::kBadState, description_ + ": RecordWindow before Arm");
  if (instructions == 0) return Fail(Status::kBadArgument, description_ + ": a window of 0 instructions");
  windows_.push_back(instructions);
  return {};
}

Result<Capture> EstimateMonitor::Collect(Deadline) {
  if (!armed_) return Fail(Status::kBadState, description_ + ": Collect before Arm");
  armed_ = false;
  Capture c;
  c.voltage_v = model_.voltage_v;
  c.source = "energy:estimate";
  c.estimate = true;
  // Normalized 1 MHz clock: an instruction lasts 1000 ns and the core draws I/MHz x 1 MHz.
  // The sample period is that of one instruction; each window is one sample held across it.
  c.sample_period_ns = 1000;
  int64_t t = 0;
  for (size_t i = 0; i < windows_.size(); ++i) {
    const int64_t length_ns = static_cast<int64_t>(windows_[i]) * 1000;
    c.samples.push_back({t, model_.current_ua_per_mhz});
    c.windows.push_back({t, t + length_ns, 0});
    t += length_ns;
    // A zero-current gap between windows keeps the samples strictly ascending and the windows
    // apart, as on a real trace.
    c.samples.push_back({t, 0});
    t += 1000;
  }
  return c;
}

}  // namespace hil::power
