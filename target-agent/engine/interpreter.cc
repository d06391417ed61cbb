#include "hil/engine/interpreter.h"

#include <cstring>
#include <new>

#include "flatbuffer_reader.h"
#include "ops/op_context.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"
#include "planner.h"

namespace hil::agent::engine {

namespace {

TensorView MakeView(const EngineState& s, const TensorDesc& d) {
  TensorView v;
  v.type = d.type;
  v.rank = d.rank;
  for (int i = 0; i < kMaxDims; ++i) v.dims[i] = d.dims[i];
  v.bytes = d.bytes;
  v.scale = d.scale();
  v.zero_point = d.zero_point();
  v.tensor = d.index;
  v.data = s.Resolve(s.locs[d.index]);
  return v;
}

// Sets a variable tensor to its initial value, as TFLite Micro does at allocation: an int8 tensor to
// its zero point, any other to zero bytes.
void ResetVariable(uint8_t* data, const TensorDesc& d) {
  const int value = d.type == TensorType::kInt8 ? d.zero_point() : 0;
  if (data != nullptr) std::memset(data, value, d.bytes);
}

// Lifetime marks in the location table while planning: first use in the low 16 bits, last use in the
// high 16 bits.
constexpr uint32_t kDead = 0xFFFFu;      // not (yet) used: the whole word is kNoLoc
constexpr uint32_t kVariable = 0xFFFEu;  // first-use marker of a variable tensor (persistent, not planned)
constexpr uint32_t kConstant = 0xFFFDu;  // ... of a constant (read in place from the model)
constexpr uint32_t kMaxSteps = 0xFFF0u;  // operator runs on the timeline of one Invoke

// Whether the subgraphs call each other in a cycle (refused: kUnsupportedOperator) or nest deeper
// than kMaxCallDepth below subgraph 0 (kTooLarge). Longest call chains by relaxation: without a cycle
// they settle within n_subgraphs rounds.
Status CheckCalls(const EngineState& s, Detail& err) {
  int height[kMaxSubgraphs] = {};
  for (int round = 0; round <= s.n_subgraphs; ++round) {
    bool changed = false;
    for (int k = 0; k < s.n_subgraphs; ++k) {
      for (int op = s.sg[k].first_op; op < s.sg[k].first_op + s.sg[k].n_ops; ++op) {
        int callees[2];
        const int n = CalledSubgraphs(s, s.ops[op], callees);
        for (int i = 0; i < n; ++i) {
          if (height[callees[i]] + 1 > height[k]) {
            height[k] = height[callees[i]] + 1;
            changed = true;
          }
        }
      }
    }
    if (!changed) break;
    if (round == s.n_subgraphs) {
      int k = 0;
      while (k + 1 < s.n_subgraphs && height[k] < s.n_subgraphs) ++k;
      err << "recursive subgraph calls (a subgraph calls itself, directly or through others) from subgraph " << k;
      return Status::kUnsupportedOperator;
    }
  }
  if (height[0] > kMaxCallDepth) {
    err << "subgraph calls nest " << height[0] << " deep (at most " << kMaxCallDepth << ")";
    return Status::kTooLarge;
  }
  return Status::kOk;
}

// Subgraph k's dataflow, in its own operator order: every activation an operator reads is an input of
// the subgraph, a variable or an earlier operator's output; each is written once. Subgraph 0's outputs
// must be written by an operator or be inputs; a called subgraph's may also be constants or variables
// (they are copied out). Uses k's location entries as marks.
Status CheckDataflow(EngineState& s, int k, Detail& err) {
  enum : uint32_t { kUnwritten, kWritten, kConst, kVar };
  const SubgraphRec& g = s.sg[k];
  uint32_t* mark = s.all_locs + g.loc_base;
  for (uint32_t t = 0; t < g.n_tensors; ++t) {
    TensorDesc d;
    ParseSubgraphTensor(s, k, static_cast<int32_t>(t), &d, err);
    mark[t] = d.is_const ? kConst : d.is_variable ? kVar : kUnwritten;
  }
  err.Clear();
  for (int i = 0; i < g.n_in; ++i) {
    const int32_t t = s.SubgraphInput(k, i);
    if (mark[t] == kConst || mark[t] == kVar) {
      if (k == 0) err << "model input " << i << " is a constant or a variable";
      else err << "subgraph " << k << ": input " << i << " is a constant or a variable";
      return Status::kModelInvalid;
    }
    mark[t] = kWritten;
  }
  for (int i = g.first_op; i < g.first_op + g.n_ops; ++i) {
    const OpRec& r = s.ops[i];
    for (int n = 0; n < r.n_in; ++n) {
      const int32_t t = s.InIndex(r, n);
      if (t >= 0 && mark[t] == kUnwritten) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", s, i) << ": input tensor " << t << " is never written";
        return Status::kModelInvalid;
      }
    }
    for (int n = 0; n < r.n_out; ++n) {
      const int32_t t = s.OutIndex(r, n);
      if (mark[t] != kUnwritten) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", s, i)
            << ": output tensor " << t << " is constant, variable or written twice";
        return Status::kModelInvalid;
      }
      mark[t] = kWritten;
    }
  }
  for (int i = 0; i < g.n_out; ++i) {
    const int32_t t = s.SubgraphOutput(k, i);
    if (mark[t] == kUnwritten || (k == 0 && mark[t] != kWritten)) {
      if (k == 0) err << "model output " << i << " (tensor " << t << ") is never written";
      else err << "subgraph " << k << ": output " << i << " (tensor " << t << ") is never written";
      return Status::kModelInvalid;
    }
  }
  return Status::kOk;
}

