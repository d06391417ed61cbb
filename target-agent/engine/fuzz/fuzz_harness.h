// What both libFuzzer targets do with one model (fuzz/model_fuzz.cc: any bytes; fuzz/model_mutate_fuzz.cc:
// structure-aware mutations of valid models). Host-only, built with HIL_FUZZ=ON.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::agent::engine::fuzz {

// Checks the engine's contract on `data` as a .tflite model, for every kernel variant this build has:
// Load returns a status and a non-null ErrorDetail (never reads outside the model: it runs on an exactly
// sized heap copy); Survey succeeds exactly when Load does and reports operator issues only with an
// operator index and a detail; a model that loads fails with kArenaTooSmall in smaller arenas (writing
// nothing outside them), loads into an arena of exactly arena_used() bytes and Invokes (kOk or kKernelFailed, never anything else) twice — on input bytes taken from `data` and
// on extreme values — without touching memory outside its arena and model, and (in ASan builds) with
// each operator touching only its own inputs, outputs and scratch inside the arena. Aborts
// (__builtin_trap) on a broken contract; the sanitizers report the rest.
void CheckModel(const uint8_t* data, size_t size);

// Invokes that CheckModel stopped (kKernelFailed) after 2^14 operator runs: a WHILE loop that does not
// end, which control_flow.cc does not bound yet.
uint64_t InvokesStoppedByRunBudget();

}  // namespace hil::agent::engine::fuzz
