#include "hil/store/pg_queue.h"

#include <poll.h>

#include "hil/store/pg_store.h"
#include "pg_util.h"

namespace hil::store {

using namespace pg;

namespace {

// "{\"a\",\"b\"}": a text[] literal.
std::string Kinds(const std::vector<std::string>& kinds) {
  return TextArray(kinds, [](const std::string& k) { return k; });
}

std::string Seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

Result<std::unique_ptr<PgQueue>> PgQueue::Open(const std::string& conninfo, QueueOptions options) {
  {
    auto schema = PgStore::Open(conninfo);  // migrates
    if (!schema) return std::unexpected(schema.error());
  }
  const std::string name = DescribeConninfo(conninfo);
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn) : "out of memory";
    PQfinish(conn);
    return Fail(Status::kNotFound, "queue " + name + ": cannot connect: " + why);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgQueue>(new PgQueue(conn, name, options));
}

PgQueue::~PgQueue() { PQfinish(conn_); }

Result<void> PgQueue::PutModel(const std::string& sha256, const std::vector<uint8_t>& bytes) {
  const char* values[2] = {sha256.c_str(), reinterpret_cast<const char*>(bytes.data())};
  const int lengths[2] = {0, static_cast<int>(bytes.size())};
  const int formats[2] = {0, 1};  // the blob as binary
  Res r(PQexecParams(conn_, "INSERT INTO models(sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING", 2, nullptr, values,
                     lengths, formats, 0));
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": storing model " + sha256 + ": " + r.Error());
  return {};
}

Result<std::vector<uint8_t>> PgQueue::GetModel(const std::string& sha256) {
  const char* values[1] = {sha256.c_str()};
  Res r(PQexecParams(conn_, "SELECT bytes FROM models WHERE sha256=$1", 1, nullptr, values, nullptr, nullptr, 1));
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": reading model " + sha256 + ": " + r.Error());
  if (r.rows() == 0) return Fail(Status::kNotFound, "queue " + name_ + ": no model " + sha256);
  const auto* p = reinterpret_cast<const uint8_t*>(r.Raw(0, 0));
  return std::vector<uint8_t>(p, p + r.Length(0, 0));
}

Result<int64_t> PgQueue::Submit(int64_t run_id, const JobInfo& job, const std::string& spec) {
  if (!Run(conn_, "BEGIN").ok()) return Fail(Status::kInternal, "queue " + name_ + ": BEGIN");
  Res j = Run(conn_,
              "INSERT INTO jobs(run_id, ordinal, model_name, model_sha256, model_bytes, board_kind, board_instance, clock_hz, "
              "warmup, iterations, repetitions, status, started_at, kernel, engine) "
              "VALUES ($1,$2,$3,$4,$5,$6,'',$7,$8,$9,$10,'queued',$11,$12,$13) RETURNING id",
              {P(run_id), P(job.ordinal), job.model_name, job.model_sha256, P(static_cast<int64_t>(job.model_bytes)), job.board_kind,
               P(static_cast<int64_t>(job.clock_hz)), P(job.warmup), P(job.iterations), P(job.repetitions), NowUtc(), OrNull(job.kernel),
               OrNull(job.engine)});
  if (!j.ok()) {
    (void)Run(conn_, "ROLLBACK");
    return Fail(Status::kInternal, "queue " + name_ + ": adding a job to run " + std::to_string(run_id) + ": " + j.Error());
  }
  const int64_t id = j.Int(0, 0);
  Res q = Run(conn_, "INSERT INTO queue(job_id, run_id, board_kind, spec, state) VALUES ($1,$2,$3,$4,'queued')",
              {P(id), P(run_id), job.board_kind, spec});
  Res n = Run(conn_, "SELECT pg_notify('hil_queue', $1)", {job.board_kind});
  if (!q.ok() || !n.ok()) {
    const std::string why = q.ok() ? n.Error() : q.Error();
    (void)Run(conn_, "ROLLBACK");
    return Fail(Status::kInternal, "queue " + name_ + ": queueing job " + std::to_string(id) + ": " + why);
  }
  if (!Run(conn_, "COMMIT").ok()) return Fail(Status::kInternal, "queue " + name_ + ": COMMIT");
  return id;
}

Result<QueueCounts> PgQueue::Counts(int64_t run_id) {
  Res r = Run(conn_, "SELECT state, COUNT(*) FROM queue WHERE run_id=$1 GROUP BY state", {P(run_id)});
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": counting jobs of run " + std::to_string(run_id) + ": " + r.Error());
  QueueCounts c;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string s = r.Text(i, 0);
    const int n = static_cast<int>(r.Int(i, 1));
    (s == "queued" ? c.queued : s == "leased" ? c.leased : s == "done" ? c.done : s == "quarantined" ? c.quarantined : c.cancelled) = n;
  }
  return c;
}