// Lifetimes on the timeline of one Invoke, as TFLite Micro plans several subgraphs: subgraph 0's
// operators one step each, and a calling operator (IF, WHILE, CALL_ONCE) a window of steps that holds
// its callees' operators inlined. The caller's inputs and outputs live through the whole window, so
// the callees' tensors never share memory with them; a subgraph called from several places lives from
// its first call to its last. A model without calls gets exactly the single-subgraph lifetimes
// (operator i at step i, outputs until step n_ops).
struct Timeline {
  EngineState* s;
  uint32_t t = 0;
  bool too_long = false;

  static bool Live(uint32_t l) {
    const uint32_t f = l & 0xFFFFu;
    return f != kDead && f != kVariable && f != kConstant;
  }
  static void Touch(uint32_t& l, uint32_t time) {
    const uint32_t f = l & 0xFFFFu;
    if (f == kVariable || f == kConstant) return;
    if (f == kDead) {
      l = time | (time << 16);
      return;
    }
    const uint32_t last = l >> 16;
    l = f | ((time > last ? time : last) << 16);
  }
  void Start() {
    for (int k = 0; k < s->n_subgraphs; ++k) {
      for (uint32_t n = 0; n < s->sg[k].n_tensors; ++n) {
        char scratch[8];
        Detail ignore(scratch, sizeof scratch);
        TensorDesc d;
        ParseSubgraphTensor(*s, k, static_cast<int32_t>(n), &d, ignore);
        s->all_locs[s->sg[k].loc_base + n] =
            d.is_const ? (kConstant | (kDead << 16)) : d.is_variable ? (kVariable | (kDead << 16)) : kNoLoc;
      }
    }
    for (int i = 0; i < s->n_all_ops; ++i) s->ops[i].scratch = kNoLoc;  // scratch lifetimes, packed alike
  }
  void Walk(int k, int depth) {
    if (depth > kMaxCallDepth) {  // CheckCalls has refused such models
      too_long = true;
      return;
    }
    const SubgraphRec& g = s->sg[k];
    uint32_t* l = s->all_locs + g.loc_base;
    for (int i = 0; i < g.n_in; ++i) Touch(l[s->SubgraphInput(k, i)], t);
    for (int i = g.first_op; i < g.first_op + g.n_ops; ++i) {
      OpRec& r = s->ops[i];
      int callees[2];
      const int n = CalledSubgraphs(*s, r, callees);
      const uint32_t start = t++;
      for (int m = 0; m < r.n_out; ++m) Touch(l[s->OutIndex(r, m)], start);
      for (int m = 0; m < n; ++m) {
        Walk(callees[m], depth + 1);
        if (too_long) return;
      }
      const uint32_t end = n > 0 ? t : start;
      for (int m = 0; m < r.n_in; ++m) {
        const int32_t in = s->InIndex(r, m);
        if (in >= 0) Touch(l[in], end);
      }
      if (n > 0) {
        for (int m = 0; m < r.n_out; ++m) Touch(l[s->OutIndex(r, m)], end);
        t = end + 1;
      }
      if (r.scratch_bytes > 0) {
        Touch(r.scratch, start);
        Touch(r.scratch, end);
      }
      if (t > kMaxSteps) {
        too_long = true;
        return;
      }
    }
    for (int i = 0; i < g.n_out; ++i) Touch(l[s->SubgraphOutput(k, i)], t);
  }
};

}  // namespace

Status InvokeSubgraph(const EngineState& s, int sg) {
  if (sg < 0 || sg >= s.n_subgraphs) return Status::kKernelFailed;
  if (++s.subgraph_runs > kMaxSubgraphRuns) return Status::kKernelFailed;
  const SubgraphRec& g = s.sg[sg];
  uint32_t* const caller = s.locs;
  s.locs = s.all_locs + g.loc_base;
  Status st = Status::kOk;
  for (int i = g.first_op; i < g.first_op + g.n_ops && st == Status::kOk; ++i) st = s.ops[i].eval(s, s.ops[i]);
  s.locs = caller;
  return st;
}

