// The HTTP/1.1 server under `hil serve` and the daemon's farm API, on GNU libmicrohttpd: a thread
// per connection (a slow handler or a slow client holds up nobody else) and the limits a server
// that may face a network needs, all of them holding whatever the client sends:
//   - a body limit that counts the bytes received, so a chunked body is held to it as a declared
//     Content-Length is (413, and the rest of the body is never read);
//   - a deadline for the whole request head and one for the whole body (a client that sends a
//     header line every few seconds is cut off at the deadline, not kept by each byte), an idle
//     timeout for everything else, and a cap on the request head's size;
//   - a cap on connections (those past it are closed at once), optionally per client address;
//   - handlers that can see their client leave (HttpRequest::ClientGone) and a Stop() that tells them,
//     cuts the slow and idle connections at once and returns when the handlers have;
//   - HTTPS from a PEM certificate and key.
// Every answer the server gives by itself (404, 405, 413, 503, 500) is JSON: {"error": "..."}, but
// for libmicrohttpd's own to requests it cannot parse (400, 431: a head over max_head), short HTML.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hil/core/error.h"

namespace hil::web {

struct HttpRequest {
  std::string method;                // "GET", "POST", ... (a GET route also answers HEAD)
  std::string path;                  // decoded, without the query
  std::vector<std::string> matches;  // the route pattern's groups; [0] is the whole path
  std::string body;
  std::string peer;  // the client's address
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> params;  // the query's, decoded

  std::string Header(std::string_view name) const;  // "" when absent; the name in any case
  std::string Param(std::string_view name) const;   // "" when absent
  // True once the client has closed its side of the connection or the server is stopping: a
  // handler with long work asks between its steps and gives up (its answer would reach nobody).
  bool ClientGone() const { return gone && gone(); }
  std::function<bool()> gone;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;

  void Set(int status_code, std::string text, std::string type) {
    status = status_code;
    body = std::move(text);
    content_type = std::move(type);
  }
  // {"error": "<message>"} as JSON: the one shape of every error answer, the server's own and the
  // handlers'.
  void SetError(int status_code, const std::string& message);
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpRoute {
  std::string method;   // "GET" (answers HEAD too), "POST", ...
  std::string pattern;  // an ECMAScript regex matched against the whole path
  HttpHandler handler;
};

struct HttpLimits {
  size_t max_body = 1u << 20;                       // bytes received, chunked or not -> 413
  size_t max_head = 32u << 10;                      // request line and headers (and a connection's buffers)
  std::chrono::milliseconds head_timeout{10000};    // the whole head, from the connection (or the previous answer)
  std::chrono::milliseconds body_timeout{60000};    // the whole body, from the end of the head
  unsigned idle_timeout_s = 30;                     // no byte either way while a request is answered
  unsigned max_connections = 256;            // more are closed at once (the client may retry)
  unsigned max_connections_per_client = 0;  // 0: no cap of its own (farm clients often share one address)
  std::chrono::milliseconds stop_grace{500};        // Stop() lets running handlers finish this long
  // Handlers running at once; more wait their turn (while their clients stay): a handler may hold
  // scarce things (a database connection each), connections are cheap.
  unsigned max_handlers = 8;
};

struct HttpServerOptions {
  std::string name = "http";  // in errors and log lines: "hil serve", "daemon API"
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: a free port (port() tells which)
  HttpLimits limits;
  std::string tls_cert_file;  // PEM files; both or neither: HTTPS when given
  std::string tls_key_file;
  // Runs once a request's head is in, before its body is read, for requests that match a route.
  // Filling `res` and returning true answers the request from here and its body is never read
  // (a missing token: nobody without one can make the server read a body).
  std::function<bool(const HttpRequest& req, HttpResponse& res)> check_head;
  std::function<void(const std::string& line)> log;  // default: stderr, prefixed with `name`
  std::vector<HttpRoute> routes;
};

class HttpServer {
 public:
  // Binds and serves from its own threads. Errors: kBadArgument (bad address, unreadable TLS file,
  // bad pattern), kInternal (cannot listen, naming the address and why).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options);
  ~HttpServer();  // Stop()

  int port() const;
  std::string url() const;  // "http://127.0.0.1:8080/" (https with TLS)
  bool tls() const;
  // Takes no more connections, cuts the ones waiting for a request, tells running handlers
  // (ClientGone() turns true), waits stop_grace for them, then closes everything. Idempotent.
  void Stop();
  // Blocks until Stop() has run (on another thread).
  void Wait();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True unless `bind` is a loopback address (127.0.0.0/8, ::1) or "localhost": a server bound there
// can be reached from other machines.
bool BindsBeyondLoopback(std::string_view bind);

// The lines to print when a server is reachable from other machines without TLS: what anyone on
// the network can then read or do, and the options that fix it.
std::string PlainHttpWarning(const std::string& what, const std::string& url, const std::string& fix);

}  // namespace hil::web
