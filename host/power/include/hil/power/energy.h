// Energy per inference from a current trace and the timestamp-GPIO windows. Pure arithmetic: no
// I/O, no clocks; every monitor (and the estimate) goes through it.
//
// Rule: rectangles (sample and hold). Sample i stands for the mean current over
// [t_i, t_{i+1}) (the last one over [t_last, t_last + sample_period_ns)), which is what both
// instruments report: each value is an average over its sample interval. The energy of a window
// [start, end) is
//     E = V * sum_i I_i * |[t_i, t_{i+1}) intersect [start, end)|
// so a window edge inside a sample takes the covered fraction of that sample, and for a
// piecewise-constant current the result is exact. Units: uA * V * s = uJ.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hil/core/error.h"
#include "hil/power/power_monitor.h"

namespace hil::power {

struct WindowEnergy {
  Window window;
  double energy_uj = 0;                // the whole window
  double energy_per_inference_uj = 0;  // energy_uj / window.inferences
  double mean_current_ua = 0;          // energy_uj / (V * duration)
};

// Integrates each window of `windows` over `capture` (its samples, sample_period_ns and voltage_v).
// Errors (kBadArgument, naming the window by index): a window with inferences == 0, end <= start,
// or reaching outside the samples; samples not strictly ascending; a non-positive sample period or
// voltage; no samples.
Result<std::vector<WindowEnergy>> IntegrateWindows(const Capture& capture, std::span<const Window> windows);

// Sum of the energies over the sum of the inferences of all windows (the figure stored per job).
// Errors as IntegrateWindows, and kBadArgument for no windows.
Result<double> EnergyPerInferenceUj(const Capture& capture, std::span<const Window> windows);

}  // namespace hil::power
