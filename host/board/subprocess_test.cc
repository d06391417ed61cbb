#include "hil/board/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
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

// Whether `pid` ends within `timeout`: it no longer exists, or is a zombie (an orphan killed and
// waiting for init or a subreaper to reap it).
bool GoneWithin(pid_t pid, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string id, comm, state;
    if (!(stat >> id >> comm >> state)) return true;
    if (state == "Z" || state == "X") return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

enum class ParentEnd { kKilled, kExits };

// Forks an intermediate process that starts `sleep 30` with die_with_parent and reports its pid,
// then ends that process as `end` says. Returns the sleep's pid (0 on failure).
pid_t ChildOfEndedParent(ParentEnd end) {
  int fds[2], go[2];
  if (pipe(fds) != 0) return 0;
  if (pipe(go) != 0) return 0;
  const pid_t parent = fork();
  if (parent < 0) return 0;
  if (parent == 0) {
    close(fds[0]);
    close(go[1]);
    Subprocess p;
    if (!p.Start({"sleep", "30"}, "", /*die_with_parent=*/true)) _exit(1);
    const pid_t child = p.pid();
    if (write(fds[1], &child, sizeof child) != sizeof child) _exit(1);
    // Ends only once the test has seen the sleep alive (else the death signal could beat its check).
    char c;
    (void)!read(go[0], &c, 1);
    if (end == ParentEnd::kExits) _exit(0);  // no Stop(): only the death signal can end the sleep
    pause();  // killed by the test
    _exit(0);
  }
  close(fds[1]);
  close(go[0]);
  pid_t child = 0;
  if (read(fds[0], &child, sizeof child) != static_cast<ssize_t>(sizeof child)) child = 0;
  close(fds[0]);
  // Start() returns after exec, so the sleep runs by now.
  if (child > 0 && kill(child, 0) != 0) child = 0;
  (void)!write(go[1], "g", 1);
  close(go[1]);
  if (end == ParentEnd::kKilled) kill(parent, SIGKILL);
  waitpid(parent, nullptr, 0);
  return child;
}

// A child started with die_with_parent goes when its parent dies, even by SIGKILL: no emulator
// outlives a killed hil.
TEST(Subprocess, ChildDiesWithItsParent) {
  const pid_t child = ChildOfEndedParent(ParentEnd::kKilled);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(GoneWithin(child, std::chrono::seconds(5))) << "pid " << child;
}

TEST(Subprocess, ChildDiesWhenItsParentExits) {
  const pid_t child = ChildOfEndedParent(ParentEnd::kExits);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(GoneWithin(child, std::chrono::seconds(5))) << "pid " << child;
}

// PR_SET_PDEATHSIG fires when the thread that forked ends; children are forked by the process's
// spawner thread, so a board started on a worker thread outlives the worker.
TEST(Subprocess, ChildOutlivesTheThreadThatStartedIt) {
  Subprocess p;
  Result<void> started;
  std::thread([&] { started = p.Start({"sleep", "30"}, "", /*die_with_parent=*/true); }).join();
  ASSERT_TRUE(started.has_value()) << started.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(p.Running()) << p.ExitText();
  p.Stop();
  EXPECT_FALSE(p.Running());
}

TEST(Subprocess, DieWithParentCapturesOutput) {
  Subprocess p;
  ASSERT_TRUE(p.Start({"sh", "-c", "echo hello; read line; echo \"read $?\" >&2"}, "", true).has_value());
  auto line = p.WaitForLine([](const std::string& l) { return l.starts_with("read"); }, Deadline::After(5000ms));
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(*line, "read 1");  // stdin is /dev/null: read meets EOF at once
  EXPECT_NE(p.output().find("hello"), std::string::npos);
}

TEST(Subprocess, MissingProgramByPathIsNotInstalled) {
  Subprocess p;
  auto r = p.Start({"/nonexistent/hil-no-such-program"}, "", true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Status::kNotFound);
  EXPECT_EQ(r.error().message, "cannot run /nonexistent/hil-no-such-program: not installed");
  EXPECT_FALSE(p.Running());
}

// A program that exists but cannot be exec'd: the child's errno comes back through the status pipe.
TEST(Subprocess, ExecFailureNamesTheCause) {
  const std::string path = UniqueTempPath("subprocess-test", ".bin");
  std::ofstream(path) << "neither ELF nor #!\n";
  for (const auto& [perms, cause] : {std::pair{std::filesystem::perms::owner_read, std::string("Permission denied")},
                                     std::pair{std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec,
                                               std::string("Exec format error")}}) {
    std::filesystem::permissions(path, perms);
    for (bool die_with_parent : {false, true}) {
      Subprocess p;
      auto r = p.Start({path}, "", die_with_parent);
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error().code, Status::kInternal);
      EXPECT_EQ(r.error().message, "cannot run " + path + ": " + cause);
      EXPECT_FALSE(p.Running());
      EXPECT_EQ(p.pid(), -1);
    }
  }
  std::filesystem::remove(path);
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
