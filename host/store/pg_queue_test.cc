// PgQueue on a private PostgreSQL server: claims by board kind in order, concurrent claimers that
// never get the same job, leases that expire to another daemon, the late result of a presumed-dead
// daemon discarded, quarantine after the last attempt, cancellation, blobs and notifications.
#include "hil/store/pg_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include <libpq-fe.h>
#include <thread>

#include "hil/store/pg_store.h"
#include "hil/store/testing/pg_server.h"

namespace hil::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

testing::PgServer* Server() { return testing::PgServer::Shared(); }

class PgQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(Server(), nullptr);
    static int n = 0;
    const std::string db = "queue_" + std::to_string(++n);
    ASSERT_TRUE(Server()->CreateDatabase(db));
    conninfo_ = Server()->Conninfo(db);
    auto s = PgStore::Open(conninfo_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto run = store_->BeginRun({"farm", "farm.yaml"});
    ASSERT_TRUE(run);
    run_ = *run;
  }
  std::unique_ptr<PgQueue> Queue(QueueOptions o = {}) {
    auto q = PgQueue::Open(conninfo_, o);
    EXPECT_TRUE(q) << q.error().message;
    return q ? std::move(*q) : nullptr;
  }
  int64_t Submit(PgQueue& q, int ordinal, const std::string& kind) {
    JobInfo info;
    info.ordinal = ordinal;
    info.model_name = "m" + std::to_string(ordinal);
    info.board_kind = kind;
    auto id = q.Submit(run_, info, "{\"ordinal\":" + std::to_string(ordinal) + "}");
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  static JobResult Passed(uint64_t value) {
    JobResult r;
    r.status = kPass;
    r.unit = "cycles";
    r.source = "dwt";
    r.samples = {{0, 0, 0, value}};
    return r;
  }

  std::string conninfo_;
  std::unique_ptr<PgStore> store_;
  int64_t run_ = 0;
};

TEST_F(PgQueueTest, ClaimsTheOldestJobOfTheKindsItHas) {
  auto q = Queue();
  const int64_t a0 = Submit(*q, 0, "mps2-an386");
  Submit(*q, 1, "mps3-an547");
  const int64_t a2 = Submit(*q, 2, "mps2-an386");
  auto l = q->Claim("host-a", {"mps2-an386"});
  ASSERT_TRUE(l && *l);
  EXPECT_EQ((*l)->job_id, a0);
  EXPECT_EQ((*l)->spec, "{\"ordinal\":0}");
  EXPECT_EQ((*l)->attempt, 1);
  auto l2 = q->Claim("host-a", {"mps2-an386"});
  ASSERT_TRUE(l2 && *l2);
  EXPECT_EQ((*l2)->job_id, a2);
  auto none = q->Claim("host-a", {"mps2-an386", "lm3s6965evb"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto c = q->Counts(run_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->leased, 2);
  EXPECT_EQ(c->queued, 1);
  auto jobs = store_->ListJobs(run_);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[0].status, kRunning);
  EXPECT_EQ((*jobs)[1].status, "queued");
}

TEST_F(PgQueueTest, ConcurrentClaimersNeverShareAJobAndEveryResultIsStoredOnce) {
  auto q = Queue();
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) Submit(*q, i, "k");
  std::mutex mu;
  std::map<int64_t, std::string> claimed_by;
  std::vector<std::string> errors;
  std::vector<std::thread> daemons;
  for (int d = 0; d < 4; ++d) {
    daemons.emplace_back([&, d] {
      auto mine = PgQueue::Open(conninfo_);
      if (!mine) {
        std::lock_guard lock(mu);
        errors.push_back(mine.error().message);
        return;
      }
      const std::string owner = "daemon-" + std::to_string(d);
      for (;;) {
        auto l = (*mine)->Claim(owner, {"k"});
        if (!l || !*l) break;
        {
          std::lock_guard lock(mu);
          if (!claimed_by.emplace((*l)->job_id, owner).second) errors.push_back("job claimed twice: " + std::to_string((*l)->job_id));
        }
        if (auto c = (*mine)->Complete(**l, owner + "/board", Passed(static_cast<uint64_t>((*l)->job_id))); !c) {
          std::lock_guard lock(mu);
          errors.push_back(c.error().message);
        }
      }
    });
  }
  for (auto& t : daemons) t.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(claimed_by.size(), static_cast<size_t>(kJobs));
  auto jobs = store_->ListJobs(run_);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), static_cast<size_t>(kJobs));
  for (const auto& j : *jobs) {
    EXPECT_EQ(j.status, kPass);
    EXPECT_EQ(j.samples, std::vector<uint64_t>{static_cast<uint64_t>(j.id)});
    EXPECT_EQ(j.info.board_instance, claimed_by[j.id] + "/board");
  }
  EXPECT_EQ(q->Counts(run_)->done, kJobs);
}

