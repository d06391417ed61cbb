#include "hil/board/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

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

// The executable argv[0] names: itself when it has a '/' and exists (exec then says what is wrong
// with it, e.g. not executable), else the first match in PATH; empty when there is none.
std::string FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), F_OK) == 0 ? name : std::string();
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

// Closes the descriptor it holds when it goes out of scope.
class OwnedFd {
 public:
  OwnedFd() = default;
  ~OwnedFd() { reset(); }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

Result<void> MakePipe(OwnedFd& read_end, OwnedFd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Fail(Status::kInternal, "pipe: " + std::string(strerror(errno)));
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return {};
}

// Everything the child needs, made before the fork: between fork and exec the child makes only
// async-signal-safe calls and allocates nothing.
struct SpawnPlan {
  const char* path = nullptr;
  char* const* argv = nullptr;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int status_fd = -1;  // write end of a CLOEXEC pipe: the child writes errno there when exec fails
  bool die_with_parent = false;
  sigset_t mask;  // the starting thread's signal mask, which the program gets (as with posix_spawn)
};

[[noreturn]] void ChildFail(int status_fd, int error) {
  [[maybe_unused]] const ssize_t n = write(status_fd, &error, sizeof error);
  _exit(127);
}

// The child's side of the fork. It starts with every signal blocked (ForkChild).
[[noreturn]] void RunChild(const SpawnPlan& plan, pid_t parent) {
  if (plan.die_with_parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ChildFail(plan.status_fd, errno);
    // The parent may have died between fork and prctl: then no signal will come (we already belong
    // to init or a subreaper), and nobody waits for us.
    if (getppid() != parent) _exit(127);
  }
  // hil's handlers stay installed until exec; a signal let through below would run them in here.
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction sa;
    if (sigaction(sig, nullptr, &sa) != 0 || sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN) continue;
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = 0;
    sigaction(sig, &sa, nullptr);
  }
  // Each descriptor is first copied above 2: when hil runs with a standard stream closed, a pipe
  // can be 0, 1 or 2, and the dup2s would overwrite it.
  const int status_fd = fcntl(plan.status_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (status_fd < 0) _exit(127);
  const int in = fcntl(plan.stdin_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  const int out = fcntl(plan.stdout_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  const int err = fcntl(plan.stderr_fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (in < 0 || out < 0 || err < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
      dup2(err, STDERR_FILENO) < 0)
    ChildFail(status_fd, errno);
  sigprocmask(SIG_SETMASK, &plan.mask, nullptr);
  execv(plan.path, plan.argv);
  ChildFail(status_fd, errno);
}

// Forks a child that runs `plan` and registers it for KillAll(). Returns its pid, or -errno.
pid_t ForkChild(const SpawnPlan& plan) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t parent = getpid();
  // _Fork (glibc 2.34) rather than fork(): it runs no pthread_atfork handlers, which libraries
  // register without making them async-signal-safe.
  const pid_t pid = _Fork();
  if (pid == 0) RunChild(plan, parent);
  const int error = errno;
  if (pid > 0) Register(pid);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return pid > 0 ? pid : -error;
}

// The thread that makes every fork. PR_SET_PDEATHSIG fires when the thread that forked exits, and
// the runner starts boards on worker threads that can end while their boards stay in the pool (a
// run's worker ends when its kind has no job left, the boards are stopped only after all workers
// are joined; a daemon's drained worker ends, its pool stays): forked there, those children would
// get SIGKILL instead of their orderly stop. This thread lives until the process ends; it is
// never joined and its state never destroyed (exit() cannot pull it from under the thread).
class Spawner {
 public:
  // This process's spawner, started on first use; null when no thread can be started. A child
  // forked without exec (a test's intermediate process) gets its own: its parent's thread is not
  // copied into it.
  static Spawner* Get() {
    static std::atomic<Spawner*> current{nullptr};
    Spawner* seen = current.load(std::memory_order_acquire);
    if (seen && seen->owner_ == getpid()) return seen;
    auto* fresh = new Spawner;
    try {
      std::thread([fresh] {
        fresh->Loop();
        delete fresh;  // only a spawner that lost the race below ends
      }).detach();
    } catch (const std::system_error&) {
      delete fresh;
      return nullptr;
    }
    if (current.compare_exchange_strong(seen, fresh, std::memory_order_acq_rel)) return fresh;
    fresh->Quit();  // another thread of this process made one first
    return seen;
  }

  // Forks on the spawner thread; returns the child's pid, or -errno. One caller at a time.
  pid_t Spawn(const SpawnPlan& plan) {
    std::lock_guard<std::mutex> one_at_a_time(call_mu_);
    std::unique_lock<std::mutex> lock(mu_);
    plan_ = &plan;
    cv_.notify_all();
    cv_.wait(lock, [&] { return plan_ == nullptr; });
    return result_;
  }

 private:
  void Loop() {
    pthread_setname_np(pthread_self(), "hil-spawner");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return plan_ != nullptr || quit_; });
      if (quit_) return;
      result_ = ForkChild(*plan_);
      plan_ = nullptr;
      cv_.notify_all();
    }
  }

  void Quit() {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
    cv_.notify_all();
  }

  const pid_t owner_ = getpid();
  std::mutex call_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  const SpawnPlan* plan_ = nullptr;  // the request in hand
  pid_t result_ = -1;
  bool quit_ = false;
};

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
  pid_ = -1;
  exited_ = false;
  status_ = 0;
  output_.clear();
  partial_out_.clear();
  partial_err_.clear();
  program_ = argv[0];
  const std::string program = FindProgram(argv[0]);
  if (program.empty()) {
    return Fail(Status::kNotFound, "cannot run " + argv[0] + ": not installed" +
                                       (package_hint.empty() ? "" : " (Debian package " + package_hint + ")"));
  }
  std::vector<std::string> copy = argv;
  copy[0] = program;
  std::vector<char*> args;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  OwnedFd out_read, out_write, err_read, err_write, status_read, status_write, null_fd;
  if (auto p = MakePipe(out_read, out_write); !p) return p;
  if (auto p = MakePipe(err_read, err_write); !p) return p;
  if (auto p = MakePipe(status_read, status_write); !p) return p;
  null_fd.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (null_fd.get() < 0) return Fail(Status::kInternal, "/dev/null: " + std::string(strerror(errno)));

  SpawnPlan plan;
  plan.path = copy[0].c_str();
  plan.argv = args.data();
  plan.stdin_fd = null_fd.get();
  plan.stdout_fd = out_write.get();
  plan.stderr_fd = err_write.get();
  plan.status_fd = status_write.get();
  plan.die_with_parent = die_with_parent;
  pthread_sigmask(SIG_BLOCK, nullptr, &plan.mask);
  Spawner* spawner = Spawner::Get();
  const pid_t pid = spawner ? spawner->Spawn(plan) : ForkChild(plan);
  if (pid < 0) return Fail(Status::kInternal, "cannot run " + argv[0] + ": " + strerror(-pid));
  // Our copies of the child's ends closed, the status pipe reads EOF once the child has exec'd (or
  // exited), and an errno when exec failed.
  out_write.reset();
  err_write.reset();
  status_write.reset();
  null_fd.reset();
  int exec_error = 0;
  ssize_t n;
  do n = read(status_read.get(), &exec_error, sizeof exec_error);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    waitpid(pid, nullptr, 0);
    Unregister(pid);
    return Fail(Status::kInternal, "cannot run " + argv[0] + ": " + strerror(exec_error));
  }
  pid_ = pid;
  out_fd_ = out_read.release();
  err_fd_ = err_read.release();
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
