// The farm across hosts (PostgreSQL): the submitter's side (hil run --farm postgresql://..., the
// HTTP API's submissions) and the daemon's (hil daemon: claim, run on this host's boards, complete).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hil/board/board.h"
#include "hil/board/posix_board.h"
#include "hil/cli/daemon_api.h"
#include "hil/cli/runner.h"
#include "hil/core/plan.h"
#include "hil/core/sha256.h"
#include "hil/core/stats.h"
#include "hil/core/suite.h"
#include "hil/store/pg_queue.h"
#include "hil/store/pg_store.h"
#include "runner_internal.h"

namespace hil::cli {

using internal::BoardPool;
using internal::JobInfoFor;
using internal::Known;
using internal::ModelBlob;
using internal::ModelLimits;
using internal::ResolveSuiteData;
using internal::Runner;

namespace {

// ---- A farm across hosts (PostgreSQL): the submitter's side and the daemon's. ----

// What a daemon on another host needs to run job `job` of a suite, as the queue's spec: the models
// and input files by hash (their bytes go to the models table), the labels, the checks, and the
// job's own settings. Paths are kept only to name things in messages.
nlohmann::json JobSpec(const Suite& suite, const std::vector<ModelBlob>& blobs, const std::vector<std::string>& input_shas,
                       const Job& job) {
  nlohmann::json models = nlohmann::json::array();
  for (size_t i = 0; i < suite.models.size(); ++i) models.push_back({{"name", suite.models[i].name}, {"sha256", blobs[i].sha256}});
  const char* source = suite.inputs.source == InputSpec::Source::kRandom  ? "random"
                       : suite.inputs.source == InputSpec::Source::kFiles ? "files"
                                                                          : "folder";
  nlohmann::json spec = {
      {"suite", {{"name", suite.name}, {"file", suite.file}}},
      {"models", models},
      {"inputs",
       {{"source", source}, {"seed", suite.inputs.seed}, {"count", suite.inputs.count}, {"files", suite.inputs.files},
        {"sha256", input_shas}, {"labels", suite.inputs.labels}}},
      {"checks", {{"reference", suite.checks.outputs_equal_reference}}},
      {"job",
       {{"ordinal", job.ordinal}, {"model_index", job.model_index}, {"board_kind", job.board_kind}, {"warmup", job.settings.warmup},
        {"iterations", job.settings.iterations}, {"repetitions", job.settings.repetitions}, {"link", job.settings.link},
        {"kernel", job.settings.kernel}, {"engine", job.settings.engine}}}};
  if (suite.checks.min_top1) spec["checks"]["min_top1"] = *suite.checks.min_top1;
  if (suite.checks.min_auc) spec["checks"]["min_auc"] = *suite.checks.min_auc;
  nlohmann::json budgets = nlohmann::json::array();
  for (const Budget& b : suite.budgets) {
    nlohmann::json j = {{"kind", b.kind}, {"line", b.line}};
    if (b.latency_us) j["latency_us"] = *b.latency_us;
    if (b.latency_instructions) j["latency_instructions"] = *b.latency_instructions;
    if (b.latency_cycles) j["latency_cycles"] = *b.latency_cycles;
    if (b.ram_peak_bytes) j["ram_peak_bytes"] = *b.ram_peak_bytes;
    if (b.flash_bytes) j["flash_bytes"] = *b.flash_bytes;
    if (b.energy_uj) j["energy_uj"] = *b.energy_uj;
    budgets.push_back(j);
  }
  spec["budgets"] = budgets;
  return spec;
}

Job JobFromSpec(const nlohmann::json& spec) {
  const auto& j = spec.at("job");
  Job job;
  job.ordinal = j.at("ordinal").get<int>();
  job.model_index = j.at("model_index").get<size_t>();
  job.board_kind = j.at("board_kind").get<std::string>();
  job.settings.warmup = j.at("warmup").get<int>();
  job.settings.iterations = j.at("iterations").get<int>();
  job.settings.repetitions = j.at("repetitions").get<int>();
  job.settings.link = j.at("link").get<std::string>();
  job.settings.kernel = j.at("kernel").get<std::string>();
  job.settings.engine = j.value("engine", std::string());  // queued by a daemon older than engines: ours
  return job;
}

// A progress line for a finished job, as the local runner prints it.
std::string JobLine(size_t done, size_t total, const store::JobRow& j) {
  std::string line = fmt::format("[{}/{}] {} on {}: {}", done, total, j.info.model_name,
                                 j.info.board_instance.empty() ? j.info.board_kind : j.info.board_instance, j.status);
  if (!j.samples.empty()) line += fmt::format(" (median {:.0f} {})", Summarize(j.samples).median, j.unit);
  if (!j.error.empty()) line += ": " + j.error;
  return line;
}

}  // namespace

// hil run with a postgresql:// farm: the run, its models and its jobs go into the database; the
// farm's daemons claim and run them; this process follows (LISTEN hil_runs) until none is open.
// Puts a checked suite's run into a farm's database: models and input files by hash, the run and
// its environment (planned_jobs first, so daemons finish the run only once every job is in), and one
// queue row per planned job. Returns the run id.
static Result<int64_t> SubmitRun(const Suite& suite, const std::vector<ModelBlob>& blobs, const std::vector<std::vector<uint8_t>>& inputs,
                                 const std::map<std::string, board::BoardKind>& kinds, store::PgStore& store, store::PgQueue& queue,
                                 const std::function<void(int64_t)>& on_run_started,
                                 const std::vector<std::pair<std::string, std::string>>& suite_facts = {}) {
  for (const auto& b : blobs)
    if (auto r = queue.PutModel(b.sha256, b.bytes); !r) return std::unexpected(r.error());
  std::vector<std::string> input_shas;
  for (const auto& bytes : inputs) {
    input_shas.push_back(Sha256Hex(bytes));
    if (auto r = queue.PutModel(input_shas.back(), bytes); !r) return std::unexpected(r.error());
  }
  const std::vector<Job> jobs = PlanJobs(suite);
  auto run = store.BeginRun({suite.name, suite.file});
  if (!run) return std::unexpected(run.error());
  if (on_run_started) on_run_started(*run);
  auto env = HostEnvironment();
  env.emplace_back("farm", store.name());
  env.emplace_back("planned_jobs", std::to_string(jobs.size()));
  if (!suite.sha256.empty()) env.emplace_back("suite_sha256", suite.sha256);
  env.insert(env.end(), suite_facts.begin(), suite_facts.end());
  if (auto r = store.SetEnvironment(*run, env); !r) return std::unexpected(r.error());
  for (const Job& job : jobs) {
    const store::JobInfo info = JobInfoFor(suite, blobs, kinds, job, "");
    if (auto id = queue.Submit(*run, info, JobSpec(suite, blobs, input_shas, job).dump()); !id) return std::unexpected(id.error());
  }
  return *run;
}

namespace {

// A submitted suite with everything it names read and checked: what SubmitSuite queues.
struct CheckedSuite {
  Suite suite;
  std::map<std::string, board::BoardKind> kinds;
  internal::SuiteData data;
};

Result<CheckedSuite> CheckSuiteText(std::string_view suite_text, const std::string& file, const std::string& base_dir,
                                    const std::string& boards_dir, const std::function<bool()>& cancelled) {
  CheckedSuite c;
  auto suite = ParseSuite(suite_text, file, base_dir, SuitePaths::kConfined);
  if (!suite) return std::unexpected(suite.error());
  c.suite = std::move(*suite);
  c.suite.sha256 = Sha256Hex(std::span(reinterpret_cast<const uint8_t*>(suite_text.data()), suite_text.size()));
  std::vector<Error> broken;
  auto kinds = board::LoadBoardKinds(boards_dir, &broken);
  if (!kinds) return std::unexpected(kinds.error());
  c.kinds = std::move(*kinds);
  for (size_t i = 0; i < c.suite.boards.size(); ++i) {
    const BoardRef& b = c.suite.boards[i];
    if (!c.kinds.contains(b.kind))
      return Fail(Status::kNotFound, file + ":" + std::to_string(b.line) + ": boards[" + std::to_string(i) + "]: unknown board kind '" +
                                         b.kind + "' (known: " + Known(c.kinds) + ")");
  }
  // A submission's models: what a request may make the farm generate and read (its uploads are bounded
  // by the body limit already); the client that left is asked about before each model.
  ModelLimits limits;
  limits.max_models = kMaxSubmittedModels;
  limits.max_generated_bytes = kMaxSubmittedGeneratedBytes;
  limits.cancelled = cancelled;
  auto data = ResolveSuiteData(c.suite, limits);
  if (!data) return std::unexpected(data.error());
  c.data = std::move(*data);
  if (cancelled && cancelled()) return Fail(Status::kTimeout, "the client left before the submission was checked");
  return c;
}

}  // namespace

Result<size_t> CheckSubmittedSuite(std::string_view suite_text, const std::string& file, const std::string& base_dir,
                                   const std::string& boards_dir) {
  auto checked = CheckSuiteText(suite_text, file, base_dir, boards_dir, nullptr);
  if (!checked) return std::unexpected(checked.error());
  return PlanJobs(checked->suite).size();
}

Result<Submitted> SubmitSuite(const std::string& farm_db, std::string_view suite_text, const std::string& file, const std::string& base_dir,
                              const std::string& boards_dir, const std::function<bool()>& cancelled) {
  auto c = CheckSuiteText(suite_text, file, base_dir, boards_dir, cancelled);
  if (!c) return std::unexpected(c.error());
  // From here on a failure is the farm's (its database), not the suite's: kInternal.
  auto store = store::PgStore::Open(farm_db);
  if (!store) return Fail(Status::kInternal, store.error().message);
  auto queue = store::PgQueue::Open(farm_db);
  if (!queue) return Fail(Status::kInternal, queue.error().message);
  auto run = SubmitRun(c->suite, c->data.blobs, c->data.inputs, c->kinds, **store, **queue, nullptr);
  if (!run) return Fail(Status::kInternal, run.error().message);
  return Submitted{*run, PlanJobs(c->suite).size()};
}

Result<RunOutcome> internal::SubmitAndFollow(const RunOptions& options, const Suite& suite, const std::vector<ModelBlob>& blobs,
                                             const std::vector<std::vector<uint8_t>>& inputs,
                                             const std::map<std::string, board::BoardKind>& kinds, const std::string& farm) {
  auto store = store::PgStore::Open(farm);
  if (!store) return std::unexpected(store.error());
  auto queue = store::PgQueue::Open(farm);
  if (!queue) return std::unexpected(queue.error());
  if (auto r = (*queue)->Listen("hil_runs"); !r) return std::unexpected(r.error());  // before any job can end
  // A Runner with no boards of its own: the suite's facts now, the regression check at the end.
  Runner local(options, suite, blobs, inputs, kinds, board::Farm{}, **store);
  auto run = SubmitRun(suite, blobs, inputs, kinds, **store, **queue, options.on_run_started, local.SuiteFacts());
  if (!run) return std::unexpected(run.error());
  const std::vector<Job> jobs = PlanJobs(suite);
  auto say = [&](const std::string& line) {
    if (options.progress) *options.progress << line << "\n" << std::flush;
  };
  say(fmt::format("run {}: {} jobs queued on {}", *run, jobs.size(), (*store)->name()));
  // Follow: print each job as it ends; give up when no daemon has been alive for a while (the jobs
  // stay queued and run when one starts).
  std::set<int64_t> reported;
  auto last_alive = std::chrono::steady_clock::now();
  for (;;) {
    auto rows = (*store)->ListJobs(*run);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& j : *rows) {
      if (j.status == "queued" || j.status == store::kRunning || reported.contains(j.id)) continue;
      reported.insert(j.id);
      say(JobLine(reported.size(), jobs.size(), j));
    }
    auto counts = (*queue)->Counts(*run);
    if (!counts) return std::unexpected(counts.error());
    if (counts->open() == 0) break;
    auto live = (*queue)->LiveDaemons(std::chrono::seconds(10));
    if (live && !live->empty()) last_alive = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - last_alive > options.follow_without_daemons)
      return Fail(Status::kTimeout, fmt::format("run {}: no daemon alive on {} for {} s; {} jobs left queued (they run when a daemon "
                                                "starts: hil daemon --db ...)",
                                                *run, (*store)->name(),
                                                std::chrono::duration_cast<std::chrono::seconds>(options.follow_without_daemons).count(),
                                                counts->open()));
    if (auto n = (*queue)->WaitNotify(std::chrono::milliseconds(1000)); !n) return std::unexpected(n.error());
  }
  if (auto r = local.CheckRegressionsOf(*run); !r) return std::unexpected(r.error());
  auto rows = (*store)->ListJobs(*run);
  if (!rows) return std::unexpected(rows.error());
  int fails = 0, errors = 0;
  for (const auto& j : *rows) {
    if (j.status == store::kFail) ++fails;
    else if (j.status != store::kPass) ++errors;
  }
  RunOutcome out;
  out.run_id = *run;
  out.status = errors ? store::kError : fails ? store::kFail : store::kPass;
  out.exit_code = errors ? kExitError : fails ? kExitCheckFailed : kExitPass;
  if (auto r = (*store)->FinishRun(*run, out.status); !r) return std::unexpected(r.error());
  out.jobs = std::move(*rows);
  return out;
}

