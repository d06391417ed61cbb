// What an operator family (ops/<family>.cc) needs from the engine: the parsed model, the tensor
// descriptions, the Load context its prepare function writes parameters through, and the helpers
// every prepare shares (operand fetching, quantization checks, activation ranges, windows).
//
// Internal to the engine (not under include/): freestanding C++17, no heap, no exceptions.
//
// An operator's life: Load calls its family's prepare(c, op, op_table) once; prepare reads options
// and operands, checks them, stores the kernel's parameters in the arena (LoadCtx::Store) together
// with the eval function that will run (chosen for the operand types and the kernel variant), and
// its scratch size. Invoke then calls that eval function with the engine state and the op's record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "flatbuffer_reader.h"
#include "hil/engine/interpreter.h"
#include "kernels/broadcast.h"

namespace hil::agent::engine {

constexpr uint32_t kInModel = 0x80000000u;  // tensor location flag: offset into the model blob
constexpr uint32_t kNoLoc = 0xFFFFFFFFu;
constexpr uint32_t kAlign = 8;
constexpr uint32_t kMaxTensors = 4096;
constexpr int kMaxOpInputs = 32;  // UNIDIRECTIONAL_SEQUENCE_LSTM has 24
constexpr int kMaxOpOutputs = 16;  // SPLIT / UNPACK

// TFLite schema.fbs field ids (vtable slots).
enum : int { kModelVersion = 0, kModelOpcodes = 1, kModelSubgraphs = 2, kModelBuffers = 4 };
enum : int { kOpcDeprecatedCode = 0, kOpcCustomCode = 1, kOpcVersion = 2, kOpcBuiltinCode = 3 };
enum : int { kSgTensors = 0, kSgInputs = 1, kSgOutputs = 2, kSgOperators = 3 };
enum : int { kTnShape = 0, kTnType = 1, kTnBuffer = 2, kTnQuant = 4, kTnVariable = 5, kTnSparsity = 6 };
enum : int { kQpScale = 2, kQpZeroPoint = 3, kQpDetailsType = 4, kQpQuantDim = 6 };
enum : int { kOpOpcodeIndex = 0, kOpInputs = 1, kOpOutputs = 2, kOpOptionsType = 3, kOpOptions = 4 };
enum : int { kBufData = 0, kBufOffset = 1, kBufSize = 2 };

// ---- a small string builder for ErrorDetail (no printf on the target) ----
class Detail {
 public:
  Detail(char* buf, size_t cap) : buf_(buf), cap_(cap) { buf_[0] = '\0'; }
  Detail& operator<<(const char* s);
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  Detail& operator<<(T v) {
    return Num(static_cast<int64_t>(v));
  }
  void Clear() {
    len_ = 0;
    buf_[0] = '\0';
  }
  size_t size() const { return len_; }

