#include "hil/web/server.h"

#include <httplib.h>

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "hil/store/open_store.h"
#include "hil/web/html_report.h"

namespace hil::web {
namespace {

ReportFilter FilterOf(const httplib::Request& req) {
  return {.since = req.get_param_value("since"), .suite = req.get_param_value("suite")};
}

void SendError(httplib::Response& res, const Error& e) {
  res.status = e.code == Status::kNotFound ? 404 : 500;
  res.set_content(nlohmann::json{{"error", e.message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

}  // namespace

Result<void> Serve(const ServeOptions& options) {
  std::error_code ec;
  if (!store::IsPostgres(options.db_path) && !std::filesystem::exists(options.db_path, ec))
    return Fail(Status::kNotFound, "store " + options.db_path + ": no such file (run `hil run` first)");

  httplib::Server server;
  // Each request opens its own Store: a Store object belongs to one thread, and the server's
  // threads must see runs that `hil run` finished after the server started.
  auto with_store = [&options](httplib::Response& res, const std::function<Result<std::string>(store::Store&)>& body,
                               const char* type) {
    auto store = store::OpenStore(options.db_path);
    if (!store) return SendError(res, store.error());
    auto text = body(**store);
    if (!text) return SendError(res, text.error());
    res.set_header("Cache-Control", "no-store");
    res.set_content(*text, type);
  };
  auto report_options = [&options](const httplib::Request& req) {
    return ReportOptions{.db_path = options.db_path, .boards_dir = options.boards_dir, .filter = FilterOf(req)};
  };

  server.Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) -> Result<std::string> {
      auto json = ReportJson(s, o);
      if (!json) return std::unexpected(json.error());
      return RenderReportHtml(*json, /*live=*/true);
    }, "text/html; charset=utf-8");
  });
  server.Get("/api/report", [&](const httplib::Request& req, httplib::Response& res) {
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) { return ReportJson(s, o); }, "application/json");
  });
  server.Get("/api/runs", [&](const httplib::Request& req, httplib::Response& res) {
    const ReportFilter f = FilterOf(req);
    with_store(res, [&](store::Store& s) { return RunsJson(s, f); }, "application/json");
  });
  server.Get(R"(/api/runs/(\d+)/jobs)", [&](const httplib::Request& req, httplib::Response& res) {
    int64_t run_id = 0;
    const std::string id = req.matches[1];
    if (std::from_chars(id.data(), id.data() + id.size(), run_id).ec != std::errc()) run_id = -1;  // too large: no such run
    const ReportOptions o = report_options(req);
    with_store(res, [&](store::Store& s) { return JobsJson(s, run_id, o); }, "application/json");
  });
  server.Get("/api/series", [&](const httplib::Request& req, httplib::Response& res) {
    const ReportOptions o = report_options(req);
    const std::string model = req.get_param_value("model"), board = req.get_param_value("board");
    with_store(res, [&](store::Store& s) { return SeriesJson(s, model, board, o); }, "application/json");
  });
  // Browsers ask for it on every page; no icon, and no 404 in their console.
  server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  // Read only: anything but GET and HEAD is refused by httplib with 404/405.

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.bind);
    if (port < 0) return Fail(Status::kBadArgument, "cannot listen on " + options.bind);
  } else if (!server.bind_to_port(options.bind, port)) {
    return Fail(Status::kBadArgument, "cannot listen on " + options.bind + ":" + std::to_string(port));
  }
  if (options.on_listening) options.on_listening("http://" + options.bind + ":" + std::to_string(port) + "/");
  if (!server.listen_after_bind()) return Fail(Status::kInternal, "server on " + options.bind + " stopped");
  return {};
}

}  // namespace hil::web
