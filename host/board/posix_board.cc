#include "hil/board/posix_board.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "hil/link/fd_link.h"
#include "hil/link/serial_link.h"

extern char** environ;

namespace hil::board {
namespace {

using namespace std::chrono_literals;

// Live agent pids, for KillAllAgents() from a signal handler (lock-free slots, no allocation).
constexpr int kMaxAgents = 64;
std::atomic<pid_t> g_agents[kMaxAgents];

void RegisterAgent(pid_t pid) {
  for (auto& slot : g_agents) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void UnregisterAgent(pid_t pid) {
  for (auto& slot : g_agents) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

std::string DefaultSocketPath(const std::string& id) {
  static std::atomic<int> counter{0};
  std::string safe;
  for (char c : id) safe += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return (std::filesystem::temp_directory_path() /
          ("hil-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + safe + ".sock"))
      .string();
}

}  // namespace

std::string PosixBoard::ExitText(int status) const {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "stopped";
}

std::string PosixBoard::StderrTail() {
  if (stderr_fd_ >= 0) {
    char buf[4096];
    for (;;) {
      const ssize_t n = read(stderr_fd_, buf, sizeof buf);
      if (n <= 0) break;
      stderr_text_.append(buf, static_cast<size_t>(n));
      if (stderr_text_.size() > 16384) stderr_text_.erase(0, stderr_text_.size() - 16384);
    }
  }
  std::string text = stderr_text_;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

Result<void> PosixBoard::CheckAlive() {
  const std::string who = "board " + options_.instance_id + ": agent process " + std::to_string(pid_);
  if (pid_ <= 0) return Fail(Status::kBadState, "board " + options_.instance_id + ": agent not running");
  if (!exited_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      exit_status_ = status;
    }
  }
  if (exited_) {
    const std::string tail = StderrTail();
    return Fail(Status::kBadState, who + " " + ExitText(exit_status_) + (tail.empty() ? "" : ": " + tail));
  }
  return {};
}

std::string PosixBoard::Describe() const {
  return options_.instance_id + " (pid " + std::to_string(pid_) + ", " + (link_ ? std::string(link_->Describe()) : endpoint_) + ")";
}

Result<std::unique_ptr<PosixBoard>> PosixBoard::Start(const PosixBoardOptions& options) {
  const std::string who = "board " + options.instance_id;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.agent_path, ec) || access(options.agent_path.c_str(), X_OK) != 0)
    return Fail(Status::kNotFound, who + ": agent executable " + options.agent_path +
                                       " not found (build the hil-agent-posix target, or pass --build-dir)");
  std::unique_ptr<PosixBoard> board(new PosixBoard(options));

  std::vector<std::string> args = {options.agent_path};
  std::string socket_path;
  if (options.transport == "pty") {
    args.push_back("--pty");
  } else if (options.transport == "unix") {
    socket_path = options.socket_path.empty() ? DefaultSocketPath(options.instance_id) : options.socket_path;
    args.push_back("--unix");
    args.push_back(socket_path);
  } else if (options.transport == "tcp") {
    args.push_back("--tcp");
    args.push_back("0");
  } else {
    return Fail(Status::kBadArgument, who + ": transport '" + options.transport + "' is not one a POSIX agent offers (pty, unix, tcp)");
  }
  args.push_back("--board-id");
  args.push_back(options.instance_id);
  for (const auto& a : options.extra_args) args.push_back(a);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Fail(Status::kInternal, who + ": pipe failed: " + strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Fail(Status::kInternal, who + ": pipe failed: " + strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, options.agent_path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return Fail(Status::kInternal, who + ": cannot start " + options.agent_path + ": " + strerror(rc));
  }
  board->pid_ = pid;
  RegisterAgent(pid);
  board->stdout_fd_ = out_pipe[0];
  board->stderr_fd_ = err_pipe[0];
  fcntl(board->stderr_fd_, F_SETFL, O_NONBLOCK);

  // The announcement line: "PTY /dev/pts/5", "UNIX /tmp/x.sock" or "TCP 40123".
  const Deadline deadline = Deadline::After(options.start_timeout);
  std::string line;
  for (;;) {
    pollfd p{board->stdout_fd_, POLLIN, 0};
    const int pr = poll(&p, 1, std::min(deadline.PollTimeoutMs(), 100));
    if (pr > 0) {
      char c;
      const ssize_t n = read(board->stdout_fd_, &c, 1);
      if (n == 1) {
        if (c == '\n') break;
        line += c;
        if (line.size() > 4096) return Fail(Status::kBadState, who + ": agent printed an over-long line instead of its endpoint");
        continue;
      }
      if (n == 0) {  // stdout closed: the agent is gone or going
        std::this_thread::sleep_for(50ms);
        if (auto alive = board->CheckAlive(); !alive) return std::unexpected(alive.error());
        return Fail(Status::kBadState, who + ": agent closed its stdout without announcing an endpoint");
      }
    }
    if (auto alive = board->CheckAlive(); !alive) return std::unexpected(alive.error());
    if (deadline.Expired())
      return Fail(Status::kTimeout, who + ": agent " + std::to_string(pid) + " announced no endpoint within " +
                                        std::to_string(options.start_timeout.count()) + " ms");
  }

  Result<std::unique_ptr<link::Link>> link = Fail(Status::kInternal, "unset");
  if (line.rfind("PTY ", 0) == 0) {
    board->endpoint_ = line.substr(4);
    link = link::OpenTty(board->endpoint_, options.baud_rate);  // libserialport, or termios for a pty
  } else if (line.rfind("UNIX ", 0) == 0) {
    board->endpoint_ = line.substr(5);
    link = link::ConnectUnixSocket(board->endpoint_, deadline);
  } else if (line.rfind("TCP ", 0) == 0) {
    board->endpoint_ = "127.0.0.1:" + line.substr(4);
    link = link::ConnectTcp("127.0.0.1", std::atoi(line.substr(4).c_str()), deadline);
  } else {
    return Fail(Status::kBadState, who + ": agent announced '" + line + "', expected PTY, UNIX or TCP and an endpoint");
  }
  if (!link) return Wrap(link.error(), who);
  board->link_ = options.wrap_link ? options.wrap_link(std::move(*link)) : std::move(*link);
  board->session_ = std::make_unique<link::AgentSession>(*board->link_, who, options.session);
  auto hello = board->session_->Hello();
  if (!hello) {
    if (auto alive = board->CheckAlive(); !alive) return std::unexpected(alive.error());
    return std::unexpected(hello.error());
  }
  board->hello_ = *hello;
  return board;
}

void PosixBoard::Stop(std::chrono::milliseconds grace) {
  session_.reset();
  link_.reset();
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + grace;
    int status = 0;
    for (;;) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) break;
      if (std::chrono::steady_clock::now() >= until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    exited_ = true;
    exit_status_ = status;
  }
  if (pid_ > 0) UnregisterAgent(pid_);
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stderr_fd_ >= 0) close(stderr_fd_);
  stdout_fd_ = stderr_fd_ = -1;
  if (options_.transport == "unix" && !endpoint_.empty()) ::unlink(endpoint_.c_str());
}

PosixBoard::~PosixBoard() { Stop(); }

void KillAllAgents() noexcept {
  for (auto& slot : g_agents) {
    const pid_t pid = slot.load();
    if (pid > 0) kill(pid, SIGKILL);
  }
}

}  // namespace hil::board
