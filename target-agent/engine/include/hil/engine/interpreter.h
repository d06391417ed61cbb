// The int8 inference engine's public face: load a .tflite blob in place, plan its tensors in a
// caller-owned arena, run it, and report per-operator cycles.
//
// Freestanding C++17: no heap, no exceptions, no RTTI. One Interpreter serves one model at a time.
// Thread: single-threaded; the caller serialises all calls.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/common/status.h"

namespace hil::agent::engine {

inline constexpr uint32_t kEngineVersion = 1;   // bump when kernel arithmetic or planning changes
inline constexpr int kMaxIo = 8;                // most model inputs/outputs supported
inline constexpr int kMaxOperators = 256;   // in all subgraphs together
inline constexpr int kMaxSubgraphs = 16;    // the model (subgraph 0) and the bodies of IF, WHILE, CALL_ONCE
inline constexpr int kMaxCallDepth = 8;     // subgraph calls nested below subgraph 0
inline constexpr uint32_t kMaxSubgraphRuns = 1u << 20;  // subgraph calls in one Invoke (WHILE iterations and all)
inline constexpr int kMaxDims = 5;

enum class TensorType : uint8_t { kFloat32 = 0, kInt32 = 2, kUint8 = 3, kInt64 = 4, kBool = 6, kInt16 = 7, kInt8 = 9 };

// A view of one model input or output. `data` points into the arena; valid until the next Load/Reset.
struct TensorView {
  TensorType type = TensorType::kInt8;
  int rank = 0;
  int32_t dims[kMaxDims] = {};
  size_t bytes = 0;
  float scale = 0.0f;
  int32_t zero_point = 0;
  int32_t tensor = -1;  // the tensor's index in the model's subgraph
  uint8_t* data = nullptr;
};

// Which implementation of the operators that have optimised variants (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED, ADD, AVERAGE_POOL_2D) runs. Every variant's outputs are byte-identical to the
// portable reference kernels'; only the instructions that compute them differ. Wire values of the
// protocol's SET_KERNEL message.
enum class KernelVariant : uint8_t {
  kRef = 0,   // portable C++ reference kernels (the default)
  kDsp = 1,   // Cortex-M DSP extension (SMLAD): built when __ARM_FEATURE_DSP (M4, M7, M33, M55)
  kMve = 2,   // Helium/MVE: built when __ARM_FEATURE_MVE (M55)
  kAuto = 3,  // the best variant built for this core (request only; never "in effect")
};
// "ref", "dsp", "mve", "auto" or "unknown".
const char* KernelVariantName(KernelVariant v);
// Whether `v` is compiled into this build (kRef and kAuto always are).
bool KernelVariantBuilt(KernelVariant v);
// The best built variant: kMve, else kDsp, else kRef.
KernelVariant BestKernelVariant();
// The architecture this engine was compiled for ("armv7e-m", "armv8.1-m.main", "host", ...).
const char* EngineArchName();

// Cycle counter read around every operator. Implemented by the port and chosen at link time, so no
// virtual call sits inside the measured window. Units are the port's cycle source.
uint64_t PortCycles();

// Per-operator accumulation of cycles, summed over Invoke calls until Clear().
struct OpProfile {
  uint16_t opcode[kMaxOperators] = {};   // TFLite builtin operator code
  uint32_t calls[kMaxOperators] = {};
  uint64_t cycles[kMaxOperators] = {};
  void Clear();
};

class Interpreter {
 public:
  // Verifies `model` (every offset, length, index, shape, buffer size and quantization field, in every
  // subgraph), checks every operator is supported, plans all activations in `arena`. The model and
  // arena must outlive the interpreter's use of them; neither is copied. Returns kOk, kModelInvalid,
  // kUnsupportedOperator (ErrorDetail() names the operator; also recursive subgraph calls),
  // kArenaTooSmall (ErrorDetail() states the shortfall in bytes), kTooLarge (more operators, subgraphs,
  // I/O or call nesting than the engine supports) or kBadArgument (null model or arena).
  //
  // Subgraph 0 is the model; IF, WHILE and CALL_ONCE run the others. All subgraphs' activations are
  // planned together on the timeline of one Invoke, as TFLite Micro plans them: a calling operator
  // spans its callees' operators, so a callee's tensors never share memory with the caller's live
  // ones (a one-subgraph model is planned exactly as without subgraph support). Resource variables
  // (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE) get persistent arena memory, sized by the first
  // ASSIGN_VARIABLE in prepare order as in TFLite Micro. Constant tensors are read in place, so int32 biases must be 4-byte aligned
  // in memory: keep the model blob 16-byte aligned (as the converter aligns buffers) or Load reports
  // kModelInvalid. Persistent data (parameters, per-channel multipliers) sits at the arena's start,
  // activations after it; arena_used() includes the few bytes skipped to 8-align the arena.
  Status Load(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes);

