// libFuzzer target: any byte string as a .tflite model (fuzz/fuzz_harness.h says what is checked).
// Built with HIL_FUZZ=ON (clang); seeds in fuzz/corpus/.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hil::agent::engine::fuzz::CheckModel(data, size);
  return 0;
}
