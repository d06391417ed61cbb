#include "hil/web/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "hil/core/file.h"

namespace hil::web {
namespace {

using Clock = std::chrono::steady_clock;

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string AddressText(const sockaddr* sa) {
  if (sa == nullptr) return "?";
  char host[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, host, sizeof host);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, host, sizeof host);
  }
  return host;
}

// Where a connection is in its current request: the watchdog's deadlines apply to the first two.
enum class Phase { kHead, kBody, kHandler };

struct Connection {
  int fd = -1;
  std::string peer;
  Phase phase = Phase::kHead;
  Clock::time_point since = Clock::now();
  bool cut = false;
};

struct RequestState {
  HttpRequest req;
  const HttpRoute* route = nullptr;
  bool answered = false;
  bool too_large = false;  // the body passed the limit: counted in `dropped`, not kept
  size_t dropped = 0;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions o;
  std::vector<std::pair<std::regex, const HttpRoute*>> routes;
  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;  // ours to close once quiesced
  int port = 0;
  bool tls = false;
  std::string cert, key;  // MHD keeps pointers to these while it runs
  std::atomic<bool> stopping{false};
  bool stopped = false;

  std::mutex mu;  // connections, stopped, start_log
  std::condition_variable cv;
  std::map<MHD_Connection*, Connection> connections;
  unsigned running_handlers = 0;
  std::thread watchdog;
  std::string start_log;  // libmicrohttpd's messages while starting: why it could not
  bool starting = true;

  void Log(const std::string& line) {
    if (o.log) o.log(line);
    else std::fprintf(stderr, "%s: %s\n", o.name.c_str(), line.c_str());
  }