  // Load that does not stop at the first operator the engine cannot run: `report` is called once
  // per such operator (its index, builtin code, the status kUnsupportedOperator or kModelInvalid,
  // and one sentence, valid during the call), then the first such status is returned and nothing
  // is loaded. Indices count subgraph 0's operators first, then subgraph 1's, and so on (the
  // sentence says "operator N of subgraph K" for those). Errors of the model as a whole (a malformed table, a tensor) end it as Load does.
  // With every operator supported it is Load. For `hil inspect` and planning on the host.
  using OpIssueFn = void (*)(void* context, int op_index, uint16_t opcode, Status status, const char* detail);
  Status Survey(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes, OpIssueFn report,
                void* context);

  // Sets every variable tensor (the state of LSTM, SVDF, ...) to its initial value, as Load does:
  // int8 tensors to their zero point, others to 0; every resource variable to its initial bytes; and
  // every CALL_ONCE to "not run yet", so the model behaves as freshly loaded (TFLite Micro's Reset
  // leaves CALL_ONCE as it was). Outputs of stateful models depend on every earlier Invoke until this
  // is called.
  void ResetVariables();

  // Drops the loaded model.
  void Reset();

  bool loaded() const;
  size_t arena_used() const;          // bytes of the arena the plan uses (activations + persistent)
  int input_count() const;
  int output_count() const;
  int operator_count() const;           // subgraph 0's operators (the ones Invoke profiles)
  uint16_t opcode(int op_index) const;  // builtin code of operator op_index
  int operator_output_count(int op_index) const;  // its outputs (0 for ASSIGN_VARIABLE, CALL_ONCE)
  TensorView input(int index) const;    // index < input_count()
  TensorView output(int index) const;   // index < output_count()

  // Runs the model once on the current input bytes. When `profile` is not null, adds each operator's
  // cycles (PortCycles() before and after) to it; the operators of subgraphs that IF, WHILE and
  // CALL_ONCE run count as their calling operator's. Returns kOk, kBadState (nothing loaded) or
  // kKernelFailed. The planner reuses an input's memory once no operator needs it (as TFLite Micro
  // does): write the inputs again before every Invoke. Outputs stay valid until the next Invoke.
  Status Invoke(OpProfile* profile);

  // Selects the kernel variant (kAuto resolves to BestKernelVariant()); ops without that variant use
  // the reference kernel. Persists across Load and Reset. When a model is loaded, its arena is
  // re-planned at once, because scratch is sized for the selected variant only (so the reference
  // plan keeps TFLite Micro's arena size): inputs must be written again, arena_used() may change.
  // Returns kOk; kBadArgument for a value outside KernelVariant; kNotFound when the variant is not
  // compiled for this core (ErrorDetail(): "kernel variant mve is not built for this core
  // (armv7e-m)"); or, when the re-plan fails (kArenaTooSmall, ...), that status with the previous
  // variant restored and the model re-planned as before.
  Status SetKernelVariant(KernelVariant variant);
  KernelVariant kernel_variant() const { return variant_; }       // as requested (may be kAuto)
  KernelVariant kernel_variant_in_effect() const;                  // kAuto resolved

  // Debug hook (tests, `hil infer --dump-dir`): when set, called after every operator of subgraph 0,
  // outside the measured cycle window, once per output of the operator (never for an operator without
  // outputs), with the operator's index, the output's position and a view of it. The view's data
  // points into the arena and is valid only during the call (the planner reuses memory). A RESOURCE
  // output (VAR_HANDLE's) shows as one int32, the variable's id. Null clears it.
  using OpObserver = void (*)(void* context, int op_index, int output_index, const TensorView& output);
  void SetOpObserver(OpObserver observer, void* context);

  // One sentence about the last failure of Load or Invoke ("unsupported operator GATHER (36) at
  // operator 3"); empty after success. Never null.
  const char* ErrorDetail() const;

 private:
  struct State;
  Status LoadImpl(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes, OpIssueFn report,
                  void* context);

 public:
  // Bytes of storage for the engine's parsed model and plan (a record per operator holds a pointer;
  // a record per subgraph takes 24 bytes).
  static constexpr size_t kStateBytes =
      256 + kMaxSubgraphs * 24 + kMaxOperators * (24 + sizeof(void*)) + 2 * kMaxIo * sizeof(TensorView);

 private:
  alignas(8) unsigned char storage_[kStateBytes];
  char error_[160] = {};
  bool state_ready_ = false;  // storage_ holds a constructed State
  KernelVariant variant_ = KernelVariant::kRef;
  // The last successful Load's arguments, for the re-plan of SetKernelVariant.
  const uint8_t* model_ = nullptr;
  size_t model_bytes_ = 0;
  uint8_t* arena_ = nullptr;
  size_t arena_bytes_ = 0;
  State* state();
  const State* state() const;
};

// Name of a TFLite builtin operator code ("CONV_2D"), or "UNKNOWN".
const char* OpcodeName(uint16_t opcode);

}  // namespace hil::agent::engine
