// PosixBoard against the real hil-agent-posix, and against stand-ins that misbehave (exit at once,
// never announce, never answer).
#include "hil/board/posix_board.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace hil::board {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::HasSubstr;

PosixBoardOptions Options(const std::string& transport = "pty") {
  PosixBoardOptions o;
  o.agent_path = HIL_AGENT_POSIX;
  o.transport = transport;
  o.instance_id = "posix-host#t";
  o.start_timeout = 3s;
  o.session.response_timeout = 300ms;
  o.session.max_attempts = 3;
  return o;
}

std::string Script(const std::string& name, const std::string& body) {
  const auto path = std::filesystem::temp_directory_path() / ("hil_board_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path.string();
}

bool ProcessExists(pid_t pid) { return kill(pid, 0) == 0; }

TEST(PosixBoard, StartsTheAgentOnAPtyAndSaysHello) {
  auto board = PosixBoard::Start(Options("pty"));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_EQ((*board)->hello().board_id, "posix-host#t");
  EXPECT_EQ((*board)->hello().cycle_unit, "ns");
  EXPECT_THAT((*board)->Describe(), HasSubstr("/dev/pts/"));
  EXPECT_TRUE((*board)->CheckAlive());
  auto mem = (*board)->session().GetMemory();
  ASSERT_TRUE(mem) << mem.error().message;
  EXPECT_GT(mem->arena_bytes, 0u);
  const pid_t pid = (*board)->pid();
  board->reset();  // teardown kills the agent
  EXPECT_FALSE(ProcessExists(pid));
}

TEST(PosixBoard, StartsTheAgentOnAUnixSocket) {
  auto board = PosixBoard::Start(Options("unix"));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_THAT((*board)->Describe(), HasSubstr("unix:"));
  EXPECT_TRUE((*board)->session().GetMemory());
}

TEST(PosixBoard, StartsTheAgentOnTcp) {
  auto board = PosixBoard::Start(Options("tcp"));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_THAT((*board)->Describe(), HasSubstr("tcp:127.0.0.1:"));
}

TEST(PosixBoard, AnAgentKilledMidSessionIsReportedAsDead) {
  auto board = PosixBoard::Start(Options("pty"));
  ASSERT_TRUE(board) << board.error().message;
  kill((*board)->pid(), SIGKILL);
  const auto start = std::chrono::steady_clock::now();
  auto mem = (*board)->session().GetMemory();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(mem);
  EXPECT_THAT(mem.error().code, AnyOf(Status::kBadState, Status::kTimeout));
  std::this_thread::sleep_for(50ms);
  auto alive = (*board)->CheckAlive();
  ASSERT_FALSE(alive);
  EXPECT_THAT(alive.error().message, HasSubstr("killed by signal 9"));
  EXPECT_THAT(alive.error().message, HasSubstr("posix-host#t"));
}

TEST(PosixBoard, AHungAgentTimesOutAndIsKilledOnTeardown) {
  auto board = PosixBoard::Start(Options("pty"));
  ASSERT_TRUE(board) << board.error().message;
  const pid_t pid = (*board)->pid();
  kill(pid, SIGSTOP);  // alive but silent, like a board stuck in a fault handler
  const auto start = std::chrono::steady_clock::now();
  auto mem = (*board)->session().GetMemory();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(mem);
  EXPECT_EQ(mem.error().code, Status::kTimeout);
  EXPECT_THAT(mem.error().message, HasSubstr("board posix-host#t: no reply to GET_MEMORY"));
  EXPECT_THAT(mem.error().message, HasSubstr("after 3 attempts of 300 ms on tty:/dev/pts/"));
  EXPECT_LT(took, 2s);
  EXPECT_TRUE((*board)->CheckAlive());  // hung, not dead
  board->reset();                       // SIGTERM cannot stop a stopped process; SIGKILL follows
  EXPECT_FALSE(ProcessExists(pid));
}

TEST(PosixBoard, KillAllAgentsKillsEveryLiveAgent) {
  auto a = PosixBoard::Start(Options("pty"));
  auto b = PosixBoard::Start(Options("unix"));
  ASSERT_TRUE(a && b);
  KillAllAgents();
  std::this_thread::sleep_for(100ms);
  auto alive_a = (*a)->CheckAlive();
  auto alive_b = (*b)->CheckAlive();
  ASSERT_FALSE(alive_a);
  ASSERT_FALSE(alive_b);
  EXPECT_THAT(alive_a.error().message, HasSubstr("signal 9"));
}

TEST(PosixBoard, MissingExecutableIsNotFound) {
  auto o = Options();
  o.agent_path = "/nonexistent/hil-agent-posix";
  auto board = PosixBoard::Start(o);
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kNotFound);
  EXPECT_THAT(board.error().message, HasSubstr("/nonexistent/hil-agent-posix"));
}

TEST(PosixBoard, AnAgentThatExitsAtOnceIsReportedWithItsStderr) {
  auto o = Options();
  o.agent_path = Script("exits", "echo 'cannot create a pty: out of ptys' >&2; exit 3");
  auto board = PosixBoard::Start(o);
  std::filesystem::remove(o.agent_path);
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kBadState);
  EXPECT_THAT(board.error().message, HasSubstr("exited with status 3: cannot create a pty: out of ptys"));
}

TEST(PosixBoard, AnAgentThatNeverAnnouncesTimesOut) {
  auto o = Options();
  o.agent_path = Script("silent", "exec sleep 30");
  o.start_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto board = PosixBoard::Start(o);
  std::filesystem::remove(o.agent_path);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kTimeout);
  EXPECT_THAT(board.error().message, HasSubstr("announced no endpoint within 300 ms"));
}

TEST(PosixBoard, AnAgentThatNeverAnswersIsNoHello) {
  // Announces a pty that nobody serves: /dev/ptmx's twin is created by python and never read.
  auto o = Options();
  o.agent_path = Script("mute",
                        "exec python3 -c \"import os,pty,sys,time; m,s=pty.openpty(); import tty; tty.setraw(s); "
                        "print('PTY '+os.ttyname(s), flush=True); time.sleep(30)\"");
  o.session.response_timeout = 100ms;
  o.session.max_attempts = 3;
  auto board = PosixBoard::Start(o);
  std::filesystem::remove(o.agent_path);
  ASSERT_FALSE(board);
  EXPECT_EQ(board.error().code, Status::kTimeout);
  EXPECT_THAT(board.error().message, HasSubstr("board posix-host#t: no HELLO within 300 ms on tty:/dev/pts/"));
}

}  // namespace
}  // namespace hil::board