struct Interpreter::State : EngineState {};

static_assert(sizeof(EngineState) <= Interpreter::kStateBytes, "grow Interpreter::kStateBytes");

Interpreter::State* Interpreter::state() { return reinterpret_cast<State*>(storage_); }
const Interpreter::State* Interpreter::state() const { return reinterpret_cast<const State*>(storage_); }

void Interpreter::Reset() {
  const bool constructed = state_ready_;
  OpObserver observer = constructed ? state()->observer : nullptr;
  void* ctx = constructed ? state()->observer_context : nullptr;
  State* s = new (storage_) State();
  s->observer = observer;
  s->observer_context = ctx;
  s->variant = variant_ == KernelVariant::kAuto ? BestKernelVariant() : variant_;
  state_ready_ = true;
  error_[0] = '\0';
}

void Interpreter::SetOpObserver(OpObserver observer, void* context) {
  if (!state_ready_) Reset();
  state()->observer = observer;
  state()->observer_context = context;
}

bool Interpreter::loaded() const { return state_ready_ && state()->loaded; }
size_t Interpreter::arena_used() const { return loaded() ? state()->used : 0; }
int Interpreter::input_count() const { return loaded() ? state()->n_in : 0; }
int Interpreter::output_count() const { return loaded() ? state()->n_out : 0; }
int Interpreter::operator_count() const { return loaded() ? state()->n_ops : 0; }
uint16_t Interpreter::opcode(int op_index) const {
  return loaded() && op_index >= 0 && op_index < state()->n_ops ? state()->ops[op_index].opcode : 0;
}
int Interpreter::operator_output_count(int op_index) const {
  return loaded() && op_index >= 0 && op_index < state()->n_ops ? state()->ops[op_index].n_out : 0;
}
TensorView Interpreter::input(int index) const {
  return loaded() && index >= 0 && index < state()->n_in ? state()->inputs[index] : TensorView();
}
TensorView Interpreter::output(int index) const {
  return loaded() && index >= 0 && index < state()->n_out ? state()->outputs[index] : TensorView();
}
const char* Interpreter::ErrorDetail() const { return error_; }

Status Interpreter::Load(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes) {
  return LoadImpl(model, model_bytes, arena, arena_bytes, nullptr, nullptr);
}

Status Interpreter::Survey(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes,
                           OpIssueFn report, void* context) {
  return LoadImpl(model, model_bytes, arena, arena_bytes, report, context);
}

