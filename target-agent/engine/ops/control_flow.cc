// Control flow and resource variables: IF, WHILE and CALL_ONCE run other subgraphs of the model
// (InvokeSubgraph, with operands copied in and out as TFLite Micro copies them); VAR_HANDLE,
// READ_VARIABLE and ASSIGN_VARIABLE keep state in resource variables, persistent arena buffers whose
// size the first ASSIGN_VARIABLE (in prepare order: subgraph by subgraph, operator by operator) fixes,
// as TFLite Micro allocates them in that operator's Prepare.
//
// A RESOURCE tensor holds a variable's id (an int32, as in TFLite Micro): VAR_HANDLE writes it, so a
// handle passed into a subgraph reaches READ_VARIABLE and ASSIGN_VARIABLE as data, and those check it
// at Eval (kKernelFailed for an id or a size that does not fit). Where the handle comes straight from a
// VAR_HANDLE of the same subgraph, Load checks it instead.
#include <cstring>

#include "ops/op_context.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

// ---- resource variables ----

struct VarHandleParams {
  int32_t id = -1;
  // The options' strings (blob positions of their bytes and their lengths; pos kNoLoc when absent),
  // kept to give later VAR_HANDLEs of the same variable the same id.
  uint32_t container_pos = kNoLoc;
  uint32_t container_len = 0;
  uint32_t name_pos = kNoLoc;
  uint32_t name_len = 0;
};

struct VariableParams {  // READ_VARIABLE, ASSIGN_VARIABLE
  uint32_t bytes = 0;
};

Status EvalVarHandle(const EngineState& s, const OpRec& r) {
  const int32_t id = s.Params<VarHandleParams>(r)->id;
  uint8_t* out = s.Out(r, 0);
  if (out == nullptr) return Status::kKernelFailed;
  std::memcpy(out, &id, sizeof id);
  return Status::kOk;
}

// The variable a handle tensor names, when it fits `bytes`; else null.
ResourceVar* Variable(const EngineState& s, const uint8_t* handle, uint32_t bytes) {
  if (handle == nullptr) return nullptr;
  ResourceVar* v = s.Resource(fb::LoadI32(handle));
  return v != nullptr && v->data != kNoLoc && v->bytes == bytes ? v : nullptr;
}

Status EvalReadVariable(const EngineState& s, const OpRec& r) {
  const uint32_t bytes = s.Params<VariableParams>(r)->bytes;
  const ResourceVar* v = Variable(s, s.In(r, 0), bytes);
  uint8_t* out = s.Out(r, 0);
  if (v == nullptr || out == nullptr) return Status::kKernelFailed;
  std::memcpy(out, s.arena + v->data, bytes);
  return Status::kOk;
}

Status EvalAssignVariable(const EngineState& s, const OpRec& r) {
  const uint32_t bytes = s.Params<VariableParams>(r)->bytes;
  const ResourceVar* v = Variable(s, s.In(r, 0), bytes);
  const uint8_t* value = s.In(r, 1);
  if (v == nullptr || value == nullptr) return Status::kKernelFailed;
  std::memmove(s.arena + v->data, value, bytes);
  return Status::kOk;
}

// A string as strcmp sees it: up to its first NUL. Absent strings are empty.
uint32_t CLength(const EngineState& s, uint32_t pos, uint32_t len) {
  if (pos == kNoLoc) return 0;
  const void* nul = std::memchr(s.blob.data + pos, 0, len);
  return nul == nullptr ? len : static_cast<uint32_t>(static_cast<const uint8_t*>(nul) - (s.blob.data + pos));
}
bool SameString(const EngineState& s, uint32_t a_pos, uint32_t a_len, uint32_t b_pos, uint32_t b_len) {
  const uint32_t a = CLength(s, a_pos, a_len), b = CLength(s, b_pos, b_len);
  return a == b && (a == 0 || std::memcmp(s.blob.data + a_pos, s.blob.data + b_pos, a) == 0);
}

// TFLite Micro's MicroResourceVariables::FindId: the same shared_name, and the same container unless
// the handle has none (then any container matches).
bool SameVariable(const EngineState& s, const VarHandleParams& handle, const VarHandleParams& earlier) {
  if (!SameString(s, handle.name_pos, handle.name_len, earlier.name_pos, earlier.name_len)) return false;
  return handle.container_pos == kNoLoc ||
         SameString(s, handle.container_pos, handle.container_len, earlier.container_pos, earlier.container_len);
}

