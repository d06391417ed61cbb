// Engines and kernel variants side by side. Within one run, the jobs of a model on a board kind that
// ran with more than one (engine, kernel variant) pair (JobInfo::engine: ours "tinyhil" or "tflm";
// JobInfo::kernel, the variant in effect: "ref", "dsp", "mve") form a group; for each pair: its median
// count per inference, count per MAC, speed-up over ours with "ref" (that median / this median),
// share of the core's peak int8 MAC rate (MACs / (median x peak MACs per cycle)), the ratio to TFLM
// (TFLM's median / this median) and the arena used; per operator, matched by op index: the count
// per call with our "ref" (or, without it, TFLM's job) and with each other pair, and the speed-up.
// Counts compare only within one unit; a speed-up needs our "ref" job in the group, a ratio to TFLM
// a TFLM job.
//
// Under QEMU (-icount) the counts are instructions, not cycles: "per MAC" is then instructions per
// MAC and the share of peak takes one instruction for one cycle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hil/core/error.h"
#include "hil/store/store.h"

namespace hil::report {

// Peak int8 multiply-accumulates per cycle of a core, by the board kind's `core` field
// (boards/<kind>.yaml, e.g. "cortex-m55"): 2 for cores with the DSP extension's dual 16-bit MAC
// (cortex-m4, cortex-m7, cortex-m33), 8 for Helium (cortex-m55), 1 for any other core. The one
// table of these peaks; the HTML report gets them from here.
double PeakMacsPerCycle(std::string_view core);

struct KernelVariantRow {
  std::string engine;  // "tinyhil" (ours) or "tflm"
  std::string kernel;  // "ref", "dsp", "mve"
  int64_t job_id = 0;
  std::string status;  // of the job: a variant that failed its check is still timed
  std::string unit;    // of `median`: "cycles", "instructions", "ns"
  std::string source;
  double median = 0;                 // per inference
  std::optional<double> per_mac;     // median / MACs: cycle or instruction counts with known MACs only
  std::optional<double> speedup;     // ref median / median, same unit only; 1 for ref itself
  std::optional<double> peak_pct;    // 100 x MACs / (median x peak MACs per cycle), where per_mac is known
  std::optional<double> vs_tflm;     // TFLM's median / median, same unit only, when the group has TFLM
  std::optional<uint32_t> arena_used;  // bytes of the arena the engine used (GET_MEMORY), when known
  uint64_t flash_bytes = 0;          // the board image the job ran (0 for a host process)
};

struct KernelOpRow {
  int op_index = 0;
  std::string op_name;
  std::string engine;                // the engine and variant compared with our "ref"
  std::string kernel;
  std::optional<double> ref_per_call;  // the base's count per call (value / calls; KernelGroup::op_base)
  std::optional<double> per_call;      // the same for `kernel`
  std::optional<double> speedup;       // ref_per_call / per_call, same unit only
};

struct KernelGroup {
  int64_t run_id = 0;
  std::string model_name;
  std::string board_kind;
  std::string core;                  // empty when the board kind is unknown
  double peak_macs_per_cycle = 1;
  std::optional<uint64_t> macs;      // of the model, when known
  std::vector<KernelVariantRow> variants;  // ours with "ref" first, then ours by variant name, then TFLM
  std::vector<KernelOpRow> ops;            // by variant (as in `variants`), then op index
  std::string op_base;  // what `ops` compare with: "tinyhil ref", or TFLM's job ("tflm dsp") without it
};

struct KernelContext {
  std::map<std::string, std::string> core_by_board;  // board kind -> core; a missing kind peaks at 1
  std::map<std::string, uint64_t> macs_by_sha256;    // model sha256 -> MACs; missing: no per-MAC figures
};

// Groups of `jobs` (one run's, as Store::ListJobs returns them); `ops` holds each job's op profile by
// job id (a job without an entry has no per-operator rows). Jobs that could not run (no samples),
// and jobs without a kernel variant, are left out; of several jobs with the same model, board kind,
// engine and variant, the first counts. Groups come in the order of their models' first job, then by board
// kind.
std::vector<KernelGroup> CompareKernels(const std::vector<store::JobRow>& jobs,
                                        const std::map<int64_t, std::vector<store::OpProfileRow>>& ops,
                                        const KernelContext& context);

// The same, read from a store: ListJobs(run_id) and each job's OpProfile. Errors: the store's
// (kNotFound when the run does not exist).
Result<std::vector<KernelGroup>> CompareKernels(store::Store& store, int64_t run_id, const KernelContext& context);

// The terminal table of `hil results --kernels`: per model x board, engine and variant, the median,
// its unit, count per MAC, speed-up over our ref, % of peak, the ratio to TFLM (a column only when a
// group has TFLM) and the arena, with a footnote on units and peaks; with
// `ops`, then per operator the count per call with ref and with the variant and the speed-up.
// One line saying so when there are no groups.
std::string KernelTable(const std::vector<KernelGroup>& groups, bool ops);

}  // namespace hil::report