 private:
  Detail& Num(int64_t v);
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

// "int8", "int16", "float32", ...
const char* TensorTypeName(TensorType t);
uint32_t ElementBytes(TensorType t);

// A parsed, verified tensor description (re-derived from the blob when needed; not stored).
struct TensorDesc {
  int index = -1;
  TensorType type = TensorType::kInt8;
  int rank = 0;
  int32_t dims[kMaxDims] = {};
  uint32_t count = 1;
  uint32_t bytes = 0;
  bool is_const = false;
  bool is_variable = false;
  bool is_resource = false;  // a RESOURCE tensor (type 13): an int32 resource-variable id; `type` says kInt32
  uint32_t data_pos = 0;  // blob position of constant data
  uint32_t n_scales = 0;
  fb::Vector scales;
  fb::Vector zero_points;
  int32_t quant_dim = 0;
  float scale() const { return n_scales > 0 ? scales.F32(0) : 0.0f; }
  int32_t zero_point() const { return zero_points.size() > 0 ? static_cast<int32_t>(zero_points.I64(0)) : 0; }
  int32_t dim(int i) const { return dims[i]; }
};

struct EngineState;
struct OpRec;
using EvalFn = Status (*)(const EngineState&, const OpRec&);

struct OpRec {
  EvalFn eval = nullptr;  // set by the op's prepare (LoadCtx::Store)
  uint16_t opcode = 0;
  uint8_t n_in = 0;
  uint8_t n_out = 0;
  uint32_t in_pos = 0;    // blob position of the op's int32 input indices
  uint32_t out_pos = 0;   // ... output indices
  uint32_t params = 0;    // arena offset of the kernel's parameters
  uint32_t scratch_bytes = 0;
  uint32_t scratch = kNoLoc;  // arena offset of its scratch
};

// One subgraph of the model. Subgraph 0 is the model; the others are bodies of IF, WHILE and
// CALL_ONCE. Its operators are ops[first_op, first_op + n_ops); its tensors' locations are
// all_locs[loc_base, loc_base + n_tensors). Input/output positions are blob positions of int32
// tensor indices (local to the subgraph).
struct SubgraphRec {
  uint32_t tensors_pos = 0;  // blob position of the tensor table offsets (a vector's data)
  uint32_t in_pos = 0;
  uint32_t out_pos = 0;
  uint16_t n_tensors = 0;
  uint16_t loc_base = 0;
  uint16_t first_op = 0;
  uint16_t n_ops = 0;
  uint16_t n_in = 0;
  uint16_t n_out = 0;
};

// A resource variable (VAR_HANDLE names it; READ_VARIABLE and ASSIGN_VARIABLE use it). Lives in the
// arena: EngineState::resources is a table of these.
struct ResourceVar {
  uint32_t data = kNoLoc;  // arena offset of the value; kNoLoc until an ASSIGN_VARIABLE fixes its size
  uint32_t bytes = 0;
  int32_t fill = 0;        // every byte's initial value (TFLite Micro: the zero point of the first
                           // assigned tensor, as int8)
};

struct EngineState {
  bool loaded = false;
  fb::Blob blob;
  fb::Vector tensors;        // the tensors of the subgraph being prepared (subgraph 0 outside Load)
  fb::Vector buffers;
  uint8_t* arena = nullptr;  // aligned base
  size_t arena_bytes = 0;    // from the aligned base
  size_t used = 0;           // including the alignment skip
  uint32_t n_tensors = 0;    // of `tensors`
  // Location table of the subgraph running (subgraph 0's outside a call): InvokeSubgraph switches it.
  mutable uint32_t* locs = nullptr;
  // Subgraph calls in the running Invoke (IF, WHILE, CALL_ONCE): past kMaxSubgraphRuns the call fails,
  // so a loop whose condition never turns false ends the inference with an error instead of hanging.
  mutable uint32_t subgraph_runs = 0;
  uint32_t* all_locs = nullptr;  // every subgraph's tensors (SubgraphRec::loc_base), in the arena
  int n_ops = 0;       // subgraph 0's operators (the ones Invoke runs and profiles)
  int n_all_ops = 0;   // every subgraph's
  int n_subgraphs = 0;
  SubgraphRec sg[kMaxSubgraphs];
  uint32_t resources = kNoLoc;  // arena offset of the ResourceVar table
  uint16_t n_resources = 0;
  uint16_t resource_capacity = 0;  // entries reserved (one per VAR_HANDLE operator)
  bool stateful = false;  // variable tensors, resource variables or CALL_ONCE: ResetVariables has work
  int n_in = 0;
  int n_out = 0;
  int32_t in_tensor[kMaxIo] = {};
  int32_t out_tensor[kMaxIo] = {};
  TensorView inputs[kMaxIo];
  TensorView outputs[kMaxIo];
  Interpreter::OpObserver observer = nullptr;
  void* observer_context = nullptr;
  KernelVariant variant = KernelVariant::kRef;  // resolved (never kAuto)
  OpRec ops[kMaxOperators];

