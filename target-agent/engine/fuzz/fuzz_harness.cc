#include "fuzz/fuzz_harness.h"

#include <cstring>
#include <vector>

#include "hil/engine/interpreter.h"
#include "ops/op_context.h"
#include "ops/schema_ids.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define HIL_FUZZ_ARENA_GUARD 1
#endif
#endif

namespace hil::agent::engine::fuzz {
namespace {

// Large enough for every shared model; an arena this size is a heap block of its own, so a write past
// its end is caught too.
constexpr size_t kArenaBytes = 1u << 20;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

struct SurveyLog {
  int issues = 0;
};

void OnIssue(void* context, int op_index, uint16_t opcode, Status status, const char* detail) {
  (void)opcode;
  Require(detail != nullptr && detail[0] != '\0');
  Require(op_index >= 0 && op_index < kMaxOperators);
  Require(status == Status::kUnsupportedOperator || status == Status::kModelInvalid || status == Status::kTooLarge);
  static_cast<SurveyLog*>(context)->issues += 1;
}

// Reads every byte of every operator output (ASan checks each lies inside the arena or the model).
void OnOutput(void* context, int op_index, int output_index, const TensorView& v) {
  (void)op_index;
  (void)output_index;
  Require(v.bytes == 0 || v.data != nullptr);
  uint8_t x = 0;
  for (size_t k = 0; k < v.bytes; ++k) x ^= v.data[k];
  *static_cast<volatile uint8_t*>(context) ^= x;
}

size_t ElementSize(TensorType t) {
  switch (t) {
    case TensorType::kFloat32:
    case TensorType::kInt32: return 4;
    case TensorType::kInt64: return 8;
    case TensorType::kInt16: return 2;
    default: return 1;
  }
}

// Pass 0: the fuzz data itself (from its middle on, cyclically), so the fuzzer steers the values too.
// Pass 1: per element, the type's most negative bit pattern, its most positive, then zero (as float:
// -0.0, NaN, 0).
void FillInputs(const Interpreter& interp, const uint8_t* data, size_t size, int pass) {
  size_t at = size / 2;
  for (int i = 0; i < interp.input_count(); ++i) {
    const TensorView v = interp.input(i);
    Require(v.bytes == 0 || v.data != nullptr);
    const size_t e = ElementSize(v.type);
    for (size_t k = 0; k < v.bytes; ++k) {
      if (pass == 0) {
        v.data[k] = data[at];
        at = at + 1 < size ? at + 1 : 0;
      } else {
        const size_t which = (k / e) % 3;
        const bool top = k % e == e - 1;
        v.data[k] = which == 0 ? (top ? 0x80 : 0x00) : which == 1 ? (top ? 0x7F : 0xFF) : 0x00;
      }
    }
  }
}

void ReadOutputs(const Interpreter& interp) {
  volatile uint8_t sink = 0;
  for (int i = 0; i < interp.output_count(); ++i) {
    const TensorView v = interp.output(i);
    Require(v.bytes == 0 || v.data != nullptr);
    for (size_t k = 0; k < v.bytes; ++k) sink ^= v.data[k];
  }
}


// Wraps every operator's eval function (Interpreter is a standard-layout class whose first member holds
// the EngineState; CheckedState() verifies what it finds there) for two things:
// - With ASan: while an operator runs, every activation byte of the arena that is not one of its
//   inputs, outputs or its scratch is poisoned, so a kernel that strays into another tensor's memory
//   (inside the arena, where ASan alone sees nothing) is caught. Control-flow and resource-variable
//   operators are left open (they move data between subgraphs); the operators of the subgraphs they
//   call are guarded in turn.
// - A budget of operator runs per Invoke: past it the wrapper fails the operator (kKernelFailed),
//   which ends a WHILE loop whose condition never turns false. The engine bounds such loops itself
//   (kMaxSubgraphRuns, 2^20 subgraph calls per Invoke), which is seconds per input under ASan; this
//   lower budget keeps the fuzzer fast. runs_exceeded() tells how often it cut an Invoke short.
class OpWrapper {
 public:
  static constexpr uint32_t kMaxRunsPerInvoke = 1u << 14;

