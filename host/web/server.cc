#include "hil/web/server.h"

#include <charconv>
#include <cstdio>
#include <filesystem>

#include "hil/store/open_store.h"
#include "hil/web/http_server.h"
#include "hil/web/html_report.h"

namespace hil::web {
namespace {

ReportFilter FilterOf(const HttpRequest& req) { return {.since = req.Param("since"), .suite = req.Param("suite")}; }

void SendError(HttpResponse& res, const Error& e) { res.SetError(e.code == Status::kNotFound ? 404 : 500, e.message); }

}  // namespace

Result<void> Serve(const ServeOptions& options) {
  std::error_code ec;
  if (!store::IsPostgres(options.db_path) && !std::filesystem::exists(options.db_path, ec))
    return Fail(Status::kNotFound, "store " + options.db_path + ": no such file (run `hil run` first)");

  std::vector<HttpRoute> routes;
  // Each request opens its own Store: a Store object belongs to one thread, and the server's
  // threads must see runs that `hil run` finished after the server started.
  auto with_store = [&options](HttpResponse& res, const std::function<Result<std::string>(store::Store&)>& body,
                               const char* type) {
    auto store = store::OpenStore(options.db_path);
    if (!store) return SendError(res, store.error());
    auto text = body(**store);
    if (!text) return SendError(res, text.error());
    res.Set(200, std::move(*text), type);
  };
  auto report_options = [&options](const HttpRequest& req) {
    return ReportOptions{.db_path = options.db_path, .boards_dir = options.boards_dir, .filter = FilterOf(req)};
  };

  routes.push_back({"GET", "/", [&](const HttpRequest& req, HttpResponse& res) {
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) -> Result<std::string> {
      auto json = ReportJson(s, o);
      if (!json) return std::unexpected(json.error());
      return RenderReportHtml(*json, /*live=*/true);
    }, "text/html; charset=utf-8");
  }});
  routes.push_back({"GET", "/api/report", [&](const HttpRequest& req, HttpResponse& res) {
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) { return ReportJson(s, o); }, "application/json");
  }});
  routes.push_back({"GET", "/api/runs", [&](const HttpRequest& req, HttpResponse& res) {
    const ReportFilter f = FilterOf(req);
    with_store(res, [&](store::Store& s) { return RunsJson(s, f); }, "application/json");
  }});
  routes.push_back({"GET", R"(/api/runs/(\d+)/jobs)", [&](const HttpRequest& req, HttpResponse& res) {
    int64_t run_id = 0;
    const std::string id = req.matches[1];
    if (std::from_chars(id.data(), id.data() + id.size(), run_id).ec != std::errc())  // too large for a run id
      return SendError(res, Error{Status::kNotFound, "run " + id + ": no such run"});
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) { return JobsJson(s, run_id, o); }, "application/json");
  }});
  routes.push_back({"GET", "/api/series", [&](const HttpRequest& req, HttpResponse& res) {
    const ReportOptions o = report_options(req);
    const std::string model = req.Param("model"), board = req.Param("board");
    with_store(res, [&](store::Store& s) { return SeriesJson(s, model, board, o); }, "application/json");
  }});
  // Browsers ask for it on every page; no icon, and no 404 in their console.
  routes.push_back({"GET", "/favicon.ico", [](const HttpRequest&, HttpResponse& res) { res.status = 204; }});
  // Read only: anything but GET and HEAD is refused (405).

  HttpServerOptions http;
  http.name = "serve";  // errors read "hil: serve: ..."
  http.bind = options.bind;
  http.port = options.port;
  http.tls_cert_file = options.tls_cert_file;
  http.tls_key_file = options.tls_key_file;
  http.limits.max_body = 64u << 10;  // it takes no bodies: what comes is refused early
  http.routes = std::move(routes);
  auto server = HttpServer::Start(std::move(http));
  if (!server) return std::unexpected(Error{Status::kBadArgument, server.error().message});
  if (BindsBeyondLoopback(options.bind) && !(*server)->tls())
    std::fputs(PlainHttpWarning("hil serve", (*server)->url(), "Fix: serve on 127.0.0.1 (the default) behind a TLS proxy, or give --tls-cert and --tls-key.").c_str(), stderr);
  if (options.on_listening) options.on_listening((*server)->url());
  (*server)->Wait();
  return {};
}

}  // namespace hil::web
