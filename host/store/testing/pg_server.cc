#include "hil/store/testing/pg_server.h"

#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace hil::store::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres.
std::string FindBindir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const int v = std::atoi(e.path().filename().c_str());
    if (v > best_version && fs::exists(e.path() / "bin" / "initdb") && fs::exists(e.path() / "bin" / "postgres")) {
      best_version = v;
      best = (e.path() / "bin").string();
    }
  }
  return best;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// Forks and execs `argv` as `user` (when root), its output to `log`, dying with this process.
pid_t Spawn(const std::vector<std::string>& argv, const passwd* user, const std::string& log) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (user) {
    if (setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0) _exit(126);
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // after the uid change, which would clear it
  if (getppid() != parent) _exit(125);
  std::FILE* out = std::fopen(log.c_str(), "a");
  if (out) {
    dup2(fileno(out), 1);
    dup2(fileno(out), 2);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

std::string Tail(const std::string& log) {
  std::ifstream f(log);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (text.size() > 600) text = "..." + text.substr(text.size() - 600);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

Result<std::unique_ptr<PgServer>> PgServer::Start() {
  std::unique_ptr<PgServer> s(new PgServer());
  s->bindir_ = FindBindir();
  if (s->bindir_.empty())
    return Fail(Status::kNotFound, "no PostgreSQL server binaries under /usr/lib/postgresql: apt-get install postgresql");
  char tmpl[] = "/tmp/hil_pg_XXXXXX";
  if (!mkdtemp(tmpl)) return Fail(Status::kInternal, "cannot create a temporary directory for PostgreSQL");
  s->dir_ = tmpl;
  const passwd* user = nullptr;
  if (geteuid() == 0) {
    user = getpwnam("postgres");
    if (!user) return Fail(Status::kNotFound, "running as root, and there is no 'postgres' user to run PostgreSQL as");
    if (chown(s->dir_.c_str(), user->pw_uid, user->pw_gid) != 0) return Fail(Status::kInternal, "cannot chown " + s->dir_);
  }
  const std::string data = s->dir_ + "/data";
  const std::string log = s->dir_ + "/server.log";
  {
    std::ofstream(log).flush();
    if (user && chown(log.c_str(), user->pw_uid, user->pw_gid) != 0) return Fail(Status::kInternal, "cannot chown " + log);
  }
  const pid_t init = Spawn({s->bindir_ + "/initdb", "-D", data, "-U", "hil", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                           user, log);
  int status = 0;
  if (init < 0 || waitpid(init, &status, 0) != init || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Fail(Status::kInternal, "initdb failed: " + Tail(log));
  s->port_ = FreePort();
  s->pid_ = Spawn({s->bindir_ + "/postgres", "-D", data, "-p", std::to_string(s->port_), "-k", s->dir_, "-h", "127.0.0.1", "-F", "-c",
                   "max_connections=100", "-c", "shared_buffers=16MB"},
                  user, log);
  if (s->pid_ < 0) return Fail(Status::kInternal, "cannot start postgres");
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (PQping(s->Conninfo().c_str()) != PQPING_OK) {
    if (waitpid(s->pid_, &status, WNOHANG) == s->pid_) {
      s->pid_ = -1;
      return Fail(Status::kInternal, "postgres exited at start: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Fail(Status::kTimeout, "postgres did not accept connections within 20 s: " + Tail(log));
    std::this_thread::sleep_for(50ms);
  }
  return s;
}

PgServer* PgServer::Shared() {
  static std::unique_ptr<PgServer> server = [] {
    auto s = Start();
    if (!s) std::fprintf(stderr, "PgServer::Shared: %s\n", s.error().message.c_str());
    return s ? std::move(*s) : nullptr;
  }();
  return server.get();
}

PgServer::~PgServer() {
  if (pid_ > 0) {
    kill(pid_, SIGINT);  // fast shutdown: roll back and exit
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string PgServer::Conninfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=hil dbname=" + db + " connect_timeout=5";
}

Result<void> PgServer::CreateDatabase(const std::string& db) {
  PGconn* c = PQconnectdb(Conninfo().c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    PQfinish(c);
    return Fail(Status::kInternal, "cannot connect to the test server: " + why);
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE \"" + db + "\"").c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) return Fail(Status::kInternal, "CREATE DATABASE " + db + ": " + why);
  return {};
}

}  // namespace hil::store::testing