// A daemon that stops answering loses its lease; another host claims the job again, and when the
// first one comes back with a result it is discarded: the job is stored once, by the second.
TEST_F(PgQueueTest, AnExpiredLeaseGoesToAnotherDaemonAndTheLateResultIsDiscarded) {
  auto a = Queue({.lease = 600ms, .max_attempts = 3});
  auto b = Queue({.lease = 600ms, .max_attempts = 3});
  const int64_t id = Submit(*a, 0, "k");
  auto first = a->Claim("host-a", {"k"});
  ASSERT_TRUE(first && *first);
  auto early = b->Claim("host-b", {"k"});
  ASSERT_TRUE(early);
  EXPECT_FALSE(*early);  // still leased
  std::this_thread::sleep_for(900ms);
  auto second = b->Claim("host-b", {"k"});
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->job_id, id);
  EXPECT_EQ((*second)->attempt, 2);
  auto renew = a->Renew(**first);
  ASSERT_FALSE(renew);
  EXPECT_EQ(renew.error().code, Status::kBadState);
  auto late = a->Complete(**first, "host-a/board", Passed(111));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Status::kBadState);
  EXPECT_THAT(late.error().message, HasSubstr("result of host-a (attempt 1) discarded: the job is now leased by host-b (attempt 2)"));
  ASSERT_TRUE(b->Complete(**second, "host-b/board", Passed(222)));
  auto again = a->Complete(**first, "host-a/board", Passed(333));
  ASSERT_FALSE(again);
  EXPECT_THAT(again.error().message, HasSubstr("discarded: the job is now done"));
  auto jobs = store_->ListJobs(run_);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[0].samples, std::vector<uint64_t>{222});
  EXPECT_EQ((*jobs)[0].info.board_instance, "host-b/board");
}

TEST_F(PgQueueTest, RenewingKeepsTheLease) {
  // Renewed every 200 ms for 1.6 s: without renewal the 800 ms lease would expire halfway.
  auto a = Queue({.lease = 800ms, .max_attempts = 3});
  auto b = Queue({.lease = 800ms, .max_attempts = 3});
  Submit(*a, 0, "k");
  auto l = a->Claim("host-a", {"k"});
  ASSERT_TRUE(l && *l);
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(200ms);
    ASSERT_TRUE(a->Renew(**l));
    auto other = b->Claim("host-b", {"k"});
    ASSERT_TRUE(other);
    ASSERT_FALSE(*other) << "claimed while renewed, after " << (i + 1) * 200 << " ms";
  }
  EXPECT_TRUE(a->Complete(**l, "host-a/board", Passed(1)));
}