// A string field of an options table as (position, length); pos stays kNoLoc when absent.
bool StringField(const fb::Table& opts, int id, uint32_t* pos, uint32_t* len) {
  bool bad = false;
  const fb::Vector v = opts.valid() ? opts.Vec(id, 1, &bad) : fb::Vector();
  if (v.valid()) {
    *pos = v.data_pos();
    *len = v.size();
  }
  return !bad;
}

Status PrepareVarHandle(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptVarHandle, &o, &op_table);
  if (st != Status::kOk) return st;
  VarHandleParams p;
  if (!StringField(o, 0, &p.container_pos, &p.container_len) || !StringField(o, 1, &p.name_pos, &p.name_len))
    return Fail(c, op, "malformed options");
  TensorDesc out;
  if ((st = Output(c, op, 0, &out)) != Status::kOk) return st;
  if (out.type != TensorType::kInt32 || out.count != 1)
    return Fail(c, op, "the output must be one RESOURCE (or int32) element");
  const EngineState& s = *c.s;
  for (int g = 0; g < op && p.id < 0; ++g) {
    const OpRec& e = s.ops[g];
    if (e.opcode == kVarHandle && e.eval == EvalVarHandle && e.params != kNoLoc &&
        SameVariable(s, p, *s.Params<VarHandleParams>(e)))
      p.id = s.Params<VarHandleParams>(e)->id;
  }
  if (p.id < 0) {
    EngineState& m = *c.s;
    if (m.n_resources >= m.resource_capacity) return Fail(c, op, "more variables than VAR_HANDLE operators");
    p.id = m.n_resources++;
    if (m.resources != kNoLoc) *m.Resource(p.id) = ResourceVar();
  }
  return c.Store(op, p, EvalVarHandle);
}

// The variable id a handle tensor of the subgraph being prepared holds when a VAR_HANDLE of the same
// subgraph before operator `op` writes it; -1 when it is only known at Eval (a subgraph input).
int32_t StaticVariable(const EngineState& s, int first_op, int op, int32_t tensor) {
  for (int g = op - 1; g >= first_op; --g) {
    const OpRec& e = s.ops[g];
    if (e.opcode == kVarHandle && e.eval == EvalVarHandle && e.params != kNoLoc && e.n_out >= 1 &&
        s.OutIndex(e, 0) == tensor)
      return s.Params<VarHandleParams>(e)->id;
  }
  return -1;
}

// Input 0 of READ_VARIABLE / ASSIGN_VARIABLE: one RESOURCE (or int32, as TFLite Micro allows) element.
Status HandleInput(LoadCtx& c, int op) {
  TensorDesc h;
  const Status st = Input(c, op, 0, &h);
  if (st != Status::kOk) return st;
  if (h.type != TensorType::kInt32 || h.count != 1)
    return Fail(c, op, "input 0 must be one RESOURCE (or int32) element");
  return Status::kOk;
}

Status PrepareReadVariable(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 1 || r.n_out != 1) return Fail(c, op, "needs 1 input and 1 output");
  Status st = HandleInput(c, op);
  if (st != Status::kOk) return st;
  TensorDesc out;
  if ((st = Output(c, op, 0, &out)) != Status::kOk) return st;
  VariableParams p;
  p.bytes = out.bytes;
  return c.Store(op, p, EvalReadVariable);
}

