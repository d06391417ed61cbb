#include "hil/board/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <thread>

extern char** environ;

namespace hil::board {
namespace {

// Live children, for KillAll() from a signal handler: fixed slots, no allocation, no locks.
constexpr int kMaxChildren = 128;
std::atomic<pid_t> g_children[kMaxChildren];

void Register(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void Unregister(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// The executable argv[0] names: itself when it has a '/', else the first match in PATH; empty when
// there is none.
std::string FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

}  // namespace

std::string UniqueTempPath(const std::string& instance_id, const std::string& suffix) {
  static std::atomic<int> counter{0};
  std::string safe;
  for (char c : instance_id) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return (std::filesystem::temp_directory_path() /
          ("hil-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + safe + suffix))
      .string();
}

void Subprocess::KillAll() noexcept {
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid > 0) kill(pid, SIGKILL);
  }
}

Result<void> Subprocess::Start(const std::vector<std::string>& argv, const std::string& package_hint, bool die_with_parent) {
  if (argv.empty()) return Fail(Status::kBadArgument, "empty command line");
  if (pid_ > 0 && !exited_) return Fail(Status::kBadState, program_ + " is still running");
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
  exited_ = false;
  status_ = 0;
  output_.clear();
  partial_out_.clear();
  partial_err_.clear();
  program_ = argv[0];
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Fail(Status::kInternal, "pipe: " + std::string(strerror(errno)));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return Fail(Status::kInternal, "pipe: " + std::string(strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> copy = argv;
  const std::string program = FindProgram(argv[0]);
  if (program.empty()) {
    close(out[0]);
    close(out[1]);
    close(err[0]);
    close(err[1]);
    posix_spawn_file_actions_destroy(&actions);
    return Fail(Status::kNotFound, "cannot run " + argv[0] + ": not installed" +
                                       (package_hint.empty() ? "" : " (Debian package " + package_hint + ")"));
  }
  copy[0] = program;
  if (die_with_parent && access("/usr/bin/setpriv", X_OK) == 0) {
    // setpriv sets PR_SET_PDEATHSIG and then execs the program in place: the same pid.
    copy.insert(copy.begin(), {"/usr/bin/setpriv", "--pdeathsig", "KILL", "--"});
  }
  std::vector<char*> args;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, copy[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    pid_ = -1;
    return Fail(Status::kInternal, "cannot run " + argv[0] + ": " + strerror(rc));
  }
  Register(pid_);
  out_fd_ = out[0];
  err_fd_ = err[0];
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
  return {};
}

void Subprocess::Drain(int timeout_ms, std::vector<std::string>* lines) {
  pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return;
  if (poll(p, 2, timeout_ms) <= 0) return;
  for (int i = 0; i < 2; ++i) {
    int fd = i == 0 ? out_fd_ : err_fd_;
    std::string& partial = i == 0 ? partial_out_ : partial_err_;
    if (fd < 0) continue;
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      output_.append(buf, static_cast<size_t>(n));
      partial.append(buf, static_cast<size_t>(n));
    }
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::string line = partial.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (lines) lines->push_back(line);
      partial.erase(0, nl + 1);
    }
  }
  if (output_.size() > 65536) output_.erase(0, output_.size() - 65536);
}

bool Subprocess::Running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    status_ = status;
    Unregister(pid_);
    Drain(0);
    return false;
  }
  return true;
}

std::string Subprocess::LastLine() {
  std::string text = output_;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

std::string Subprocess::ExitText() {
  if (Running()) return "is running";
  std::string what;
  if (WIFEXITED(status_)) what = "exited with status " + std::to_string(WEXITSTATUS(status_));
  else if (WIFSIGNALED(status_))
    what = "was killed by signal " + std::to_string(WTERMSIG(status_)) + " (" + strsignal(WTERMSIG(status_)) + ")";
  else what = "stopped";
  std::string last = LastLine();
  return last.empty() ? what : what + ": " + last;
}

void Subprocess::Stop(std::chrono::milliseconds grace) {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + grace;
    int status = 0;
    for (;;) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) break;
      if (std::chrono::steady_clock::now() >= until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    exited_ = true;
    status_ = status;
    Unregister(pid_);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
}

Result<Subprocess::Completed> Subprocess::Run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                              const std::string& package_hint) {
  Subprocess p;
  if (auto s = p.Start(argv, package_hint); !s) return std::unexpected(s.error());
  const Deadline deadline = Deadline::After(timeout);
  while (p.Running()) {
    if (deadline.Expired()) {
      p.Stop();
      return Fail(Status::kTimeout, argv[0] + " did not finish within " + std::to_string(timeout.count()) + " ms");
    }
    p.Drain(20);
  }
  p.Drain(0);
  Completed c;
  c.exit_code = WIFEXITED(p.status_) ? WEXITSTATUS(p.status_) : -1;
  c.output = p.output_;
  return c;
}

}  // namespace hil::board