namespace {

// A daemon's view of one run: the suite rebuilt from a job spec, the blobs from the database, and
// a Runner over them whose boards are the daemon's pool.
struct RunContext {
  Suite suite;
  std::unique_ptr<store::PgStore> store;
  std::unique_ptr<Runner> runner;
};

Result<std::unique_ptr<RunContext>> MakeContext(const DaemonOptions& o, const RunOptions& run_options, const nlohmann::json& spec,
                                                store::PgQueue& queue, const std::map<std::string, board::BoardKind>& kinds,
                                                const board::Farm& farm, BoardPool& pool) {
  auto ctx = std::make_unique<RunContext>();
  Suite& s = ctx->suite;
  s.name = spec.at("suite").at("name").get<std::string>();
  s.file = spec.at("suite").at("file").get<std::string>();
  std::vector<ModelBlob> blobs;
  for (const auto& m : spec.at("models")) {
    ModelSpec ms;
    ms.name = m.at("name").get<std::string>();
    s.models.push_back(ms);
    auto bytes = queue.GetModel(m.at("sha256").get<std::string>());
    if (!bytes) return std::unexpected(bytes.error());
    blobs.push_back({std::move(*bytes), m.at("sha256").get<std::string>()});
  }
  const auto& in = spec.at("inputs");
  const std::string source = in.at("source").get<std::string>();
  s.inputs.source = source == "random" ? InputSpec::Source::kRandom : source == "files" ? InputSpec::Source::kFiles : InputSpec::Source::kFolder;
  s.inputs.seed = in.at("seed").get<uint64_t>();
  s.inputs.count = in.at("count").get<int>();
  s.inputs.files = in.at("files").get<std::vector<std::string>>();
  s.inputs.labels = in.at("labels").get<std::vector<int>>();
  std::vector<std::vector<uint8_t>> inputs;
  for (const auto& sha : in.at("sha256")) {
    auto bytes = queue.GetModel(sha.get<std::string>());
    if (!bytes) return std::unexpected(bytes.error());
    inputs.push_back(std::move(*bytes));
  }
  s.checks.outputs_equal_reference = spec.at("checks").at("reference").get<bool>();
  for (const auto& j : spec.value("budgets", nlohmann::json::array())) {
    Budget b;
    b.kind = j.at("kind").get<std::string>();
    b.line = j.value("line", 0);
    if (j.contains("latency_us")) b.latency_us = j["latency_us"].get<double>();
    if (j.contains("latency_instructions")) b.latency_instructions = j["latency_instructions"].get<uint64_t>();
    if (j.contains("latency_cycles")) b.latency_cycles = j["latency_cycles"].get<uint64_t>();
    if (j.contains("ram_peak_bytes")) b.ram_peak_bytes = j["ram_peak_bytes"].get<uint64_t>();
    if (j.contains("flash_bytes")) b.flash_bytes = j["flash_bytes"].get<uint64_t>();
    if (j.contains("energy_uj")) b.energy_uj = j["energy_uj"].get<double>();
    s.budgets.push_back(b);
  }
  if (spec.at("checks").contains("min_top1")) s.checks.min_top1 = spec.at("checks").at("min_top1").get<double>();
  if (spec.at("checks").contains("min_auc")) s.checks.min_auc = spec.at("checks").at("min_auc").get<double>();
  auto store = store::PgStore::Open(o.db);
  if (!store) return std::unexpected(store.error());
  ctx->store = std::move(*store);
  ctx->runner = std::make_unique<Runner>(run_options, ctx->suite, std::move(blobs), std::move(inputs), kinds, farm, *ctx->store, &pool);
  return ctx;
}

}  // namespace

