#include "hil/store/sqlite_store.h"

#include "stamp.h"

#include <sqlite3.h>

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

namespace hil::store {
namespace {

// Ordered migrations: entry i takes the schema from version i to i+1. Append only; never edit one
// that has shipped.
constexpr const char* kMigrations[] = {
    // 0 -> 1: runs, jobs, samples, op profiles, memory.
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  suite_name TEXT NOT NULL,
  suite_path TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  ordinal INTEGER NOT NULL,
  model_name TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  model_bytes INTEGER NOT NULL,
  board_kind TEXT NOT NULL,
  board_instance TEXT NOT NULL,
  warmup INTEGER NOT NULL,
  iterations INTEGER NOT NULL,
  repetitions INTEGER NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  check_result TEXT,
  unit TEXT,
  source TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_by_run ON jobs(run_id);
CREATE TABLE samples (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  input_index INTEGER NOT NULL,
  repetition INTEGER NOT NULL,
  iteration INTEGER NOT NULL,
  value INTEGER NOT NULL,
  unit TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX samples_by_job ON samples(job_id);
CREATE TABLE op_profiles (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  op_index INTEGER NOT NULL,
  opcode INTEGER NOT NULL,
  op_name TEXT NOT NULL,
  calls INTEGER NOT NULL,
  value INTEGER NOT NULL,
  unit TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE memory (
  job_id INTEGER PRIMARY KEY REFERENCES jobs(id),
  arena_bytes INTEGER NOT NULL,
  arena_used INTEGER NOT NULL,
  stack_bytes INTEGER NOT NULL,
  stack_used INTEGER NOT NULL,
  static_bytes INTEGER NOT NULL
);
)sql",
    // 1 -> 2: environment facts per run; the board clock and check detail per job.
    R"sql(
CREATE TABLE environment (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
ALTER TABLE jobs ADD COLUMN clock_hz INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN check_detail TEXT;
)sql",
    // v3: what the board image occupies in flash, and energy per inference with where it came from
    // ("estimate: ..." for an energy model, the monitor's name for a measurement).
    R"sql(
ALTER TABLE jobs ADD COLUMN flash_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN energy_uj REAL;
ALTER TABLE jobs ADD COLUMN energy_source TEXT;
)sql",
    // v4: named baselines (a run that later runs are compared with); per job, the regression found
    // against one; per run, the process writing it (pid, host, the pid's start time in clock ticks
    // since boot) so that a run whose process is gone can be told from one still running.
    R"sql(
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
ALTER TABLE runs ADD COLUMN pid_start INTEGER;
CREATE TABLE baselines (
  name TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  set_at TEXT NOT NULL
);
ALTER TABLE jobs ADD COLUMN regression TEXT;
)sql",
    // v5: the kernel variant a job ran with (ref, dsp, mve), so variants can be compared.
    R"sql(
ALTER TABLE jobs ADD COLUMN kernel TEXT;
)sql",
    // v6: every output tensor a board computed, per input (accuracy mode keeps per-sample results).
    R"sql(
CREATE TABLE outputs (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  input_index INTEGER NOT NULL,
  output_index INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (job_id, input_index, output_index)
);
)sql",
    // v7: the engine a job ran on (tinyhil, tflm), so engines can be compared; NULL is ours.
    R"sql(