Status PrepareAssignVariable(LoadCtx& c, int op, fb::Table&) {
  const OpRec& r = c.rec(op);
  if (r.n_in != 2 || r.n_out != 0) return Fail(c, op, "needs 2 inputs and no output");
  Status st = HandleInput(c, op);
  if (st != Status::kOk) return st;
  TensorDesc value;
  if ((st = Input(c, op, 1, &value)) != Status::kOk) return st;
  VariableParams p;
  p.bytes = value.bytes;
  EngineState& s = *c.s;
  const int32_t id = StaticVariable(s, s.sg[c.subgraph].first_op, op, s.InIndex(r, 0));
  ResourceVar* v = s.resources != kNoLoc ? s.Resource(id) : nullptr;
  if (v != nullptr) {
    if (v->data == kNoLoc) {
      // The first assignment sizes the variable; its initial value is the value tensor's zero point
      // (as int8, when the tensor has quantization parameters), as in TFLite Micro.
      const uint32_t at = c.Alloc(value.bytes);
      if (at != kNoLoc) {
        v = s.Resource(id);  // (the table does not move; re-read for clarity)
        v->data = at;
        v->bytes = value.bytes;
        v->fill = value.n_scales > 0 && value.zero_points.size() > 0 ? static_cast<int8_t>(value.zero_point()) : 0;
      }
    } else if (v->bytes != value.bytes) {
      AppendOperator(*c.err << OpcodeName(r.opcode) << " at ", s, op)
          << ": assigns " << value.bytes << " bytes to a variable of " << v->bytes << " bytes";
      return Status::kModelInvalid;
    }
  }
  return c.Store(op, p, EvalAssignVariable);
}

// ---- subgraph calls ----

struct CallOnceParams {
  uint8_t init = 0;
  uint8_t has_run = 0;  // written at Eval; ResetControlFlowState clears it
};

struct IfParams {
  uint8_t then_sg = 0;
  uint8_t else_sg = 0;
  uint8_t n_args = 0;     // inputs after the condition
  uint8_t n_out = 0;
  uint32_t sizes = kNoLoc;  // arena offset of uint32 bytes[n_args + n_out]
};

struct WhileParams {
  uint8_t cond = 0;
  uint8_t body = 0;
  uint8_t n = 0;            // inputs = outputs = loop variables
  uint32_t sizes = kNoLoc;  // arena offset of uint32 bytes[n]
};

const uint32_t* Sizes(const EngineState& s, uint32_t at) { return reinterpret_cast<const uint32_t*>(s.arena + at); }

// Copy helpers; the plan keeps a callee's tensors apart from its caller's live ones, so source and
// destination never overlap (a subgraph output that is also its input is copied out, not onto itself).
Status Copy(uint8_t* to, const uint8_t* from, uint32_t bytes) {
  if (to == nullptr || from == nullptr) return Status::kKernelFailed;
  if (to != from) std::memcpy(to, from, bytes);
  return Status::kOk;
}
// Op inputs [first, first + n) -> inputs of subgraph sg.
Status OpInputsToSubgraph(const EngineState& s, const OpRec& r, int first, int sg, int n, const uint32_t* sizes) {
  for (int i = 0; i < n; ++i) {
    const Status st = Copy(s.SubgraphTensor(sg, s.SubgraphInput(sg, i)), s.In(r, first + i), sizes[i]);
    if (st != Status::kOk) return st;
  }
  return Status::kOk;
}
Status OpOutputsToSubgraph(const EngineState& s, const OpRec& r, int sg, int n, const uint32_t* sizes) {
  for (int i = 0; i < n; ++i) {
    const Status st = Copy(s.SubgraphTensor(sg, s.SubgraphInput(sg, i)), s.Out(r, i), sizes[i]);
    if (st != Status::kOk) return st;
  }
  return Status::kOk;
}
Status SubgraphToOpOutputs(const EngineState& s, const OpRec& r, int sg, int n, const uint32_t* sizes) {
  for (int i = 0; i < n; ++i) {
    const Status st = Copy(s.Out(r, i), s.SubgraphTensor(sg, s.SubgraphOutput(sg, i)), sizes[i]);
    if (st != Status::kOk) return st;
  }
  return Status::kOk;
}

Status EvalCallOnce(const EngineState& s, const OpRec& r) {
  CallOnceParams* p = reinterpret_cast<CallOnceParams*>(s.arena + r.params);
  if (p->has_run != 0) return Status::kOk;
  const Status st = InvokeSubgraph(s, p->init);
  if (st == Status::kOk) p->has_run = 1;
  return st;
}