  void SetPhase(MHD_Connection* c, Phase phase) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = connections.find(c);
    if (it == connections.end()) return;
    it->second.phase = phase;
    it->second.since = Clock::now();
    cv.notify_all();
  }

  // The descriptor stays MHD's: shutdown() only ends the connection's traffic, and MHD closes the
  // descriptor after telling us (NOTIFY_CLOSED takes `mu`), so it is never one reused by then.
  void CutLocked(Connection& conn) {
    if (conn.cut) return;
    conn.cut = true;
    ::shutdown(conn.fd, SHUT_RDWR);
  }

  void Watch() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      cv.wait_for(lock, std::chrono::milliseconds(100));
      const auto now = Clock::now();
      for (auto& [c, conn] : connections) {
        const bool late = (conn.phase == Phase::kHead && now - conn.since > o.limits.head_timeout) ||
                          (conn.phase == Phase::kBody && now - conn.since > o.limits.body_timeout);
        if (!late || conn.cut) continue;
        if (conn.phase == Phase::kBody)
          Log("closed the connection of " + conn.peer + ": its request body took longer than " +
              std::to_string(o.limits.body_timeout.count()) + " ms");
        CutLocked(conn);
      }
    }
  }

  const HttpRoute* Route(RequestState& st, std::string* allowed) {
    for (const auto& [re, route] : routes) {
      std::smatch m;
      if (!std::regex_match(st.req.path, m, re)) continue;
      const bool method_ok = route->method == st.req.method || (route->method == "GET" && st.req.method == "HEAD");
      if (!method_ok) {
        *allowed += (allowed->empty() ? "" : ", ") + route->method;
        continue;
      }
      st.req.matches.assign(m.begin(), m.end());
      return route;
    }
    return nullptr;
  }

  MHD_Result Answer(MHD_Connection* c, RequestState& st, const HttpResponse& res, bool close) {
    st.answered = true;
    MHD_Response* r = MHD_create_response_from_buffer(res.body.size(), const_cast<char*>(res.body.data()), MHD_RESPMEM_MUST_COPY);
    if (r == nullptr) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res.content_type.c_str());
    for (const auto& [name, value] : res.headers) MHD_add_response_header(r, name.c_str(), value.c_str());
    if (close) MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    const MHD_Result queued = MHD_queue_response(c, static_cast<unsigned>(res.status), r);
    MHD_destroy_response(r);
    return queued;
  }

  MHD_Result AnswerError(MHD_Connection* c, RequestState& st, int status, const std::string& message, bool close) {
    HttpResponse res;
    res.SetError(status, message);
    res.headers.emplace_back("Cache-Control", "no-store");
    return Answer(c, st, res, close);
  }

  // 413 for a body of `bytes` (as declared, or as counted).
  MHD_Result AnswerTooLarge(MHD_Connection* c, RequestState& st, const std::string& bytes) {
    return AnswerError(c, st, 413, "request body of " + bytes + " bytes: more than the " + std::to_string(o.limits.max_body) +
                                       " this server takes", true);
  }

  // The head is in: route it, and refuse now what needs no body to refuse.
  MHD_Result OnHead(MHD_Connection* c, const char* url, const char* method, RequestState& st) {
    HttpRequest& req = st.req;
    req.method = method;
    req.path = url;
    MHD_get_connection_values(c, MHD_HEADER_KIND, [](void* cls, MHD_ValueKind, const char* k, const char* v) {
      static_cast<HttpRequest*>(cls)->headers.emplace_back(k, v ? v : "");
      return MHD_YES;
    }, &req);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, [](void* cls, MHD_ValueKind, const char* k, const char* v) {
      static_cast<HttpRequest*>(cls)->params.emplace_back(k, v ? v : "");
      return MHD_YES;
    }, &req);
    int fd = -1;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = connections.find(c); it != connections.end()) {
        fd = it->second.fd;
        req.peer = it->second.peer;
      }
    }
    req.gone = [this, fd] {
      if (stopping) return true;
      pollfd p{fd, POLLRDHUP, 0};
      return fd < 0 || (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0);
    };
    SetPhase(c, Phase::kBody);
    if (stopping) return AnswerError(c, st, 503, o.name + " is stopping", true);

    std::string allowed;
    st.route = Route(st, &allowed);
    if (st.route == nullptr && !allowed.empty()) {
      HttpResponse res;
      res.SetError(405, req.method + " " + req.path + ": method not allowed (allowed: " + allowed + ")");
      res.headers.emplace_back("Allow", allowed);
      return Answer(c, st, res, true);
    }
    if (st.route == nullptr) return AnswerError(c, st, 404, "no such path: " + req.path, true);
    if (o.check_head) {
      HttpResponse res;
      if (o.check_head(req, res)) return Answer(c, st, res, true);
    }
    const std::string length = req.Header("Content-Length");
    if (!length.empty()) {
      unsigned long long n = 0;
      const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
      if (ec != std::errc() || end != length.data() + length.size() || n > o.limits.max_body) return AnswerTooLarge(c, st, length);
    }
    return MHD_YES;  // on to the body, if any
  }

  // libmicrohttpd 0.9 can answer only once a body is complete, so a body past the limit (a chunked
  // one declares no length to refuse up front) is counted and dropped, not kept: a small overrun still
  // gets its 413 at the end, a large one has its connection cut once it passes the limit again.
  MHD_Result OnBody(RequestState& st, const char* data, size_t* size) {
    const size_t n = *size;
    *size = 0;
    if (st.answered) return MHD_YES;  // refused from its head: the rest is dropped, the connection closed
    if (!st.too_large && st.req.body.size() + n <= o.limits.max_body) {
      st.req.body.append(data, n);
      return MHD_YES;
    }
    if (!st.too_large) {
      st.too_large = true;
      st.dropped = st.req.body.size();
      std::string().swap(st.req.body);
    }
    st.dropped += n;
    if (st.dropped > 2 * o.limits.max_body + (64u << 10)) {
      Log("closed the connection of " + st.req.peer + ": its request body passed " + std::to_string(st.dropped) +
          " bytes (the limit is " + std::to_string(o.limits.max_body) + ")");
      return MHD_NO;
    }
    return MHD_YES;
  }

  // A counting semaphore over the handlers; a waiting request gives up when its client leaves or the
  // server stops.
  bool TakeHandlerSlot(const HttpRequest& req) {
    std::unique_lock<std::mutex> lock(mu);
    while (running_handlers >= std::max(1u, o.limits.max_handlers)) {
      if (stopping || req.ClientGone()) return false;
      cv.wait_for(lock, std::chrono::milliseconds(50));
    }
    ++running_handlers;
    return true;
  }

  void GiveHandlerSlot() {
    std::lock_guard<std::mutex> lock(mu);
    --running_handlers;
    cv.notify_all();
  }

  MHD_Result OnComplete(MHD_Connection* c, RequestState& st) {
    if (st.answered) return MHD_YES;
    if (st.too_large) return AnswerTooLarge(c, st, std::to_string(st.dropped));
    SetPhase(c, Phase::kHandler);
    if (!TakeHandlerSlot(st.req)) {
      if (stopping) return AnswerError(c, st, 503, o.name + " is stopping", true);
      return MHD_NO;  // its client left while it waited
    }
    HttpResponse res;
    res.headers.emplace_back("Cache-Control", "no-store");
    try {
      struct Slot {
        Impl& self;
        ~Slot() { self.GiveHandlerSlot(); }
      } slot{*this};
      st.route->handler(st.req, res);
    } catch (const std::exception& e) {
      Log(st.req.method + " " + st.req.path + ": handler failed: " + e.what());
      return AnswerError(c, st, 500, "internal error in " + o.name, true);
    }
    if (st.req.ClientGone() && !stopping) return MHD_NO;  // nobody to answer
    return Answer(c, st, res, false);
  }

  static MHD_Result OnAccess(void* cls, MHD_Connection* c, const char* url, const char* method, const char* /*version*/,
                             const char* data, size_t* size, void** req_cls) {
    auto* self = static_cast<Impl*>(cls);
    auto* st = static_cast<RequestState*>(*req_cls);
    if (st == nullptr) {
      st = new RequestState;
      *req_cls = st;
      return self->OnHead(c, url, method, *st);
    }
    if (*size > 0) return self->OnBody(*st, data, size);
    return self->OnComplete(c, *st);
  }

  static void OnRequestDone(void* cls, MHD_Connection* c, void** req_cls, MHD_RequestTerminationCode) {
    delete static_cast<RequestState*>(*req_cls);
    *req_cls = nullptr;
    static_cast<Impl*>(cls)->SetPhase(c, Phase::kHead);  // the next request on this connection
  }

  static void OnConnection(void* cls, MHD_Connection* c, void** /*socket_context*/, MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<Impl*>(cls);
    std::lock_guard<std::mutex> lock(self->mu);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      self->connections.erase(c);
      self->cv.notify_all();
      return;
    }
    Connection conn;
    if (const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)) conn.fd = info->connect_fd;
    if (const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) conn.peer = AddressText(info->client_addr);
    if (self->stopping) self->CutLocked(conn);
    self->connections.emplace(c, conn);
  }

  static void OnLibraryLog(void* cls, const char* fmt, va_list ap) {
    auto* self = static_cast<Impl*>(cls);
    char line[512];
    std::vsnprintf(line, sizeof line, fmt, ap);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    {
      std::lock_guard<std::mutex> lock(self->mu);
      if (self->starting) {
        self->start_log += (self->start_log.empty() ? "" : "; ") + text;
        return;
      }
    }
    // Clients that reset, time out or send garbage are the network's weather, not the server's
    // news; what is left is worth a line.
    if (text.find("onnection") != std::string::npos || text.find("receive") != std::string::npos ||
        text.find("send") != std::string::npos || text.find("imeout") != std::string::npos)
      return;
    self->Log(text);
  }
};