ALTER TABLE jobs ADD COLUMN engine TEXT;
)sql",
};
static_assert(std::size(kMigrations) == SqliteStore::kSchemaVersion);

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot; 0 when there is
// no such process. With the pid it names one process even after pids wrap.
int64_t ProcessStart(int64_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return 0;
  std::istringstream rest(text.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i)
    if (i == 22) return std::atoll(field.c_str());
  return 0;
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Stmt& Bind(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); return *this; }
  Stmt& BindNull(int i) { sqlite3_bind_null(stmt_, i); return *this; }
  Stmt& BindReal(int i, double v) { sqlite3_bind_double(stmt_, i, v); return *this; }
  Stmt& BindBlob(int i, const std::vector<uint8_t>& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  std::vector<uint8_t> Blob(int col) {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    return p ? std::vector<uint8_t>(p, p + sqlite3_column_bytes(stmt_, col)) : std::vector<uint8_t>{};
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  bool IsNull(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace

std::unexpected<Error> SqliteStore::SqlError(const std::string& what) {
  return Fail(Status::kInternal, "store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Result<void> SqliteStore::Exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return Fail(Status::kInternal, "store " + path_ + ": " + text);
  }
  return {};
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Fail(Status::kNotFound, "store " + path + ": cannot open: " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  sqlite3_busy_timeout(db, 5000);
  // journal_mode returns a row, so run it through exec (which ignores rows).
  if (auto r = store->Exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"); !r)
    return std::unexpected(r.error());
  if (auto r = store->Migrate(options.target_version); !r) return std::unexpected(r.error());
  if (options.target_version >= 4) {
    if (auto r = store->MarkVanishedRuns(); !r) return std::unexpected(r.error());
  }
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

Result<int> SqliteStore::SchemaVersion() {
  Stmt q(db_, "SELECT version FROM schema_version");
  if (!q.ok()) return SqlError("reading schema_version");
  if (q.Step() != SQLITE_ROW) return 0;
  return static_cast<int>(q.Int(0));
}

Result<void> SqliteStore::Migrate(int target_version) {
  if (auto r = Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !r) return r;
  auto current = SchemaVersion();
  if (!current) return std::unexpected(current.error());
  if (*current > kSchemaVersion)
    return Fail(Status::kBadState, "store " + path_ + ": schema version " + std::to_string(*current) +
                                       " is newer than this hil understands (" + std::to_string(kSchemaVersion) + ")");
  for (int v = *current; v < target_version && v < kSchemaVersion; ++v) {
    if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
    auto step = Exec(kMigrations[v]);
    if (step) {
      Stmt del(db_, "DELETE FROM schema_version");
      Stmt ins(db_, "INSERT INTO schema_version(version) VALUES (?)");
      if (!del.ok() || del.Step() != SQLITE_DONE || !ins.ok() || ins.Bind(1, v + 1).Step() != SQLITE_DONE)
        step = SqlError("recording schema version " + std::to_string(v + 1));
    }
    if (!step) {
      (void)Exec("ROLLBACK");
      return Fail(step.error().code, step.error().message + " (migration to version " + std::to_string(v + 1) + ")");
    }
    if (auto r = Exec("COMMIT"); !r) return r;
  }
  return {};
}

Result<int64_t> SqliteStore::BeginRun(const RunInfo& run) {
  Stmt q(db_, "INSERT INTO runs(suite_name, suite_path, started_at, status, pid, host, pid_start) VALUES (?, ?, ?, 'running', ?, ?, ?)");
  if (!q.ok()) return SqlError("inserting run");
  q.Bind(1, run.suite_name).Bind(2, run.suite_path).Bind(3, NowUtc()).Bind(4, static_cast<int64_t>(getpid()));
  q.Bind(5, HostName()).Bind(6, ProcessStart(getpid()));
  if (q.Step() != SQLITE_DONE) return SqlError("inserting run");
  return sqlite3_last_insert_rowid(db_);
}

Result<void> SqliteStore::MarkInterrupted(int64_t run_id) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  Stmt run(db_, "UPDATE runs SET status='interrupted', finished_at=? WHERE id=? AND status='running'");
  Stmt jobs(db_, "UPDATE jobs SET status='interrupted', finished_at=? WHERE run_id=? AND status='running'");
  const std::string now = NowUtc();
  if (!run.ok() || run.Bind(1, now).Bind(2, run_id).Step() != SQLITE_DONE || !jobs.ok() ||
      jobs.Bind(1, now).Bind(2, run_id).Step() != SQLITE_DONE) {
    auto err = SqlError("marking run " + std::to_string(run_id) + " interrupted");
    (void)Exec("ROLLBACK");
    return err;
  }
  return Exec("COMMIT");
}

Result<void> SqliteStore::MarkVanishedRuns() {
  std::vector<int64_t> gone;
  {
    Stmt q(db_, "SELECT id, pid, pid_start FROM runs WHERE status='running' AND host=? AND pid IS NOT NULL");
    if (!q.ok()) return SqlError("looking for runs left running");
    q.Bind(1, HostName());
    while (q.Step() == SQLITE_ROW) {
      const int64_t start = ProcessStart(q.Int(1));
      if (start == 0 || start != q.Int(2)) gone.push_back(q.Int(0));
    }
  }
  for (int64_t id : gone)
    if (auto r = MarkInterrupted(id); !r) return r;
  return {};
}

Result<void> SqliteStore::ResumeRun(int64_t run_id) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  auto body = [&]() -> Result<void> {
    Stmt st(db_, "SELECT status FROM runs WHERE id=?");
    if (!st.ok()) return SqlError("looking up run");
    if (st.Bind(1, run_id).Step() != SQLITE_ROW) return Fail(Status::kNotFound, "store " + path_ + ": no run " + std::to_string(run_id));
    const std::string status = st.Text(0);
    if (status == "running")
      return Fail(Status::kBadState, "store " + path_ + ": run " + std::to_string(run_id) + " is still running (pid alive)");
    // Unfinished jobs go: they are planned again. Finished ones (pass, fail, error) stay.
    for (const char* sql : {"DELETE FROM samples WHERE job_id IN (SELECT id FROM jobs WHERE run_id=?1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM op_profiles WHERE job_id IN (SELECT id FROM jobs WHERE run_id=?1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM memory WHERE job_id IN (SELECT id FROM jobs WHERE run_id=?1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM outputs WHERE job_id IN (SELECT id FROM jobs WHERE run_id=?1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM jobs WHERE run_id=?1 AND status NOT IN ('pass','fail','error')"}) {
      Stmt d(db_, sql);
      if (!d.ok() || d.Bind(1, run_id).Step() != SQLITE_DONE) return SqlError("clearing unfinished jobs of run " + std::to_string(run_id));
    }
    Stmt up(db_, "UPDATE runs SET status='running', finished_at=NULL, pid=?, host=?, pid_start=? WHERE id=?");
    if (!up.ok()) return SqlError("reopening run");
    up.Bind(1, static_cast<int64_t>(getpid())).Bind(2, HostName()).Bind(3, ProcessStart(getpid())).Bind(4, run_id);
    if (up.Step() != SQLITE_DONE) return SqlError("reopening run " + std::to_string(run_id));
    return {};
  };
  auto r = body();
  if (!r) {
    (void)Exec("ROLLBACK");
    return r;
  }
  return Exec("COMMIT");
}

Result<void> SqliteStore::SetEnvironment(int64_t run_id, const std::vector<std::pair<std::string, std::string>>& facts) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  Stmt q(db_, "INSERT OR REPLACE INTO environment(run_id, key, value) VALUES (?, ?, ?)");
  if (!q.ok()) { (void)Exec("ROLLBACK"); return SqlError("preparing environment insert"); }
  for (const auto& [key, value] : facts) {
    if (q.Bind(1, run_id).Bind(2, key).Bind(3, value).Step() != SQLITE_DONE) {
      auto err = SqlError("inserting environment " + key);
      (void)Exec("ROLLBACK");
      return err;
    }
    q.Reset();
  }
  return Exec("COMMIT");
}

Result<int64_t> SqliteStore::BeginJob(int64_t run_id, const JobInfo& job) {
  Stmt q(db_,
         "INSERT INTO jobs(run_id, ordinal, model_name, model_sha256, model_bytes, board_kind, board_instance, "
         "clock_hz, warmup, iterations, repetitions, status, started_at, kernel, engine) VALUES (?,?,?,?,?,?,?,?,?,?,?,'running',?,?,?)");
  if (!q.ok()) return SqlError("preparing job insert");
  q.Bind(1, run_id).Bind(2, job.ordinal).Bind(3, job.model_name).Bind(4, job.model_sha256);
  q.Bind(5, static_cast<int64_t>(job.model_bytes)).Bind(6, job.board_kind).Bind(7, job.board_instance);
  q.Bind(8, static_cast<int64_t>(job.clock_hz)).Bind(9, job.warmup).Bind(10, job.iterations).Bind(11, job.repetitions);
  q.Bind(12, NowUtc());
  if (job.kernel.empty()) q.BindNull(13); else q.Bind(13, job.kernel);
  if (job.engine.empty()) q.BindNull(14); else q.Bind(14, job.engine);
  if (q.Step() != SQLITE_DONE) return SqlError("inserting job for run " + std::to_string(run_id));
  return sqlite3_last_insert_rowid(db_);
}

Result<void> SqliteStore::FinishJob(int64_t job_id, const JobResult& result) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  auto body = [&]() -> Result<void> {
    Stmt up(db_, "UPDATE jobs SET status=?, error=?, check_result=?, check_detail=?, unit=?, source=?, finished_at=?, "
                 "flash_bytes=?, energy_uj=?, energy_source=?, kernel=COALESCE(?, kernel) WHERE id=?");
    if (!up.ok()) return SqlError("preparing job update");
    up.Bind(1, result.status);
    if (result.error.empty()) up.BindNull(2); else up.Bind(2, result.error);
    up.Bind(3, result.check).Bind(4, result.check_detail).Bind(5, result.unit).Bind(6, result.source);
    up.Bind(7, NowUtc()).Bind(8, static_cast<int64_t>(result.flash_bytes));
    if (result.energy_uj) up.BindReal(9, *result.energy_uj).Bind(10, result.energy_source);
    else up.BindNull(9).BindNull(10);
    if (result.kernel.empty()) up.BindNull(11); else up.Bind(11, result.kernel);
    up.Bind(12, job_id);
    if (up.Step() != SQLITE_DONE) return SqlError("updating job " + std::to_string(job_id));
    if (sqlite3_changes(db_) != 1) return Fail(Status::kNotFound, "store " + path_ + ": no job " + std::to_string(job_id));

    Stmt s(db_, "INSERT INTO samples(job_id, input_index, repetition, iteration, value, unit, source) VALUES (?,?,?,?,?,?,?)");
    if (!s.ok()) return SqlError("preparing sample insert");
    for (const Sample& x : result.samples) {
      s.Bind(1, job_id).Bind(2, x.input_index).Bind(3, x.repetition).Bind(4, x.iteration);
      s.Bind(5, static_cast<int64_t>(x.value)).Bind(6, result.unit).Bind(7, result.source);
      if (s.Step() != SQLITE_DONE) return SqlError("inserting sample");
      s.Reset();
    }
    Stmt o(db_, "INSERT INTO op_profiles(job_id, op_index, opcode, op_name, calls, value, unit, source) VALUES (?,?,?,?,?,?,?,?)");
    if (!o.ok()) return SqlError("preparing op profile insert");
    for (const OpProfileRow& x : result.ops) {
      o.Bind(1, job_id).Bind(2, x.op_index).Bind(3, x.opcode).Bind(4, x.op_name).Bind(5, x.calls);
      o.Bind(6, static_cast<int64_t>(x.value)).Bind(7, result.unit).Bind(8, result.source);
      if (o.Step() != SQLITE_DONE) return SqlError("inserting op profile");
      o.Reset();
    }
    if (!result.outputs.empty()) {
      Stmt out(db_, "INSERT OR REPLACE INTO outputs(job_id, input_index, output_index, bytes) VALUES (?,?,?,?)");
      if (!out.ok()) return SqlError("preparing output insert");
      for (const OutputRow& x : result.outputs) {
        out.Bind(1, job_id).Bind(2, x.input_index).Bind(3, x.output_index).BindBlob(4, x.bytes);
        if (out.Step() != SQLITE_DONE) return SqlError("inserting output");
        out.Reset();
      }
    }
    if (result.memory) {
      const MemoryRow& m = *result.memory;
      Stmt mem(db_, "INSERT OR REPLACE INTO memory(job_id, arena_bytes, arena_used, stack_bytes, stack_used, static_bytes) VALUES (?,?,?,?,?,?)");
      if (!mem.ok()) return SqlError("preparing memory insert");
      mem.Bind(1, job_id).Bind(2, m.arena_bytes).Bind(3, m.arena_used).Bind(4, m.stack_bytes).Bind(5, m.stack_used).Bind(6, m.static_bytes);
      if (mem.Step() != SQLITE_DONE) return SqlError("inserting memory");
    }
    return {};
  };
  auto r = body();
  if (!r) {
    (void)Exec("ROLLBACK");
    return r;
  }
  return Exec("COMMIT");
}

Result<void> SqliteStore::FinishRun(int64_t run_id, const std::string& status) {
  Stmt q(db_, "UPDATE runs SET status=?, finished_at=? WHERE id=?");
  if (!q.ok() || q.Bind(1, status).Bind(2, NowUtc()).Bind(3, run_id).Step() != SQLITE_DONE)
    return SqlError("finishing run " + std::to_string(run_id));
  return {};
}

Result<std::vector<RunRow>> SqliteStore::ListRuns() {
  Stmt q(db_,
         "SELECT r.id, r.suite_name, r.suite_path, r.started_at, r.finished_at, r.status, "
         "(SELECT COUNT(*) FROM jobs j WHERE j.run_id = r.id) FROM runs r ORDER BY r.id DESC");
  if (!q.ok()) return SqlError("listing runs");
  std::vector<RunRow> rows;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    RunRow r;
    r.id = q.Int(0);
    r.suite_name = q.Text(1);
    r.suite_path = q.Text(2);
    r.started_at = q.Text(3);
    r.finished_at = q.Text(4);
    r.status = q.Text(5);
    r.job_count = static_cast<int>(q.Int(6));
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return SqlError("listing runs");
  return rows;
}

Result<std::vector<JobRow>> SqliteStore::ListJobs(int64_t run_id) {
  {
    Stmt exists(db_, "SELECT 1 FROM runs WHERE id=?");
    if (!exists.ok()) return SqlError("looking up run");
    if (exists.Bind(1, run_id).Step() != SQLITE_ROW)
      return Fail(Status::kNotFound, "store " + path_ + ": no run " + std::to_string(run_id));
  }
  Stmt q(db_,
         "SELECT j.id, j.ordinal, j.model_name, j.model_sha256, j.model_bytes, j.board_kind, j.board_instance, "
         "j.clock_hz, j.warmup, j.iterations, j.repetitions, j.status, j.error, j.check_result, j.check_detail, "
         "j.unit, j.source, m.arena_bytes, m.arena_used, m.stack_bytes, m.stack_used, m.static_bytes, m.job_id, "
         "j.flash_bytes, j.energy_uj, j.energy_source, j.regression, j.kernel, j.engine "
         "FROM jobs j LEFT JOIN memory m ON m.job_id = j.id WHERE j.run_id=? ORDER BY j.ordinal, j.id");
  Stmt s(db_, "SELECT value FROM samples WHERE job_id=? ORDER BY rowid");
  if (!q.ok() || !s.ok()) return SqlError("listing jobs");
  q.Bind(1, run_id);
  std::vector<JobRow> rows;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    JobRow r;
    r.id = q.Int(0);
    r.run_id = run_id;
    r.info.ordinal = static_cast<int>(q.Int(1));
    r.info.model_name = q.Text(2);
    r.info.model_sha256 = q.Text(3);
    r.info.model_bytes = static_cast<uint64_t>(q.Int(4));
    r.info.board_kind = q.Text(5);
    r.info.board_instance = q.Text(6);
    r.info.clock_hz = static_cast<uint64_t>(q.Int(7));
    r.info.warmup = static_cast<int>(q.Int(8));
    r.info.iterations = static_cast<int>(q.Int(9));
    r.info.repetitions = static_cast<int>(q.Int(10));
    r.status = q.Text(11);
    r.error = q.Text(12);
    r.check = q.Text(13);
    r.check_detail = q.Text(14);
    r.unit = q.Text(15);
    r.source = q.Text(16);
    if (!q.IsNull(22)) {
      r.memory = MemoryRow{static_cast<uint32_t>(q.Int(17)), static_cast<uint32_t>(q.Int(18)),
                           static_cast<uint32_t>(q.Int(19)), static_cast<uint32_t>(q.Int(20)),
                           static_cast<uint32_t>(q.Int(21))};
    }
    r.flash_bytes = static_cast<uint64_t>(q.Int(23));
    if (!q.IsNull(24)) {
      r.energy_uj = q.Real(24);
      r.energy_source = q.Text(25);
    }
    r.regression = q.Text(26);
    r.info.kernel = q.Text(27);
    r.info.engine = q.Text(28);
    s.Bind(1, r.id);
    while (s.Step() == SQLITE_ROW) r.samples.push_back(static_cast<uint64_t>(s.Int(0)));
    s.Reset();
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return SqlError("listing jobs");
  return rows;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::Environment(int64_t run_id) {
  Stmt q(db_, "SELECT key, value FROM environment WHERE run_id=? ORDER BY key");
  if (!q.ok()) return SqlError("reading environment");
  q.Bind(1, run_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.Step() == SQLITE_ROW) out.emplace_back(q.Text(0), q.Text(1));
  return out;
}

Result<std::vector<OpProfileRow>> SqliteStore::OpProfile(int64_t job_id) {
  Stmt q(db_, "SELECT op_index, opcode, op_name, calls, value FROM op_profiles WHERE job_id=? ORDER BY op_index");
  if (!q.ok()) return SqlError("reading op profile");
  q.Bind(1, job_id);
  std::vector<OpProfileRow> out;
  while (q.Step() == SQLITE_ROW) {
    out.push_back(OpProfileRow{static_cast<int>(q.Int(0)), static_cast<uint16_t>(q.Int(1)), q.Text(2),
                               static_cast<uint32_t>(q.Int(3)), static_cast<uint64_t>(q.Int(4))});
  }
  return out;
}

Result<void> SqliteStore::SetBaseline(const std::string& name, int64_t run_id) {
  Stmt exists(db_, "SELECT 1 FROM runs WHERE id=?");
  if (!exists.ok()) return SqlError("looking up run");
  if (exists.Bind(1, run_id).Step() != SQLITE_ROW)
    return Fail(Status::kNotFound, "store " + path_ + ": no run " + std::to_string(run_id));
  Stmt q(db_, "INSERT OR REPLACE INTO baselines(name, run_id, set_at) VALUES (?, ?, ?)");
  if (!q.ok() || q.Bind(1, name).Bind(2, run_id).Bind(3, NowUtc()).Step() != SQLITE_DONE)
    return SqlError("setting baseline " + name);
  return {};
}

Result<std::vector<BaselineRow>> SqliteStore::Baselines() {
  Stmt q(db_, "SELECT b.name, b.run_id, b.set_at, r.suite_name, r.started_at FROM baselines b JOIN runs r ON r.id = b.run_id "
              "ORDER BY b.name");
  if (!q.ok()) return SqlError("listing baselines");
  std::vector<BaselineRow> out;
  while (q.Step() == SQLITE_ROW) out.push_back({q.Text(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4)});
  return out;
}

Result<std::optional<int64_t>> SqliteStore::BaselineRun(const std::string& name) {
  Stmt q(db_, "SELECT run_id FROM baselines WHERE name=?");
  if (!q.ok()) return SqlError("reading baseline " + name);
  if (q.Bind(1, name).Step() != SQLITE_ROW) return std::optional<int64_t>();
  return std::optional<int64_t>(q.Int(0));
}

Result<std::optional<int64_t>> SqliteStore::LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                             int64_t before_run_id) {
  Stmt q(db_, "SELECT r.id FROM runs r JOIN environment e ON e.run_id = r.id AND e.key = 'git_branch' "
              "WHERE r.suite_name = ? AND e.value = ? AND r.id < ? AND r.status IN ('pass', 'fail') ORDER BY r.id DESC LIMIT 1");
  if (!q.ok()) return SqlError("looking up the last run of " + suite_name);
  if (q.Bind(1, suite_name).Bind(2, git_branch).Bind(3, before_run_id).Step() != SQLITE_ROW) return std::optional<int64_t>();
  return std::optional<int64_t>(q.Int(0));
}

Result<void> SqliteStore::MarkRegression(int64_t job_id, const std::string& detail) {
  Stmt q(db_, "UPDATE jobs SET regression=?, status=CASE WHEN status='pass' THEN 'fail' ELSE status END WHERE id=?");
  if (!q.ok() || q.Bind(1, detail).Bind(2, job_id).Step() != SQLITE_DONE)
    return SqlError("marking job " + std::to_string(job_id));
  if (sqlite3_changes(db_) != 1) return Fail(Status::kNotFound, "store " + path_ + ": no job " + std::to_string(job_id));
  return {};
}

Result<std::vector<OutputRow>> SqliteStore::Outputs(int64_t job_id) {
  Stmt q(db_, "SELECT input_index, output_index, bytes FROM outputs WHERE job_id=? ORDER BY input_index, output_index");
  if (!q.ok()) return SqlError("reading outputs");
  q.Bind(1, job_id);
  std::vector<OutputRow> rows;
  while (q.Step() == SQLITE_ROW) rows.push_back({static_cast<int>(q.Int(0)), static_cast<int>(q.Int(1)), q.Blob(2)});
  return rows;
}

}  // namespace hil::store
