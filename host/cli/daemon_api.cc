#include "hil/cli/daemon_api.h"

#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "hil/cli/api_intake.h"
#include "hil/cli/runner.h"
#include "hil/core/stats.h"
#include "hil/store/pg_queue.h"
#include "hil/store/pg_store.h"
#include "hil/web/http_server.h"

namespace hil::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using web::HttpRequest;
using web::HttpResponse;

void Send(HttpResponse& res, int status, const json& body) {
  res.Set(status, body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void SendError(HttpResponse& res, int status, const std::string& message) { res.SetError(status, message); }

// A failure of the farm's own machinery (its database, its disk): the client learns that, and the
// request's time to match it in the daemon's log; the details (which name the database server, the
// user, the folders) go only to that log.
void SendInternal(HttpResponse& res, const Error& e) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  std::fprintf(stderr, "hil daemon API: internal error (request %lld): %s\n", ms, e.message.c_str());
  SendError(res, 500, "internal error in the farm (the daemon's log has it under request " + std::to_string(ms) + ")");
}

// An error whose code says whose fault it is: the client's (its text is about the request) or the
// farm's (SendInternal).
void SendResult(HttpResponse& res, const Error& e) {
  if (e.code == Status::kNotFound || e.code == Status::kBadArgument || e.code == Status::kBadState) {
    SendError(res, e.code == Status::kNotFound ? 404 : e.code == Status::kBadArgument ? 400 : 409, e.message);
  } else {
    SendInternal(res, e);
  }
}

// Compares in time independent of where the strings differ.
bool SameToken(const std::string& given, const std::string& token) {
  unsigned diff = given.size() == token.size() ? 0u : 1u;
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned>(given[i] ^ token[i % token.size()]);
  return diff == 0;
}

// A run id from the path; nullopt unless it is a positive decimal number.
std::optional<int64_t> RunId(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  const int64_t v = std::stoll(text);
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

}  // namespace

struct DaemonApi::Impl {
  ApiOptions options;
  std::unique_ptr<web::HttpServer> server;
};

DaemonApi::DaemonApi(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DaemonApi::~DaemonApi() { Stop(); }

int DaemonApi::port() const { return impl_->server->port(); }

std::string DaemonApi::url() const { return impl_->server->url() + "api/v1/"; }

bool DaemonApi::tls() const { return impl_->server->tls(); }

void DaemonApi::Stop() {
  if (impl_ && impl_->server) impl_->server->Stop();
}

Result<std::unique_ptr<DaemonApi>> DaemonApi::Start(const ApiOptions& options) {
  if (options.token.size() < 16)
    return Fail(Status::kBadArgument, "daemon API: a token of at least 16 characters is required (--api-token-file)");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const ApiOptions* o = &impl->options;
  web::HttpServerOptions http;
  http.name = "daemon API";
  http.bind = options.bind;
  http.port = options.port;
  http.limits = options.limits;
  http.limits.max_body = options.max_body;
  http.tls_cert_file = options.tls_cert_file;
  http.tls_key_file = options.tls_key_file;
  // The token before the body: a client without one makes the daemon read nothing more.
  http.check_head = [o](const HttpRequest& req, HttpResponse& res) {
    const std::string auth = req.Header("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 && SameToken(auth.substr(7), o->token)) return false;
    SendError(res, 401, "missing or wrong token (Authorization: Bearer <token>)");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return true;
  };
  std::vector<web::HttpRoute>& routes = http.routes;

  routes.push_back({"POST", "/api/v1/runs", [o](const HttpRequest& req, HttpResponse& res) {
    auto submission = ParseSubmission(req.body);
    if (!submission) return SendError(res, 400, submission.error().message);
    char dir_template[] = "/tmp/hil_api_XXXXXX";
    if (!mkdtemp(dir_template)) return SendInternal(res, Error{Status::kInternal, std::string("cannot create a folder for the upload: ") + std::strerror(errno)});
    const fs::path dir(dir_template);
    struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    } cleanup{dir};
    if (auto w = WriteUploads(*submission, dir.string()); !w) return SendInternal(res, w.error());
    auto submitted = SubmitSuite(o->db, submission->suite, "suite", dir.string(), o->boards_dir, [&req] { return req.ClientGone(); });
    if (!submitted && req.ClientGone()) return;  // nothing queued, and nobody to tell
    if (!submitted) {
      // The suite's own messages name "suite:<line>"; the temporary folder means nothing to the client.
      std::string message = submitted.error().message;
      for (size_t at; (at = message.find(dir.string() + "/")) != std::string::npos;) message.erase(at, dir.string().size() + 1);
      if (submitted.error().code == Status::kInternal) return SendInternal(res, submitted.error());
      return SendError(res, 400, message);
    }
    Send(res, 201, {{"run_id", submitted->run_id}, {"jobs", submitted->jobs}});
  }});

  routes.push_back({"GET", R"(/api/v1/runs/([^/]+))", [o](const HttpRequest& req, HttpResponse& res) {
    const auto id = RunId(req.matches[1]);
    if (!id) return SendError(res, 400, "run id: expected a positive number, got '" + req.matches[1] + "'");
    auto store = store::PgStore::Open(o->db);
    if (!store) return SendInternal(res, store.error());
    auto runs = (*store)->ListRuns();
    if (!runs) return SendInternal(res, runs.error());
    const store::RunRow* run = nullptr;
    for (const auto& r : *runs)
      if (r.id == *id) run = &r;
    if (!run) return SendError(res, 404, "no run " + std::to_string(*id));
    auto queue = store::PgQueue::Open(o->db);
    if (!queue) return SendInternal(res, queue.error());
    auto c = (*queue)->Counts(*id);
    if (!c) return SendInternal(res, c.error());
    Send(res, 200,
         {{"run_id", *id}, {"suite", run->suite_name}, {"status", run->status}, {"queued", c->queued}, {"leased", c->leased},
          {"done", c->done}, {"quarantined", c->quarantined}, {"cancelled", c->cancelled}});
  }});

  routes.push_back({"POST", R"(/api/v1/runs/([^/]+)/cancel)", [o](const HttpRequest& req, HttpResponse& res) {
    const auto id = RunId(req.matches[1]);
    if (!id) return SendError(res, 400, "run id: expected a positive number, got '" + req.matches[1] + "'");
    auto queue = store::PgQueue::Open(o->db);
    if (!queue) return SendInternal(res, queue.error());
    auto c = (*queue)->Counts(*id);
    if (!c) return SendInternal(res, c.error());
    if (c->open() + c->done + c->quarantined + c->cancelled == 0) return SendError(res, 404, "no queued run " + std::to_string(*id));
    auto n = (*queue)->Cancel(*id);
    if (!n) return SendResult(res, n.error());
    (void)(*queue)->FinishIfDone(*id);
    Send(res, 200, {{"cancelled", *n}});
  }});

  routes.push_back({"GET", R"(/api/v1/runs/([^/]+)/jobs)", [o](const HttpRequest& req, HttpResponse& res) {
    const auto id = RunId(req.matches[1]);
    if (!id) return SendError(res, 400, "run id: expected a positive number, got '" + req.matches[1] + "'");
    auto store = store::PgStore::Open(o->db);
    if (!store) return SendInternal(res, store.error());
    auto jobs = (*store)->ListJobs(*id);
    if (!jobs) return SendResult(res, jobs.error());
    json out = json::array();
    for (const auto& j : *jobs) {
      json row = {{"id", j.id},          {"model", j.info.model_name}, {"board_kind", j.info.board_kind},
                  {"board_instance", j.info.board_instance}, {"status", j.status}, {"unit", j.unit}, {"error", j.error}};
      row["median"] = j.samples.empty() ? json(nullptr) : json(Summarize(j.samples).median);
      out.push_back(row);
    }
    Send(res, 200, out);
  }});

  auto server = web::HttpServer::Start(std::move(http));
  if (!server) return std::unexpected(server.error());
  impl->server = std::move(*server);
  return std::unique_ptr<DaemonApi>(new DaemonApi(std::move(impl)));
}

}  // namespace hil::cli
