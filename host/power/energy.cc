#include "hil/power/energy.h"

#include <algorithm>
#include <string>

namespace hil::power {
namespace {

std::string Where(size_t index, const Window& w) {
  return "window " + std::to_string(index) + " [" + std::to_string(w.start_ns) + ", " + std::to_string(w.end_ns) +
         ") ns";
}

}  // namespace

Result<std::vector<WindowEnergy>> IntegrateWindows(const Capture& capture, std::span<const Window> windows) {
  const auto& s = capture.samples;
  if (s.empty()) return Fail(Status::kBadArgument, "energy: the trace has no samples");
  if (capture.sample_period_ns <= 0)
    return Fail(Status::kBadArgument,
                "energy: sample period must be positive, got " + std::to_string(capture.sample_period_ns) + " ns");
  if (!(capture.voltage_v > 0))
    return Fail(Status::kBadArgument, "energy: voltage must be positive, got " + std::to_string(capture.voltage_v) + " V");
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i].time_ns <= s[i - 1].time_ns)
      return Fail(Status::kBadArgument, "energy: sample " + std::to_string(i) + " at " + std::to_string(s[i].time_ns) +
                                            " ns is not after sample " + std::to_string(i - 1));
  }
  const int64_t trace_end = s.back().time_ns + capture.sample_period_ns;

  std::vector<WindowEnergy> out;
  out.reserve(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    const Window& win = windows[w];
    if (win.inferences == 0) return Fail(Status::kBadArgument, "energy: " + Where(w, win) + " has no inferences");
    if (win.end_ns <= win.start_ns) return Fail(Status::kBadArgument, "energy: " + Where(w, win) + " is empty");
    if (win.start_ns < s.front().time_ns || win.end_ns > trace_end)
      return Fail(Status::kBadArgument, "energy: " + Where(w, win) + " reaches outside the trace [" +
                                            std::to_string(s.front().time_ns) + ", " + std::to_string(trace_end) + ") ns");
    // First sample whose interval ends after the window starts: the last sample starting at or
    // before start_ns.
    auto it = std::upper_bound(s.begin(), s.end(), win.start_ns,
                               [](int64_t t, const CurrentSample& x) { return t < x.time_ns; });
    size_t i = static_cast<size_t>(it - s.begin()) - 1;
    // Sum of current x overlap in uA*ns; the overlaps are integers, so a piecewise-constant trace
    // with integral currents sums exactly and only the final scaling rounds.
    double ua_ns = 0;
    for (; i < s.size() && s[i].time_ns < win.end_ns; ++i) {
      const int64_t a = std::max(s[i].time_ns, win.start_ns);
      const int64_t b = std::min(i + 1 < s.size() ? s[i + 1].time_ns : trace_end, win.end_ns);
      if (b > a) ua_ns += s[i].current_ua * static_cast<double>(b - a);
    }
    WindowEnergy e;
    e.window = win;
    e.energy_uj = capture.voltage_v * ua_ns / 1e9;
    e.energy_per_inference_uj = e.energy_uj / win.inferences;
    e.mean_current_ua = ua_ns / static_cast<double>(win.end_ns - win.start_ns);
    out.push_back(e);
  }
  return out;
}

Result<double> EnergyPerInferenceUj(const Capture& capture, std::span<const Window> windows) {
  if (windows.empty()) return Fail(Status::kBadArgument, "energy: no timestamp windows (was the GPIO raised?)");
  auto per_window = IntegrateWindows(capture, windows);
  if (!per_window) return std::unexpected(per_window.error());
  double energy = 0;
  uint64_t inferences = 0;
  for (const auto& e : *per_window) {
    energy += e.energy_uj;
    inferences += e.window.inferences;
  }
  return energy / static_cast<double>(inferences);
}

}  // namespace hil::power
