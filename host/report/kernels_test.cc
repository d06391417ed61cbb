#include "hil/report/kernels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hil/store/sqlite_store.h"

namespace hil::report {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PeakMacsPerCycle, DspCoresTwoHeliumEightOthersOne) {
  EXPECT_EQ(PeakMacsPerCycle("cortex-m4"), 2);
  EXPECT_EQ(PeakMacsPerCycle("cortex-m7"), 2);
  EXPECT_EQ(PeakMacsPerCycle("cortex-m33"), 2);
  EXPECT_EQ(PeakMacsPerCycle("cortex-m55"), 8);
  EXPECT_EQ(PeakMacsPerCycle("cortex-m3"), 1);
  EXPECT_EQ(PeakMacsPerCycle("host-cpu"), 1);
  EXPECT_EQ(PeakMacsPerCycle(""), 1);
}

// One job of `model` on `board`: `kernel_asked` at BeginJob, `kernel_in_effect` from the agent.
void AddJob(store::Store& s, int64_t run, const std::string& model, const std::string& board, const std::string& kernel_asked,
            const std::string& kernel_in_effect, std::vector<uint64_t> samples, std::vector<store::OpProfileRow> ops,
            const std::string& unit = "cycles") {
  store::JobInfo info;
  info.model_name = model;
  info.model_sha256 = "sha-" + model;
  info.board_kind = board;
  info.board_instance = board + "#1";
  info.clock_hz = 25'000'000;
  info.iterations = static_cast<int>(samples.size());
  info.kernel = kernel_asked;
  auto job = s.BeginJob(run, info);
  ASSERT_TRUE(job) << job.error().message;
  store::JobResult r;
  r.status = samples.empty() ? store::kError : store::kPass;
  r.unit = unit;
  r.source = unit == "cycles" ? "dwt" : "qemu-icount";
  for (size_t i = 0; i < samples.size(); ++i) r.samples.push_back({0, 0, static_cast<int>(i), samples[i]});
  r.ops = std::move(ops);
  r.kernel = kernel_in_effect;
  ASSERT_TRUE(s.FinishJob(*job, r));
}

// conv on the M4: ref 4000 cycles, dsp 1600 (2.5x); 800 MACs. Per operator: CONV_2D 3800 -> 950 per
// call (4x; dsp ran six iterations, ref three), RESHAPE 200 -> 200 (1x). Around it, jobs that must
// not form groups: ref only on the M55, an fc whose dsp job failed to run, a job without a variant.
int64_t Seed(store::Store& s) {
  auto run = s.BeginRun({.suite_name = "kernels", .suite_path = "suites/kernels.yaml"});
  EXPECT_TRUE(run);
  AddJob(s, *run, "conv", "mps2-an386", "ref", "ref", {4000, 4000, 4000},
         {{0, 3, "CONV_2D", 3, 3 * 3800}, {1, 22, "RESHAPE", 3, 3 * 200}});
  AddJob(s, *run, "conv", "mps3-an547", "ref", "ref", {3000, 3000, 3000}, {{0, 3, "CONV_2D", 3, 3 * 2900}});
  AddJob(s, *run, "conv", "mps2-an386", "auto", "dsp", {1600, 1600, 1600, 1600, 1600, 1600},
         {{0, 3, "CONV_2D", 6, 6 * 950}, {1, 22, "RESHAPE", 6, 6 * 200}});
  AddJob(s, *run, "fc", "mps2-an386", "ref", "ref", {500}, {});
  AddJob(s, *run, "fc", "mps2-an386", "auto", "", {}, {});
  AddJob(s, *run, "fc", "mps3-an547", "", "", {400}, {});
  EXPECT_TRUE(s.FinishRun(*run, "pass"));
  return *run;
}

KernelContext Context() {
  return {.core_by_board = {{"mps2-an386", "cortex-m4"}, {"mps3-an547", "cortex-m55"}}, .macs_by_sha256 = {{"sha-conv", 800}}};
}