// A job that fails on every attempt (released, or its daemons dying) is quarantined with the
// story of its attempts; it is not claimed again.
TEST_F(PgQueueTest, AJobThatKeepsFailingIsQuarantinedWithItsAttempts) {
  auto q = Queue({.lease = 400ms, .max_attempts = 3});
  const int64_t id = Submit(*q, 0, "k");
  auto l1 = q->Claim("host-a", {"k"});
  ASSERT_TRUE(l1 && *l1);
  ASSERT_TRUE(q->Release(**l1, "board mps2-an386#1 hung"));
  auto l2 = q->Claim("host-b", {"k"});
  ASSERT_TRUE(l2 && *l2);
  EXPECT_EQ((*l2)->attempt, 2);
  // host-b dies: its lease expires. host-c's claim is the third and last attempt.
  std::this_thread::sleep_for(600ms);
  auto l3 = q->Claim("host-c", {"k"});
  ASSERT_TRUE(l3 && *l3);
  EXPECT_EQ((*l3)->attempt, 3);
  ASSERT_TRUE(q->Release(**l3, "agent refused LOAD_END"));
  auto none = q->Claim("host-a", {"k"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto c = q->Counts(run_);
  EXPECT_EQ(c->quarantined, 1);
  EXPECT_EQ(c->open(), 0);
  auto jobs = store_->ListJobs(run_);
  ASSERT_TRUE(jobs);
  EXPECT_EQ((*jobs)[0].id, id);
  EXPECT_EQ((*jobs)[0].status, kError);
  EXPECT_EQ((*jobs)[0].error, "quarantined after 3 attempts; last: agent refused LOAD_END");
  // The attempts, as an operator reads them.
  // (queue_attempts is read through SQL here: no API needs it yet.)
  PGconn* raw = PQconnectdb(conninfo_.c_str());
  PGresult* r = PQexec(raw, "SELECT attempt, owner, outcome FROM queue_attempts ORDER BY attempt");
  ASSERT_EQ(PQntuples(r), 3);
  EXPECT_STREQ(PQgetvalue(r, 0, 2), "failed: board mps2-an386#1 hung");
  EXPECT_STREQ(PQgetvalue(r, 1, 1), "host-b");
  EXPECT_STREQ(PQgetvalue(r, 1, 2), "lease expired");
  EXPECT_STREQ(PQgetvalue(r, 2, 2), "failed: agent refused LOAD_END");
  PQclear(r);
  PQfinish(raw);
}

TEST_F(PgQueueTest, ALeaseThatExpiresOnTheLastAttemptQuarantinesTheJob) {
  auto q = Queue({.lease = 300ms, .max_attempts = 1});
  Submit(*q, 0, "k");
  auto l = q->Claim("host-a", {"k"});
  ASSERT_TRUE(l && *l);
  std::this_thread::sleep_for(500ms);
  auto none = q->Claim("host-b", {"k"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto jobs = store_->ListJobs(run_);
  EXPECT_EQ((*jobs)[0].error, "quarantined after 1 attempts; last: its lease expired (the daemon stopped answering)");
}

TEST_F(PgQueueTest, CancelStopsQueuedJobsOnly) {
  auto q = Queue();
  Submit(*q, 0, "k");
  Submit(*q, 1, "k");
  auto l = q->Claim("host-a", {"k"});
  ASSERT_TRUE(l && *l);
  auto n = q->Cancel(run_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  ASSERT_TRUE(q->Complete(**l, "host-a/board", Passed(5)));
  auto c = q->Counts(run_);
  EXPECT_EQ(c->done, 1);
  EXPECT_EQ(c->cancelled, 1);
  auto jobs = store_->ListJobs(run_);
  EXPECT_EQ((*jobs)[1].status, kError);
  EXPECT_EQ((*jobs)[1].error, "cancelled before it ran");
}

TEST_F(PgQueueTest, ModelsRoundTripAsBytes) {
  auto q = Queue();
  std::vector<uint8_t> blob(300000);
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  ASSERT_TRUE(q->PutModel("abc", blob));
  ASSERT_TRUE(q->PutModel("abc", blob));  // idempotent
  auto back = q->GetModel("abc");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, blob);
  EXPECT_EQ(q->GetModel("nope").error().code, Status::kNotFound);
}

TEST_F(PgQueueTest, FollowersAreNotifiedWhenJobsEndAndDaemonsWhenJobsArrive) {
  auto follower = Queue();
  auto daemon = Queue();
  ASSERT_TRUE(follower->Listen("hil_runs"));
  ASSERT_TRUE(daemon->Listen("hil_queue"));
  Submit(*follower, 0, "mps2-an386");
  auto woke = daemon->WaitNotify(2s);
  ASSERT_TRUE(woke);
  EXPECT_EQ(*woke, std::vector<std::string>{"mps2-an386"});
  auto l = daemon->Claim("host-a", {"mps2-an386"});
  ASSERT_TRUE(l && *l);
  ASSERT_TRUE(daemon->Complete(**l, "host-a/board", Passed(1)));
  auto ended = follower->WaitNotify(2s);
  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, std::vector<std::string>{std::to_string(run_)});
  auto quiet = follower->WaitNotify(100ms);
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->empty());
}

TEST_F(PgQueueTest, DaemonsAreLiveWhileTheyBeat) {
  auto q = Queue();
  ASSERT_TRUE(q->Heartbeat("host-a", "mps2-an386#1", "running"));
  ASSERT_TRUE(q->Heartbeat("host-b", "mps3-an547#1", "running"));
  auto live = q->LiveDaemons(5s);
  ASSERT_TRUE(live);
  EXPECT_EQ(*live, (std::vector<std::string>{"host-a", "host-b"}));
  std::this_thread::sleep_for(400ms);
  ASSERT_TRUE(q->Heartbeat("host-b", "mps3-an547#1", "running"));
  live = q->LiveDaemons(300ms);
  EXPECT_EQ(*live, std::vector<std::string>{"host-b"});
}

}  // namespace
}  // namespace hil::store

namespace hil::store {
namespace {

TEST_F(PgQueueTest, ARunEndsWhenEveryPlannedJobHasEnded) {
  auto q = Queue({.lease = std::chrono::milliseconds(30000), .max_attempts = 1});
  ASSERT_TRUE(store_->SetEnvironment(run_, {{"planned_jobs", "3"}}));
  Submit(*q, 0, "k");
  auto l = q->Claim("host-a", {"k"});
  ASSERT_TRUE(l && *l);
  ASSERT_TRUE(q->Complete(**l, "a", Passed(1)));
  EXPECT_FALSE(*q->FinishIfDone(run_));  // two jobs are not even submitted yet
  Submit(*q, 1, "k");
  Submit(*q, 2, "k");
  auto l1 = q->Claim("host-a", {"k"});
  ASSERT_TRUE(q->Complete(**l1, "a", Passed(2)));
  EXPECT_FALSE(*q->FinishIfDone(run_));
  auto l2 = q->Claim("host-a", {"k"});
  ASSERT_TRUE(q->Release(**l2, "board hung"));  // its only attempt: quarantined
  EXPECT_TRUE(*q->FinishIfDone(run_));
  EXPECT_FALSE(*q->FinishIfDone(run_));  // once
  auto runs = store_->ListRuns();
  EXPECT_EQ((*runs)[0].status, kError);
  EXPECT_FALSE((*runs)[0].finished_at.empty());
}

}  // namespace
}  // namespace hil::store
