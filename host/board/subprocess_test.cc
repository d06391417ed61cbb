#include "hil/board/subprocess.h"

#include <gtest/gtest.h>

namespace hil::board {
namespace {

using namespace std::chrono_literals;

TEST(Subprocess, RunCapturesOutputAndExitCode) {
  auto r = Subprocess::Run({"sh", "-c", "echo out; echo err >&2; exit 3"}, 5000ms);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Subprocess, RunKillsWhatOverstaysItsTimeout) {
  auto start = std::chrono::steady_clock::now();
  auto r = Subprocess::Run({"sleep", "30"}, 200ms);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Subprocess, MissingProgramNamesThePackage) {
  Subprocess p;
  auto r = p.Start({"hil-no-such-program"}, "some-debian-package");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kNotFound);
  EXPECT_NE(r.error().message.find("some-debian-package"), std::string::npos);
}

TEST(Subprocess, WaitForLineAndExitText) {
  Subprocess p;
  ASSERT_TRUE(p.Start({"sh", "-c", "echo starting; echo 'ready at 42'; sleep 0.2; echo bye >&2; exit 1"}).has_value());
  auto line = p.WaitForLine([](const std::string& l) { return l.starts_with("ready"); }, Deadline::After(5000ms));
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(*line, "ready at 42");
  auto none = p.WaitForLine([](const std::string& l) { return l == "never"; }, Deadline::After(5000ms));
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, Status::kBadState);
  EXPECT_NE(none.error().message.find("exited with status 1: bye"), std::string::npos) << none.error().message;
}

}  // namespace
}  // namespace hil::board
