#include "ops/op_context.h"

#include <cmath>

#include "ops/schema_ids.h"

namespace hil::agent::engine {

Detail& Detail::operator<<(const char* s) {
  while (*s != '\0' && len_ + 1 < cap_) buf_[len_++] = *s++;
  buf_[len_] = '\0';
  return *this;
}

// Error text only: kept out of line so -O3 does not copy it into every caller.
__attribute__((noinline)) Detail& Detail::Num(int64_t v) {
  char tmp[24];
  int n = 0;
  const bool neg = v < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (neg) tmp[n++] = '-';
  char out[24];
  for (int i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  return *this << out;
}

const char* TensorTypeName(TensorType t) {
  switch (t) {
    case TensorType::kFloat32: return "float32";
    case TensorType::kInt32: return "int32";
    case TensorType::kUint8: return "uint8";
    case TensorType::kInt64: return "int64";
    case TensorType::kBool: return "bool";
    case TensorType::kInt16: return "int16";
    case TensorType::kInt8: return "int8";
  }
  return "unknown";
}

uint32_t ElementBytes(TensorType t) {
  switch (t) {
    case TensorType::kFloat32: return 4;
    case TensorType::kInt32: return 4;
    case TensorType::kUint8: return 1;
    case TensorType::kInt64: return 8;
    case TensorType::kBool: return 1;
    case TensorType::kInt16: return 2;
    case TensorType::kInt8: return 1;
  }
  return 0;
}

namespace {

Status ParseTensorIn(const EngineState& s, const fb::Vector& tensors, int32_t index, TensorDesc* d, Detail& err) {
  if (index < 0 || static_cast<uint32_t>(index) >= tensors.size()) {
    err << "tensor index " << index << " out of range";
    return Status::kModelInvalid;
  }
  d->index = index;
  d->is_resource = false;
  bool bad = false;
  const fb::Table t = fb::Table::TableElem(&s.blob, tensors, static_cast<uint32_t>(index));
  if (!t.valid()) {
    err << "tensor " << index << ": bad table";
    return Status::kModelInvalid;
  }
  const fb::Vector shape = t.Vec(kTnShape, 4, &bad);
  const uint8_t type = t.U8(kTnType, 0, &bad);
  const uint32_t buffer = t.U32(kTnBuffer, 0, &bad);
  const fb::Table q = t.SubTable(kTnQuant, &bad);
  d->is_variable = t.U8(kTnVariable, 0, &bad) != 0;
  uint32_t sparsity_pos;
  const bool sparse = t.FieldPos(kTnSparsity, 4, &sparsity_pos, &bad);
  if (bad) {
    err << "tensor " << index << ": malformed field";
    return Status::kModelInvalid;
  }
  if (sparse) {
    err << "tensor " << index << ": sparse tensors are not supported";
    return Status::kUnsupportedOperator;
  }
  switch (type) {
    case 0: d->type = TensorType::kFloat32; break;
    case 2: d->type = TensorType::kInt32; break;
    case 3: d->type = TensorType::kUint8; break;
    case 4: d->type = TensorType::kInt64; break;
    case 6: d->type = TensorType::kBool; break;
    case 7: d->type = TensorType::kInt16; break;
    case 9: d->type = TensorType::kInt8; break;
    case 13:  // RESOURCE: holds a resource variable's id, an int32 as in TFLite Micro
      d->type = TensorType::kInt32;
      d->is_resource = true;
      break;
    default:
      err << "tensor " << index << ": unsupported type " << static_cast<int>(type);
      return Status::kUnsupportedOperator;
  }
  d->rank = shape.valid() ? static_cast<int>(shape.size() > 99 ? 99 : shape.size()) : 0;
  if (d->rank > kMaxDims) {
    err << "tensor " << index << ": rank " << d->rank << " above " << kMaxDims;
    return Status::kTooLarge;
  }
  uint64_t count = 1;
  for (int i = 0; i < d->rank; ++i) {
    const int32_t v = shape.I32(static_cast<uint32_t>(i));
    if (v <= 0) {
      err << "tensor " << index << ": dimension " << i << " is " << v;
      return Status::kModelInvalid;
    }
    d->dims[i] = v;
    count *= static_cast<uint64_t>(v);
    if (count > 0x3FFFFFFFu) {
      err << "tensor " << index << ": too many elements";
      return Status::kModelInvalid;
    }
  }
  for (int i = d->rank; i < kMaxDims; ++i) d->dims[i] = 0;
  d->count = static_cast<uint32_t>(count);
  const uint64_t bytes = count * ElementBytes(d->type);
  if (bytes > 0x7FFFFFFFu) {
    err << "tensor " << index << ": too large";
    return Status::kModelInvalid;
  }
  d->bytes = static_cast<uint32_t>(bytes);
  // Buffer. An empty buffer (no data, or data of length 0) is an activation, as in TFLite Micro.
  if (buffer >= s.buffers.size()) {
    err << "tensor " << index << ": buffer " << buffer << " out of range";
    return Status::kModelInvalid;
  }
  const fb::Table b = fb::Table::TableElem(&s.blob, s.buffers, buffer);
  if (!b.valid()) {
    err << "buffer " << buffer << ": bad table";
    return Status::kModelInvalid;
  }
  const fb::Vector data = b.Vec(kBufData, 1, &bad);
  const uint64_t ext_offset = b.U64(kBufOffset, 0, &bad);
  if (bad) {
    err << "buffer " << buffer << ": malformed";
    return Status::kModelInvalid;
  }
  // Converters mark models over 2 GB by placing buffers after the flatbuffer (offset > 1); TFLite
  // Micro does not read them either.
  if (ext_offset > 1 && !(data.valid() && data.size() > 0)) {
    err << "buffer " << buffer << ": external (offset) buffers are not supported";
    return Status::kUnsupportedOperator;
  }
  d->is_const = data.valid() && data.size() > 0;
  d->data_pos = d->is_const ? data.data_pos() : 0;
  if (d->is_const && data.size() != d->bytes) {
    err << "tensor " << index << ": buffer holds " << data.size() << " bytes, shape needs " << d->bytes;
    return Status::kModelInvalid;
  }
  if (d->is_const && d->is_variable) {
    err << "tensor " << index << ": a variable tensor with constant data";
    return Status::kUnsupportedOperator;
  }
  // Quantization. Per-channel fields are checked by the operators that read them (a filter's scales
  // against its channels); converters write per-channel parameters on bias tensors with whatever
  // quantized_dimension, and TFLite Micro never reads them, so neither is a reason to refuse here.
  d->n_scales = 0;
  d->scales = fb::Vector();
  d->zero_points = fb::Vector();
  d->quant_dim = 0;
  if (q.valid()) {
    d->scales = q.Vec(kQpScale, 4, &bad);
    d->zero_points = q.Vec(kQpZeroPoint, 8, &bad);
    const uint8_t details = q.U8(kQpDetailsType, 0, &bad);
    d->quant_dim = q.I32(kQpQuantDim, 0, &bad);
    if (bad) {
      err << "tensor " << index << ": malformed quantization";
      return Status::kModelInvalid;
    }
    if (details != 0) {
      err << "tensor " << index << ": custom quantization is not supported";
      return Status::kUnsupportedOperator;
    }
    d->n_scales = d->scales.valid() ? d->scales.size() : 0;
    for (uint32_t i = 0; i < d->n_scales; ++i) {
      const float sc = d->scales.F32(i);
      if (!(sc >= 0.0f) || std::isinf(sc)) {
        err << "tensor " << index << ": invalid scale";
        return Status::kModelInvalid;
      }
    }
  }
  return Status::kOk;
}

}  // namespace

Status ParseTensor(const EngineState& s, int32_t index, TensorDesc* d, Detail& err) {
  // s.tensors is invalid (size 0) for a subgraph without a tensor table.
  if (index < 0 || static_cast<uint32_t>(index) >= s.n_tensors) {
    err << "tensor index " << index << " out of range";
    return Status::kModelInvalid;
  }
  return ParseTensorIn(s, s.tensors, index, d, err);
}

Status ParseSubgraphTensor(const EngineState& s, int sg, int32_t index, TensorDesc* d, Detail& err) {
  if (sg < 0 || sg >= s.n_subgraphs) {
    err << "subgraph " << sg << " out of range";
    return Status::kModelInvalid;
  }
  return ParseTensorIn(s, s.SubgraphTensors(sg), index, d, err);
}

Detail& AppendOperator(Detail& d, const EngineState& s, int op) {
  for (int k = 1; k < s.n_subgraphs; ++k) {
    const SubgraphRec& g = s.sg[k];
    if (op >= g.first_op && op < g.first_op + g.n_ops) return d << "operator " << op - g.first_op << " of subgraph " << k;
  }
  return d << "operator " << op;
}

uint32_t LoadCtx::Alloc(size_t bytes) {
  const size_t off = (persist + 3) & ~static_cast<size_t>(3);
  persist = off + bytes;
  if (persist > s->arena_bytes || persist > 0x7FFFFFFF) {
    overflow = true;
    return kNoLoc;
  }
  return static_cast<uint32_t>(off);
}

Status Fail(LoadCtx& c, int op, const char* what) {
  AppendOperator(*c.err << OpcodeName(c.s->ops[op].opcode) << " at ", *c.s, op) << ": " << what;
  return Status::kModelInvalid;
}

Status Unsupported(LoadCtx& c, int op, const char* what) {
  AppendOperator(*c.err << OpcodeName(c.s->ops[op].opcode) << " at ", *c.s, op) << ": " << what;
  return Status::kUnsupportedOperator;
}

Status BadQuantization(LoadCtx& c, int op, const TensorDesc& d) {
  AppendOperator(*c.err << OpcodeName(c.s->ops[op].opcode) << " at ", *c.s, op) << ": tensor " << d.index << " ("
         << TensorTypeName(d.type) << ") has no valid quantization (a scale > 0 and a zero point in range)";
  return Status::kModelInvalid;
}

Status UnsupportedTypes(LoadCtx& c, int op, const char* supported) {
  const OpRec& r = c.s->ops[op];
  Detail& e = *c.err;
  AppendOperator(e << OpcodeName(r.opcode) << " at ", *c.s, op) << ": ";
  // The operand types as the model has them: inputs, then "->" and the outputs.
  for (int i = 0; i < r.n_in + r.n_out; ++i) {
    const bool out = i >= r.n_in;
    const int32_t t = out ? c.s->OutIndex(r, i - r.n_in) : c.s->InIndex(r, i);
    if (out && i == r.n_in) e << " -> ";
    else if (i > 0) e << ", ";
    if (t < 0) {
      e << "none";
      continue;
    }
    TensorDesc d;
    char scratch[8];
    Detail ignore(scratch, sizeof scratch);
    e << (ParseTensor(*c.s, t, &d, ignore) == Status::kOk ? TensorTypeName(d.type) : "?");
  }
  e << " is not supported (" << supported << ")";
  return Status::kUnsupportedOperator;
}

bool HasInput(LoadCtx& c, int op, int i) { return c.s->InIndex(c.s->ops[op], i) >= 0; }

Status Input(LoadCtx& c, int op, int i, TensorDesc* d) {
  const OpRec& r = c.s->ops[op];
  const int32_t t = c.s->InIndex(r, i);
  if (t < 0) return Fail(c, op, "missing input");
  return ParseTensor(*c.s, t, d, *c.err);
}

Status Output(LoadCtx& c, int op, int i, TensorDesc* d) {
  const OpRec& r = c.s->ops[op];
  if (i >= r.n_out) return Fail(c, op, "missing output");
  return ParseTensor(*c.s, c.s->OutIndex(r, i), d, *c.err);
}

bool IsQuantInt8(const TensorDesc& d) {
  if (d.type != TensorType::kInt8 || d.n_scales < 1) return false;
  const float sc = d.scale();
  if (!(sc > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= -128 && zp <= 127;
}

bool IsQuantInt16(const TensorDesc& d) {
  if (d.type != TensorType::kInt16 || d.n_scales < 1) return false;
  const float sc = d.scale();
  if (!(sc > 0.0f)) return false;
  return (d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0) == 0;
}

bool SameQuantization(const TensorDesc& a, const TensorDesc& b) {
  return a.scale() == b.scale() && a.zero_point() == b.zero_point();
}

bool SameShape(const TensorDesc& a, const TensorDesc& b) {
  if (a.rank != b.rank) return false;
  for (int i = 0; i < a.rank; ++i)
    if (a.dims[i] != b.dims[i]) return false;
  return true;
}

Status Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out) {
  Status st = Input(c, op, 0, in0);
  if (st == Status::kOk && in1 != nullptr) st = Input(c, op, 1, in1);
  if (st == Status::kOk) st = Output(c, op, 0, out);
  return st;
}

Status Int8Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out, bool in1_int8) {
  const Status st = Operands(c, op, in0, in1, out);
  if (st != Status::kOk) return st;
  const TensorDesc* checked[3] = {in0, out, in1 != nullptr && in1_int8 ? in1 : nullptr};
  for (const TensorDesc* d : checked) {
    if (d == nullptr) continue;
    if (d->type != TensorType::kInt8) return UnsupportedTypes(c, op, "int8 quantized tensors");
    if (!IsQuantInt8(*d)) return BadQuantization(c, op, *d);
  }
  return Status::kOk;
}

Status SameSizeInt8Operands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out) {
  const Status st = Int8Operands(c, op, in, nullptr, out);
  if (st != Status::kOk || in->count == out->count) return st;
  return Fail(c, op, "input and output sizes differ");
}

Status OptionsTable(LoadCtx& c, int op, uint8_t expected, fb::Table* opts, fb::Table* op_table) {
  bool bad = false;
  const uint8_t type = op_table->U8(kOpOptionsType, 0, &bad);
  *opts = op_table->SubTable(kOpOptions, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (opts->valid() && type != expected) return Fail(c, op, "options of the wrong type");
  return Status::kOk;
}

Status ActivationOptions(LoadCtx& c, int op, fb::Table& op_table, uint8_t expected, int act_field, fb::Table* opts,
                         int* act) {
  const Status st = OptionsTable(c, op, expected, opts, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  *act = opts->U8(act_field, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  return Status::kOk;
}

Status ActivationRange(LoadCtx& c, int op, int act, const TensorDesc& out, int32_t* lo, int32_t* hi, int32_t qmin,
                       int32_t qmax) {
  const float scale = out.scale();
  const int32_t zp = out.zero_point();
  auto quantize = [&](float f) -> int32_t {
    float r = std::round(f / scale);
    if (r > 1e6f) r = 1e6f;
    if (r < -1e6f) r = -1e6f;
    return zp + static_cast<int32_t>(r);
  };
  auto at_least = [&](int32_t v) { return v > qmin ? v : qmin; };
  auto at_most = [&](int32_t v) { return v < qmax ? v : qmax; };
  *lo = qmin;
  *hi = qmax;
  switch (act) {
    case 0: break;
    case 1: *lo = at_least(quantize(0.0f)); break;
    case 2:
      *lo = at_least(quantize(-1.0f));
      *hi = at_most(quantize(1.0f));
      break;
    case 3:
      *lo = at_least(quantize(0.0f));
      *hi = at_most(quantize(6.0f));
      break;
    default:
      AppendOperator(*c.err << OpcodeName(c.s->ops[op].opcode) << " at ", *c.s, op) << ": fused activation " << act
             << " is not supported";
      return Status::kUnsupportedOperator;
  }
  return Status::kOk;
}

bool Window(int padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t* out, int32_t* pad) {
  if (stride < 1 || dilation < 1 || filter < 1 || filter > 65535 || dilation > 65535 || stride > 65535) return false;
  const int64_t eff = static_cast<int64_t>(filter - 1) * dilation + 1;
  if (eff > (1 << 24)) return false;  // keeps kernel index arithmetic inside int32
  int64_t o;
  if (padding == 0) o = (static_cast<int64_t>(in) + stride - 1) / stride;
  else if (padding == 1) o = (static_cast<int64_t>(in) + stride - eff) / stride;
  else return false;
  if (o < 0) o = 0;
  int64_t total = (o - 1) * stride + eff - in;
  if (total < 0) total = 0;
  *out = static_cast<int32_t>(o);
  *pad = static_cast<int32_t>(total / 2);
  return true;
}

bool Is4d(const TensorDesc& t, int32_t batches, int32_t h, int32_t w, int32_t channels) {
  return t.dims[0] == batches && t.dims[1] == h && t.dims[2] == w && t.dims[3] == channels;
}

Status ReadWindowOptions(LoadCtx& c, int op, fb::Table& op_table, uint8_t options_type, int act_field,
                         int pair_field, int32_t pair_default, WindowOptions* w) {
  fb::Table o;
  const Status st = ActivationOptions(c, op, op_table, options_type, act_field, &o, &w->act);
  if (st != Status::kOk) return st;
  bool bad = false;
  w->padding = o.U8(0, 0, &bad);
  w->stride_w = o.I32(1, 0, &bad);
  w->stride_h = o.I32(2, 0, &bad);
  w->pair_w = o.I32(pair_field, pair_default, &bad);
  w->pair_h = o.I32(pair_field + 1, pair_default, &bad);
  if (bad) return Fail(c, op, "malformed options");
  return Status::kOk;
}

bool MakeBroadcast(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out, Broadcast5* bc) {
  int32_t da[5], db[5], dout[5];
  auto fill = [](const TensorDesc& t, int32_t* d) {
    for (int i = 0; i < 5; ++i) d[i] = 1;
    for (int i = 0; i < t.rank; ++i) d[5 - t.rank + i] = t.dims[i];
  };
  fill(a, da);
  fill(b, db);
  fill(out, dout);
  int32_t sa = 1, sb = 1;
  for (int i = 4; i >= 0; --i) {
    const int32_t o = da[i] > db[i] ? da[i] : db[i];
    if ((da[i] != o && da[i] != 1) || (db[i] != o && db[i] != 1) || dout[i] != o) return false;
    bc->out_dims[i] = o;
    bc->stride1[i] = da[i] == 1 ? 0 : sa;
    bc->stride2[i] = db[i] == 1 ? 0 : sb;
    sa *= da[i];
    sb *= db[i];
  }
  return true;
}

Status OptionalBias(LoadCtx& c, int op, int index, int32_t n, TensorType type, const char* what) {
  if (!HasInput(c, op, index)) return Status::kOk;
  TensorDesc b;
  const Status st = Input(c, op, index, &b);
  if (st != Status::kOk) return st;
  const uintptr_t align = ElementBytes(type);
  if (b.type != type || static_cast<int32_t>(b.count) != n ||
      (b.is_const && (reinterpret_cast<uintptr_t>(c.s->blob.data + b.data_pos) & (align - 1)) != 0))
    return Fail(c, op, what);
  return Status::kOk;
}

}  // namespace hil::agent::engine