Status EvalIf(const EngineState& s, const OpRec& r) {
  const IfParams& p = *s.Params<IfParams>(r);
  const uint8_t* cond = s.In(r, 0);
  if (cond == nullptr) return Status::kKernelFailed;
  const int sg = cond[0] != 0 ? p.then_sg : p.else_sg;
  const uint32_t* sizes = Sizes(s, p.sizes);
  Status st = OpInputsToSubgraph(s, r, 1, sg, p.n_args, sizes);
  if (st == Status::kOk) st = InvokeSubgraph(s, sg);
  if (st == Status::kOk) st = SubgraphToOpOutputs(s, r, sg, p.n_out, sizes + p.n_args);
  return st;
}

// The cond subgraph's verdict: its output 0, a bool.
bool CondTrue(const EngineState& s, int cond) {
  const uint8_t* v = s.SubgraphTensor(cond, s.SubgraphOutput(cond, 0));
  return v != nullptr && v[0] != 0;
}

Status EvalWhile(const EngineState& s, const OpRec& r) {
  const WhileParams& p = *s.Params<WhileParams>(r);
  const uint32_t* sizes = Sizes(s, p.sizes);
  // As TFLite Micro: the op's inputs go to the cond subgraph and to the op's outputs, which then hold
  // the loop variables from one iteration to the next.
  Status st = OpInputsToSubgraph(s, r, 0, p.cond, p.n, sizes);
  for (int i = 0; i < p.n && st == Status::kOk; ++i) st = Copy(s.Out(r, i), s.In(r, i), sizes[i]);
  if (st == Status::kOk) st = InvokeSubgraph(s, p.cond);
  while (st == Status::kOk && CondTrue(s, p.cond)) {
    st = OpOutputsToSubgraph(s, r, p.body, p.n, sizes);
    if (st == Status::kOk) st = InvokeSubgraph(s, p.body);
    if (st == Status::kOk) st = SubgraphToOpOutputs(s, r, p.body, p.n, sizes);
    if (st == Status::kOk) st = OpOutputsToSubgraph(s, r, p.cond, p.n, sizes);
    if (st == Status::kOk) st = InvokeSubgraph(s, p.cond);
  }
  return st;
}

// A subgraph index from the options: inside the model.
Status SubgraphIndex(LoadCtx& c, int op, int32_t index, const char* what, uint8_t* out) {
  if (index < 0 || index >= c.s->n_subgraphs) {
    AppendOperator(*c.err << OpcodeName(c.rec(op).opcode) << " at ", *c.s, op)
        << ": " << what << " subgraph " << index << " is not in the model (" << c.s->n_subgraphs << " subgraphs)";
    return Status::kModelInvalid;
  }
  *out = static_cast<uint8_t>(index);
  return Status::kOk;
}

// Operand `k` of the op (an input when `input`) against input/output `i` of subgraph sg: the same type
// and size, as TFLite Micro's copies need. Writes the size to *bytes.
Status MatchOperand(LoadCtx& c, int op, bool input, int k, int sg, bool sg_input, int i, uint32_t* bytes) {
  TensorDesc a, b;
  Status st = input ? Input(c, op, k, &a) : Output(c, op, k, &a);
  if (st != Status::kOk) return st;
  const EngineState& s = *c.s;
  const int32_t t = sg_input ? s.SubgraphInput(sg, i) : s.SubgraphOutput(sg, i);
  if ((st = ParseSubgraphTensor(s, sg, t, &b, *c.err)) != Status::kOk) return st;
  if (a.type != b.type || a.bytes != b.bytes) {
    AppendOperator(*c.err << OpcodeName(c.rec(op).opcode) << " at ", s, op)
        << ": " << (input ? "input " : "output ") << k << " (" << TensorTypeName(a.type) << ", " << a.bytes
        << " bytes) does not match " << (sg_input ? "input " : "output ") << i << " of subgraph " << sg << " ("
        << TensorTypeName(b.type) << ", " << b.bytes << " bytes)";
    return Status::kModelInvalid;
  }
  *bytes = a.bytes;
  return Status::kOk;
}

// The sizes array for n entries (null when the arena is full: Load reports it).
uint32_t* AllocSizes(LoadCtx& c, int n, uint32_t* at) {
  *at = c.Alloc(static_cast<size_t>(n > 0 ? n : 1) * 4);
  return *at == kNoLoc ? nullptr : reinterpret_cast<uint32_t*>(c.s->arena + *at);
}

