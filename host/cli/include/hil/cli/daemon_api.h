// The HTTP API of `hil daemon`: submit a suite to the farm, follow a run, cancel it, read its jobs.
// Every request needs "Authorization: Bearer <token>" (401, checked before any body is read); the
// server binds to 127.0.0.1 unless told otherwise, and serves HTTPS when given a certificate; bodies
// over the limit are refused (413, chunked ones too), and every field is checked (400 naming the
// field and what is wrong). The HTTP layer's deadlines and caps: hil/web/http_server.h.
//
//   POST /api/v1/runs              {"suite": "<suite YAML>", "files": {"models/x.tflite": "<base64>"}}
//                                  -> 201 {"run_id": 7, "jobs": 12}
//   GET  /api/v1/runs/<id>         -> {"run_id", "suite", "status", "queued", "leased", "done",
//                                      "quarantined", "cancelled"}
//   POST /api/v1/runs/<id>/cancel  -> {"cancelled": 3}
//   GET  /api/v1/runs/<id>/jobs    -> [{"id", "model", "board_kind", "board_instance", "status",
//                                       "median", "unit", "error"}]
// Files are written under a private temporary folder for the suite to name them (relative paths
// without ".."), checked and queued as blobs, then removed.
//
// Thread: the server runs a thread per connection; each request opens its own database connections.
// A submission whose client leaves is dropped before anything is queued.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hil/core/error.h"
#include "hil/web/http_server.h"

namespace hil::cli {

struct ApiOptions {
  std::string db;          // the farm's database
  std::string boards_dir;  // board kinds that submitted suites may name
  std::string bind = "127.0.0.1";
  int port = 0;            // 0: a free port
  std::string token;       // required, at least 16 characters
  size_t max_body = 64u << 20;
  web::HttpLimits limits;     // deadlines and connection caps (its max_body is max_body above)
  std::string tls_cert_file;  // PEM; with tls_key_file: HTTPS
  std::string tls_key_file;
};

class DaemonApi {
 public:
  // Binds and starts serving. Errors: kBadArgument (no or short token), kInternal (cannot bind,
  // naming the address).
  static Result<std::unique_ptr<DaemonApi>> Start(const ApiOptions& options);
  ~DaemonApi();
  int port() const;
  std::string url() const;  // "http://127.0.0.1:8081/api/v1/"
  bool tls() const;
  // Stops within about a second: a submission in progress is given up before it queues anything
  // (hil/web/http_server.h Stop()).
  void Stop();

 private:
  struct Impl;
  explicit DaemonApi(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hil::cli