TEST(CompareKernels, SpeedupPerMacAndPeakFromAStore) {
  auto opened = store::SqliteStore::Open(":memory:");
  ASSERT_TRUE(opened);
  const int64_t run = Seed(**opened);
  auto groups = CompareKernels(**opened, run, Context());
  ASSERT_TRUE(groups) << groups.error().message;
  ASSERT_EQ(groups->size(), 1u);
  const KernelGroup& g = groups->front();
  EXPECT_EQ(g.run_id, run);
  EXPECT_EQ(g.model_name, "conv");
  EXPECT_EQ(g.board_kind, "mps2-an386");
  EXPECT_EQ(g.core, "cortex-m4");
  EXPECT_EQ(g.peak_macs_per_cycle, 2);
  ASSERT_TRUE(g.macs);
  EXPECT_EQ(*g.macs, 800u);

  ASSERT_EQ(g.variants.size(), 2u);
  const KernelVariantRow& ref = g.variants[0];
  const KernelVariantRow& dsp = g.variants[1];
  EXPECT_EQ(ref.kernel, "ref");
  EXPECT_EQ(dsp.kernel, "dsp");  // the variant in effect, not "auto"
  EXPECT_DOUBLE_EQ(ref.median, 4000);
  EXPECT_DOUBLE_EQ(dsp.median, 1600);
  EXPECT_DOUBLE_EQ(*ref.speedup, 1.0);
  EXPECT_DOUBLE_EQ(*dsp.speedup, 2.5);
  EXPECT_DOUBLE_EQ(*ref.per_mac, 5.0);
  EXPECT_DOUBLE_EQ(*dsp.per_mac, 2.0);
  EXPECT_DOUBLE_EQ(*ref.peak_pct, 10.0);  // 800 MACs / (4000 cycles x 2 per cycle)
  EXPECT_DOUBLE_EQ(*dsp.peak_pct, 25.0);

  ASSERT_EQ(g.ops.size(), 2u);
  EXPECT_EQ(g.ops[0].op_index, 0);
  EXPECT_EQ(g.ops[0].op_name, "CONV_2D");
  EXPECT_EQ(g.ops[0].kernel, "dsp");
  EXPECT_DOUBLE_EQ(*g.ops[0].ref_per_call, 3800);
  EXPECT_DOUBLE_EQ(*g.ops[0].per_call, 950);  // per call, though dsp ran twice the iterations
  EXPECT_DOUBLE_EQ(*g.ops[0].speedup, 4.0);
  EXPECT_EQ(g.ops[1].op_name, "RESHAPE");
  EXPECT_DOUBLE_EQ(*g.ops[1].speedup, 1.0);
}

TEST(CompareKernels, NoSpeedupAcrossUnitsOrWithoutRef) {
  auto job = [](int64_t id, const std::string& kernel, const std::string& unit, uint64_t v) {
    store::JobRow j;
    j.id = id;
    j.info.model_name = "m";
    j.info.model_sha256 = "sha-m";
    j.info.board_kind = "mps3-an547";
    j.info.kernel = kernel;
    j.status = store::kPass;
    j.unit = unit;
    j.samples = {v};
    return j;
  };
  const std::map<std::string, uint64_t> macs = {{"sha-m", 1000}};
  // ref in ns (a host timer), mve in cycles: no speed-up, and no per-MAC figure for ns.
  auto groups = CompareKernels({job(1, "ref", "ns", 5000), job(2, "mve", "cycles", 500)},
                               {{1, {{0, 3, "CONV_2D", 1, 5000}}}, {2, {{0, 3, "CONV_2D", 1, 500}}}},
                               {.core_by_board = {{"mps3-an547", "cortex-m55"}}, .macs_by_sha256 = macs});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_FALSE(groups[0].variants[0].per_mac);
  EXPECT_FALSE(groups[0].variants[1].speedup);
  EXPECT_DOUBLE_EQ(*groups[0].variants[1].per_mac, 0.5);
  EXPECT_DOUBLE_EQ(*groups[0].variants[1].peak_pct, 25.0);  // 1000 / (500 x 8)
  ASSERT_EQ(groups[0].ops.size(), 1u);
  EXPECT_FALSE(groups[0].ops[0].speedup);
  // No ref: the variants are listed, without speed-ups or per-operator rows.
  groups = CompareKernels({job(1, "dsp", "cycles", 800), job(2, "mve", "cycles", 400)}, {}, {});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].variants[0].kernel, "dsp");
  EXPECT_FALSE(groups[0].variants[0].speedup);
  EXPECT_FALSE(groups[0].variants[1].per_mac);  // MACs unknown
  EXPECT_EQ(groups[0].peak_macs_per_cycle, 1);  // core unknown
  EXPECT_TRUE(groups[0].ops.empty());
}

TEST(KernelTable, OneRowPerVariantAndPerOperatorWithOps) {
  auto opened = store::SqliteStore::Open(":memory:");
  ASSERT_TRUE(opened);
  const int64_t run = Seed(**opened);
  auto groups = CompareKernels(**opened, run, Context());
  ASSERT_TRUE(groups);
  const std::string t = KernelTable(*groups, false);
  EXPECT_THAT(t, HasSubstr("MODEL  BOARD       CORE       ENGINE   KERNEL  MEDIAN  UNIT        MACS  PER MAC  SPEED-UP  % PEAK  ARENA  STATUS"));
  EXPECT_THAT(t, ContainsRegex("conv +mps2-an386 +cortex-m4 +tinyhil +ref +4000 +cycles:dwt +800 +5.00 +1.00x +10.0% +- +pass"));
  EXPECT_THAT(t, ContainsRegex("conv +mps2-an386 +cortex-m4 +tinyhil +dsp +1600 +cycles:dwt +800 +2.00 +2.50x +25.0% +- +pass"));
  EXPECT_THAT(t, Not(HasSubstr("VS TFLM")));  // no TFLM job, no column
  EXPECT_THAT(t, HasSubstr("peak int8 MACs per cycle: cortex-m4 2)"));
  EXPECT_THAT(t, Not(HasSubstr("mps3-an547")));
  EXPECT_THAT(t, Not(HasSubstr("QEMU")));  // cycles only
  EXPECT_THAT(t, Not(HasSubstr("RESHAPE")));

  const std::string with_ops = KernelTable(*groups, true);
  EXPECT_THAT(with_ops, ContainsRegex("conv +mps2-an386 +0 +CONV_2D +tinyhil +dsp +tinyhil ref +3800 +950 +4.00x"));
  EXPECT_THAT(with_ops, ContainsRegex("conv +mps2-an386 +1 +RESHAPE +tinyhil +dsp +tinyhil ref +200 +200 +1.00x"));

  EXPECT_THAT(KernelTable({}, true), HasSubstr("no model ran with more than one engine or kernel variant"));
}

