#include "hil/store/pg_store.h"

#include "pg_util.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>

namespace hil::store {
using namespace pg;
namespace {

// Ordered migrations, as in SqliteStore: entry i takes the schema from version i to i+1. Append
// only. Version 1 is SqliteStore's version 5 in PostgreSQL's types; samples carry a sequence so
// they come back in the order they were written.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id BIGSERIAL PRIMARY KEY,
  suite_name TEXT NOT NULL,
  suite_path TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  pid BIGINT,
  host TEXT
);
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  run_id BIGINT NOT NULL REFERENCES runs(id),
  ordinal INTEGER NOT NULL,
  model_name TEXT NOT NULL,
  model_sha256 TEXT NOT NULL,
  model_bytes BIGINT NOT NULL,
  board_kind TEXT NOT NULL,
  board_instance TEXT NOT NULL,
  clock_hz BIGINT NOT NULL DEFAULT 0,
  warmup INTEGER NOT NULL,
  iterations INTEGER NOT NULL,
  repetitions INTEGER NOT NULL,
  kernel TEXT,
  status TEXT NOT NULL,
  error TEXT,
  check_result TEXT,
  check_detail TEXT,
  unit TEXT,
  source TEXT,
  flash_bytes BIGINT NOT NULL DEFAULT 0,
  energy_uj DOUBLE PRECISION,
  energy_source TEXT,
  regression TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_by_run ON jobs(run_id);
CREATE TABLE samples (
  seq BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs(id),
  input_index INTEGER NOT NULL,
  repetition INTEGER NOT NULL,
  iteration INTEGER NOT NULL,
  value BIGINT NOT NULL,
  unit TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX samples_by_job ON samples(job_id);
CREATE TABLE op_profiles (
  job_id BIGINT NOT NULL REFERENCES jobs(id),
  op_index INTEGER NOT NULL,
  opcode INTEGER NOT NULL,
  op_name TEXT NOT NULL,
  calls BIGINT NOT NULL,
  value BIGINT NOT NULL,
  unit TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX op_profiles_by_job ON op_profiles(job_id);
CREATE TABLE memory (
  job_id BIGINT PRIMARY KEY REFERENCES jobs(id),
  arena_bytes BIGINT NOT NULL,
  arena_used BIGINT NOT NULL,
  stack_bytes BIGINT NOT NULL,
  stack_used BIGINT NOT NULL,
  static_bytes BIGINT NOT NULL
);
CREATE TABLE environment (
  run_id BIGINT NOT NULL REFERENCES runs(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE baselines (
  name TEXT PRIMARY KEY,
  run_id BIGINT NOT NULL REFERENCES runs(id),
  set_at TEXT NOT NULL
);
)sql",
    // v2: the job queue of a farm across hosts (pg_queue.h): model blobs by hash, one queue row per
    // job with its lease, every attempt with its outcome, and the daemons' heartbeats.
    R"sql(
CREATE TABLE models (
  sha256 TEXT PRIMARY KEY,
  bytes BYTEA NOT NULL
);
CREATE TABLE queue (
  job_id BIGINT PRIMARY KEY REFERENCES jobs(id),
  run_id BIGINT NOT NULL REFERENCES runs(id),
  board_kind TEXT NOT NULL,
  spec TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_token TEXT,
  lease_expires TIMESTAMPTZ,
  last_error TEXT
);
CREATE INDEX queue_by_run ON queue(run_id);
CREATE INDEX queue_claimable ON queue(board_kind, job_id) WHERE state IN ('queued', 'leased');
CREATE TABLE queue_attempts (
  job_id BIGINT NOT NULL REFERENCES jobs(id),
  attempt INTEGER NOT NULL,
  owner TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  outcome TEXT,
  PRIMARY KEY (job_id, attempt)
);
CREATE TABLE daemons (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  boards TEXT NOT NULL,
  state TEXT NOT NULL,
  heartbeat TIMESTAMPTZ NOT NULL
);
)sql",
    // v3: every output tensor a board computed, per input (SqliteStore v6).
    R"sql(
CREATE TABLE outputs (
  job_id BIGINT NOT NULL REFERENCES jobs(id),
  input_index INTEGER NOT NULL,
  output_index INTEGER NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (job_id, input_index, output_index)
);
)sql",
    // v4: the engine a job ran on (tinyhil, tflm); NULL is ours (SqliteStore v7).
    R"sql(
ALTER TABLE jobs ADD COLUMN engine TEXT;
)sql",
};
static_assert(std::size(kMigrations) == PgStore::kSchemaVersion);

