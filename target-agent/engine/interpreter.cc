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
void ResetVariable(const EngineState& s, const TensorDesc& d) {
  const int value = d.type == TensorType::kInt8 ? d.zero_point() : 0;
  std::memset(s.Resolve(s.locs[d.index]), value, d.bytes);
}

}  // namespace

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

  // Model, subgraph, tables.
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
  // The first subgraph is the model; others are the bodies of control-flow operators (IF, WHILE,
  // CALL_ONCE) or unused signatures, as TFLite Micro runs them: an operator that would call one is
  // refused by the operator table.
  if (subgraphs.size() == 0) {
    err << "model has no subgraph";
    return Status::kModelInvalid;
  }
  const fb::Table sg = fb::Table::TableElem(&s->blob, subgraphs, 0);
  if (!sg.valid()) {
    err << "bad subgraph table";
    return Status::kModelInvalid;
  }
  s->tensors = sg.Vec(kSgTensors, 4, &bad);
  const fb::Vector sg_in = sg.Vec(kSgInputs, 4, &bad);
  const fb::Vector sg_out = sg.Vec(kSgOutputs, 4, &bad);
  const fb::Vector sg_ops = sg.Vec(kSgOperators, 4, &bad);
  if (bad || !s->tensors.valid() || !sg_in.valid() || !sg_out.valid() || !sg_ops.valid()) {
    err << "subgraph fields missing or malformed";
    return Status::kModelInvalid;
  }
  if (s->tensors.size() > kMaxTensors || sg_in.size() > static_cast<uint32_t>(kMaxIo) ||
      sg_out.size() > static_cast<uint32_t>(kMaxIo) || sg_ops.size() > static_cast<uint32_t>(kMaxOperators)) {
    err << "model too large: " << s->tensors.size() << " tensors, " << sg_in.size() << " inputs, " << sg_out.size()
        << " outputs, " << sg_ops.size() << " operators (at most " << kMaxTensors << ", " << kMaxIo << ", " << kMaxIo
        << ", " << kMaxOperators << ")";
    return Status::kTooLarge;
  }
  s->n_tensors = s->tensors.size();
  s->n_ops = static_cast<int>(sg_ops.size());
  s->n_in = static_cast<int>(sg_in.size());
  s->n_out = static_cast<int>(sg_out.size());
  if (s->n_in == 0 || s->n_out == 0) {
    err << "model has no inputs or outputs";
    return Status::kModelInvalid;
  }

  // Every tensor.
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    const Status st = ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    if (st != Status::kOk) return st;
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
  for (int i = 0; i < s->n_ops; ++i) {
    OpRec& r = s->ops[i];
    const fb::Table ot = fb::Table::TableElem(&s->blob, sg_ops, static_cast<uint32_t>(i));
    if (!ot.valid()) {
      err << "operator " << i << ": bad table";
      return Status::kModelInvalid;
    }
    const uint32_t opc_index = ot.U32(kOpOpcodeIndex, 0, &bad);
    const fb::Vector ins = ot.Vec(kOpInputs, 4, &bad);
    const fb::Vector outs = ot.Vec(kOpOutputs, 4, &bad);
    if (bad || !ins.valid() || !outs.valid() || opc_index >= opcodes.size()) {
      err << "operator " << i << ": malformed";
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
      err << "operator " << i << ": opcode " << code << " out of range";
      return Status::kModelInvalid;
    }
    r.opcode = static_cast<uint16_t>(code);
    if (outs.size() < 1) {
      err << OpcodeName(r.opcode) << " at operator " << i << ": no outputs";
      return Status::kModelInvalid;
    }
    if (ins.size() > static_cast<uint32_t>(kMaxOpInputs) || outs.size() > static_cast<uint32_t>(kMaxOpOutputs)) {
      err << OpcodeName(r.opcode) << " at operator " << i << ": " << ins.size() << " inputs, " << outs.size()
          << " outputs (at most " << kMaxOpInputs << " and " << kMaxOpOutputs << " supported)";
      return Status::kTooLarge;
    }
    r.n_in = static_cast<uint8_t>(ins.size());
    r.n_out = static_cast<uint8_t>(outs.size());
    r.in_pos = ins.data_pos();
    r.out_pos = outs.data_pos();
    for (uint32_t k = 0; k < ins.size(); ++k) {
      const int32_t t = ins.I32(k);
      if (t < -1 || t >= static_cast<int32_t>(s->n_tensors)) {
        err << "operator " << i << ": input tensor " << t << " out of range";
        return Status::kModelInvalid;
      }
    }
    for (uint32_t k = 0; k < outs.size(); ++k) {
      const int32_t t = outs.I32(k);
      if (t < 0 || t >= static_cast<int32_t>(s->n_tensors)) {
        err << "operator " << i << ": output tensor " << t << " out of range";
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
        for (uint32_t k = 0; name.valid() && k < name.size() && n + 1 < sizeof buf; ++k) {
          const uint8_t ch = name.U8(k);
          buf[n++] = ch >= 0x20 && ch < 0x7F ? static_cast<char>(ch) : '?';
        }
        buf[n] = '\0';
        if (n > 0) err << " \"" << buf << "\"";
      }
      err << " (" << static_cast<int>(r.opcode) << ") at operator " << i;
      if (issue(i, Status::kUnsupportedOperator)) return Status::kUnsupportedOperator;
    }
  }
  for (int i = 0; i < s->n_in; ++i) s->in_tensor[i] = sg_in.I32(static_cast<uint32_t>(i));
  for (int i = 0; i < s->n_out; ++i) s->out_tensor[i] = sg_out.I32(static_cast<uint32_t>(i));
  for (int i = 0; i < s->n_in + s->n_out; ++i) {
    const int32_t t = i < s->n_in ? s->in_tensor[i] : s->out_tensor[i - s->n_in];
    if (t < 0 || t >= static_cast<int32_t>(s->n_tensors)) {
      err << "model input/output tensor " << t << " out of range";
      return Status::kModelInvalid;
    }
  }

  // Persistent memory: tensor locations, each operator's parameters, then the variable tensors
  // (state that lives from one Invoke to the next: LSTM cells, SVDF activations).
  LoadCtx c{s, &err};
  const uint32_t locs_off = c.Alloc(static_cast<size_t>(s->n_tensors) * 4);
  s->locs = locs_off == kNoLoc ? nullptr : reinterpret_cast<uint32_t*>(s->arena + locs_off);
  for (int i = 0; i < s->n_ops; ++i) {
    // Looked up again rather than kept: a table of kMaxOperators pointers would cost the target 1 KiB
    // of stack.
    const OpRegistration* reg = FindRegistration(s->ops[i].opcode);
    if (reg == nullptr) continue;
    fb::Table ot = fb::Table::TableElem(&s->blob, sg_ops, static_cast<uint32_t>(i));
    const Status st = reg->prepare(c, i, ot);
    if (st != Status::kOk && issue(i, st)) return st;
  }
  if (first_issue != Status::kOk) {
    Detail(error_, sizeof error_) << "the model has operators this engine cannot run";
    return first_issue;
  }
  uint32_t variable_bytes = 0;
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    if (d.is_variable) variable_bytes += (d.bytes + kAlign - 1) & ~(kAlign - 1);
  }
  size_t variables = 0;
  if (variable_bytes > 0) {
    c.persist = (c.persist + kAlign - 1) & ~static_cast<size_t>(kAlign - 1);
    const uint32_t at = c.Alloc(variable_bytes);
    variables = at == kNoLoc ? 0 : at;
  }
  const size_t persist = (c.persist + kAlign - 1) & ~static_cast<size_t>(kAlign - 1);

  // Dataflow: every activation a kernel reads is a model input, a variable or an earlier operator's
  // output. Lifetimes are packed into the location table first (first use in the low 16 bits, last
  // use in the high 16 bits; 0xFFFF = not an activation), then only live tensors get plan records,
  // which sit after the persistent part temporarily.
  if (c.overflow) {
    err << "arena too small by at least " << static_cast<uint64_t>(persist - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  constexpr uint32_t kDead = 0xFFFFu;
  constexpr uint32_t kVariable = 0xFFFEu;  // first-use marker of a variable tensor
  auto first_of = [&](int32_t t) { return s->locs[t] & 0xFFFFu; };
  auto set_life = [&](int32_t t, uint32_t first, uint32_t last) { s->locs[t] = first | (last << 16); };
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    set_life(static_cast<int32_t>(t), d.is_variable ? kVariable : kDead, kDead);
  }
  for (int i = 0; i < s->n_in; ++i) {
    TensorDesc d;
    ParseTensor(*s, s->in_tensor[i], &d, err);
    if (d.is_const || d.is_variable) {
      err << "model input " << i << " is a constant or a variable";
      return Status::kModelInvalid;
    }
    set_life(s->in_tensor[i], 0, 0);
  }
  uint32_t live = 0;
  for (int i = 0; i < s->n_ops; ++i) {
    const OpRec& r = s->ops[i];
    for (int k = 0; k < r.n_in; ++k) {
      const int32_t t = s->InIndex(r, k);
      if (t < 0) continue;
      TensorDesc d;
      ParseTensor(*s, t, &d, err);
      if (d.is_const || d.is_variable) continue;
      if (first_of(t) == kDead) {
        err << OpcodeName(r.opcode) << " at operator " << i << ": input tensor " << t << " is never written";
        return Status::kModelInvalid;
      }
      set_life(t, first_of(t), static_cast<uint32_t>(i));
    }
    for (int k = 0; k < r.n_out; ++k) {
      const int32_t t = s->OutIndex(r, k);
      TensorDesc d;
      ParseTensor(*s, t, &d, err);
      if (d.is_const || d.is_variable || first_of(t) != kDead) {
        err << OpcodeName(r.opcode) << " at operator " << i << ": output tensor " << t
            << " is constant, variable or written twice";
        return Status::kModelInvalid;
      }
      set_life(t, static_cast<uint32_t>(i), static_cast<uint32_t>(i));
    }
    if (r.scratch_bytes > 0) ++live;
  }
  for (int i = 0; i < s->n_out; ++i) {
    const int32_t t = s->out_tensor[i];
    if (first_of(t) == kDead || first_of(t) == kVariable) {
      err << "model output " << i << " (tensor " << t << ") is never written";
      return Status::kModelInvalid;
    }
    set_life(t, first_of(t), static_cast<uint32_t>(s->n_ops));
  }
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    const uint32_t f = first_of(static_cast<int32_t>(t));
    live += f != kDead && f != kVariable;
  }
  const size_t temp_bytes = static_cast<size_t>(live) * sizeof(PlanRecord);
  if (persist + temp_bytes > s->arena_bytes) {
    err << "arena too small by at least " << static_cast<uint64_t>(persist + temp_bytes - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  PlanRecord* rec = reinterpret_cast<PlanRecord*>(s->arena + persist);
  // Records, in tensor order then scratch; the location table then holds each tensor's record index.
  uint32_t n = 0;
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    const uint32_t l = s->locs[t];
    if ((l & 0xFFFFu) == kDead || (l & 0xFFFFu) == kVariable) continue;
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    rec[n] = PlanRecord{d.bytes, static_cast<int32_t>(l & 0xFFFFu), static_cast<int32_t>(l >> 16), 0, 0};
    s->locs[t] = n++;
  }
  for (int i = 0; i < s->n_ops; ++i) {
    s->ops[i].scratch = kNoLoc;
    if (s->ops[i].scratch_bytes == 0) continue;
    rec[n] = PlanRecord{s->ops[i].scratch_bytes, i, i, 0, 0};
    s->ops[i].scratch = n++;
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
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    const uint32_t l = s->locs[t];
    if (d.is_const) {
      s->locs[t] = kInModel | d.data_pos;
    } else if (d.is_variable) {
      s->locs[t] = static_cast<uint32_t>(next_variable);
      next_variable += (d.bytes + kAlign - 1) & ~(kAlign - 1);
    } else if (l != kNoLoc) {  // kNoLoc: never used
      s->locs[t] = static_cast<uint32_t>(persist) + rec[l].offset;
    }
  }
  for (int i = 0; i < s->n_ops; ++i)
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
  if (!loaded()) return;
  const State* s = state();
  char scratch[8];
  Detail ignore(scratch, sizeof scratch);
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, ignore);
    if (d.is_variable) ResetVariable(*s, d);
  }
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
