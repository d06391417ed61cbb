// The engines the agent runs a model on, behind one interface, so the protocol's LOAD, SET_INPUT,
// INVOKE, GET_OUTPUT, GET_PROFILE and GET_MEMORY mean the same on each: ours (TinyHilEngine, below)
// and, where it is built, TensorFlow Lite Micro. A model is loaded in place (the agent's model
// buffer) with its tensors in the agent's arena; neither is copied.
//
// Virtual calls: none is inside an operator, and the one per inference (Invoke) costs a few
// instructions against the millions of a model. No heap: engines live in static storage, so the
// destructor is protected and never virtual.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/common/status.h"
#include "hil/engine/interpreter.h"

namespace hil::agent {

class InferenceEngine {
 public:
  virtual const char* name() const = 0;  // "tinyhil", "tflm"
  // Load, in place. Errors as engine::Interpreter::Load (kModelInvalid, kUnsupportedOperator,
  // kArenaTooSmall, ...), with one sentence in ErrorDetail().
  virtual Status Load(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes) = 0;
  // Forgets the model. Call it before the model buffer or the arena is written again: an engine may
  // read both while letting go (TFLM calls each operator's free hook on its nodes in the arena).
  virtual void Reset() = 0;
  virtual bool loaded() const = 0;
  virtual const char* ErrorDetail() const = 0;

  virtual int input_count() const = 0;
  virtual int output_count() const = 0;
  virtual engine::TensorView input(int index) const = 0;   // index < input_count()
  virtual engine::TensorView output(int index) const = 0;  // index < output_count()
  virtual size_t arena_used() const = 0;                   // bytes of the arena the model needs

  // Variables (the state of LSTM, SVDF) back to their initial values, as a fresh load has them.
  virtual void ResetVariables() = 0;
  // One inference; with a profile, each operator's calls and cycles (the port's counter) added in.
  virtual Status Invoke(engine::OpProfile* profile) = 0;
  virtual int operator_count() const = 0;         // the operators GET_PROFILE reports
  virtual uint16_t opcode(int op_index) const = 0;  // TFLite builtin code of one of them

  // Kernel variants (reference, DSP, MVE) are our engine's; another engine says which it has.
  virtual Status SetKernelVariant(engine::KernelVariant variant) = 0;
  virtual engine::KernelVariant kernel_variant_in_effect() const = 0;

 protected:
  ~InferenceEngine() = default;
};

// Our engine (target-agent/engine).
class TinyHilEngine final : public InferenceEngine {
 public:
  const char* name() const override { return "tinyhil"; }
  Status Load(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes) override {
    return interpreter_.Load(model, model_bytes, arena, arena_bytes);
  }
  void Reset() override { interpreter_.Reset(); }
  bool loaded() const override { return interpreter_.loaded(); }
  const char* ErrorDetail() const override { return interpreter_.ErrorDetail(); }
  int input_count() const override { return interpreter_.input_count(); }
  int output_count() const override { return interpreter_.output_count(); }
  engine::TensorView input(int index) const override { return interpreter_.input(index); }
  engine::TensorView output(int index) const override { return interpreter_.output(index); }
  size_t arena_used() const override { return interpreter_.arena_used(); }
  void ResetVariables() override { interpreter_.ResetVariables(); }
  Status Invoke(engine::OpProfile* profile) override { return interpreter_.Invoke(profile); }
  int operator_count() const override { return interpreter_.operator_count(); }
  uint16_t opcode(int op_index) const override { return interpreter_.opcode(op_index); }
  Status SetKernelVariant(engine::KernelVariant variant) override { return interpreter_.SetKernelVariant(variant); }
  engine::KernelVariant kernel_variant_in_effect() const override { return interpreter_.kernel_variant_in_effect(); }

 private:
  engine::Interpreter interpreter_;
};

}  // namespace hil::agent