// TFLM beside ours on one board: its own rows (after ours), the ratio of each row to it, the arena
// each engine used; the run's regressions pair jobs by engine too (compare.cc), so the two engines'
// jobs of one model and board never stand for each other.
TEST(KernelTable, ComparesEnginesWithTheirArenas) {
  store::JobRow ref, dsp, tflm;
  ref.id = 1;
  ref.info = {.model_name = "kws", .board_kind = "mps2-an386", .kernel = "ref", .engine = "tinyhil"};
  ref.unit = "instructions";
  ref.source = "qemu-icount";
  ref.samples = {20000};
  ref.status = "pass";
  ref.memory = store::MemoryRow{65536, 24000, 8192, 1024, 4096};
  dsp = ref;
  dsp.id = 2;
  dsp.info.kernel = "dsp";
  dsp.samples = {8000};
  tflm = ref;
  tflm.id = 3;
  tflm.info.kernel = "dsp";
  tflm.info.engine = "tflm";
  tflm.samples = {7000};
  tflm.memory = store::MemoryRow{65536, 26500, 8192, 1024, 4096};
  std::map<int64_t, std::vector<store::OpProfileRow>> ops = {{1, {{0, 3, "CONV_2D", 1, 19000}}},
                                                           {2, {{0, 3, "CONV_2D", 1, 7600}}},
                                                           {3, {{0, 3, "CONV_2D", 1, 6650}}}};
  // Given TFLM first, it still comes after ours.
  const auto groups = CompareKernels({tflm, dsp, ref}, ops, {.core_by_board = {{"mps2-an386", "cortex-m4"}}});
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].variants.size(), 3u);
  EXPECT_EQ(groups[0].variants[2].engine, "tflm");
  EXPECT_DOUBLE_EQ(*groups[0].variants[1].vs_tflm, 7000.0 / 8000.0);
  const std::string t = KernelTable(groups, true);
  EXPECT_THAT(t, ContainsRegex("kws +mps2-an386 +cortex-m4 +tinyhil +ref +20000 +instructions:qemu-icount +- +- +1.00x +- +0.35x +24000 +pass"));
  EXPECT_THAT(t, ContainsRegex("kws +mps2-an386 +cortex-m4 +tinyhil +dsp +8000 .* +2.50x +- +0.88x +24000 +pass"));
  EXPECT_THAT(t, ContainsRegex("kws +mps2-an386 +cortex-m4 +tflm +dsp +7000 .* +2.86x +- +1.00x +26500 +pass"));
  EXPECT_THAT(t, HasSubstr("VS TFLM = TFLM's median / this median"));
  EXPECT_THAT(t, ContainsRegex("kws +mps2-an386 +0 +CONV_2D +tflm +dsp +tinyhil ref +19000 +6650 +2.86x"));

  // Without our ref job, per operator against TFLM's.
  const auto engines_only = CompareKernels({tflm, dsp}, ops, {});
  ASSERT_EQ(engines_only.size(), 1u);
  EXPECT_EQ(engines_only[0].op_base, "tflm dsp");
  ASSERT_EQ(engines_only[0].ops.size(), 1u);
  EXPECT_DOUBLE_EQ(*engines_only[0].ops[0].speedup, 6650.0 / 7600.0);
  EXPECT_THAT(KernelTable(engines_only, true), ContainsRegex("kws +mps2-an386 +0 +CONV_2D +tinyhil +dsp +tflm dsp +6650 +7600 +0.88x"));
}

TEST(KernelTable, SaysInstructionsUnderQemu) {
  store::JobRow ref, mve;
  ref.id = 1;
  ref.info = {.model_name = "fc", .board_kind = "mps3-an547", .kernel = "ref"};
  ref.unit = "instructions";
  ref.samples = {4688};
  mve = ref;
  mve.id = 2;
  mve.info.kernel = "mve";
  mve.samples = {1031};
  const std::string t = KernelTable(CompareKernels({ref, mve}, {}, {}), false);
  EXPECT_THAT(t, HasSubstr("4.55x"));  // 4688 / 1031
  EXPECT_THAT(t, HasSubstr("under QEMU (-icount) the counts are instructions, not cycles"));
}

}  // namespace
}  // namespace hil::report
