// The data behind the HTML report and `hil serve`: runs, jobs and per model x board series read
// from a Store, as JSON text. Every figure carries its unit and source; energy whose source starts
// with "estimate" is flagged `energy_estimate`, so the page can mark it.
//
// Thread: one thread per Store object (as Store requires); the functions keep no state between calls.
#pragma once

#include <cstdint>
#include <string>

#include "hil/core/error.h"
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
// (with statistics, time at the board clock, RAM peak, energy, MACs and the per-operator profile, and
// the stored regression verdict where the store has one)}. MACs come from the model bytes rebuilt
// from the run's suite (zoo models regenerate; files are read) when their sha256 matches the job's.
// Errors: the store's (kInternal), naming the store.
Result<std::string> ReportJson(store::Store& store, const ReportOptions& options);

// The read-only API of `hil serve`.
// /api/runs: the runs that pass `filter`, newest first.
Result<std::string> RunsJson(store::Store& store, const ReportFilter& filter);
// /api/runs/ID/jobs: that run's jobs as in ReportJson. kNotFound when the run does not exist.
Result<std::string> JobsJson(store::Store& store, int64_t run_id, const ReportOptions& options);
// /api/series?model=&board=: one point per run that has the model on the board kind (either may be
// empty: every model or board), oldest first: {"series": [{"model", "board", "points": [...]}]}.
Result<std::string> SeriesJson(store::Store& store, const std::string& model, const std::string& board,
                               const ReportOptions& options);

}  // namespace hil::web
