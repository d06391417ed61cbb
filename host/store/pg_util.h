// libpq helpers shared by PgStore and PgQueue (internal to hil_store): a result that clears
// itself, statements with text parameters, array literals for unnest(), and the clock and host
// name stamped on rows.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "hil/store/store.h"
#include "stamp.h"

namespace hil::store::pg {

using hil::store::NowUtc;
using hil::store::HostName;

using Param = std::optional<std::string>;

// One statement's result; clears itself.
class Res {
 public:
  explicit Res(PGresult* r) : r_(r) {}
  ~Res() { PQclear(r_); }
  Res(const Res&) = delete;
  Res& operator=(const Res&) = delete;
  Res(Res&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }

  bool ok() const {
    const auto s = PQresultStatus(r_);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  int rows() const { return PQntuples(r_); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Text(int row, int col) const { return PQgetvalue(r_, row, col); }
  int64_t Int(int row, int col) const { return std::atoll(PQgetvalue(r_, row, col)); }
  double Real(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }
  const char* Raw(int row, int col) const { return PQgetvalue(r_, row, col); }
  int Length(int row, int col) const { return PQgetlength(r_, row, col); }
  int64_t Affected() const { return std::atoll(PQcmdTuples(r_)); }
  std::string Error() const {
    std::string m = PQresultErrorMessage(r_);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
  }

 private:
  PGresult* r_;
};

inline Res Run(pg_conn* conn, const char* sql, const std::vector<Param>& params = {}) {
  std::vector<const char*> values;
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Res(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

inline Param P(int64_t v) { return std::to_string(v); }
inline Param OrNull(const std::string& v) { return v.empty() ? Param{} : Param{v}; }

// A double as text that reads back to the same value (std::to_string keeps 6 decimals only).
inline std::string Exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// "{1,2,3}": an int array literal for unnest().
template <typename T, typename F>
std::string Array(const std::vector<T>& rows, F field) {
  std::string s = "{";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(field(rows[i]));
  }
  return s + "}";
}

// A text array literal: every element double-quoted, with " and \ escaped.
template <typename T, typename F>
std::string TextArray(const std::vector<T>& rows, F field) {
  std::string s = "{";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : std::string(field(rows[i]))) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}


// Runs `body` (returning Result<T>) between BEGIN and COMMIT, and rolls back when it fails.
// Errors of the transaction itself name `who`.
template <typename T, typename F>
Result<T> InTransaction(pg_conn* conn, const std::string& who, F&& body) {
  if (Res b(PQexec(conn, "BEGIN")); !b.ok()) return Fail(Status::kInternal, who + ": BEGIN: " + b.Error());
  Result<T> r = body();
  if (!r) {
    Res rollback(PQexec(conn, "ROLLBACK"));
    return r;
  }
  if (Res c(PQexec(conn, "COMMIT")); !c.ok()) return Fail(Status::kInternal, who + ": COMMIT: " + c.Error());
  return r;
}

// Writes a job's outcome, samples, op profile and memory inside the caller's transaction.
// Errors: kNotFound (no such job), kInternal naming `store`.
Result<void> WriteJobResult(pg_conn* conn, const std::string& store, int64_t job_id, const JobResult& result);

}  // namespace hil::store::pg
