// libFuzzer target: any bytes as a suite's YAML (fuzz/intake_harness.h says what is checked).
// Built with HIL_FUZZ=ON (clang); seeds in corpus/suite/.
#include <cstddef>
#include <cstdint>

#include "fuzz/intake_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hil::fuzz::CheckSuiteBytes(data, size);
  return 0;
}