  static EngineState* CheckedState(Interpreter& interp, const uint8_t* arena) {
    auto* s = reinterpret_cast<EngineState*>(&interp);
    const bool ok = s->loaded && s->arena == arena && s->n_ops == interp.operator_count() &&
                    s->n_all_ops >= s->n_ops && s->n_all_ops <= kMaxOperators;
    return ok ? s : nullptr;
  }

  void Install(EngineState* s) {
    s_ = s;
    depth_ = 0;
    begin_ = UINT32_MAX;
    end_ = 0;
    for (int k = 0; k < s->n_subgraphs; ++k) {
      for (uint32_t t = 0; t < s->sg[k].n_tensors; ++t) {
        TensorDesc d;
        const uint32_t loc = s->all_locs[s->sg[k].loc_base + t];
        if (loc == kNoLoc || (loc & kInModel) != 0 || !Parse(k, static_cast<int32_t>(t), &d) || d.is_variable) continue;
        Extend(loc, d.bytes);
      }
    }
    for (int i = 0; i < s->n_all_ops; ++i) {
      if (s->ops[i].scratch != kNoLoc) Extend(s->ops[i].scratch, s->ops[i].scratch_bytes);
      original_[i] = s->ops[i].eval;
      s->ops[i].eval = &OpWrapper::Run;
    }
    active_ = this;
  }

  void Uninstall() {
    for (int i = 0; i < s_->n_all_ops; ++i) s_->ops[i].eval = original_[i];
    Expose(-1);
    active_ = nullptr;
  }

  void StartInvoke() { runs_ = 0; }
  static uint64_t runs_exceeded() { return runs_exceeded_; }

 private:
  static Status Run(const EngineState& s, const OpRec& r) {
    OpWrapper& g = *active_;
    const int op = static_cast<int>(&r - s.ops);
    Require(op >= 0 && op < s.n_all_ops && g.depth_ < kMaxDepth);
    if (++g.runs_ > kMaxRunsPerInvoke) {
      if (g.runs_ == kMaxRunsPerInvoke + 1) ++runs_exceeded_;
      return Status::kKernelFailed;
    }
    const bool moves = r.opcode == kIf || r.opcode == kWhile || r.opcode == kCallOnce || r.opcode == kVarHandle ||
                       r.opcode == kReadVariable || r.opcode == kAssignVariable;
    const int guarded = moves ? -1 : op;
    g.stack_[g.depth_++] = guarded;
    g.Expose(guarded);
    const Status st = g.original_[op](s, r);
    --g.depth_;
    g.Expose(g.depth_ > 0 ? g.stack_[g.depth_ - 1] : -1);  // a caller is a control-flow op: -1
    return st;
  }

  bool Parse(int sg, int32_t t, TensorDesc* d) const {
    char text[8];
    Detail ignore(text, sizeof text);
    return ParseSubgraphTensor(*s_, sg, t, d, ignore) == Status::kOk;
  }
  void Extend(uint32_t loc, uint32_t bytes) {
    if (loc < begin_) begin_ = loc;
    if (loc + static_cast<uint64_t>(bytes) > end_) end_ = loc + bytes;
  }
#if defined(HIL_FUZZ_ARENA_GUARD)
  int SubgraphOf(int op) const {
    for (int k = 0; k < s_->n_subgraphs; ++k)
      if (op >= s_->sg[k].first_op && op < s_->sg[k].first_op + s_->sg[k].n_ops) return k;
    return 0;
  }
  void Open(int sg, int32_t t) const {
    TensorDesc d;
    if (t < 0) return;
    const uint32_t loc = s_->locs[t];
    if (loc == kNoLoc || (loc & kInModel) != 0 || !Parse(sg, t, &d)) return;
    ASAN_UNPOISON_MEMORY_REGION(s_->arena + loc, d.bytes);
  }
#endif
  // op -1: the whole arena open.
  void Expose(int op) const {
#if defined(HIL_FUZZ_ARENA_GUARD)
    if (begin_ >= end_) return;
    if (op < 0) {
      ASAN_UNPOISON_MEMORY_REGION(s_->arena + begin_, end_ - begin_);
      return;
    }
    ASAN_POISON_MEMORY_REGION(s_->arena + begin_, end_ - begin_);
    const OpRec& r = s_->ops[op];
    const int sg = SubgraphOf(op);
    for (int i = 0; i < r.n_in; ++i) Open(sg, s_->InIndex(r, i));
    for (int i = 0; i < r.n_out; ++i) Open(sg, s_->OutIndex(r, i));
    if (r.scratch != kNoLoc) ASAN_UNPOISON_MEMORY_REGION(s_->arena + r.scratch, r.scratch_bytes);
#else
    (void)op;
#endif
  }