  uint8_t* Resolve(uint32_t loc) const {
    if (loc == kNoLoc) return nullptr;
    if ((loc & kInModel) != 0) return const_cast<uint8_t*>(blob.data) + (loc & ~kInModel);
    return arena + loc;
  }
  int32_t InIndex(const OpRec& r, int i) const {
    return i < r.n_in ? fb::LoadI32(blob.data + r.in_pos + 4u * static_cast<uint32_t>(i)) : -1;
  }
  int32_t OutIndex(const OpRec& r, int i) const {
    return fb::LoadI32(blob.data + r.out_pos + 4u * static_cast<uint32_t>(i));
  }
  uint8_t* In(const OpRec& r, int i) const {
    const int32_t t = InIndex(r, i);
    return t < 0 ? nullptr : Resolve(locs[t]);
  }
  uint8_t* Out(const OpRec& r, int i) const { return Resolve(locs[OutIndex(r, i)]); }
  const int8_t* InS8(const OpRec& r, int i) const { return reinterpret_cast<const int8_t*>(In(r, i)); }
  const int16_t* InS16(const OpRec& r, int i) const { return reinterpret_cast<const int16_t*>(In(r, i)); }
  const int32_t* InI32(const OpRec& r, int i) const { return reinterpret_cast<const int32_t*>(In(r, i)); }
  const int64_t* InI64(const OpRec& r, int i) const { return reinterpret_cast<const int64_t*>(In(r, i)); }
  int8_t* OutS8(const OpRec& r, int i) const { return reinterpret_cast<int8_t*>(Out(r, i)); }
  int16_t* OutS16(const OpRec& r, int i) const { return reinterpret_cast<int16_t*>(Out(r, i)); }
  template <typename T>
  const T* Params(const OpRec& r) const {
    return reinterpret_cast<const T*>(arena + r.params);
  }
  // Tensor `local` of subgraph `sg` (not necessarily the running one); null when it has no memory.
  uint8_t* SubgraphTensor(int sg_index, int32_t local) const {
    return Resolve(all_locs[sg[sg_index].loc_base + static_cast<uint32_t>(local)]);
  }
  int32_t SubgraphInput(int sg_index, int i) const {
    return fb::LoadI32(blob.data + sg[sg_index].in_pos + 4u * static_cast<uint32_t>(i));
  }
  int32_t SubgraphOutput(int sg_index, int i) const {
    return fb::LoadI32(blob.data + sg[sg_index].out_pos + 4u * static_cast<uint32_t>(i));
  }
  fb::Vector SubgraphTensors(int sg_index) const {
    return fb::Vector(&blob, sg[sg_index].tensors_pos, sg[sg_index].n_tensors, 4);
  }
  ResourceVar* Resource(int32_t id) const {
    return id >= 0 && id < n_resources ? reinterpret_cast<ResourceVar*>(arena + resources) + id : nullptr;
  }
};

// Verifies tensor `index` of the subgraph: shape, type, buffer and quantization.
Status ParseTensor(const EngineState& s, int32_t index, TensorDesc* d, Detail& err);
// The same for tensor `index` of subgraph `sg` (any subgraph, not only the one being prepared).
Status ParseSubgraphTensor(const EngineState& s, int sg, int32_t index, TensorDesc* d, Detail& err);

// ---- subgraphs (implemented by the interpreter and ops/control_flow.cc) ----
// Runs every operator of subgraph `sg` once, with its location table in effect; kOk or the first
// failing operator's status. Load guarantees the call depth is bounded (kMaxCallDepth).
Status InvokeSubgraph(const EngineState& s, int sg);
// The subgraphs operator `r` calls (IF: then, else; WHILE: cond, body; CALL_ONCE: init), in the
// order TFLite Micro plans them, into out[0..1]; returns how many (0 for every other operator).
int CalledSubgraphs(const EngineState& s, const OpRec& r, int out[2]);
// After every operator's prepare: the checks of resource variables that need the whole model (a
// READ_VARIABLE, whose handle a VAR_HANDLE of its subgraph writes, of a variable that no
// ASSIGN_VARIABLE sizes or that has another size): kModelInvalid.
Status CheckResourceVariables(EngineState& s, Detail& err);
// Resource variables to their initial value and CALL_ONCE to "not run yet", as after Load.
void ResetControlFlowState(const EngineState& s);
// Whether the model keeps state ResetControlFlowState resets (resource variables, CALL_ONCE).
bool HasControlFlowState(const EngineState& s);
// "operator N" for an operator of subgraph 0, "operator N of subgraph K" for the others (N counted
// within its subgraph), appended to `d`.
Detail& AppendOperator(Detail& d, const EngineState& s, int op);

// ---- the Load context the prepare functions share ----
struct LoadCtx {
  EngineState* s;
  Detail* err;
  size_t persist = 0;  // bytes used from the arena base
  bool overflow = false;
  int subgraph = 0;    // the subgraph whose operators are being prepared (s->tensors are its tensors)