namespace {

// A stop (SIGTERM, SIGINT) is honoured within a second: jobs still running a moment after it go back
// to the queue uncounted, for this host's next start or another daemon, and the process ends here:
// their threads wait on boards whose agents are stopped now, and cannot be joined in time.
void GiveBackJobsInHand(const DaemonOptions& o, store::PgQueue& control, std::mutex& mu, std::map<std::string, store::Lease>& in_hand,
                        const std::function<void(const std::string&)>& log) {
  std::vector<store::Lease> hand;
  for (int i = 0; i < 3; ++i) {  // jobs about to end anyway end
    {
      std::lock_guard<std::mutex> lock(mu);
      hand.clear();
      for (const auto& [board, lease] : in_hand) hand.push_back(lease);
    }
    if (hand.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const store::Lease& l : hand) {
    if (auto g = control.GiveBack(l); g)
      log(fmt::format("job {} of run {} given back to the queue: the daemon is stopping", l.job_id, l.run_id));
    else
      log(g.error().message);
  }
  board::KillAllAgents();
  (void)control.Heartbeat(o.id, "", "stopped");
  log("stopped");
  std::fflush(nullptr);
  std::_Exit(0);
}

}  // namespace

Result<int> RunDaemon(const DaemonOptions& o, const std::atomic<bool>& stop) {
  std::vector<Error> broken;
  auto kinds = board::LoadBoardKinds(o.boards_dir, &broken);
  if (!kinds) return std::unexpected(kinds.error());
  const std::string farm_path = o.farm_path.empty() ? o.boards_dir + "/farms/default.yaml" : o.farm_path;
  auto farm = board::LoadFarm(farm_path, *kinds);
  if (!farm) return std::unexpected(farm.error());
  const store::QueueOptions qo{o.lease, o.max_attempts};
  auto control = store::PgQueue::Open(o.db, qo);  // heartbeats; also checks the database up front
  if (!control) return std::unexpected(control.error());
  RunOptions ro;
  ro.boards_dir = o.boards_dir;
  ro.build_dir = o.build_dir;
  ro.response_timeout = o.response_timeout;
  ro.execute_timeout = o.execute_timeout;
  ro.max_attempts = o.link_attempts;
  ro.progress = o.progress;
  BoardPool pool;
  for (const auto& inst : farm->instances) {
    pool.boards[inst.id];
    pool.monitors[inst.id];
  }
  std::mutex mu;  // contexts, drained, in_hand, the log
  std::map<int64_t, std::unique_ptr<RunContext>> contexts;
  std::set<std::string> drained;
  std::map<std::string, store::Lease> in_hand;  // board instance -> the job it runs
  auto log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    if (o.progress) *o.progress << o.id << ": " << line << "\n" << std::flush;
  };
  std::atomic<bool> idle_out{false};
  auto last_work = std::chrono::steady_clock::now();
  std::mutex last_work_mu;
  auto work = [&](const board::BoardInstance& inst) {
    auto q = store::PgQueue::Open(o.db, qo);
    auto renew_q = store::PgQueue::Open(o.db, qo);
    if (!q || !renew_q) {
      log("board " + inst.id + ": " + (q ? renew_q.error().message : q.error().message));
      return;
    }
    (void)(*q)->Listen("hil_queue");
    const std::string owner = o.id + "/" + inst.id;
    auto last_check = std::chrono::steady_clock::now();  // of this board: its last job or health check
    while (!stop && !idle_out) {
      auto lease = (*q)->Claim(owner, {inst.kind});
      if (!lease) {
        log("claim failed: " + lease.error().message);
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      if (!*lease) {
        if (o.exit_when_idle.count() > 0) {
          std::lock_guard<std::mutex> lock(last_work_mu);
          if (std::chrono::steady_clock::now() - last_work > o.exit_when_idle) idle_out = true;
        }
        // An idle board that is up (a job started it) is checked now and then: one that stopped
        // answering is recovered, or drained so no job waits on it.
        std::unique_ptr<board::Board>& board = pool.boards.at(inst.id);
        if (board && o.health_interval.count() > 0 && std::chrono::steady_clock::now() - last_check >= o.health_interval) {
          last_check = std::chrono::steady_clock::now();
          // The process (or probe link) is there, and the firmware answers a HELLO.
          Result<void> alive = board->CheckAlive();
          if (alive) {
            if (auto hello = board->session().Hello(); !hello) alive = std::unexpected(hello.error());
          }
          if (!alive) {
            auto recovered = board->Recover();
            if (recovered) {
              log(fmt::format("board {}: idle health check: {}; recovered", inst.id, alive.error().message));
            } else {
              log(fmt::format("board {} drained: idle health check: {}; {}", inst.id, alive.error().message, recovered.error().message));
              board.reset();
              std::lock_guard<std::mutex> lock(mu);
              drained.insert(inst.id);
              return;
            }
          }
        }
        const auto wait = o.health_interval.count() > 0 && board ? std::min(o.poll, o.health_interval) : o.poll;
        // In slices, so a stop is seen within a fifth of a second (SIGTERM leaves an idle daemon at once).
        for (auto waited = std::chrono::milliseconds(0); waited < wait && !stop && !idle_out; waited += std::chrono::milliseconds(200)) {
          auto n = (*q)->WaitNotify(std::min<std::chrono::milliseconds>(std::chrono::milliseconds(200), wait - waited));
          if (!n || !n->empty()) break;
        }
        continue;
      }
      const store::Lease& l = **lease;
      // In hand until this iteration ends: a stopping daemon gives such jobs back.
      {
        std::lock_guard<std::mutex> lock(mu);
        in_hand[inst.id] = l;
      }
      struct Done {
        std::mutex& mu;
        std::map<std::string, store::Lease>& in_hand;
        const std::string& board;
        ~Done() {
          std::lock_guard<std::mutex> lock(mu);
          in_hand.erase(board);
        }
      } done{mu, in_hand, inst.id};
      Job job;
      RunContext* ctx = nullptr;
      std::string spec_error;
      try {
        const auto spec = nlohmann::json::parse(l.spec);
        job = JobFromSpec(spec);
        std::lock_guard<std::mutex> lock(mu);
        auto it = contexts.find(l.run_id);
        if (it == contexts.end()) {
          auto made = MakeContext(o, ro, spec, **q, *kinds, *farm, pool);
          if (!made) spec_error = made.error().message;
          else it = contexts.emplace(l.run_id, std::move(*made)).first;
        }
        if (spec_error.empty()) ctx = it->second.get();
        if (ctx && job.model_index >= ctx->suite.models.size()) spec_error = "model index out of range";
      } catch (const std::exception& e) {
        spec_error = std::string("malformed job spec: ") + e.what();
      }
      if (!ctx || !spec_error.empty()) {
        log(fmt::format("job {} of run {}: {}", l.job_id, l.run_id, spec_error));
        (void)(*q)->Release(l, spec_error);
        continue;
      }
      // Renew the lease while the job runs; a lost lease means the result will be discarded.
      std::mutex renew_mu;
      std::condition_variable renew_cv;
      bool finished = false;
      std::thread renewer([&] {
        const auto every = std::max<std::chrono::milliseconds>(o.lease / 3, std::chrono::milliseconds(50));
        std::unique_lock<std::mutex> lock(renew_mu);
        while (!renew_cv.wait_for(lock, every, [&] { return finished; })) {
          if (!(*renew_q)->Renew(l)) return;
        }
      });
      bool unhealthy = false;
      store::JobResult result = ctx->runner->ExecuteClaimed(l.run_id, job, inst, unhealthy);
      {
        std::lock_guard<std::mutex> lock(renew_mu);
        finished = true;
      }
      renew_cv.notify_all();
      renewer.join();
      {
        std::lock_guard<std::mutex> lock(last_work_mu);
        last_work = std::chrono::steady_clock::now();
      }
      last_check = std::chrono::steady_clock::now();  // the job itself showed the board's health
      if (unhealthy) {
        // The board failed health checks after recovery: the job goes back to the queue for another
        // host, and this board is drained (takes no more jobs until the daemon restarts).
        (void)(*q)->Release(l, result.error);
        (void)(*q)->FinishIfDone(l.run_id);  // quarantined on its last attempt
        log(fmt::format("board {} drained: {}", inst.id, result.error));
        std::lock_guard<std::mutex> lock(mu);
        drained.insert(inst.id);
        return;
      }
      if (auto c = (*q)->Complete(l, inst.id, result); !c) log(c.error().message);
      else log(fmt::format("job {} of run {} ({} on {}): {}", l.job_id, l.run_id, ctx->suite.models[job.model_index].name, inst.id,
                           result.status));
      if (auto f = (*q)->FinishIfDone(l.run_id); f && *f) log(fmt::format("run {} finished", l.run_id));
    }
  };
  std::unique_ptr<DaemonApi> api;
  if (o.api_port >= 0) {
    auto a = DaemonApi::Start({.db = o.db, .boards_dir = o.boards_dir, .bind = o.api_bind, .port = o.api_port, .token = o.api_token,
                               .max_body = o.api_max_body, .tls_cert_file = o.api_tls_cert, .tls_key_file = o.api_tls_key});
    if (!a) return std::unexpected(a.error());
    api = std::move(*a);
    log("API on " + api->url());
    if (web::BindsBeyondLoopback(o.api_bind) && !api->tls() && o.progress)
      *o.progress << web::PlainHttpWarning("the daemon API", api->url(),
                                           "Fix: bind it to 127.0.0.1 (the default) behind a TLS proxy, or give --api-tls-cert and --api-tls-key.")
                  << std::flush;
  }
  std::vector<std::thread> workers;
  for (const auto& inst : farm->instances) workers.emplace_back(work, std::cref(inst));
  log(fmt::format("serving {} boards of {} on {}", farm->instances.size(), farm_path, (*control)->name()));
  while (!stop && !idle_out) {
    std::string boards;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& inst : farm->instances)
        boards += (boards.empty() ? "" : ", ") + inst.id + (drained.contains(inst.id) ? " (drained)" : "");
    }
    if (auto h = (*control)->Heartbeat(o.id, boards, "running"); !h) log(h.error().message);
    for (int i = 0; i < 10 && !stop && !idle_out; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (api) api->Stop();
  if (stop) GiveBackJobsInHand(o, **control, mu, in_hand, log);
  for (auto& t : workers) t.join();
  (void)(*control)->Heartbeat(o.id, "", "stopped");
  contexts.clear();
  pool.boards.clear();
  log("stopped");
  return 0;
}

}  // namespace hil::cli