// Serializes schema changes between hosts opening the same database at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7311001)";

}  // namespace

std::string DescribeConninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return "postgresql (unparsable connection string)";
  }
  std::map<std::string, std::string> v;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (o->val && *o->val) v[o->keyword] = o->val;
  PQconninfoFree(opts);
  std::string s = "postgresql://";
  if (v.contains("user")) s += v["user"] + "@";
  s += v.contains("host") ? v["host"] : (v.contains("hostaddr") ? v["hostaddr"] : "localhost");
  if (v.contains("port")) s += ":" + v["port"];
  if (v.contains("dbname")) s += "/" + v["dbname"];
  return s;
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& conninfo) {
  const std::string name = DescribeConninfo(conninfo);
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(conn);
    return Fail(Status::kNotFound, "store " + name + ": cannot connect: " + why);
  }
  std::unique_ptr<PgStore> store(new PgStore(conn, name));
  // Notices ("relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  if (auto r = store->Migrate(); !r) return std::unexpected(r.error());
  return store;
}

PgStore::~PgStore() { PQfinish(conn_); }

Result<int> PgStore::SchemaVersion() {
  Res r = Run(conn_, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": reading schema_version: " + r.Error());
  return static_cast<int>(r.Int(0, 0));
}

Result<void> PgStore::Migrate() {
  for (;;) {
    // Under the lock even the version table's creation: concurrent CREATE TABLE IF NOT EXISTS
    // can fail in PostgreSQL with a duplicate-key error on its catalog.
    Res begin = Run(conn_, "BEGIN");
    Res lock = Run(conn_, kMigrationLock);
    Res create = Run(conn_, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    if (!begin.ok() || !lock.ok() || !create.ok()) {
      const std::string why = !lock.ok() ? lock.Error() : create.Error();
      (void)Run(conn_, "ROLLBACK");
      return Fail(Status::kInternal, "store " + name_ + ": preparing migration: " + why);
    }
    auto version = SchemaVersion();
    if (!version) {
      (void)Run(conn_, "ROLLBACK");
      return std::unexpected(version.error());
    }
    if (*version > kSchemaVersion) {
      (void)Run(conn_, "ROLLBACK");
      return Fail(Status::kBadState, "store " + name_ + ": schema version " + std::to_string(*version) +
                                         " is newer than this hil understands (" + std::to_string(kSchemaVersion) +
                                         "): use a newer hil");
    }
    if (*version == kSchemaVersion) return Run(conn_, "COMMIT").ok() ? Result<void>{} : Fail(Status::kInternal, "store " + name_ + ": commit");
    Res step(PQexec(conn_, kMigrations[*version]));  // several statements: the simple query protocol
    Res record = Run(conn_, *version == 0 ? "INSERT INTO schema_version(version) VALUES ($1)" : "UPDATE schema_version SET version=$1",
                     {P(*version + 1)});
    if (!step.ok() || !record.ok()) {
      const std::string why = !step.ok() ? step.Error() : record.Error();
      (void)Run(conn_, "ROLLBACK");
      return Fail(Status::kInternal, "store " + name_ + ": migrating to version " + std::to_string(*version + 1) + ": " + why);
    }
    if (!Run(conn_, "COMMIT").ok()) return Fail(Status::kInternal, "store " + name_ + ": committing a migration");
  }
}

Result<int64_t> PgStore::BeginRun(const RunInfo& run) {
  Res r = Run(conn_, "INSERT INTO runs(suite_name, suite_path, started_at, status, pid, host) VALUES ($1,$2,$3,'running',$4,$5) RETURNING id",
              {run.suite_name, run.suite_path, NowUtc(), P(static_cast<int64_t>(getpid())), HostName()});
  if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": inserting run: " + r.Error());
  return r.Int(0, 0);
}