  // Reserves `bytes` (4-aligned); returns its offset, or kNoLoc when the arena is too small (the need
  // is still counted so the shortfall can be reported).
  uint32_t Alloc(size_t bytes);
  // Copies operator `op`'s kernel parameters into the arena, records the eval function that runs it
  // and its scratch need. Returns kOk (an arena overflow is reported by Load afterwards).
  template <typename T>
  Status Store(int op, const T& params, EvalFn eval, uint32_t scratch_bytes = 0) {
    OpRec& rec = s->ops[op];
    rec.eval = eval;
    rec.scratch_bytes = scratch_bytes;
    rec.params = Alloc(sizeof(T));
    if (rec.params != kNoLoc) std::memcpy(s->arena + rec.params, &params, sizeof(T));
    return Status::kOk;
  }
  // The operator's record and its number in the error texts.
  OpRec& rec(int op) { return s->ops[op]; }
  KernelVariant variant() const { return s->variant; }
};

// "OP at operator N: what" as kModelInvalid: the model contradicts itself (shapes, counts).
Status Fail(LoadCtx& c, int op, const char* what);
// "OP at operator N: what" as kUnsupportedOperator: a valid model the engine cannot run (a type
// combination, an option value). `hil inspect` lists these.
Status Unsupported(LoadCtx& c, int op, const char* what);
// kUnsupportedOperator naming the operand types: "CONV_2D at operator 3: int16 input, int8 filter,
// int32 bias: not supported (int8, or int16 with int64 bias)".
Status UnsupportedTypes(LoadCtx& c, int op, const char* supported);

// kModelInvalid: an int8/int16 activation `d` without usable quantization parameters.
Status BadQuantization(LoadCtx& c, int op, const TensorDesc& d);

Status Input(LoadCtx& c, int op, int i, TensorDesc* d);
Status Output(LoadCtx& c, int op, int i, TensorDesc* d);
bool HasInput(LoadCtx& c, int op, int i);

// A quantized int8 activation (per-tensor scale > 0, zero point in range).
bool IsQuantInt8(const TensorDesc& d);
// A quantized int16 activation: per-tensor scale > 0, zero point 0 (TFLite's symmetric 16x8 scheme).
bool IsQuantInt16(const TensorDesc& d);
bool SameQuantization(const TensorDesc& a, const TensorDesc& b);
bool SameShape(const TensorDesc& a, const TensorDesc& b);

// Fetches input 0, input 1 when `in1` is not null, and output 0, stopping at the first that fails.
Status Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out);
// Operands, then unsupported types unless input 0, output 0 and input 1 (when given and
// `in1_int8`; not the constant axes or paddings of MEAN and PAD) are int8 with per-tensor
// quantization.
Status Int8Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out, bool in1_int8 = true);
// Input 0 and output 0 of an element-wise operator: int8 quantized and of one size.
Status SameSizeInt8Operands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out);

// The operator's options table (absent, or of union type `expected`).
Status OptionsTable(LoadCtx& c, int op, uint8_t expected, fb::Table* opts, fb::Table* op_table);
// OptionsTable, and the fused activation at field `act_field` of it.
Status ActivationOptions(LoadCtx& c, int op, fb::Table& op_table, uint8_t expected, int act_field, fb::Table* opts,
                         int* act);
// TFLite's CalculateActivationRangeQuantized for an output of [qmin, qmax] (int8 by default).
Status ActivationRange(LoadCtx& c, int op, int act, const TensorDesc& out, int32_t* lo, int32_t* hi,
                       int32_t qmin = -128, int32_t qmax = 127);

// TFLite's ComputeOutSize / ComputePaddingWithOffset. padding: 0 SAME, 1 VALID.
bool Window(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t* out, int32_t* pad);
bool Is4d(const TensorDesc& t, int32_t batches, int32_t h, int32_t w, int32_t channels);

// The options every windowed operator has. Padding, stride_w and stride_h are fields 0-2 of
// Conv2DOptions, DepthwiseConv2DOptions and Pool2DOptions; the fused activation and a width/height
// pair (the dilation of a convolution, the filter size of a pool) sit at fields that differ.
struct WindowOptions {
  int padding = 0;
  int act = 0;
  int32_t stride_h = 0, stride_w = 0;
  int32_t pair_h = 0, pair_w = 0;
};
// The pair is at `pair_field` (width) and the next (height), `pair_default` where absent.
Status ReadWindowOptions(LoadCtx& c, int op, fb::Table& op_table, uint8_t options_type, int act_field,
                         int pair_field, int32_t pair_default, WindowOptions* w);

