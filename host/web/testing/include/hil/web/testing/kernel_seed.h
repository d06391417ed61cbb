// A run with known kernel-variant figures, for tests of the kernel comparison in the report
// (report_data_test.cc, and the browser test through hil_web_seed_kernels). Instruction counts as
// QEMU reports them ("instructions" / "qemu-icount"), three timed iterations each:
//   fc-64x10 ("fc:64,units=10", seed 1: 640 MACs)
//     mps2-an386 (cortex-m4, peak 2):  ref 6400 = FULLY_CONNECTED 6000 + SOFTMAX 400
//                                      dsp 2400 = FULLY_CONNECTED 2000 + SOFTMAX 400
//     mps3-an547 (cortex-m55, peak 8): ref 4800 = FULLY_CONNECTED 4500 + SOFTMAX 300
//                                      mve 1200 = FULLY_CONNECTED  900 + SOFTMAX 300
//     mps2-an505 (cortex-m33): ref 5000 only (no comparison)
//   tiny (seed 1) on mps2-an386: ref 900 only (no comparison)
#pragma once

#include <cstdint>
#include <string>

#include "hil/core/error.h"
#include "hil/store/store.h"

namespace hil::web::testing {

// Writes the suite file the run names at `suite_path` (so the report can count the models' MACs)
// and the run into `store`; returns the run's id. Errors: kNotFound when the suite cannot be
// written, the store's otherwise.
Result<int64_t> SeedKernelRun(store::Store& store, const std::string& suite_path);

}  // namespace hil::web::testing