Result<void> PgStore::SetEnvironment(int64_t run_id, const std::vector<std::pair<std::string, std::string>>& facts) {
  for (const auto& [key, value] : facts) {
    Res r = Run(conn_,
                "INSERT INTO environment(run_id, key, value) VALUES ($1,$2,$3) "
                "ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value",
                {P(run_id), key, value});
    if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": setting environment of run " + std::to_string(run_id) + ": " + r.Error());
  }
  return {};
}

Result<int64_t> PgStore::BeginJob(int64_t run_id, const JobInfo& job) {
  Res r = Run(conn_,
              "INSERT INTO jobs(run_id, ordinal, model_name, model_sha256, model_bytes, board_kind, board_instance, clock_hz, "
              "warmup, iterations, repetitions, status, started_at, kernel, engine) "
              "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'running',$12,$13,$14) RETURNING id",
              {P(run_id), P(job.ordinal), job.model_name, job.model_sha256, P(static_cast<int64_t>(job.model_bytes)), job.board_kind,
               job.board_instance, P(static_cast<int64_t>(job.clock_hz)), P(job.warmup), P(job.iterations), P(job.repetitions),
               NowUtc(), OrNull(job.kernel), OrNull(job.engine)});
  if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": inserting job for run " + std::to_string(run_id) + ": " + r.Error());
  return r.Int(0, 0);
}