  static constexpr int kMaxDepth = 4 * (kMaxCallDepth + 2);
  static OpWrapper* active_;
  static uint64_t runs_exceeded_;
  EngineState* s_ = nullptr;
  EvalFn original_[kMaxOperators] = {};
  int stack_[kMaxDepth] = {};
  int depth_ = 0;
  uint32_t runs_ = 0;
  uint64_t begin_ = 0, end_ = 0;
};
OpWrapper* OpWrapper::active_ = nullptr;
uint64_t OpWrapper::runs_exceeded_ = 0;

void CheckVariant(const std::vector<uint8_t>& model, KernelVariant variant, const uint8_t* data, size_t size) {
  static std::vector<uint8_t> arena(kArenaBytes);
  static Interpreter interp;
  interp.Reset();
  Require(interp.SetKernelVariant(variant) == Status::kOk);

  SurveyLog log;
  const Status surveyed = interp.Survey(model.data(), model.size(), arena.data(), arena.size(), OnIssue, &log);
  Require(interp.ErrorDetail() != nullptr);
  const Status st = interp.Load(model.data(), model.size(), arena.data(), arena.size());
  Require(interp.ErrorDetail() != nullptr);
  // Survey goes on past an operator Load stops at, so it may end at a later error of another kind.
  Require((surveyed == Status::kOk) == (st == Status::kOk));
  Require(st != Status::kOk || log.issues == 0);
  if (st != Status::kOk) {
    Require(interp.ErrorDetail()[0] != '\0');
    Require(!interp.loaded());
    return;
  }

  // Again in an arena of exactly the size the plan says it uses: a kernel that writes past its
  // tensors at the end of the plan now writes outside a heap block.
  const size_t used = interp.arena_used();
  Require(used > 0 && used <= arena.size());
  // One byte less, a third, a few bytes: kArenaTooSmall, and no write outside (every prepare must cope
  // with LoadCtx::Alloc finding no room).
  for (size_t smaller : {used - 1, used / 3, 1 + size % 64}) {
    if (smaller == 0 || smaller >= used) continue;  // a null arena is kBadArgument
    std::vector<uint8_t> tight(smaller);
    Require(interp.Load(model.data(), model.size(), tight.data(), tight.size()) == Status::kArenaTooSmall);
    Require(interp.ErrorDetail()[0] != '\0' && !interp.loaded());
  }
  std::vector<uint8_t> exact(used);
  Require(interp.Load(model.data(), model.size(), exact.data(), exact.size()) == Status::kOk);
  Require(interp.arena_used() == used);

  volatile uint8_t sink = 0;
  interp.SetOpObserver(OnOutput, const_cast<uint8_t*>(&sink));
  static OpWrapper wrapper;
  EngineState* state = OpWrapper::CheckedState(interp, exact.data());
  Require(state != nullptr);
  wrapper.Install(state);
  for (int pass = 0; pass < 2; ++pass) {
    FillInputs(interp, data, size, pass);
    wrapper.StartInvoke();
    OpProfile profile;
    const Status run = interp.Invoke(&profile);
    Require(run == Status::kOk || run == Status::kKernelFailed);
    Require(interp.ErrorDetail() != nullptr);
    if (run == Status::kOk) ReadOutputs(interp);
  }
  wrapper.Uninstall();
  interp.SetOpObserver(nullptr, nullptr);
  interp.Reset();
}

}  // namespace

uint64_t InvokesStoppedByRunBudget() { return OpWrapper::runs_exceeded(); }

void CheckModel(const uint8_t* data, size_t size) {
  // An exactly sized heap copy, so ASan sees any read past the model's end (malloc aligns it to 16, as
  // the engine requires of a model blob).
  const std::vector<uint8_t> model(data, data + size);
  for (KernelVariant v : {KernelVariant::kRef, KernelVariant::kDsp, KernelVariant::kMve}) {
    if (KernelVariantBuilt(v)) CheckVariant(model, v, data, size);
  }
}

}  // namespace hil::agent::engine::fuzz
