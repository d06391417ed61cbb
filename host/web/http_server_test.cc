// HttpServer against what hostile or careless clients do: raw sockets for the slow ones, curl for
// chunked uploads and HTTPS (another project's client, with its own idea of HTTP).
#include "hil/web/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace hil::web {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = send(fd, text.data() + at, text.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

// Everything the server sends until it closes the connection or `wait` passes.
std::string ReadAll(int fd, std::chrono::milliseconds wait) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// True when the server has closed (or reset) this connection.
bool ClosedByServer(int fd, std::chrono::milliseconds wait) {
  const auto end = std::chrono::steady_clock::now() + wait;
  do {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait.count() > 0 ? 50 : 0) <= 0) continue;
    char buf[4096];
    if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) return true;
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

std::string Request(int port, const std::string& raw, std::chrono::milliseconds wait = 5000ms) {
  const int fd = Connect(port);
  if (fd < 0) return "connect failed";
  SendAll(fd, raw);
  std::string out = ReadAll(fd, wait);
  close(fd);
  return out;
}

struct CurlResult {
  int exit_code = -1;
  std::string out;
};

CurlResult Curl(const std::string& args) {
  CurlResult r;
  FILE* p = popen(("curl -sS --max-time 20 " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerOptions Options() {
    HttpServerOptions o;
    o.name = "test server";
    o.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(line);
    };
    o.limits.max_body = 1000;
    o.routes.push_back({"GET", "/hello", [](const HttpRequest& req, HttpResponse& res) { res.Set(200, "hi " + req.Param("who"), "text/plain"); }});
    o.routes.push_back({"POST", R"(/echo/(\w+))", [](const HttpRequest& req, HttpResponse& res) {
                          res.Set(200, req.matches[1] + ":" + std::to_string(req.body.size()), "text/plain");
                        }});
    // Long work that asks between its steps whether anyone still waits for it.
    o.routes.push_back({"GET", "/long", [this](const HttpRequest& req, HttpResponse& res) {
                          long_started_ = true;
                          const auto end = std::chrono::steady_clock::now() + 60s;
                          while (std::chrono::steady_clock::now() < end) {
                            if (req.ClientGone()) {
                              long_saw_gone_ = true;
                              return;
                            }
                            std::this_thread::sleep_for(10ms);
                          }
                          res.Set(200, "done", "text/plain");
                        }});
    return o;
  }

  std::unique_ptr<HttpServer> Start(HttpServerOptions o) {
    auto s = HttpServer::Start(std::move(o));
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::atomic<bool> long_started_{false};
  std::atomic<bool> long_saw_gone_{false};
};

TEST_F(HttpServerTest, RoutesAnswerAndStrangersGetJsonErrors) {
  auto s = Start(Options());
  ASSERT_TRUE(s);
  EXPECT_THAT(Curl("http://127.0.0.1:" + std::to_string(s->port()) + "/hello?who=me").out, HasSubstr("hi me"));
  const CurlResult missing = Curl("-w ' %{http_code}' http://127.0.0.1:" + std::to_string(s->port()) + "/nope");
  EXPECT_THAT(missing.out, HasSubstr(R"({"error":"no such path: /nope"} 404)"));
  const CurlResult wrong = Curl("-X DELETE -i http://127.0.0.1:" + std::to_string(s->port()) + "/hello");
  EXPECT_THAT(wrong.out, HasSubstr("405"));
  EXPECT_THAT(wrong.out, HasSubstr("Allow: GET"));
  EXPECT_THAT(wrong.out, HasSubstr("method not allowed"));
  EXPECT_THAT(Curl("-I http://127.0.0.1:" + std::to_string(s->port()) + "/hello").out, HasSubstr("200 OK"));
}

TEST_F(HttpServerTest, ChunkedBodiesAreHeldToTheLimitAsDeclaredOnesAre) {
  auto s = Start(Options());
  ASSERT_TRUE(s);
  const std::string url = "http://127.0.0.1:" + std::to_string(s->port()) + "/echo/x";
  const auto body = std::filesystem::temp_directory_path() / ("hil_http_body_" + std::to_string(getpid()));
  {
    std::ofstream out(body, std::ios::binary);
    out << std::string(5000000, 'a');  // 5 MB against a 1000-byte limit
  }
  // Under the limit, chunked: whole.
  EXPECT_THAT(Curl("-H 'Transfer-Encoding: chunked' --data-binary 0123456789 " + url).out, HasSubstr("x:10"));
  // Over it, declared: 413 before any of the body is read.
  CurlResult declared = Curl("-w ' %{http_code}' --data-binary @" + body.string() + " " + url);
  EXPECT_THAT(declared.out, HasSubstr("request body of 5000000 bytes: more than the 1000 this server takes"));
  EXPECT_THAT(declared.out, HasSubstr(" 413"));
  // Over it, chunked (no length to refuse up front): the bytes are counted, not kept, and the
  // connection is cut once they pass the limit again; never the handler with 5 MB.
  CurlResult chunked = Curl("-w ' %{http_code}' -H 'Transfer-Encoding: chunked' --data-binary @" + body.string() + " " + url);
  EXPECT_THAT(chunked.out, Not(HasSubstr("x:5000000")));
  EXPECT_TRUE(chunked.out.find("413") != std::string::npos || chunked.exit_code != 0) << chunked.out;
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    EXPECT_THAT(::testing::PrintToString(log_), HasSubstr("bytes (the limit is 1000)"));
  }
  // A small overrun, chunked: the body ends, and the answer is a 413 naming the size.
  std::string chunks;
  for (int i = 0; i < 5; ++i) chunks += "100\r\n" + std::string(256, 'b') + "\r\n";
  const std::string answer = Request(s->port(), "POST /echo/y HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
  EXPECT_THAT(answer, HasSubstr("413"));
  EXPECT_THAT(answer, HasSubstr("request body of 1280 bytes: more than the 1000 this server takes"));
  // An endless chunked body: cut, not stored.
  const int fd = Connect(s->port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "POST /echo/z HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  bool cut = false;
  for (int i = 0; i < 2000 && !cut; ++i) cut = !SendAll(fd, "400\r\n" + std::string(1024, 'c') + "\r\n") || ClosedByServer(fd, 0ms);
  close(fd);
  EXPECT_TRUE(cut) << "2 MB of chunks over a 1000-byte limit were all taken";
  std::filesystem::remove(body);
}

TEST_F(HttpServerTest, CheckHeadAnswersBeforeTheBodyIsRead) {
  HttpServerOptions o = Options();
  o.limits.max_body = 100u << 20;
  std::atomic<int> handled{0};
  o.routes.push_back({"POST", "/upload", [&](const HttpRequest&, HttpResponse& res) {
                        ++handled;
                        res.Set(200, "stored", "text/plain");
                      }});
  o.check_head = [](const HttpRequest& req, HttpResponse& res) {
    if (req.Header("authorization") == "Bearer right") return false;
    res.Set(401, R"({"error":"token"})", "application/json");
    return true;
  };
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  const int fd = Connect(s->port());
  ASSERT_GE(fd, 0);
  // Declares 50 MB and sends none of it: the 401 comes at once, not after a body.
  SendAll(fd, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n");
  const std::string answer = ReadAll(fd, 2000ms);
  close(fd);
  EXPECT_THAT(answer, HasSubstr("401"));
  EXPECT_EQ(handled, 0);
  EXPECT_THAT(Curl("-H 'Authorization: Bearer right' --data-binary abc http://127.0.0.1:" + std::to_string(s->port()) + "/upload").out,
              HasSubstr("stored"));
  EXPECT_EQ(handled, 1);
}

TEST_F(HttpServerTest, SlowHeadsAreCutAtTheDeadlineAndHoldUpNobody) {
  HttpServerOptions o = Options();
  o.limits.head_timeout = 1500ms;
  o.limits.max_connections = 64;
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  // Twenty clients each send a header line every 300 ms: every read is quick, the head never ends.
  std::vector<int> slow;
  for (int i = 0; i < 20; ++i) {
    const int fd = Connect(s->port());
    ASSERT_GE(fd, 0);
    SendAll(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n");
    slow.push_back(fd);
  }
  // Meanwhile a normal request is answered (a thread per connection: nobody queues behind them).
  EXPECT_THAT(Request(s->port(), "GET /hello?who=normal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), HasSubstr("hi normal"));
  const auto start = std::chrono::steady_clock::now();
  size_t open = slow.size();
  while (open > 0 && std::chrono::steady_clock::now() - start < 10s) {
    std::this_thread::sleep_for(300ms);
    open = 0;
    for (int fd : slow) {
      pollfd p{fd, POLLIN, 0};
      char c;
      const bool closed = poll(&p, 1, 0) > 0 && recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
      if (!closed && SendAll(fd, "X-Slow: 1\r\n")) ++open;
    }
  }
  EXPECT_EQ(open, 0u) << "slow clients kept their connections past the head deadline";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  for (int fd : slow) close(fd);
}

TEST_F(HttpServerTest, SlowBodiesAreCutAtTheirDeadline) {
  HttpServerOptions o = Options();
  o.limits.body_timeout = 1000ms;
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  const int fd = Connect(s->port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "POST /echo/z HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n");
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {  // a byte each 200 ms: 900 bytes would take three minutes
    cut = !SendAll(fd, "a") || ClosedByServer(fd, 200ms);
  }
  close(fd);
  EXPECT_TRUE(cut);
  std::lock_guard<std::mutex> lock(log_mu_);
  EXPECT_THAT(::testing::PrintToString(log_), HasSubstr("its request body took longer than 1000 ms"));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheCapAreRefusedAndServedOnceOthersLeave) {
  HttpServerOptions o = Options();
  o.limits.max_connections = 3;
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Connect(s->port()));
    SendAll(held.back(), "GET /hello HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(200ms);
  const int extra = Connect(s->port());
  SendAll(extra, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(ClosedByServer(extra, 2000ms)) << "a connection over the cap was served";
  close(extra);
  for (int fd : held) close(fd);
  // Served once the server has seen the held connections close (their threads notice within a poll;
  // on a busy machine that can take more than a moment).
  std::string later;
  for (int i = 0; i < 50 && later.find("hi later") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    later = Request(s->port(), "GET /hello?who=later HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 1000ms);
  }
  EXPECT_THAT(later, HasSubstr("hi later"));
}

TEST_F(HttpServerTest, ManyConcurrentClientsFromOneAddressAreAllServed) {
  auto s = Start(Options());
  ASSERT_TRUE(s);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 200; ++i)
    clients.emplace_back([&] {
      ok += Request(s->port(), "GET /hello?who=many HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000ms).find("hi many") != std::string::npos;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 200);
}

TEST_F(HttpServerTest, HandlersBeyondTheirCapWaitTheirTurn) {
  HttpServerOptions o = Options();
  o.limits.max_handlers = 2;
  std::atomic<int> running{0}, most{0};
  o.routes.push_back({"GET", "/busy", [&](const HttpRequest&, HttpResponse& res) {
                        const int now = ++running;
                        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
                        }
                        std::this_thread::sleep_for(100ms);
                        --running;
                        res.Set(200, "done", "text/plain");
                      }});
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 10; ++i)
    clients.emplace_back([&] { ok += Request(s->port(), "GET /busy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000ms).find("done") != std::string::npos; });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(most, 2);
}

TEST_F(HttpServerTest, AHandlerSeesItsClientLeave) {
  auto s = Start(Options());
  ASSERT_TRUE(s);
  const int fd = Connect(s->port());
  SendAll(fd, "GET /long HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 100 && !long_started_; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(long_started_);
  close(fd);
  for (int i = 0; i < 250 && !long_saw_gone_; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(long_saw_gone_) << "the handler worked on for a client that had left";
}

TEST_F(HttpServerTest, StopEndsHandlersAndCutsWaitingConnections) {
  auto s = Start(Options());
  ASSERT_TRUE(s);
  const int busy = Connect(s->port());
  SendAll(busy, "GET /long HTTP/1.1\r\nHost: x\r\n\r\n");
  const int idle = Connect(s->port());
  SendAll(idle, "GET /hello HTTP/1.1\r\n");
  for (int i = 0; i < 100 && !long_started_; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(long_started_);
  std::thread waiter([&] { s->Wait(); });
  const auto start = std::chrono::steady_clock::now();
  s->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  waiter.join();
  EXPECT_TRUE(long_saw_gone_);
  // The handler would have worked for 60 s; the mechanism, not a speed, is what is checked here.
  EXPECT_LT(took, 10s);
  EXPECT_TRUE(ClosedByServer(idle, 1000ms));
  EXPECT_LT(Connect(s->port()), 0) << "the port still takes connections after Stop";
  close(busy);
  close(idle);
}

TEST_F(HttpServerTest, ServesHttpsFromPemFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("hil_http_tls_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 "
                           "-keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << "openssl (Debian package openssl) could not make a certificate";
  HttpServerOptions o = Options();
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  auto s = Start(std::move(o));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->tls());
  EXPECT_THAT(s->url(), HasSubstr("https://127.0.0.1:"));
  EXPECT_THAT(Curl("--cacert " + cert + " https://127.0.0.1:" + std::to_string(s->port()) + "/hello?who=tls").out, HasSubstr("hi tls"));
  // Plain HTTP to it gets no answer from a route.
  EXPECT_THAT(Curl("http://127.0.0.1:" + std::to_string(s->port()) + "/hello?who=plain").out, Not(HasSubstr("hi plain")));
  s.reset();

  // Half of the pair, or a file that is not PEM: refused at start, naming it.
  HttpServerOptions half = Options();
  half.tls_cert_file = cert;
  auto refused = HttpServer::Start(std::move(half));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("HTTPS needs both a certificate and its key"));
  HttpServerOptions garbage = Options();
  garbage.tls_cert_file = key;  // a key where the certificate should be
  garbage.tls_key_file = "/nonexistent/key.pem";
  refused = HttpServer::Start(std::move(garbage));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("/nonexistent/key.pem"));
  std::filesystem::remove_all(dir);
}

TEST_F(HttpServerTest, BindErrorsNameTheAddress) {
  auto first = Start(Options());
  ASSERT_TRUE(first);
  HttpServerOptions o = Options();
  o.port = first->port();
  auto taken = HttpServer::Start(std::move(o));
  ASSERT_FALSE(taken);
  EXPECT_THAT(taken.error().message, HasSubstr("test server: cannot listen on 127.0.0.1:" + std::to_string(first->port())));
  HttpServerOptions bad = Options();
  bad.bind = "not an address";
  auto unknown = HttpServer::Start(std::move(bad));
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("cannot listen on not an address:0"));
}

TEST(HttpServerBind, LoopbackOrBeyond) {
  EXPECT_FALSE(BindsBeyondLoopback("127.0.0.1"));
  EXPECT_FALSE(BindsBeyondLoopback("127.3.2.1"));
  EXPECT_FALSE(BindsBeyondLoopback("::1"));
  EXPECT_FALSE(BindsBeyondLoopback("localhost"));
  EXPECT_TRUE(BindsBeyondLoopback("0.0.0.0"));
  EXPECT_TRUE(BindsBeyondLoopback("192.168.1.7"));
  EXPECT_TRUE(BindsBeyondLoopback("::"));
  EXPECT_TRUE(BindsBeyondLoopback("farm-host.example"));
}

}  // namespace
}  // namespace hil::web
