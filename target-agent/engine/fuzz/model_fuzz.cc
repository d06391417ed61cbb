// libFuzzer target: any byte string as a .tflite model. Load must return a status (never read out of
// bounds); when it succeeds, Invoke runs on a patterned input. Built with HIL_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hil/engine/interpreter.h"

using hil::Status;
using hil::agent::engine::Interpreter;
using hil::agent::engine::TensorView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exactly sized heap copy, so ASan sees any read past the model's end.
  std::vector<uint8_t> model(data, data + size);
  static std::vector<uint8_t> arena(256 * 1024);
  static Interpreter interp;
  const Status st = interp.Load(model.data(), model.size(), arena.data(), arena.size());
  if (interp.ErrorDetail() == nullptr) __builtin_trap();
  if (st != Status::kOk) return 0;
  for (int i = 0; i < interp.input_count(); ++i) {
    TensorView v = interp.input(i);
    for (size_t k = 0; k < v.bytes; ++k) v.data[k] = static_cast<uint8_t>(k * 7 + 3);
  }
  hil::agent::engine::OpProfile profile;
  const Status run = interp.Invoke(&profile);
  if (run != Status::kOk && run != Status::kKernelFailed) __builtin_trap();
  for (int i = 0; i < interp.output_count(); ++i) {
    const TensorView v = interp.output(i);
    volatile uint8_t sink = 0;
    for (size_t k = 0; k < v.bytes; ++k) sink ^= v.data[k];
  }
  interp.Reset();
  return 0;
}