// The broadcast of two inputs to `out` (shapes right-aligned, dimensions equal or 1); false when
// they do not broadcast to out's shape.
bool MakeBroadcast(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out, Broadcast5* bc);

// The optional bias (input `index`): of `type` (int32 or int64) and `n` elements, aligned to its
// element size when constant (it is read in place); else fails with `what`.
Status OptionalBias(LoadCtx& c, int op, int index, int32_t n, TensorType type, const char* what);

// The constant int32 data of a tensor (axes, paddings, shapes): element i, caller checks i < count.
inline int32_t ConstI32(const LoadCtx& c, const TensorDesc& d, uint32_t i) {
  return fb::LoadI32(c.s->blob.data + d.data_pos + 4 * i);
}

// ---- kernel variants ----
// An optimised variant's function where it is built, else a null pointer (so a build without the
// feature never names the undefined function).
#if defined(__ARM_FEATURE_DSP)
#define HIL_IF_DSP(fn) (fn)
#else
#define HIL_IF_DSP(fn) nullptr
#endif
#if defined(__ARM_FEATURE_MVE)
#define HIL_IF_MVE(fn) (fn)
#else
#define HIL_IF_MVE(fn) nullptr
#endif

// Which of an operator's implementations variant `v` runs: its own where the op has it, MVE falling
// back to DSP, else the reference. Both the kernel and its scratch size are picked with this, so the
// plan always fits the kernel that runs.
template <typename Fn>
Fn PickVariant(KernelVariant v, Fn ref, Fn dsp, Fn mve) {
  if (v == KernelVariant::kMve && mve != nullptr) return mve;
  if ((v == KernelVariant::kMve || v == KernelVariant::kDsp) && dsp != nullptr) return dsp;
  return ref;
}

// An operator's implementations per variant (null where the variant is not built or the op has
// none), with their scratch-size functions.
template <typename P>
struct Variants {
  EvalFn ref, dsp, mve;
  size_t (*ref_scratch)(const P&);
  size_t (*dsp_scratch)(const P&);
  size_t (*mve_scratch)(const P&);
};
// Stores `p` with the implementation (and scratch) of the selected variant.
template <typename P>
Status StoreVariant(LoadCtx& c, int op, const P& p, const Variants<P>& v) {
  const KernelVariant k = c.variant();
  const auto scratch = PickVariant(k, v.ref_scratch, v.dsp_scratch, v.mve_scratch);
  return c.Store(op, p, PickVariant(k, v.ref, v.dsp, v.mve), scratch != nullptr ? static_cast<uint32_t>(scratch(p)) : 0u);
}

// ---- eval functions by kernel signature (one instance per kernel) ----
// The kernels that read one input of type In and write one output of type Out (and their scratch:
// null when the op has none).
template <class P, typename In, typename Out, Status (*Kernel)(const P&, const In*, void*, Out*)>
Status EvalUnaryT(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<P>(r), reinterpret_cast<const In*>(s.In(r, 0)), s.Resolve(r.scratch),
                reinterpret_cast<Out*>(s.Out(r, 0)));
}
template <class P, Status (*Kernel)(const P&, const int8_t*, void*, int8_t*)>
Status EvalUnary(const EngineState& s, const OpRec& r) {
  return EvalUnaryT<P, int8_t, int8_t, Kernel>(s, r);
}
// Two inputs of type T, one output of type T.
template <class P, typename T, Status (*Kernel)(const P&, const T*, const T*, void*, T*)>
Status EvalBinaryT(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<P>(r), reinterpret_cast<const T*>(s.In(r, 0)), reinterpret_cast<const T*>(s.In(r, 1)),
                s.Resolve(r.scratch), reinterpret_cast<T*>(s.Out(r, 0)));
}
template <class P, Status (*Kernel)(const P&, const int8_t*, const int8_t*, void*, int8_t*)>
Status EvalBinary(const EngineState& s, const OpRec& r) {
  return EvalBinaryT<P, int8_t, Kernel>(s, r);
}

}  // namespace hil::agent::engine
