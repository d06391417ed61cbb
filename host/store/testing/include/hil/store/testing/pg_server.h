// A private PostgreSQL server for tests: Debian's postgresql binaries (initdb, postgres) run on a
// free loopback port with a fresh data directory under /tmp, as the `postgres` user when the tests
// run as root (PostgreSQL refuses to run as root). The server dies with the test process and is
// stopped and its directory removed on destruction.
//
// Errors: kNotFound (no PostgreSQL binaries: Debian package postgresql), kInternal (initdb or the
// server failed; its log is quoted), kTimeout (the server did not accept connections in time).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "hil/core/error.h"

namespace hil::store::testing {

class PgServer {
 public:
  static Result<std::unique_ptr<PgServer>> Start();
  // One server for the whole test process, started on first use (a test failure names why when it
  // cannot start; null then). Tests create a database each.
  static PgServer* Shared();
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // A libpq connection string for database `db` (created by CreateDatabase, or "postgres").
  std::string Conninfo(const std::string& db = "postgres") const;
  // The same as a URI: "postgresql://hil@127.0.0.1:PORT/db".
  std::string Uri(const std::string& db = "postgres") const {
    return "postgresql://hil@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  // Creates an empty database; kInternal naming it on failure.
  Result<void> CreateDatabase(const std::string& db);
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  PgServer() = default;
  std::string dir_;
  std::string bindir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace hil::store::testing