Result<int> PgQueue::Cancel(int64_t run_id) {
  if (!Run(conn_, "BEGIN").ok()) return Fail(Status::kInternal, "queue " + name_ + ": BEGIN");
  Res q = Run(conn_, "UPDATE queue SET state='cancelled' WHERE run_id=$1 AND state='queued' RETURNING job_id", {P(run_id)});
  Res j = Run(conn_,
              "UPDATE jobs SET status='error', error='cancelled before it ran', finished_at=$2 "
              "WHERE id IN (SELECT job_id FROM queue WHERE run_id=$1 AND state='cancelled') AND status='queued'",
              {P(run_id), NowUtc()});
  Res n = Run(conn_, "SELECT pg_notify('hil_runs', $1)", {P(run_id)});
  if (!q.ok() || !j.ok() || !n.ok()) {
    (void)Run(conn_, "ROLLBACK");
    return Fail(Status::kInternal, "queue " + name_ + ": cancelling run " + std::to_string(run_id));
  }
  if (!Run(conn_, "COMMIT").ok()) return Fail(Status::kInternal, "queue " + name_ + ": COMMIT");
  return q.rows();
}

Result<bool> PgQueue::FinishIfDone(int64_t run_id) {
  Res r = Run(conn_,
              "UPDATE runs SET finished_at=$2, status = CASE "
              "  WHEN EXISTS (SELECT 1 FROM jobs WHERE run_id=$1 AND status NOT IN ('pass', 'fail')) THEN 'error' "
              "  WHEN EXISTS (SELECT 1 FROM jobs WHERE run_id=$1 AND status = 'fail') THEN 'fail' ELSE 'pass' END "
              "WHERE id=$1 AND status='running' "
              "AND NOT EXISTS (SELECT 1 FROM queue WHERE run_id=$1 AND state IN ('queued', 'leased')) "
              "AND (SELECT COUNT(*) FROM queue WHERE run_id=$1) >= "
              "    COALESCE((SELECT value::bigint FROM environment WHERE run_id=$1 AND key='planned_jobs'), 1)",
              {P(run_id), NowUtc()});
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": finishing run " + std::to_string(run_id) + ": " + r.Error());
  return r.Affected() == 1;
}

Result<void> PgQueue::QuarantineSpent() {
  // Claimable jobs that have had every attempt: quarantined, their job rows errors that say why.
  Res q = Run(conn_,
              "WITH spent AS (UPDATE queue SET state='quarantined', lease_token=NULL, lease_expires=NULL "
              "  WHERE attempts >= $1 AND (state='queued' OR (state='leased' AND lease_expires < now())) "
              "  RETURNING job_id, run_id, attempts, COALESCE(last_error, 'its lease expired (the daemon stopped answering)') AS why), "
              "marked AS (UPDATE queue_attempts a SET outcome='lease expired' FROM spent "
              "  WHERE a.job_id = spent.job_id AND a.outcome IS NULL), "
              "jobs_done AS (UPDATE jobs j SET status='error', finished_at=$2, "
              "  error='quarantined after ' || spent.attempts || ' attempts; last: ' || spent.why FROM spent WHERE j.id = spent.job_id) "
              "SELECT pg_notify('hil_runs', run_id::text) FROM spent",
              {P(options_.max_attempts), NowUtc()});
  if (!q.ok()) return Fail(Status::kInternal, "queue " + name_ + ": quarantining spent jobs: " + q.Error());
  return {};
}

Result<std::optional<Lease>> PgQueue::Claim(const std::string& owner, const std::vector<std::string>& kinds) {
  if (kinds.empty()) return std::optional<Lease>();
  if (auto q = QuarantineSpent(); !q) return std::unexpected(q.error());
  return InTransaction<std::optional<Lease>>(conn_, "queue " + name_, [&]() -> Result<std::optional<Lease>> {
    Res c = Run(conn_,
                "WITH c AS (SELECT job_id FROM queue WHERE board_kind = ANY($2::text[]) AND attempts < $4 "
                "  AND (state='queued' OR (state='leased' AND lease_expires < now())) "
                "  ORDER BY job_id FOR UPDATE SKIP LOCKED LIMIT 1) "
                "UPDATE queue q SET state='leased', attempts=q.attempts+1, lease_owner=$1, lease_token=gen_random_uuid()::text, "
                "  lease_expires = now() + make_interval(secs => $3::double precision) "
                "FROM c WHERE q.job_id = c.job_id "
                "RETURNING q.job_id, q.run_id, q.board_kind, q.spec, q.lease_token, q.attempts",
                {owner, Kinds(kinds), Seconds(options_.lease), P(options_.max_attempts)});
    if (!c.ok()) return Fail(Status::kInternal, "queue " + name_ + ": claiming a job: " + c.Error());
    if (c.rows() == 0) return std::optional<Lease>();
    Lease l{c.Int(0, 0), c.Int(0, 1), c.Text(0, 2), c.Text(0, 3), c.Text(0, 4), owner, static_cast<int>(c.Int(0, 5))};
    Res prev = Run(conn_, "UPDATE queue_attempts SET outcome='lease expired' WHERE job_id=$1 AND outcome IS NULL", {P(l.job_id)});
    Res a = Run(conn_, "INSERT INTO queue_attempts(job_id, attempt, owner) VALUES ($1,$2,$3)", {P(l.job_id), P(l.attempt), owner});
    Res j = Run(conn_, "UPDATE jobs SET status='running' WHERE id=$1", {P(l.job_id)});
    if (!prev.ok() || !a.ok() || !j.ok())
      return Fail(Status::kInternal, "queue " + name_ + ": recording the claim of job " + std::to_string(l.job_id));
    return std::optional<Lease>(std::move(l));
  });
}

