// libFuzzer target: any bytes as a farm API request body (fuzz/intake_harness.h says what is checked).
// Built with HIL_FUZZ=ON (clang); seeds in corpus/submission/.
#include <cstddef>
#include <cstdint>

#include "fuzz/intake_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hil::fuzz::CheckSubmissionBytes(data, size, HIL_BOARDS_DIR);
  return 0;
}
