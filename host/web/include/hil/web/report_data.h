// The data behind the HTML report and `hil serve`: runs, jobs and per model x board series read
// from a Store, as JSON text. Every figure carries its unit and source; energy whose source starts
// with "estimate" is flagged `energy_estimate`, so the page can mark it.
//
// Thread: one thread per Store object (as Store requires); the functions keep no state between calls.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "hil/core/error.h"
#include "hil/report/kernels.h"
#include "hil/store/store.h"

namespace hil::web {

struct ReportFilter {
  std::string since;  // keep runs started on or after this UTC date or time ("2026-11-01"); empty: all
  std::string suite;  // keep runs of this suite name; empty: all
};

struct ReportOptions {
  std::string db_path;     // shown as provenance
  std::string boards_dir;  // boards/<kind>.yaml, for each kind's core name; empty or missing: no core names
  ReportFilter filter;
};

// Everything the page renders: {"meta", "runs" (oldest first, each with its environment), "jobs"
// (with kernel variant, statistics, time at the board clock, RAM peak, energy, MACs and the
// per-operator profile, and the stored regression verdict where the store has one), "kernels" (per
// run, oldest first: each model x board kind that ran with more than one kernel variant, as
// report::CompareKernels groups them: per variant median, per MAC, speed-up over ref and % of the
// core's peak; per operator the count per call with ref and the variant, and the speed-up)}. MACs
// come from the model bytes rebuilt from the run's suite (zoo models regenerate; files are read) when
// their sha256 matches the job's.
// Errors: the store's (kInternal), naming the store.
Result<std::string> ReportJson(store::Store& store, const ReportOptions& options);

// The read-only API of `hil serve`.
// /api/runs: the runs that pass `filter`, newest first.
Result<std::string> RunsJson(store::Store& store, const ReportFilter& filter);
// /api/runs/ID/jobs: that run's jobs and kernel groups as in ReportJson. kNotFound when the run does
// not exist.
Result<std::string> JobsJson(store::Store& store, int64_t run_id, const ReportOptions& options);
// The kernel comparison of one run (for `hil results --kernels`), with cores from
// `options.boards_dir` and MACs counted as for ReportJson. kNotFound when the run does not exist.
Result<std::vector<report::KernelGroup>> KernelGroups(store::Store& store, int64_t run_id, const ReportOptions& options);

// /api/series?model=&board=: one point per run that has the model on the board kind (either may be
// empty: every model or board), oldest first: {"series": [{"model", "board", "points": [...]}]}.
Result<std::string> SeriesJson(store::Store& store, const std::string& model, const std::string& board,
                               const ReportOptions& options);

}  // namespace hil::web