Status PrepareCallOnce(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptCallOnce, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t init = o.valid() ? o.I32(0, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  const OpRec& r = c.rec(op);
  if (r.n_in != 0 || r.n_out != 0) return Fail(c, op, "takes no inputs and no outputs");
  CallOnceParams p;
  if ((st = SubgraphIndex(c, op, init, "init", &p.init)) != Status::kOk) return st;
  if (c.s->sg[p.init].n_in != 0) return Fail(c, op, "the init subgraph takes inputs (CALL_ONCE passes none)");
  return c.Store(op, p, EvalCallOnce);
}

Status PrepareIf(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptIf, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t then_sg = o.valid() ? o.I32(0, 0, &bad) : 0;
  const int32_t else_sg = o.valid() ? o.I32(1, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  const OpRec& r = c.rec(op);
  if (r.n_in < 1) return Fail(c, op, "needs a condition input");
  TensorDesc cond;
  if ((st = Input(c, op, 0, &cond)) != Status::kOk) return st;
  if (cond.type != TensorType::kBool || cond.count != 1) return Fail(c, op, "the condition must be one bool");
  IfParams p;
  if ((st = SubgraphIndex(c, op, then_sg, "then", &p.then_sg)) != Status::kOk) return st;
  if ((st = SubgraphIndex(c, op, else_sg, "else", &p.else_sg)) != Status::kOk) return st;
  p.n_args = static_cast<uint8_t>(r.n_in - 1);
  p.n_out = r.n_out;
  uint32_t* sizes = AllocSizes(c, p.n_args + p.n_out, &p.sizes);
  const uint8_t branches[2] = {p.then_sg, p.else_sg};
  for (const uint8_t sg : branches) {
    const SubgraphRec& g = c.s->sg[sg];
    if (g.n_in != p.n_args || g.n_out != p.n_out) {
      AppendOperator(*c.err << OpcodeName(r.opcode) << " at ", *c.s, op)
          << ": passes " << static_cast<int>(p.n_args) << " inputs and takes " << static_cast<int>(p.n_out)
          << " outputs; subgraph " << static_cast<int>(sg) << " has " << g.n_in << " and " << g.n_out;
      return Status::kModelInvalid;
    }
    for (int i = 0; i < p.n_args + p.n_out; ++i) {
      const bool in = i < p.n_args;
      uint32_t bytes = 0;
      st = MatchOperand(c, op, in, in ? i + 1 : i - p.n_args, sg, in, in ? i : i - p.n_args, &bytes);
      if (st != Status::kOk) return st;
      if (sizes != nullptr) sizes[i] = bytes;
    }
  }
  return c.Store(op, p, EvalIf);
}

Status PrepareWhile(LoadCtx& c, int op, fb::Table& op_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptWhile, &o, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int32_t cond = o.valid() ? o.I32(0, 0, &bad) : 0;
  const int32_t body = o.valid() ? o.I32(1, 0, &bad) : 0;
  if (bad) return Fail(c, op, "malformed options");
  const OpRec& r = c.rec(op);
  if (r.n_in != r.n_out) return Fail(c, op, "needs as many outputs as inputs");
  WhileParams p;
  if ((st = SubgraphIndex(c, op, cond, "cond", &p.cond)) != Status::kOk) return st;
  if ((st = SubgraphIndex(c, op, body, "body", &p.body)) != Status::kOk) return st;
  p.n = r.n_in;
  const SubgraphRec& gc = c.s->sg[p.cond];
  const SubgraphRec& gb = c.s->sg[p.body];
  if (gc.n_in != p.n || gb.n_in != p.n || gb.n_out != p.n || gc.n_out < 1) {
    AppendOperator(*c.err << OpcodeName(r.opcode) << " at ", *c.s, op)
        << ": has " << static_cast<int>(p.n) << " loop variables; cond subgraph " << static_cast<int>(p.cond)
        << " takes " << gc.n_in << " inputs and gives " << gc.n_out << " outputs, body subgraph "
        << static_cast<int>(p.body) << " takes " << gb.n_in << " and gives " << gb.n_out;
    return Status::kModelInvalid;
  }
  TensorDesc verdict;
  if ((st = ParseSubgraphTensor(*c.s, p.cond, c.s->SubgraphOutput(p.cond, 0), &verdict, *c.err)) != Status::kOk)
    return st;
  if (verdict.type != TensorType::kBool) return Fail(c, op, "output 0 of the cond subgraph must be a bool");
  uint32_t* sizes = AllocSizes(c, p.n, &p.sizes);
  for (int i = 0; i < p.n; ++i) {
    uint32_t in = 0, out = 0, bytes = 0;
    if ((st = MatchOperand(c, op, true, i, p.cond, true, i, &in)) != Status::kOk ||
        (st = MatchOperand(c, op, true, i, p.body, true, i, &bytes)) != Status::kOk ||
        (st = MatchOperand(c, op, false, i, p.body, false, i, &out)) != Status::kOk)
      return st;
    TensorDesc a, b;
    if ((st = Input(c, op, i, &a)) != Status::kOk || (st = Output(c, op, i, &b)) != Status::kOk) return st;
    if (a.type != b.type || a.bytes != b.bytes) return Fail(c, op, "an input and its output differ in type or size");
    if (sizes != nullptr) sizes[i] = in;
  }
  return c.Store(op, p, EvalWhile);
}

const OpRegistration kOps[] = {
    {kVarHandle, PrepareVarHandle}, {kReadVariable, PrepareReadVariable}, {kAssignVariable, PrepareAssignVariable},
    {kCallOnce, PrepareCallOnce},   {kIf, PrepareIf},                     {kWhile, PrepareWhile},
};

}  // namespace

int CalledSubgraphs(const EngineState& s, const OpRec& r, int out[2]) {
  if (r.params == kNoLoc) return 0;
  if (r.eval == EvalIf) {
    out[0] = s.Params<IfParams>(r)->then_sg;
    out[1] = s.Params<IfParams>(r)->else_sg;
    return 2;
  }
  if (r.eval == EvalWhile) {
    out[0] = s.Params<WhileParams>(r)->cond;
    out[1] = s.Params<WhileParams>(r)->body;
    return 2;
  }
  if (r.eval == EvalCallOnce) {
    out[0] = s.Params<CallOnceParams>(r)->init;
    return 1;
  }
  return 0;
}

Status CheckResourceVariables(EngineState& s, Detail& err) {
  for (int k = 0; k < s.n_subgraphs; ++k) {
    const SubgraphRec& g = s.sg[k];
    for (int op = g.first_op; op < g.first_op + g.n_ops; ++op) {
      const OpRec& r = s.ops[op];
      if (r.eval != EvalReadVariable || r.params == kNoLoc) continue;
      const ResourceVar* v = s.resources != kNoLoc ? s.Resource(StaticVariable(s, g.first_op, op, s.InIndex(r, 0))) : nullptr;
      if (v == nullptr) continue;  // known at Eval only
      const uint32_t bytes = s.Params<VariableParams>(r)->bytes;
      if (v->data == kNoLoc) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", s, op)
            << ": reads a variable that no ASSIGN_VARIABLE of the model sizes";
        return Status::kModelInvalid;
      }
      if (v->bytes != bytes) {
        AppendOperator(err << OpcodeName(r.opcode) << " at ", s, op)
            << ": reads " << bytes << " bytes from a variable of " << v->bytes << " bytes";
        return Status::kModelInvalid;
      }
    }
  }
  return Status::kOk;
}

bool HasControlFlowState(const EngineState& s) {
  if (s.n_resources > 0) return true;
  for (int op = 0; op < s.n_all_ops; ++op)
    if (s.ops[op].eval == EvalCallOnce) return true;
  return false;
}

void ResetControlFlowState(const EngineState& s) {
  for (int32_t id = 0; s.resources != kNoLoc && id < s.n_resources; ++id) {
    const ResourceVar* v = s.Resource(id);
    if (v->data != kNoLoc) std::memset(s.arena + v->data, v->fill, v->bytes);
  }
  for (int op = 0; op < s.n_all_ops; ++op) {
    const OpRec& r = s.ops[op];
    if (r.eval == EvalCallOnce && r.params != kNoLoc) reinterpret_cast<CallOnceParams*>(s.arena + r.params)->has_run = 0;
  }
}

HIL_OP_FAMILY(kControlFlowFamily, kOps);

}  // namespace hil::agent::engine
