// The instrument emulators' live mode (LiveStream): a capture follows the agent's timestamp GPIO as
// the agent writes it (pin levels to a FIFO): each falling edge toggles the window, edges from before
// the start command are not part of the capture, the stop command takes the edges already written,
// and the PPK2-style stream shows every level the pin took.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hil/power/testing/fake_device.h"

namespace hil::power::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class LiveStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_live_stream_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (writer_ >= 0) close(writer_);
    std::filesystem::remove_all(dir_);
  }
  // A stream at `samples_per_ms` recording each sample as (in window, pin high) and counting falls.
  std::unique_ptr<LiveStream> Make(bool shows_level, int samples_per_ms = 1) {
    LiveStream::Options o;
    o.gpio_fifo = (dir_ / "gpio.fifo").string();
    o.samples_per_ms = samples_per_ms;
    o.shows_level = shows_level;
    auto s = std::make_unique<LiveStream>(
        o, [this](bool in_window, bool high) { samples_.emplace_back(in_window, high); }, [this] { ++falls_; });
    auto opened = s->Open();
    EXPECT_TRUE(opened) << opened.error().message;
    writer_ = open(o.gpio_fifo.c_str(), O_WRONLY | O_NONBLOCK);  // as the agent opens it
    EXPECT_GE(writer_, 0);
    return s;
  }
  // The agent's th_timestamp(): a low pulse on a pin idling high.
  void Pulse() { ASSERT_EQ(write(writer_, "01", 2), 2); }

  std::filesystem::path dir_;
  int writer_ = -1;
  std::vector<std::pair<bool, bool>> samples_;
  int falls_ = 0;
};

TEST_F(LiveStreamTest, EachFallingEdgeTogglesTheWindowAndEdgesBeforeTheStartDoNotCount) {
  auto s = Make(/*shows_level=*/false, /*samples_per_ms=*/0);  // no paced samples: only edges show
  Pulse();  // before the instrument was started: not part of the capture
  s->Start();
  EXPECT_THAT(samples_, ElementsAre(Pair(false, true)));  // the first sample, outside any window
  EXPECT_EQ(falls_, 0);
  Pulse();  // opens a window
  s->Produce();
  EXPECT_EQ(falls_, 1);
  EXPECT_EQ(samples_.back(), std::make_pair(true, false));
  Pulse();  // closes it
  s->Produce();
  EXPECT_EQ(falls_, 2);
  EXPECT_EQ(samples_.back(), std::make_pair(false, false));
  const auto stats = s->stats();
  EXPECT_EQ(stats.windows, 1u);
  EXPECT_EQ(stats.samples, samples_.size());
  EXPECT_EQ(stats.window_samples, 1u);  // the sample at the opening edge
}

TEST_F(LiveStreamTest, StopTakesTheEdgesAlreadyWrittenThenStreamsNoMore) {
  auto s = Make(false, 0);
  s->Start();
  Pulse();
  Pulse();  // both written before the host's stop command
  s->Stop();
  EXPECT_EQ(falls_, 2);
  EXPECT_EQ(s->stats().windows, 1u);
  const size_t after_stop = samples_.size();
  Pulse();
  EXPECT_EQ(s->Produce(), 0u);
  EXPECT_EQ(samples_.size(), after_stop);
  EXPECT_EQ(falls_, 2);
}

TEST_F(LiveStreamTest, ALevelStreamShowsEveryLevelOfTwoPulsesInARow) {
  auto s = Make(/*shows_level=*/true, 0);
  s->Start();
  Pulse();
  Pulse();  // two pulses within one sample period
  s->Produce();
  // Low (window opens), high again, low (window closes), high again: each level has its sample.
  EXPECT_THAT(samples_, ElementsAre(Pair(false, true), Pair(true, false), Pair(true, true), Pair(false, false), Pair(false, true)));
}

TEST_F(LiveStreamTest, SamplesArePacedInWallTime) {
  auto s = Make(false, /*samples_per_ms=*/1);
  s->Start();
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  while (s->Produce() > 0) {
  }
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  // One sample at the start, then one per elapsed millisecond; never ahead of the clock.
  EXPECT_GE(samples_.size(), 30u);
  EXPECT_LE(samples_.size(), static_cast<size_t>(elapsed_ms) + 2);
}

}  // namespace
}  // namespace hil::power::testing