namespace pg {

Result<void> WriteJobResult(pg_conn* conn, const std::string& store, int64_t job_id, const JobResult& result) {
  const std::string job = std::to_string(job_id);
  Res up = Run(conn,
               "UPDATE jobs SET status=$1, error=$2, check_result=$3, check_detail=$4, unit=$5, source=$6, finished_at=$7, "
               "flash_bytes=$8, energy_uj=$9, energy_source=$10, kernel=COALESCE($11, kernel) WHERE id=$12",
               {result.status, OrNull(result.error), result.check, result.check_detail, result.unit, result.source, NowUtc(),
                P(static_cast<int64_t>(result.flash_bytes)),
                result.energy_uj ? Param{Exact(*result.energy_uj)} : Param{},
                result.energy_uj ? Param{result.energy_source} : Param{}, OrNull(result.kernel), P(job_id)});
  if (!up.ok()) return Fail(Status::kInternal, "store " + store + ": updating job " + job + ": " + up.Error());
  if (up.Affected() != 1) return Fail(Status::kNotFound, "store " + store + ": no job " + job);
  if (!result.samples.empty()) {
    Res s = Run(conn,
                "INSERT INTO samples(job_id, input_index, repetition, iteration, value, unit, source) "
                "SELECT $1, i, r, t, v, $6, $7 FROM unnest($2::int[], $3::int[], $4::int[], $5::bigint[]) "
                "WITH ORDINALITY AS x(i, r, t, v, n) ORDER BY n",
                {P(job_id), Array(result.samples, [](const Sample& x) { return x.input_index; }),
                 Array(result.samples, [](const Sample& x) { return x.repetition; }),
                 Array(result.samples, [](const Sample& x) { return x.iteration; }),
                 Array(result.samples, [](const Sample& x) { return static_cast<int64_t>(x.value); }), result.unit, result.source});
    if (!s.ok()) return Fail(Status::kInternal, "store " + store + ": inserting samples of job " + job + ": " + s.Error());
  }
  if (!result.ops.empty()) {
    Res o = Run(conn,
                "INSERT INTO op_profiles(job_id, op_index, opcode, op_name, calls, value, unit, source) "
                "SELECT $1, i, c, n, k, v, $7, $8 FROM unnest($2::int[], $3::int[], $4::text[], $5::bigint[], $6::bigint[]) "
                "AS x(i, c, n, k, v)",
                {P(job_id), Array(result.ops, [](const OpProfileRow& x) { return x.op_index; }),
                 Array(result.ops, [](const OpProfileRow& x) { return static_cast<int>(x.opcode); }),
                 TextArray(result.ops, [](const OpProfileRow& x) { return x.op_name; }),
                 Array(result.ops, [](const OpProfileRow& x) { return static_cast<int64_t>(x.calls); }),
                 Array(result.ops, [](const OpProfileRow& x) { return static_cast<int64_t>(x.value); }), result.unit, result.source});
    if (!o.ok()) return Fail(Status::kInternal, "store " + store + ": inserting op profile of job " + job + ": " + o.Error());
  }
  for (const OutputRow& x : result.outputs) {
    const std::string in = std::to_string(x.input_index), out = std::to_string(x.output_index), job = std::to_string(job_id);
    const char* values[4] = {job.c_str(), in.c_str(), out.c_str(), reinterpret_cast<const char*>(x.bytes.data())};
    const int lengths[4] = {0, 0, 0, static_cast<int>(x.bytes.size())};
    const int formats[4] = {0, 0, 0, 1};
    Res o(PQexecParams(conn,
                       "INSERT INTO outputs(job_id, input_index, output_index, bytes) VALUES ($1,$2,$3,$4) "
                       "ON CONFLICT (job_id, input_index, output_index) DO UPDATE SET bytes=EXCLUDED.bytes",
                       4, nullptr, values, lengths, formats, 0));
    if (!o.ok()) return Fail(Status::kInternal, store + ": inserting outputs of job " + job + ": " + o.Error());
  }
  if (result.memory) {
    const MemoryRow& m = *result.memory;
    Res mem = Run(conn,
                  "INSERT INTO memory(job_id, arena_bytes, arena_used, stack_bytes, stack_used, static_bytes) VALUES ($1,$2,$3,$4,$5,$6) "
                  "ON CONFLICT (job_id) DO UPDATE SET arena_bytes=EXCLUDED.arena_bytes, arena_used=EXCLUDED.arena_used, "
                  "stack_bytes=EXCLUDED.stack_bytes, stack_used=EXCLUDED.stack_used, static_bytes=EXCLUDED.static_bytes",
                  {P(job_id), P(m.arena_bytes), P(m.arena_used), P(m.stack_bytes), P(m.stack_used), P(m.static_bytes)});
    if (!mem.ok()) return Fail(Status::kInternal, "store " + store + ": inserting memory of job " + job + ": " + mem.Error());
  }
  return {};
}

}  // namespace pg

Result<void> PgStore::FinishJob(int64_t job_id, const JobResult& result) {
  return InTransaction<void>(conn_, "store " + name_, [&] { return WriteJobResult(conn_, "store " + name_, job_id, result); });
}

Result<void> PgStore::FinishRun(int64_t run_id, const std::string& status) {
  Res r = Run(conn_, "UPDATE runs SET status=$1, finished_at=$2 WHERE id=$3", {status, NowUtc(), P(run_id)});
  if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": finishing run " + std::to_string(run_id) + ": " + r.Error());
  if (r.Affected() != 1) return Fail(Status::kNotFound, "store " + name_ + ": no run " + std::to_string(run_id));
  return {};
}

