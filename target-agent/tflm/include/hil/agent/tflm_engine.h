// TensorFlow Lite Micro as the agent's second engine (inference_engine.h), compiled from the user's
// TFLM checkout (cmake/tflm.cmake): with Arm's CMSIS-NN kernels on cores with DSP or MVE, its
// reference kernels elsewhere. Every operator TFLM has is registered (tflm_operators.h, the list
// hil-tflm-dump uses too).
//
// The model runs in place from the agent's model buffer, its tensors in the agent's arena; TFLM's
// interpreter, allocator and op resolver sit in static storage (no heap). Per-operator cycles come
// through TFLM's profiler interface and the port's counter (engine::PortCycles), as ours do.
// TFLM's headers stay out of this one: the agent and the ports include it without TFLM's include
// paths.
#pragma once

#include "hil/agent/inference_engine.h"

namespace hil::agent {

// The one TFLM engine of the program (static storage).
InferenceEngine& TflmEngine();

}  // namespace hil::agent
