// Energy for emulated boards, where nothing can be measured: a model from the board kind
// (`energy: {model: per-mhz, current_ua_per_mhz, voltage_v}` in boards/<kind>.yaml). With the
// core's current per MHz I and supply V, one cycle costs I/MHz x V, so a window of N instructions
// (one per cycle, as QEMU's instruction count stands in for cycles) costs
//     E [uJ] = N x I [uA/MHz] x V / 1e6,
// independent of the clock. Always labelled: Capture::estimate is true and the source is
// "energy:estimate".
//
// It has the PowerMonitor shape so the runner drives every board the same way. There is no
// GPIO to watch: between Arm() and Collect() the runner calls RecordWindow() with the instruction
// count of each timed loop, where a real monitor would see the timestamp GPIO. The trace it
// returns runs on a normalized 1 MHz clock (one instruction = 1 us; times are not wall time) with
// one sample per window at I x 1 MHz, so IntegrateWindows gives exactly the formula above.
#pragma once

#include <map>
#include <string>

#include "hil/power/power_monitor.h"

namespace hil::power {

struct EnergyModel {
  double current_ua_per_mhz = 0;
  double voltage_v = 0;
  std::string reference;  // the datasheet the figure comes from
};

class EstimateMonitor final : public PowerMonitor {
 public:
  explicit EstimateMonitor(EnergyModel model);

  // From a board kind's `energy:` map. Errors: kNotFound when the model is not "per-mhz" (the
  // board kind has no energy model), kBadArgument for a missing or non-positive number.
  static Result<EnergyModel> ModelFromBoardEnergy(const std::map<std::string, std::string>& energy);

  // Keeps the model's voltage: the model's current figure holds at that supply only. Errors:
  // kBadState while armed.
  Result<void> Configure(const CaptureConfig& config, Deadline deadline) override;
  Result<void> Arm(Deadline deadline) override;
  // Stands in for one GPIO window. Errors: kBadState when not armed, kBadArgument for 0.
  Result<void> RecordWindow(uint64_t instructions);
  Result<Capture> Collect(Deadline deadline) override;
  std::string_view Describe() const override { return description_; }

 private:
  EnergyModel model_;
  std::string description_;
  bool armed_ = false;
  std::vector<uint64_t> windows_;
};

}  // namespace hil::power