Result<std::vector<RunRow>> PgStore::ListRuns() {
  Res q = Run(conn_,
              "SELECT r.id, r.suite_name, r.suite_path, r.started_at, COALESCE(r.finished_at, ''), r.status, "
              "(SELECT COUNT(*) FROM jobs j WHERE j.run_id = r.id) FROM runs r ORDER BY r.id DESC");
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": listing runs: " + q.Error());
  std::vector<RunRow> rows;
  for (int i = 0; i < q.rows(); ++i) {
    RunRow r;
    r.id = q.Int(i, 0);
    r.suite_name = q.Text(i, 1);
    r.suite_path = q.Text(i, 2);
    r.started_at = q.Text(i, 3);
    r.finished_at = q.Text(i, 4);
    r.status = q.Text(i, 5);
    r.job_count = static_cast<int>(q.Int(i, 6));
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<JobRow>> PgStore::ListJobs(int64_t run_id) {
  Res exists = Run(conn_, "SELECT 1 FROM runs WHERE id=$1", {P(run_id)});
  if (!exists.ok()) return Fail(Status::kInternal, "store " + name_ + ": looking up run: " + exists.Error());
  if (exists.rows() == 0) return Fail(Status::kNotFound, "store " + name_ + ": no run " + std::to_string(run_id));
  Res q = Run(conn_,
              "SELECT j.id, j.ordinal, j.model_name, j.model_sha256, j.model_bytes, j.board_kind, j.board_instance, "
              "j.clock_hz, j.warmup, j.iterations, j.repetitions, j.status, COALESCE(j.error, ''), COALESCE(j.check_result, ''), "
              "COALESCE(j.check_detail, ''), COALESCE(j.unit, ''), COALESCE(j.source, ''), m.arena_bytes, m.arena_used, "
              "m.stack_bytes, m.stack_used, m.static_bytes, m.job_id, j.flash_bytes, j.energy_uj, COALESCE(j.energy_source, ''), "
              "COALESCE(j.regression, ''), COALESCE(j.kernel, ''), COALESCE(j.engine, '') "
              "FROM jobs j LEFT JOIN memory m ON m.job_id = j.id WHERE j.run_id=$1 ORDER BY j.ordinal, j.id",
              {P(run_id)});
  Res s = Run(conn_, "SELECT s.job_id, s.value FROM samples s JOIN jobs j ON j.id = s.job_id WHERE j.run_id=$1 ORDER BY s.seq",
              {P(run_id)});
  if (!q.ok() || !s.ok()) return Fail(Status::kInternal, "store " + name_ + ": listing jobs: " + (q.ok() ? s.Error() : q.Error()));
  std::map<int64_t, std::vector<uint64_t>> samples;
  for (int i = 0; i < s.rows(); ++i) samples[s.Int(i, 0)].push_back(static_cast<uint64_t>(s.Int(i, 1)));
  std::vector<JobRow> rows;
  for (int i = 0; i < q.rows(); ++i) {
    JobRow r;
    r.id = q.Int(i, 0);
    r.run_id = run_id;
    r.info.ordinal = static_cast<int>(q.Int(i, 1));
    r.info.model_name = q.Text(i, 2);
    r.info.model_sha256 = q.Text(i, 3);
    r.info.model_bytes = static_cast<uint64_t>(q.Int(i, 4));
    r.info.board_kind = q.Text(i, 5);
    r.info.board_instance = q.Text(i, 6);
    r.info.clock_hz = static_cast<uint64_t>(q.Int(i, 7));
    r.info.warmup = static_cast<int>(q.Int(i, 8));
    r.info.iterations = static_cast<int>(q.Int(i, 9));
    r.info.repetitions = static_cast<int>(q.Int(i, 10));
    r.status = q.Text(i, 11);
    r.error = q.Text(i, 12);
    r.check = q.Text(i, 13);
    r.check_detail = q.Text(i, 14);
    r.unit = q.Text(i, 15);
    r.source = q.Text(i, 16);
    if (!q.IsNull(i, 22)) {
      r.memory = MemoryRow{static_cast<uint32_t>(q.Int(i, 17)), static_cast<uint32_t>(q.Int(i, 18)),
                           static_cast<uint32_t>(q.Int(i, 19)), static_cast<uint32_t>(q.Int(i, 20)),
                           static_cast<uint32_t>(q.Int(i, 21))};
    }
    r.flash_bytes = static_cast<uint64_t>(q.Int(i, 23));
    if (!q.IsNull(i, 24)) {
      r.energy_uj = q.Real(i, 24);
      r.energy_source = q.Text(i, 25);
    }
    r.regression = q.Text(i, 26);
    r.info.kernel = q.Text(i, 27);
    r.info.engine = q.Text(i, 28);
    if (auto it = samples.find(r.id); it != samples.end()) r.samples = std::move(it->second);
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<std::pair<std::string, std::string>>> PgStore::Environment(int64_t run_id) {
  Res q = Run(conn_, "SELECT key, value FROM environment WHERE run_id=$1 ORDER BY key", {P(run_id)});
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": reading environment: " + q.Error());
  std::vector<std::pair<std::string, std::string>> facts;
  for (int i = 0; i < q.rows(); ++i) facts.emplace_back(q.Text(i, 0), q.Text(i, 1));
  return facts;
}

Result<std::vector<OpProfileRow>> PgStore::OpProfile(int64_t job_id) {
  Res q = Run(conn_, "SELECT op_index, opcode, op_name, calls, value FROM op_profiles WHERE job_id=$1 ORDER BY op_index", {P(job_id)});
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": reading op profile: " + q.Error());
  std::vector<OpProfileRow> rows;
  for (int i = 0; i < q.rows(); ++i)
    rows.push_back({static_cast<int>(q.Int(i, 0)), static_cast<uint16_t>(q.Int(i, 1)), q.Text(i, 2), static_cast<uint32_t>(q.Int(i, 3)),
                    static_cast<uint64_t>(q.Int(i, 4))});
  return rows;
}

}  // namespace hil::store

