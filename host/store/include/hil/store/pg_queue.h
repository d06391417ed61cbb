// The job queue of a farm across hosts, in the same PostgreSQL database as PgStore (schema v2).
// A submitter (`hil run` with a postgresql:// farm) puts a run's jobs in the queue; each farm host's
// daemon claims the jobs of the board kinds it has, runs them, and completes them with their
// results. No scheduler of our own: rows are claimed with FOR UPDATE SKIP LOCKED, so daemons never
// wait on each other, and every claim is a lease with an expiry on the database's clock.
//
// Faults, and what the queue guarantees:
//   - A daemon that dies mid-job stops renewing; when its lease expires another daemon claims the
//     job again (the next attempt). Nothing it had not completed is stored.
//   - A slow daemon presumed dead may still come back with a result. Complete writes it only while
//     the claim it holds is still the job's current one (its lease token); otherwise it writes
//     nothing and returns kBadState ("discarded"). A job's result is stored exactly once.
//   - A job whose attempts keep failing (Release, or leases expiring) is quarantined after
//     `max_attempts`: its job row becomes an error naming the attempts, and queue_attempts keeps
//     each attempt's owner and outcome.
// Notifications: Submit notifies channel "hil_queue" (daemons wake to claim); every job that ends
// (done, quarantined, cancelled) notifies "hil_runs" with the run id as payload.
//
// Thread: one thread per PgQueue (one libpq connection each).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hil/store/store.h"

struct pg_conn;

namespace hil::store {

struct QueueOptions {
  std::chrono::milliseconds lease{30000};  // a claim lasts this long unless renewed
  int max_attempts = 3;                     // claims of one job before it is quarantined
};

struct Lease {
  int64_t job_id = 0;
  int64_t run_id = 0;
  std::string board_kind;
  std::string spec;   // what the submitter put: opaque to the queue
  std::string token;  // this claim; Complete/Release/Renew must present it
  std::string owner;
  int attempt = 0;    // 1 for the first claim
};

struct QueueCounts {
  int queued = 0;
  int leased = 0;
  int done = 0;
  int quarantined = 0;
  int cancelled = 0;
  int open() const { return queued + leased; }
};

class PgQueue {
 public:
  // Connects and brings the schema up to date (through PgStore::Open). Errors: PgStore::Open's.
  static Result<std::unique_ptr<PgQueue>> Open(const std::string& conninfo, QueueOptions options);
  static Result<std::unique_ptr<PgQueue>> Open(const std::string& conninfo) { return Open(conninfo, QueueOptions{}); }
  ~PgQueue();

  // Model blobs by sha256 (hex), so daemons can load what the submitter had. Put is idempotent.
  Result<void> PutModel(const std::string& sha256, const std::vector<uint8_t>& bytes);
  // kNotFound when no such model was put.
  Result<std::vector<uint8_t>> GetModel(const std::string& sha256);

  // Adds a job of `run_id` (its row in jobs, status "queued", and its queue row) and returns its id.
  Result<int64_t> Submit(int64_t run_id, const JobInfo& info, const std::string& spec);
  Result<QueueCounts> Counts(int64_t run_id);
  // Cancels the queued jobs of a run (leased ones finish); returns how many.
  Result<int> Cancel(int64_t run_id);
  // Ends a running run once every planned job (its environment's planned_jobs) is in the queue and
  // none is open: status error if a job is not pass/fail, else fail if one failed, else pass.
  // Returns whether it ended the run now. Daemons call it after each job; idempotent.
  Result<bool> FinishIfDone(int64_t run_id);

  // The oldest claimable job of one of `kinds` (queued, or leased with an expired lease), now
  // leased to `owner`; nullopt when there is none. Jobs out of attempts are quarantined on the way.
  Result<std::optional<Lease>> Claim(const std::string& owner, const std::vector<std::string>& kinds);
  // Extends the lease. kBadState when it is no longer this claim's (expired and claimed again).
  Result<void> Renew(const Lease& lease);
  // Stores the result (as Store::FinishJob does) and marks the job done, in one transaction, if the
  // lease is still the job's current claim; otherwise writes nothing: kBadState "discarded".
  Result<void> Complete(const Lease& lease, const std::string& board_instance, const JobResult& result);
  // Gives the job back after a failure that another attempt may not have (board fault): queued
  // again, or quarantined when out of attempts. kBadState when the lease was lost.
  Result<void> Release(const Lease& lease, const std::string& error);
  // Gives the job back unfinished because its daemon is stopping (SIGTERM): queued again at once for
  // any daemon, and the attempt is neither counted against it nor kept in its history (the job did
  // not fail). kBadState when the lease was lost (the job ended or was claimed again meanwhile).
  Result<void> GiveBack(const Lease& lease);

  // Daemon registry: `boards` is free text (the kinds and instances the host has).
  Result<void> Heartbeat(const std::string& daemon_id, const std::string& boards, const std::string& state);
  // Daemons whose heartbeat is younger than `within`.
  Result<std::vector<std::string>> LiveDaemons(std::chrono::milliseconds within);

  // LISTEN on `channel`; WaitNotify returns the payloads that arrived within `timeout` (empty when none).
  Result<void> Listen(const std::string& channel);
  Result<std::vector<std::string>> WaitNotify(std::chrono::milliseconds timeout);

  const std::string& name() const { return name_; }

 private:
  PgQueue(pg_conn* conn, std::string name, QueueOptions options) : conn_(conn), name_(std::move(name)), options_(options) {}
  Result<void> QuarantineSpent();

  pg_conn* conn_;
  std::string name_;
  QueueOptions options_;
};

}  // namespace hil::store
