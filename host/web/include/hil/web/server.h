// `hil serve`: the report's views live from the store over HTTP, and a read-only JSON API.
//   GET /                          the report page (query: since=, suite=)
//   GET /api/report                the page's data (query: since=, suite=)
//   GET /api/runs                  runs, newest first (query: since=, suite=)
//   GET /api/runs/ID/jobs          one run's jobs
//   GET /api/series?model=&board=  per model x board series over runs
// Every request opens the store afresh, read only in intent: nothing is written by a request.
// The server's limits and deadlines are hil/web/http_server.h's; it takes no request bodies.
#pragma once

#include <functional>
#include <string>

#include "hil/core/error.h"
#include "hil/web/report_data.h"

namespace hil::web {

struct ServeOptions {
  std::string db_path;
  std::string boards_dir;
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (the chosen one is passed to on_listening)
  std::string tls_cert_file;  // PEM; with tls_key_file: HTTPS
  std::string tls_key_file;
  std::function<void(const std::string& url)> on_listening;
};

// Blocks until the process is stopped. Errors: kNotFound (no store file), kBadArgument (cannot bind,
// unreadable TLS files). Bound beyond loopback without TLS, it prints a warning to stderr.
Result<void> Serve(const ServeOptions& options);

}  // namespace hil::web
