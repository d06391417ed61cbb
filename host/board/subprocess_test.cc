#include "hil/board/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

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

namespace hil::board {
namespace {

// A child started with die_with_parent goes when its parent dies, even by SIGKILL: no emulator
// outlives a killed hil.
TEST(Subprocess, ChildDiesWithItsParent) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    Subprocess p;
    if (!p.Start({"sleep", "30"}, "", /*die_with_parent=*/true)) _exit(1);
    const pid_t child = p.pid();
    if (write(fds[1], &child, sizeof child) != sizeof child) _exit(1);
    pause();  // killed below
    _exit(0);
  }
  pid_t child = 0;
  ASSERT_EQ(read(fds[0], &child, sizeof child), static_cast<ssize_t>(sizeof child));
  ASSERT_GT(child, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // setpriv has exec'd sleep by now
  EXPECT_EQ(kill(child, 0), 0);
  kill(parent, SIGKILL);
  waitpid(parent, nullptr, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // The orphan is reaped by init (or a subreaper); once killed, it no longer exists or is a zombie.
    std::string state;
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    if (!stat) gone = true;
    else {
      std::string pid, comm, s;
      stat >> pid >> comm >> s;
      gone = s == "Z" || s == "X";
    }
  }
  EXPECT_TRUE(gone) << "pid " << child;
  close(fds[0]);
  close(fds[1]);
}

TEST(Subprocess, KillAllKillsEveryLiveChild) {
  Subprocess a, b;
  ASSERT_TRUE(a.Start({"sleep", "30"}).has_value());
  ASSERT_TRUE(b.Start({"sleep", "30"}).has_value());
  Subprocess::KillAll();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(a.Running());
  EXPECT_FALSE(b.Running());
  EXPECT_NE(a.ExitText().find("signal 9"), std::string::npos) << a.ExitText();
}

}  // namespace
}  // namespace hil::board