void HttpResponse::SetError(int status_code, const std::string& message) {
  Set(status_code, nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (SameName(k, name)) return v;
  return "";
}

std::string HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return "";
}

bool BindsBeyondLoopback(std::string_view bind) {
  if (bind == "localhost" || bind == "::1" || bind == "[::1]") return false;
  in_addr a{};
  const std::string text(bind);
  if (inet_pton(AF_INET, text.c_str(), &a) == 1) return (ntohl(a.s_addr) >> 24) != 127;
  return true;
}

std::string PlainHttpWarning(const std::string& what, const std::string& url, const std::string& fix) {
  const std::string rule(78, '!');
  return rule + "\nWARNING: " + what + " serves plain HTTP beyond this host, on " + url +
         "\n  Anyone on the network between a client and this host can read and change every request\n"
         "  and answer (a bearer token included).\n  " + fix + "\n" + rule + "\n";
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

bool HttpServer::tls() const { return impl_->tls; }

std::string HttpServer::url() const {
  const std::string& b = impl_->o.bind;
  const std::string host = b.find(':') != std::string::npos && b.front() != '[' ? "[" + b + "]" : b;
  return std::string(impl_->tls ? "https" : "http") + "://" + host + ":" + std::to_string(impl_->port) + "/";
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->o = std::move(options);
  Impl& s = *impl;
  for (const HttpRoute& route : s.o.routes) {
    try {
      s.routes.emplace_back(std::regex(route.pattern, std::regex::ECMAScript), &route);
    } catch (const std::regex_error& e) {
      return Fail(Status::kBadArgument, s.o.name + ": route pattern '" + route.pattern + "': " + e.what());
    }
  }
  const std::string where = s.o.bind + ":" + std::to_string(s.o.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(s.o.port);
  if (int rc = getaddrinfo(s.o.bind.c_str(), port_text.c_str(), &hints, &found); rc != 0 || found == nullptr)
    return Fail(Status::kBadArgument, s.o.name + ": cannot listen on " + where + ": " + gai_strerror(rc));
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (address.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (s.o.tls_cert_file.empty() != s.o.tls_key_file.empty())
    return Fail(Status::kBadArgument, s.o.name + ": HTTPS needs both a certificate and its key (got only the " +
                                          (s.o.tls_cert_file.empty() ? "key" : "certificate") + ")");
  if (!s.o.tls_cert_file.empty()) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
      return Fail(Status::kBadArgument, s.o.name + ": this libmicrohttpd was built without TLS");
    auto cert = ReadRegularFile(s.o.tls_cert_file, kMaxTextFileBytes);
    if (!cert) return Fail(Status::kBadArgument, s.o.name + ": TLS certificate " + cert.error().message);
    auto key = ReadRegularFile(s.o.tls_key_file, kMaxTextFileBytes);
    if (!key) return Fail(Status::kBadArgument, s.o.name + ": TLS key " + key.error().message);
    s.cert = std::move(*cert);
    s.key = std::move(*key);
    flags |= MHD_USE_TLS;
    s.tls = true;
  }
  const HttpLimits& l = s.o.limits;
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_SOCK_ADDR, 0, &address},
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(l.max_connections), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(l.idle_timeout_s), nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(l.max_head), nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::OnRequestDone), &s},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Impl::OnConnection), &s},
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&Impl::OnLibraryLog), &s},
  };
  if (l.max_connections_per_client > 0)
    items.push_back({MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<intptr_t>(l.max_connections_per_client), nullptr});
  if (s.tls) {
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, s.cert.data()});
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, s.key.data()});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  s.daemon = MHD_start_daemon(flags, static_cast<uint16_t>(s.o.port), nullptr, nullptr, &Impl::OnAccess, &s, MHD_OPTION_ARRAY,
                              items.data(), MHD_OPTION_END);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.starting = false;
  }
  if (s.daemon == nullptr)
    return Fail(Status::kInternal, s.o.name + ": cannot listen on " + where + ": " + (s.start_log.empty() ? "libmicrohttpd refused" : s.start_log));
  if (const MHD_DaemonInfo* info = MHD_get_daemon_info(s.daemon, MHD_DAEMON_INFO_BIND_PORT)) s.port = info->port;
  s.watchdog = std::thread([&s] { s.Watch(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.stopped || s.daemon == nullptr) return;
  }
  s.stopping = true;
  s.listen_fd = MHD_quiesce_daemon(s.daemon);  // no new connections from here on
  {
    std::unique_lock<std::mutex> lock(s.mu);
    for (auto& [c, conn] : s.connections)
      if (conn.phase != Phase::kHandler) s.CutLocked(conn);
    s.cv.wait_for(lock, s.o.limits.stop_grace, [&s] {
      for (const auto& [c, conn] : s.connections)
        if (conn.phase == Phase::kHandler && !conn.cut) return false;
      return true;
    });
    for (auto& [c, conn] : s.connections) s.CutLocked(conn);
  }
  s.cv.notify_all();
  if (s.watchdog.joinable()) s.watchdog.join();
  MHD_stop_daemon(s.daemon);
  if (s.listen_fd >= 0) ::close(s.listen_fd);
  std::lock_guard<std::mutex> lock(s.mu);
  s.daemon = nullptr;
  s.stopped = true;
  s.cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace hil::web