Status Interpreter::LoadImpl(const uint8_t* model, size_t model_bytes, uint8_t* arena, size_t arena_bytes,
                             OpIssueFn report, void* context) {
  Reset();
  Detail err(error_, sizeof error_);
  State* s = state();
  if (model == nullptr || arena == nullptr) {
    err << "null model or arena";
    return Status::kBadArgument;
  }
  if (model_bytes < 8 || model_bytes > 0x7FFFFFF0u) {
    err << "model size " << static_cast<uint64_t>(model_bytes) << " out of range";
    return Status::kModelInvalid;
  }
  s->blob.data = model;
  s->blob.size = model_bytes;
  const uintptr_t base = reinterpret_cast<uintptr_t>(arena);
  const size_t skip = (kAlign - (base & (kAlign - 1))) & (kAlign - 1);
  if (arena_bytes < skip) {
    err << "arena too small by " << static_cast<uint64_t>(skip - arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  s->arena = arena + skip;
  s->arena_bytes = arena_bytes - skip > 0x7FFFFFF0u ? 0x7FFFFFF0u : arena_bytes - skip;

  // Model, subgraphs, tables.
  bool bad = false;
  const fb::Table root = fb::Table::At(&s->blob, fb::LoadU32(model));
  if (!root.valid()) {
    err << "bad root table";
    return Status::kModelInvalid;
  }
  const uint32_t version = root.U32(kModelVersion, 0, &bad);
  const fb::Vector opcodes = root.Vec(kModelOpcodes, 4, &bad);
  const fb::Vector subgraphs = root.Vec(kModelSubgraphs, 4, &bad);
  s->buffers = root.Vec(kModelBuffers, 4, &bad);
  if (bad || !opcodes.valid() || !subgraphs.valid() || !s->buffers.valid()) {
    err << "model tables missing or malformed";
    return Status::kModelInvalid;
  }
  if (version != 3) {
    err << "schema version " << version << " (expected 3)";
    return Status::kModelInvalid;
  }
  // The first subgraph is the model; the others are the bodies of control-flow operators (IF, WHILE,
  // CALL_ONCE) or unused signatures. As in TFLite Micro, every subgraph's operators are verified and
  // prepared, whether or not an operator calls it.
  if (subgraphs.size() == 0) {
    err << "model has no subgraph";
    return Status::kModelInvalid;
  }
  if (subgraphs.size() > static_cast<uint32_t>(kMaxSubgraphs)) {
    err << "model has " << subgraphs.size() << " subgraphs (at most " << kMaxSubgraphs << ")";
    return Status::kTooLarge;
  }
  s->n_subgraphs = static_cast<int>(subgraphs.size());
  uint32_t total_tensors = 0;
  uint32_t total_ops = 0;
  for (int k = 0; k < s->n_subgraphs; ++k) {
    const fb::Table sg = fb::Table::TableElem(&s->blob, subgraphs, static_cast<uint32_t>(k));
    if (!sg.valid()) {
      err << "bad subgraph table";
      if (k > 0) err << " (subgraph " << k << ")";
      return Status::kModelInvalid;
    }
    const fb::Vector tensors = sg.Vec(kSgTensors, 4, &bad);
    const fb::Vector ins = sg.Vec(kSgInputs, 4, &bad);
    const fb::Vector outs = sg.Vec(kSgOutputs, 4, &bad);
    const fb::Vector ops = sg.Vec(kSgOperators, 4, &bad);
    // A called subgraph may lack any of its vectors (TFLite Micro takes an absent one as empty).
    if (bad || (k == 0 && (!tensors.valid() || !ins.valid() || !outs.valid() || !ops.valid()))) {
      err << "subgraph fields missing or malformed";
      if (k > 0) err << " (subgraph " << k << ")";
      return Status::kModelInvalid;
    }
    total_tensors += tensors.size();
    total_ops += ops.size();
    if (k == 0 && (tensors.size() > kMaxTensors || ins.size() > static_cast<uint32_t>(kMaxIo) ||
                   outs.size() > static_cast<uint32_t>(kMaxIo) || ops.size() > static_cast<uint32_t>(kMaxOperators))) {
      err << "model too large: " << tensors.size() << " tensors, " << ins.size() << " inputs, " << outs.size()
          << " outputs, " << ops.size() << " operators (at most " << kMaxTensors << ", " << kMaxIo << ", " << kMaxIo
          << ", " << kMaxOperators << ")";
      return Status::kTooLarge;
    }
    if (total_tensors > kMaxTensors || total_ops > static_cast<uint32_t>(kMaxOperators) || ins.size() > kMaxTensors ||
        outs.size() > kMaxTensors) {
      err << "model too large: " << total_tensors << " tensors and " << total_ops << " operators in its first "
          << k + 1 << " subgraphs (at most " << kMaxTensors << " and " << kMaxOperators << ")";
      return Status::kTooLarge;
    }
    SubgraphRec& g = s->sg[k];
    g.tensors_pos = tensors.valid() ? tensors.data_pos() : 0;
    g.n_tensors = static_cast<uint16_t>(tensors.size());
    g.loc_base = static_cast<uint16_t>(total_tensors - tensors.size());
    g.first_op = static_cast<uint16_t>(total_ops - ops.size());
    g.n_ops = static_cast<uint16_t>(ops.size());
    g.in_pos = ins.valid() ? ins.data_pos() : 0;
    g.out_pos = outs.valid() ? outs.data_pos() : 0;
    g.n_in = static_cast<uint16_t>(ins.size());
    g.n_out = static_cast<uint16_t>(outs.size());
  }
  s->n_ops = s->sg[0].n_ops;
  s->n_all_ops = static_cast<int>(total_ops);
  s->n_in = s->sg[0].n_in;
  s->n_out = s->sg[0].n_out;
  if (s->n_in == 0 || s->n_out == 0) {
    err << "model has no inputs or outputs";
    return Status::kModelInvalid;
  }
  auto use_subgraph = [&](int k) {
    s->tensors = s->SubgraphTensors(k);
    s->n_tensors = s->sg[k].n_tensors;
  };

  // Every tensor.
  for (int k = 0; k < s->n_subgraphs; ++k) {
    use_subgraph(k);
    for (uint32_t t = 0; t < s->n_tensors; ++t) {
      TensorDesc d;
      const Status st = ParseTensor(*s, static_cast<int32_t>(t), &d, err);
      if (st != Status::kOk) {
        if (k > 0) err << " (subgraph " << k << ")";
        return st;
      }
    }
  }
  // Subgraph inputs and outputs, before the operators, so that Survey (which goes on past an
  // unsupported operator) and Load stop at the same malformed index.
  for (int k = 0; k < s->n_subgraphs; ++k) {
    const SubgraphRec& g = s->sg[k];
    for (int i = 0; i < g.n_in + g.n_out; ++i) {
      const int32_t t = i < g.n_in ? s->SubgraphInput(k, i) : s->SubgraphOutput(k, i - g.n_in);
      if (t < 0 || t >= static_cast<int32_t>(g.n_tensors)) {
        if (k == 0) err << "model input/output tensor " << t << " out of range";
        else err << "subgraph " << k << ": input/output tensor " << t << " out of range";
        return Status::kModelInvalid;
      }
    }
  }
  // In survey mode an operator the engine cannot run is reported and the next one is looked at;
  // the first such status is returned at the end.
  Status first_issue = Status::kOk;
  auto issue = [&](int op, Status st) {
    if (first_issue == Status::kOk) first_issue = st;
    if (report != nullptr) {
      report(context, op, s->ops[op].opcode, st, error_);
      err.Clear();
    }
    return report == nullptr;  // true: stop here
  };
  // Operators: opcode, tensor index lists, support.
  for (int k = 0; k < s->n_subgraphs; ++k) {
    const SubgraphRec& g = s->sg[k];
    const fb::Vector sg_ops =
        fb::Table::TableElem(&s->blob, subgraphs, static_cast<uint32_t>(k)).Vec(kSgOperators, 4, &bad);
    for (int i = g.first_op; i < g.first_op + g.n_ops; ++i) {
      OpRec& r = s->ops[i];
      const fb::Table ot = fb::Table::TableElem(&s->blob, sg_ops, static_cast<uint32_t>(i - g.first_op));
      if (!ot.valid()) {
        AppendOperator(err, *s, i) << ": bad table";
        return Status::kModelInvalid;
      }
      const uint32_t opc_index = ot.U32(kOpOpcodeIndex, 0, &bad);
      const fb::Vector ins = ot.Vec(kOpInputs, 4, &bad);
      const fb::Vector outs = ot.Vec(kOpOutputs, 4, &bad);
      if (bad || !ins.valid() || !outs.valid() || opc_index >= opcodes.size()) {
        AppendOperator(err, *s, i) << ": malformed";
        return Status::kModelInvalid;
      }
      const fb::Table oc = fb::Table::TableElem(&s->blob, opcodes, opc_index);
      if (!oc.valid()) {
        err << "operator code " << opc_index << ": bad table";
        return Status::kModelInvalid;
      }
      const int32_t deprecated = oc.I8(kOpcDeprecatedCode, 0, &bad);
      const int32_t builtin = oc.I32(kOpcBuiltinCode, 0, &bad);
      if (bad) {
        err << "operator code " << opc_index << ": malformed";
        return Status::kModelInvalid;
      }
      const int32_t code = deprecated > builtin ? deprecated : builtin;
      if (code < 0 || code > 0xFFFF) {
        AppendOperator(err, *s, i) << ": opcode " << code << " out of range";
        return Status::kModelInvalid;
      }
      r.opcode = static_cast<uint16_t>(code);
      // Only these have no outputs (their prepare checks the counts); every other operator's prepare
      // may read output 0.
      const bool may_have_no_output =
          r.opcode == kAssignVariable || r.opcode == kCallOnce || r.opcode == kIf || r.opcode == kWhile;
      if (outs.size() < 1 && !may_have_no_output) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", *s, i) << ": no outputs";
        return Status::kModelInvalid;
      }
      if (ins.size() > static_cast<uint32_t>(kMaxOpInputs) || outs.size() > static_cast<uint32_t>(kMaxOpOutputs)) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", *s, i)
            << ": " << ins.size() << " inputs, " << outs.size() << " outputs (at most " << kMaxOpInputs << " and "
            << kMaxOpOutputs << " supported)";
        return Status::kTooLarge;
      }
      r.n_in = static_cast<uint8_t>(ins.size());
      r.n_out = static_cast<uint8_t>(outs.size());
      r.in_pos = ins.data_pos();
      r.out_pos = outs.data_pos();
      for (uint32_t n = 0; n < ins.size(); ++n) {
        const int32_t t = ins.I32(n);
        if (t < -1 || t >= static_cast<int32_t>(g.n_tensors)) {
          AppendOperator(err, *s, i) << ": input tensor " << t << " out of range";
          return Status::kModelInvalid;
        }
      }
      for (uint32_t n = 0; n < outs.size(); ++n) {
        const int32_t t = outs.I32(n);
        if (t < 0 || t >= static_cast<int32_t>(g.n_tensors)) {
          AppendOperator(err, *s, i) << ": output tensor " << t << " out of range";
          return Status::kModelInvalid;
        }
      }
      if (FindRegistration(r.opcode) == nullptr) {
        err << "unsupported operator " << OpcodeName(r.opcode);
        if (r.opcode == kCustom) {  // add its name (printable characters only, bounded)
          bool bad_name = false;
          const fb::Vector name = oc.Vec(kOpcCustomCode, 1, &bad_name);
          char buf[33];
          uint32_t n = 0;
          for (uint32_t m = 0; name.valid() && m < name.size() && n + 1 < sizeof buf; ++m) {
            const uint8_t ch = name.U8(m);
            buf[n++] = ch >= 0x20 && ch < 0x7F ? static_cast<char>(ch) : '?';
          }
          buf[n] = '\0';
          if (n > 0) err << " \"" << buf << "\"";
        }
        AppendOperator(err << " (" << static_cast<int>(r.opcode) << ") at ", *s, i);
        if (issue(i, Status::kUnsupportedOperator)) return Status::kUnsupportedOperator;
      }
    }
  }
  for (int i = 0; i < s->n_in; ++i) s->in_tensor[i] = s->SubgraphInput(0, i);
  for (int i = 0; i < s->n_out; ++i) s->out_tensor[i] = s->SubgraphOutput(0, i);

  // Persistent memory: tensor locations, the resource-variable table (with VAR_HANDLE operators
  // only), each operator's parameters, then the variable tensors (state that lives from one Invoke to
  // the next: LSTM cells, SVDF activations).
  LoadCtx c{s, &err};
  const uint32_t locs_off = c.Alloc(static_cast<size_t>(total_tensors) * 4);
  s->all_locs = locs_off == kNoLoc ? nullptr : reinterpret_cast<uint32_t*>(s->arena + locs_off);
  s->locs = s->all_locs;
  uint32_t handles = 0;
  for (int i = 0; i < s->n_all_ops; ++i) handles += s->ops[i].opcode == kVarHandle;
  if (handles > 0) {
    s->resources = c.Alloc(static_cast<size_t>(handles) * sizeof(ResourceVar));
    s->resource_capacity = static_cast<uint16_t>(handles);
  }
  for (int k = 0; k < s->n_subgraphs; ++k) {
    use_subgraph(k);
    c.subgraph = k;
    const SubgraphRec& g = s->sg[k];
    const fb::Vector sg_ops =
        fb::Table::TableElem(&s->blob, subgraphs, static_cast<uint32_t>(k)).Vec(kSgOperators, 4, &bad);
    for (int i = g.first_op; i < g.first_op + g.n_ops; ++i) {
      // Looked up again rather than kept: a table of kMaxOperators pointers would cost the target 1 KiB
      // of stack.
      const OpRegistration* reg = FindRegistration(s->ops[i].opcode);
      if (reg == nullptr) continue;
      fb::Table ot = fb::Table::TableElem(&s->blob, sg_ops, static_cast<uint32_t>(i - g.first_op));
      const Status st = reg->prepare(c, i, ot);
      if (st != Status::kOk && issue(i, st)) return st;
    }
  }
  use_subgraph(0);
  if (first_issue != Status::kOk) {
    Detail(error_, sizeof error_) << "the model has operators this engine cannot run";
    return first_issue;
  }
  uint32_t variable_bytes = 0;
  for (int k = 0; k < s->n_subgraphs; ++k) {
    for (uint32_t t = 0; t < s->sg[k].n_tensors; ++t) {
      TensorDesc d;
      ParseSubgraphTensor(*s, k, static_cast<int32_t>(t), &d, err);
      if (d.is_variable) variable_bytes += (d.bytes + kAlign - 1) & ~(kAlign - 1);
    }
  }
  s->stateful = variable_bytes > 0 || HasControlFlowState(*s);
  size_t variables = 0;
  if (variable_bytes > 0) {
    c.persist = (c.persist + kAlign - 1) & ~static_cast<size_t>(kAlign - 1);
    const uint32_t at = c.Alloc(variable_bytes);
    variables = at == kNoLoc ? 0 : at;
  }
  const size_t persist = (c.persist + kAlign - 1) & ~static_cast<size_t>(kAlign - 1);
  if (c.overflow) {
    err << "arena too small by at least " << static_cast<uint64_t>(persist - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  err.Clear();

  // The model as a whole: calls (no recursion, bounded nesting), resource variables, dataflow.
  Status st = CheckCalls(*s, err);
  if (st == Status::kOk) st = CheckResourceVariables(*s, err);
  for (int k = 0; k < s->n_subgraphs && st == Status::kOk; ++k) st = CheckDataflow(*s, k, err);
  if (st != Status::kOk) return st;

  // Lifetimes on the timeline of one Invoke, packed into the location table first (first use in the
  // low 16 bits, last use in the high 16 bits); then only live tensors get plan records, which sit
  // after the persistent part temporarily.
  Timeline line{s};
  line.Start();
  line.Walk(0, 0);
  if (line.too_long) {
    err << "the control flow runs more than " << kMaxSteps << " operators per Invoke";
    return Status::kTooLarge;
  }
  uint32_t live = 0;
  for (uint32_t t = 0; t < total_tensors; ++t) live += Timeline::Live(s->all_locs[t]);
  for (int i = 0; i < s->n_all_ops; ++i) live += s->ops[i].scratch_bytes > 0 && s->ops[i].scratch != kNoLoc;
  const size_t temp_bytes = static_cast<size_t>(live) * sizeof(PlanRecord);
  if (persist + temp_bytes > s->arena_bytes) {
    err << "arena too small by at least " << static_cast<uint64_t>(persist + temp_bytes - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  PlanRecord* rec = reinterpret_cast<PlanRecord*>(s->arena + persist);
  // Records, in tensor order (subgraph by subgraph) then scratch; the location table then holds each
  // live tensor's record index.
  uint32_t n = 0;
  for (int k = 0; k < s->n_subgraphs; ++k) {
    for (uint32_t t = 0; t < s->sg[k].n_tensors; ++t) {
      uint32_t& l = s->all_locs[s->sg[k].loc_base + t];
      if (!Timeline::Live(l)) continue;
      TensorDesc d;
      ParseSubgraphTensor(*s, k, static_cast<int32_t>(t), &d, err);
      rec[n] = PlanRecord{d.bytes, static_cast<int32_t>(l & 0xFFFFu), static_cast<int32_t>(l >> 16), 0, 0};
      l = n++;
    }
  }
  for (int i = 0; i < s->n_all_ops; ++i) {
    OpRec& r = s->ops[i];
    const uint32_t l = r.scratch;
    r.scratch = kNoLoc;
    if (r.scratch_bytes == 0 || l == kNoLoc) continue;
    rec[n] = PlanRecord{r.scratch_bytes, static_cast<int32_t>(l & 0xFFFFu), static_cast<int32_t>(l >> 16), 0, 0};
    r.scratch = n++;
  }
  const uint64_t plan = PlanBest(rec, live, kAlign);
  if (plan == 0 && live > 0) {
    err << "plan overflows 32 bits";
    return Status::kTooLarge;
  }
  const size_t needed = persist + (plan > temp_bytes ? plan : temp_bytes);
  if (needed > s->arena_bytes) {
    err << "arena too small by " << static_cast<uint64_t>(needed - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  // Final locations: constants point into the model, variables into their persistent block,
  // activations into the plan (the records sit in the activation area, the locations in the
  // persistent part, so no overlap while converting).
  size_t next_variable = variables;
  for (int k = 0; k < s->n_subgraphs; ++k) {
    for (uint32_t t = 0; t < s->sg[k].n_tensors; ++t) {
      TensorDesc d;
      ParseSubgraphTensor(*s, k, static_cast<int32_t>(t), &d, err);
      uint32_t& l = s->all_locs[s->sg[k].loc_base + t];
      if (d.is_const) {
        l = kInModel | d.data_pos;
      } else if (d.is_variable) {
        l = static_cast<uint32_t>(next_variable);
        next_variable += (d.bytes + kAlign - 1) & ~(kAlign - 1);
      } else if (l != kNoLoc) {  // kNoLoc: never used
        l = static_cast<uint32_t>(persist) + rec[l].offset;
      }
    }
  }
  for (int i = 0; i < s->n_all_ops; ++i)
    if (s->ops[i].scratch != kNoLoc) s->ops[i].scratch = static_cast<uint32_t>(persist) + rec[s->ops[i].scratch].offset;
  err.Clear();
  s->used = skip + needed;
  for (int i = 0; i < s->n_in; ++i) {
    TensorDesc d;
    ParseTensor(*s, s->in_tensor[i], &d, err);
    s->inputs[i] = MakeView(*s, d);
  }
  for (int i = 0; i < s->n_out; ++i) {
    TensorDesc d;
    ParseTensor(*s, s->out_tensor[i], &d, err);
    s->outputs[i] = MakeView(*s, d);
  }
  s->loaded = true;
  ResetVariables();
  model_ = model;
  model_bytes_ = model_bytes;
  arena_ = arena;
  arena_bytes_ = arena_bytes;
  return Status::kOk;
}

void Interpreter::ResetVariables() {
  // The agent calls this before every timed run: a model without state pays one test.
  if (!loaded() || !state()->stateful) return;
  const State* s = state();
  char scratch[8];
  Detail ignore(scratch, sizeof scratch);
  for (int k = 0; k < s->n_subgraphs; ++k) {
    for (uint32_t t = 0; t < s->sg[k].n_tensors; ++t) {
      TensorDesc d;
      ParseSubgraphTensor(*s, k, static_cast<int32_t>(t), &d, ignore);
      if (d.is_variable) ResetVariable(s->SubgraphTensor(k, static_cast<int32_t>(t)), d);
    }
  }
  ResetControlFlowState(*s);
}

const char* KernelVariantName(KernelVariant v) {
  switch (v) {
    case KernelVariant::kRef: return "ref";
    case KernelVariant::kDsp: return "dsp";
    case KernelVariant::kMve: return "mve";
    case KernelVariant::kAuto: return "auto";
  }
  return "unknown";
}

bool KernelVariantBuilt(KernelVariant v) {
  switch (v) {
    case KernelVariant::kRef:
    case KernelVariant::kAuto: return true;
#if defined(__ARM_FEATURE_DSP)
    case KernelVariant::kDsp: return true;
#endif
#if defined(__ARM_FEATURE_MVE)
    case KernelVariant::kMve: return true;
#endif
    default: return false;
  }
}

KernelVariant BestKernelVariant() {
  if (KernelVariantBuilt(KernelVariant::kMve)) return KernelVariant::kMve;
  if (KernelVariantBuilt(KernelVariant::kDsp)) return KernelVariant::kDsp;
  return KernelVariant::kRef;
}

const char* EngineArchName() {
#if defined(__ARM_ARCH_8_1M_MAIN__)
  return "armv8.1-m.main";
#elif defined(__ARM_ARCH_8M_MAIN__)
  return "armv8-m.main";
#elif defined(__ARM_ARCH_8M_BASE__)
  return "armv8-m.base";
#elif defined(__ARM_ARCH_7EM__)
  return "armv7e-m";
#elif defined(__ARM_ARCH_7M__)
  return "armv7-m";
#elif defined(__ARM_ARCH_6M__)
  return "armv6-m";
#elif defined(__arm__)
  return "arm";
#else
  return "host";
#endif
}

Status Interpreter::SetKernelVariant(KernelVariant variant) {
  Detail err(error_, sizeof error_);
  if (static_cast<uint8_t>(variant) > static_cast<uint8_t>(KernelVariant::kAuto)) {
    err << "unknown kernel variant " << static_cast<int>(variant) << " (0 ref, 1 dsp, 2 mve, 3 auto)";
    return Status::kBadArgument;
  }
  if (!KernelVariantBuilt(variant)) {
    err << "kernel variant " << KernelVariantName(variant) << " is not built for this core (" << EngineArchName() << ")";
    return Status::kNotFound;
  }
  const KernelVariant previous = variant_;
  const bool was_loaded = loaded();
  variant_ = variant;
  if (!state_ready_) Reset();
  state()->variant = variant == KernelVariant::kAuto ? BestKernelVariant() : variant;
  err.Clear();
  if (!was_loaded) return Status::kOk;
  const uint8_t* model = model_;
  const size_t model_bytes = model_bytes_;
  uint8_t* arena = arena_;
  const size_t arena_bytes = arena_bytes_;
  const Status st = Load(model, model_bytes, arena, arena_bytes);
  if (st == Status::kOk) return st;
  char why[sizeof error_];
  std::memcpy(why, error_, sizeof why);
  variant_ = previous;
  Load(model, model_bytes, arena, arena_bytes);  // planned before with this variant
  Detail again(error_, sizeof error_);
  again << "kernel variant " << KernelVariantName(variant) << ": " << why;
  return st;
}
KernelVariant Interpreter::kernel_variant_in_effect() const {
  return variant_ == KernelVariant::kAuto ? BestKernelVariant() : variant_;
}

Status Interpreter::Invoke(OpProfile* profile) {
  Detail err(error_, sizeof error_);
  if (!loaded()) {
    err << "no model loaded";
    return Status::kBadState;
  }
  const State* s = state();
  s->subgraph_runs = 0;
  for (int i = 0; i < s->n_ops; ++i) {
    const OpRec& r = s->ops[i];
    const EvalFn eval = r.eval;
    Status st;
    if (profile != nullptr) {
      const uint64_t start = PortCycles();
      st = eval(*s, r);
      const uint64_t end = PortCycles();
      profile->opcode[i] = r.opcode;
      profile->calls[i] += 1;
      profile->cycles[i] += end - start;
    } else {
      st = eval(*s, r);
    }
    if (st != Status::kOk) {
      err << OpcodeName(r.opcode) << " at operator " << i << " failed";
      if (s->subgraph_runs > kMaxSubgraphRuns)
        err << ": more than " << kMaxSubgraphRuns << " subgraph runs in one inference (a loop that never ends?)";
      return Status::kKernelFailed;
    }
    if (s->observer != nullptr) {
      for (int k = 0; k < r.n_out; ++k) {
        TensorDesc d;
        Detail scratch_err(error_, sizeof error_);
        ParseTensor(*s, s->OutIndex(r, k), &d, scratch_err);
        scratch_err.Clear();
        s->observer(s->observer_context, i, k, MakeView(*s, d));
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