Result<void> PgQueue::Renew(const Lease& lease) {
  Res r = Run(conn_,
              "UPDATE queue SET lease_expires = now() + make_interval(secs => $3::double precision) "
              "WHERE job_id=$1 AND lease_token=$2 AND state='leased'",
              {P(lease.job_id), lease.token, Seconds(options_.lease)});
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": renewing the lease of job " + std::to_string(lease.job_id) + ": " + r.Error());
  if (r.Affected() != 1)
    return Fail(Status::kBadState, "queue " + name_ + ": job " + std::to_string(lease.job_id) + ": the lease of " + lease.owner +
                                       " (attempt " + std::to_string(lease.attempt) + ") was lost");
  return {};
}

Result<void> PgQueue::Complete(const Lease& lease, const std::string& board_instance, const JobResult& result) {
  return InTransaction<void>(conn_, "queue " + name_, [&]() -> Result<void> {
    const std::string job = std::to_string(lease.job_id);
    Res cur = Run(conn_, "SELECT state, COALESCE(lease_token, ''), COALESCE(lease_owner, ''), attempts FROM queue WHERE job_id=$1 FOR UPDATE",
                  {P(lease.job_id)});
    if (!cur.ok()) return Fail(Status::kInternal, "queue " + name_ + ": looking up job " + job + ": " + cur.Error());
    if (cur.rows() == 0) return Fail(Status::kNotFound, "queue " + name_ + ": no queued job " + job);
    if (cur.Text(0, 0) != "leased" || cur.Text(0, 1) != lease.token)
      return Fail(Status::kBadState, "queue " + name_ + ": job " + job + ": result of " + lease.owner + " (attempt " +
                                         std::to_string(lease.attempt) + ") discarded: the job is now " + cur.Text(0, 0) +
                                         (cur.Text(0, 0) == "leased" ? " by " + cur.Text(0, 2) + " (attempt " + cur.Text(0, 3) + ")" : ""));
    Res inst = Run(conn_, "UPDATE jobs SET board_instance=$2 WHERE id=$1", {P(lease.job_id), board_instance});
    if (!inst.ok()) return Fail(Status::kInternal, "queue " + name_ + ": updating job " + job + ": " + inst.Error());
    if (auto w = WriteJobResult(conn_, "queue " + name_, lease.job_id, result); !w) return w;
    Res q = Run(conn_, "UPDATE queue SET state='done', lease_expires=NULL WHERE job_id=$1", {P(lease.job_id)});
    Res a = Run(conn_, "UPDATE queue_attempts SET outcome='done' WHERE job_id=$1 AND attempt=$2", {P(lease.job_id), P(lease.attempt)});
    Res n = Run(conn_, "SELECT pg_notify('hil_runs', $1)", {P(lease.run_id)});
    if (!q.ok() || !a.ok() || !n.ok()) return Fail(Status::kInternal, "queue " + name_ + ": completing job " + job);
    return {};
  });
}

