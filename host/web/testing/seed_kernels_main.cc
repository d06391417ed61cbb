// hil_web_seed_kernels STORE.db SUITE.yaml: writes the run of kernel_seed.h (known kernel-variant
// figures) into a new SQLite store, for the browser test (reports/test/browser_test.mjs).
#include <iostream>

#include "hil/store/sqlite_store.h"
#include "hil/web/testing/kernel_seed.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hil_web_seed_kernels STORE.db SUITE.yaml\n";
    return 2;
  }
  auto store = hil::store::SqliteStore::Open(argv[1]);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 2;
  }
  auto run = hil::web::testing::SeedKernelRun(**store, argv[2]);
  if (!run) {
    std::cerr << run.error().message << "\n";
    return 2;
  }
  std::cout << "seeded run " << *run << " in " << argv[1] << "\n";
  return 0;
}
