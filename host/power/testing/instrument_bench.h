// For the instrument monitors' tests (hil_power_test; GoogleTest): an emulator with its monitor
// opened on the pty, one capture driven through them, and the checks of a known trace's windows.
// A step the test takes for granted that fails is a test failure, not a returned error.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "hil/core/deadline.h"
#include "hil/core/error.h"
#include "hil/power/energy.h"
#include "hil/power/power_monitor.h"

namespace hil::power::testing {

// An instrument emulator (FakeLpm01a, FakePpk2) and a monitor opened on its pty.
template <typename Fake, typename Monitor>
struct Bench {
  // Starts the emulator playing `trace`, and opens the monitor with `options`. Either failing is a
  // test failure and an empty Bench.
  static Bench Start(typename Fake::Trace trace, typename Fake::Faults faults, typename Monitor::Options options) {
    auto fake = Fake::Start(std::move(trace), std::move(faults));
    if (!fake) {
      ADD_FAILURE() << "emulator: " << fake.error().message;
      return {};
    }
    auto monitor = Monitor::Open((*fake)->slave_path(), options);
    if (!monitor) {
      ADD_FAILURE() << "monitor: " << monitor.error().message;
      return {};
    }
    return {std::move(*fake), std::move(*monitor)};
  }

  explicit operator bool() const { return fake && monitor; }

  // Configure, Arm, and wait until the emulator has played its trace (or a fault cut it); any of
  // them failing is a fatal test failure (ASSERT_NO_FATAL_FAILURE).
  void Play(const CaptureConfig& config) {
    using namespace std::chrono_literals;
    auto configured = monitor->Configure(config, Deadline::After(2s));
    ASSERT_TRUE(configured) << configured.error().message;
    auto armed = monitor->Arm(Deadline::After(2s));
    ASSERT_TRUE(armed) << armed.error().message;
    ASSERT_TRUE(fake->WaitPlayed(5s)) << "the emulator did not play its trace within 5 s";
  }

  // Play, then Collect with a deadline of `collect_ms`.
  Result<Capture> PlayAndCollect(const CaptureConfig& config, std::chrono::milliseconds collect_ms = std::chrono::seconds(2)) {
    Play(config);
    if (::testing::Test::HasFatalFailure()) return Fail(Status::kBadState, "the capture did not start");
    return monitor->Collect(Deadline::After(collect_ms));
  }

  std::unique_ptr<Fake> fake;
  std::unique_ptr<Monitor> monitor;
};

// Runs `call`, which must return within `limit` (its deadline honoured), and returns its result.
template <typename Call>
auto ReturnsWithin(std::chrono::milliseconds limit, Call&& call) {
  const auto t0 = std::chrono::steady_clock::now();
  auto result = call();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, limit);
  return result;
}

// One window of a known trace: its bounds, and its energy once given `inferences`.
struct ExpectedWindow {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint32_t inferences = 0;
  double energy_uj = 0;
};

// The capture's windows are `expected`; integrated with their inference counts, each comes to its
// energy and energy per inference, and all of them together to their energy over their inferences.
inline void ExpectWindowEnergies(Capture capture, const std::vector<ExpectedWindow>& expected) {
  ASSERT_EQ(capture.windows.size(), expected.size());
  double energy_uj = 0;
  uint32_t inferences = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(capture.windows[i].start_ns, expected[i].start_ns) << "window " << i;
    EXPECT_EQ(capture.windows[i].end_ns, expected[i].end_ns) << "window " << i;
    capture.windows[i].inferences = expected[i].inferences;
    energy_uj += expected[i].energy_uj;
    inferences += expected[i].inferences;
  }
  auto each = IntegrateWindows(capture, capture.windows);
  ASSERT_TRUE(each) << each.error().message;
  ASSERT_EQ(each->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_DOUBLE_EQ((*each)[i].energy_uj, expected[i].energy_uj) << "window " << i;
    EXPECT_DOUBLE_EQ((*each)[i].energy_per_inference_uj, expected[i].energy_uj / expected[i].inferences) << "window " << i;
  }
  auto overall = EnergyPerInferenceUj(capture, capture.windows);
  ASSERT_TRUE(overall) << overall.error().message;
  EXPECT_DOUBLE_EQ(*overall, energy_uj / inferences);
}

}  // namespace hil::power::testing