Result<void> PgQueue::Release(const Lease& lease, const std::string& error) {
  return InTransaction<void>(conn_, "queue " + name_, [&]() -> Result<void> {
    const std::string job = std::to_string(lease.job_id);
    Res q = Run(conn_,
                "UPDATE queue SET state = CASE WHEN attempts >= $3 THEN 'quarantined' ELSE 'queued' END, last_error=$4, "
                "lease_token=NULL, lease_expires=NULL WHERE job_id=$1 AND lease_token=$2 AND state='leased' RETURNING state, attempts",
                {P(lease.job_id), lease.token, P(options_.max_attempts), error});
    if (!q.ok()) return Fail(Status::kInternal, "queue " + name_ + ": releasing job " + job + ": " + q.Error());
    if (q.rows() == 0)
      return Fail(Status::kBadState, "queue " + name_ + ": job " + job + ": the lease of " + lease.owner + " was lost before it gave the job back");
    const bool quarantined = q.Text(0, 0) == "quarantined";
    Res a = Run(conn_, "UPDATE queue_attempts SET outcome=$3 WHERE job_id=$1 AND attempt=$2",
                {P(lease.job_id), P(lease.attempt), "failed: " + error});
    Res j = quarantined ? Run(conn_, "UPDATE jobs SET status='error', finished_at=$2, error=$3 WHERE id=$1",
                              {P(lease.job_id), NowUtc(), "quarantined after " + q.Text(0, 1) + " attempts; last: " + error})
                        : Run(conn_, "UPDATE jobs SET status='queued' WHERE id=$1", {P(lease.job_id)});
    Res n = Run(conn_, "SELECT pg_notify($2, $1)", {P(lease.run_id), quarantined ? "hil_runs" : "hil_queue"});
    if (!a.ok() || !j.ok() || !n.ok()) return Fail(Status::kInternal, "queue " + name_ + ": releasing job " + job);
    return {};
  });
}

Result<void> PgQueue::GiveBack(const Lease& lease) {
  return InTransaction<void>(conn_, "queue " + name_, [&]() -> Result<void> {
    const std::string job = std::to_string(lease.job_id);
    Res q = Run(conn_,
                "UPDATE queue SET state='queued', attempts=GREATEST(attempts - 1, 0), lease_token=NULL, lease_expires=NULL "
                "WHERE job_id=$1 AND lease_token=$2 AND state='leased'",
                {P(lease.job_id), lease.token});
    if (!q.ok()) return Fail(Status::kInternal, "queue " + name_ + ": giving job " + job + " back: " + q.Error());
    if (q.Affected() != 1)
      return Fail(Status::kBadState, "queue " + name_ + ": job " + job + ": the lease of " + lease.owner + " was lost before it gave the job back");
    // The attempt did not happen as far as the job's history goes: its number is the next claim's.
    Res a = Run(conn_, "DELETE FROM queue_attempts WHERE job_id=$1 AND attempt=$2", {P(lease.job_id), P(lease.attempt)});
    Res j = Run(conn_, "UPDATE jobs SET status='queued' WHERE id=$1", {P(lease.job_id)});
    Res n = Run(conn_, "SELECT pg_notify('hil_queue', $1)", {P(lease.run_id)});
    if (!a.ok() || !j.ok() || !n.ok()) return Fail(Status::kInternal, "queue " + name_ + ": giving job " + job + " back");
    return {};
  });
}

Result<void> PgQueue::Heartbeat(const std::string& daemon_id, const std::string& boards, const std::string& state) {
  Res r = Run(conn_,
              "INSERT INTO daemons(id, host, boards, state, heartbeat) VALUES ($1,$2,$3,$4,now()) "
              "ON CONFLICT (id) DO UPDATE SET host=EXCLUDED.host, boards=EXCLUDED.boards, state=EXCLUDED.state, heartbeat=now()",
              {daemon_id, HostName(), boards, state});
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": heartbeat of " + daemon_id + ": " + r.Error());
  return {};
}

Result<std::vector<std::string>> PgQueue::LiveDaemons(std::chrono::milliseconds within) {
  Res r = Run(conn_, "SELECT id FROM daemons WHERE heartbeat > now() - make_interval(secs => $1::double precision) ORDER BY id",
              {Seconds(within)});
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": listing daemons: " + r.Error());
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<void> PgQueue::Listen(const std::string& channel) {
  char* quoted = PQescapeIdentifier(conn_, channel.c_str(), channel.size());
  if (!quoted) return Fail(Status::kBadArgument, "queue " + name_ + ": bad channel name " + channel);
  Res r(PQexec(conn_, ("LISTEN " + std::string(quoted)).c_str()));
  PQfreemem(quoted);
  if (!r.ok()) return Fail(Status::kInternal, "queue " + name_ + ": LISTEN " + channel + ": " + r.Error());
  return {};
}

Result<std::vector<std::string>> PgQueue::WaitNotify(std::chrono::milliseconds timeout) {
  std::vector<std::string> payloads;
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      payloads.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
  };
  if (!PQconsumeInput(conn_)) return Fail(Status::kBadState, "queue " + name_ + ": connection lost: " + std::string(PQerrorMessage(conn_)));
  drain();
  if (!payloads.empty()) return payloads;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) > 0) {
    if (!PQconsumeInput(conn_)) return Fail(Status::kBadState, "queue " + name_ + ": connection lost: " + std::string(PQerrorMessage(conn_)));
    drain();
  }
  return payloads;
}

}  // namespace hil::store