namespace hil::store {

Result<void> PgStore::SetBaseline(const std::string& name, int64_t run_id) {
  Res exists = Run(conn_, "SELECT 1 FROM runs WHERE id=$1", {P(run_id)});
  if (!exists.ok()) return Fail(Status::kInternal, "store " + name_ + ": looking up run: " + exists.Error());
  if (exists.rows() == 0) return Fail(Status::kNotFound, "store " + name_ + ": no run " + std::to_string(run_id));
  Res r = Run(conn_,
              "INSERT INTO baselines(name, run_id, set_at) VALUES ($1,$2,$3) "
              "ON CONFLICT (name) DO UPDATE SET run_id=EXCLUDED.run_id, set_at=EXCLUDED.set_at",
              {name, P(run_id), NowUtc()});
  if (!r.ok()) return Fail(Status::kInternal, "store " + name_ + ": setting baseline " + name + ": " + r.Error());
  return {};
}

Result<std::vector<BaselineRow>> PgStore::Baselines() {
  Res q = Run(conn_, "SELECT b.name, b.run_id, b.set_at, r.suite_name, r.started_at FROM baselines b JOIN runs r ON r.id = b.run_id "
                     "ORDER BY b.name");
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": listing baselines: " + q.Error());
  std::vector<BaselineRow> out;
  for (int i = 0; i < q.rows(); ++i) out.push_back({q.Text(i, 0), q.Int(i, 1), q.Text(i, 2), q.Text(i, 3), q.Text(i, 4)});
  return out;
}

Result<std::optional<int64_t>> PgStore::BaselineRun(const std::string& name) {
  Res q = Run(conn_, "SELECT run_id FROM baselines WHERE name=$1", {name});
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": reading baseline " + name + ": " + q.Error());
  if (q.rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(q.Int(0, 0));
}

Result<std::optional<int64_t>> PgStore::LastRunOnBranch(const std::string& suite_name, const std::string& git_branch,
                                                         int64_t before_run_id) {
  Res q = Run(conn_,
              "SELECT r.id FROM runs r JOIN environment e ON e.run_id = r.id AND e.key = 'git_branch' "
              "WHERE r.suite_name = $1 AND e.value = $2 AND r.id < $3 AND r.status IN ('pass', 'fail') ORDER BY r.id DESC LIMIT 1",
              {suite_name, git_branch, P(before_run_id)});
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": looking up the last run of " + suite_name + ": " + q.Error());
  if (q.rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(q.Int(0, 0));
}

Result<void> PgStore::MarkInterrupted(int64_t run_id) {
  const std::string now = NowUtc();
  if (!Run(conn_, "BEGIN").ok()) return Fail(Status::kInternal, "store " + name_ + ": BEGIN");
  Res run = Run(conn_, "UPDATE runs SET status='interrupted', finished_at=$1 WHERE id=$2 AND status='running'", {now, P(run_id)});
  Res jobs = Run(conn_, "UPDATE jobs SET status='interrupted', finished_at=$1 WHERE run_id=$2 AND status='running'", {now, P(run_id)});
  if (!run.ok() || !jobs.ok()) {
    const std::string why = run.ok() ? jobs.Error() : run.Error();
    (void)Run(conn_, "ROLLBACK");
    return Fail(Status::kInternal, "store " + name_ + ": marking run " + std::to_string(run_id) + " interrupted: " + why);
  }
  if (!Run(conn_, "COMMIT").ok()) return Fail(Status::kInternal, "store " + name_ + ": COMMIT");
  return {};
}

Result<void> PgStore::ResumeRun(int64_t run_id) {
  return InTransaction<void>(conn_, "store " + name_, [&]() -> Result<void> {
    const std::string run = std::to_string(run_id);
    Res st = Run(conn_, "SELECT status FROM runs WHERE id=$1 FOR UPDATE", {P(run_id)});
    if (!st.ok()) return Fail(Status::kInternal, "store " + name_ + ": looking up run: " + st.Error());
    if (st.rows() == 0) return Fail(Status::kNotFound, "store " + name_ + ": no run " + run);
    if (st.Text(0, 0) == kRunning) return Fail(Status::kBadState, "store " + name_ + ": run " + run + " is still running");
    for (const char* sql : {"DELETE FROM samples WHERE job_id IN (SELECT id FROM jobs WHERE run_id=$1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM op_profiles WHERE job_id IN (SELECT id FROM jobs WHERE run_id=$1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM memory WHERE job_id IN (SELECT id FROM jobs WHERE run_id=$1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM outputs WHERE job_id IN (SELECT id FROM jobs WHERE run_id=$1 AND status NOT IN ('pass','fail','error'))",
                            "DELETE FROM jobs WHERE run_id=$1 AND status NOT IN ('pass','fail','error')"}) {
      Res d = Run(conn_, sql, {P(run_id)});
      if (!d.ok()) return Fail(Status::kInternal, "store " + name_ + ": clearing unfinished jobs of run " + run + ": " + d.Error());
    }
    Res up = Run(conn_, "UPDATE runs SET status='running', finished_at=NULL, pid=$1, host=$2 WHERE id=$3",
                 {P(static_cast<int64_t>(getpid())), HostName(), P(run_id)});
    if (!up.ok()) return Fail(Status::kInternal, "store " + name_ + ": reopening run " + run + ": " + up.Error());
    return {};
  });
}

Result<void> PgStore::MarkRegression(int64_t job_id, const std::string& detail) {
  Res q = Run(conn_, "UPDATE jobs SET regression=$1, status=CASE WHEN status='pass' THEN 'fail' ELSE status END WHERE id=$2",
              {detail, P(job_id)});
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": marking job " + std::to_string(job_id) + ": " + q.Error());
  if (q.Affected() != 1) return Fail(Status::kNotFound, "store " + name_ + ": no job " + std::to_string(job_id));
  return {};
}

Result<std::vector<OutputRow>> PgStore::Outputs(int64_t job_id) {
  const std::string job = std::to_string(job_id);
  const char* values[1] = {job.c_str()};
  Res q(PQexecParams(conn_, "SELECT input_index, output_index, bytes FROM outputs WHERE job_id=$1 ORDER BY input_index, output_index", 1,
                     nullptr, values, nullptr, nullptr, 1));  // binary results: the index columns as int4
  if (!q.ok()) return Fail(Status::kInternal, "store " + name_ + ": reading outputs: " + q.Error());
  auto int4 = [&](int row, int col) {
    const auto* p = reinterpret_cast<const uint8_t*>(q.Raw(row, col));
    return static_cast<int>(uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]});
  };
  std::vector<OutputRow> rows;
  for (int i = 0; i < q.rows(); ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(q.Raw(i, 2));
    rows.push_back({int4(i, 0), int4(i, 1), std::vector<uint8_t>(p, p + q.Length(i, 2))});
  }
  return rows;
}

}  // namespace hil::store
