#include "hil/engine/interpreter.h"

#include <cmath>
#include <cstring>
#include <new>
#include <type_traits>

#include "flatbuffer_reader.h"
#include "kernels/add_s8.h"
#include "kernels/average_pool2d_s8.h"
#include "kernels/concatenation_s8.h"
#include "kernels/conv2d_s8.h"
#include "kernels/depthwise_conv2d_s8.h"
#include "kernels/dequantize_s8.h"
#include "kernels/fully_connected_s8.h"
#include "kernels/logistic_s8.h"
#include "kernels/max_pool2d_s8.h"
#include "kernels/mean_s8.h"
#include "kernels/mul_s8.h"
#include "kernels/pad_s8.h"
#include "kernels/quant.h"
#include "kernels/quantize_s8.h"
#include "kernels/relu6_s8.h"
#include "kernels/relu_s8.h"
#include "kernels/reshape_s8.h"
#include "kernels/softmax_s8.h"
#include "kernels/tanh_s8.h"
#include "planner.h"

namespace hil::agent::engine {

namespace {

constexpr uint32_t kInModel = 0x80000000u;  // tensor location flag: offset into the model blob
constexpr uint32_t kNoLoc = 0xFFFFFFFFu;
constexpr uint32_t kAlign = 8;
constexpr uint32_t kMaxTensors = 4096;
constexpr int kMaxOpInputs = 16;

// TFLite schema.fbs field ids (vtable slots).
enum : int { kModelVersion = 0, kModelOpcodes = 1, kModelSubgraphs = 2, kModelBuffers = 4 };
enum : int { kOpcDeprecatedCode = 0, kOpcCustomCode = 1, kOpcVersion = 2, kOpcBuiltinCode = 3 };
enum : int { kSgTensors = 0, kSgInputs = 1, kSgOutputs = 2, kSgOperators = 3 };
enum : int { kTnShape = 0, kTnType = 1, kTnBuffer = 2, kTnQuant = 4, kTnVariable = 5, kTnSparsity = 6 };
enum : int { kQpScale = 2, kQpZeroPoint = 3, kQpDetailsType = 4, kQpQuantDim = 6 };
enum : int { kOpOpcodeIndex = 0, kOpInputs = 1, kOpOutputs = 2, kOpOptionsType = 3, kOpOptions = 4 };
enum : int { kBufData = 0, kBufOffset = 1, kBufSize = 2 };
// BuiltinOptions union tags.
enum : uint8_t {
  kOptConv = 1, kOptDepthwise = 2, kOptPool = 5, kOptFullyConnected = 8, kOptSoftmax = 9,
  kOptConcatenation = 10, kOptAdd = 11, kOptReshape = 17, kOptMul = 21, kOptPad = 22, kOptReducer = 27,
};
// BuiltinOperator codes.
enum : uint16_t {
  kAdd = 0, kAveragePool2d = 1, kConcatenation = 2, kConv2d = 3, kDepthwiseConv2d = 4, kDequantize = 6,
  kFullyConnected = 9, kLogistic = 14, kMaxPool2d = 17, kMul = 18, kRelu = 19, kRelu6 = 21, kReshape = 22,
  kSoftmax = 25, kTanh = 28, kPad = 34, kMean = 40, kQuantize = 114,
};

// ---- small string builder for ErrorDetail (no printf on the target) ----
class Detail {
 public:
  Detail(char* buf, size_t cap) : buf_(buf), cap_(cap) { buf_[0] = '\0'; }
  Detail& operator<<(const char* s) {
    while (*s != '\0' && len_ + 1 < cap_) buf_[len_++] = *s++;
    buf_[len_] = '\0';
    return *this;
  }
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  Detail& operator<<(T v) {
    return Num(static_cast<int64_t>(v));
  }
  void Clear() {
    len_ = 0;
    buf_[0] = '\0';
  }

 private:
  // Error text only: kept out of line so -O3 does not copy it into every caller (ParseTensor, Load).
  __attribute__((noinline)) Detail& Num(int64_t v) {
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
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

// A parsed, verified tensor description (re-derived from the blob when needed; not stored).
struct TensorDesc {
  int index = -1;
  TensorType type = TensorType::kInt8;
  int rank = 0;
  int32_t dims[kMaxDims] = {};
  uint32_t count = 1;
  uint32_t bytes = 0;
  bool is_const = false;
  uint32_t data_pos = 0;  // blob position of constant data
  uint32_t n_scales = 0;
  fb::Vector scales;
  fb::Vector zero_points;
  int32_t quant_dim = 0;
  float scale() const { return n_scales > 0 ? scales.F32(0) : 0.0f; }
  int32_t zero_point() const { return zero_points.size() > 0 ? static_cast<int32_t>(zero_points.I64(0)) : 0; }
  int32_t dim(int i) const { return dims[i]; }
};

uint32_t ElementBytes(TensorType t) {
  switch (t) {
    case TensorType::kFloat32: return 4;
    case TensorType::kInt32: return 4;
    case TensorType::kUint8: return 1;
    case TensorType::kInt64: return 8;
    case TensorType::kInt16: return 2;
    case TensorType::kInt8: return 1;
  }
  return 0;
}

enum class Kind : uint8_t {
  kConv, kDepthwise, kFullyConnected, kAvgPool, kMaxPool, kAdd, kMul, kReshape, kSoftmax, kQuantize,
  kDequantize, kLogistic, kTanh, kConcat, kMean, kPad, kRelu, kRelu6,
};

struct OpRec {
  uint16_t opcode = 0;
  Kind kind = Kind::kReshape;
  uint8_t n_in = 0;
  uint8_t n_out = 0;
  uint32_t in_pos = 0;   // blob position of the op's int32 input indices
  uint32_t out_pos = 0;  // ... output indices
  uint32_t params = 0;   // arena offset of the kernel's parameters
  uint32_t scratch_bytes = 0;
  uint32_t scratch = kNoLoc;  // arena offset of its scratch
};

struct EngineState {
  bool loaded = false;
  fb::Blob blob;
  fb::Vector tensors;
  fb::Vector buffers;
  uint8_t* arena = nullptr;  // aligned base
  size_t arena_bytes = 0;    // from the aligned base
  size_t used = 0;           // including the alignment skip
  uint32_t n_tensors = 0;
  uint32_t* locs = nullptr;  // per tensor, in the arena
  int n_ops = 0;
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
  const int32_t* InI32(const OpRec& r, int i) const { return reinterpret_cast<const int32_t*>(In(r, i)); }
  int8_t* OutS8(const OpRec& r, int i) const { return reinterpret_cast<int8_t*>(Out(r, i)); }
  template <typename T>
  const T* Params(const OpRec& r) const {
    return reinterpret_cast<const T*>(arena + r.params);
  }
};

// Verifies tensor `index` of the subgraph: shape, type, buffer and quantisation.
Status ParseTensor(const EngineState& s, int32_t index, TensorDesc* d, Detail& err) {
  if (index < 0 || static_cast<uint32_t>(index) >= s.n_tensors) {
    err << "tensor index " << index << " out of range";
    return Status::kModelInvalid;
  }
  d->index = index;
  bool bad = false;
  const fb::Table t = fb::Table::TableElem(&s.blob, s.tensors, static_cast<uint32_t>(index));
  if (!t.valid()) {
    err << "tensor " << index << ": bad table";
    return Status::kModelInvalid;
  }
  const fb::Vector shape = t.Vec(kTnShape, 4, &bad);
  const uint8_t type = t.U8(kTnType, 0, &bad);
  const uint32_t buffer = t.U32(kTnBuffer, 0, &bad);
  const fb::Table q = t.SubTable(kTnQuant, &bad);
  const bool variable = t.U8(kTnVariable, 0, &bad) != 0;
  uint32_t sparsity_pos;
  const bool sparse = t.FieldPos(kTnSparsity, 4, &sparsity_pos, &bad);
  if (bad) {
    err << "tensor " << index << ": malformed field";
    return Status::kModelInvalid;
  }
  if (variable || sparse) {
    err << "tensor " << index << ": variable or sparse tensors are not supported";
    return Status::kModelInvalid;
  }
  switch (type) {
    case 0: d->type = TensorType::kFloat32; break;
    case 2: d->type = TensorType::kInt32; break;
    case 3: d->type = TensorType::kUint8; break;
    case 4: d->type = TensorType::kInt64; break;
    case 7: d->type = TensorType::kInt16; break;
    case 9: d->type = TensorType::kInt8; break;
    default:
      err << "tensor " << index << ": unsupported type " << static_cast<int>(type);
      return Status::kModelInvalid;
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
  // Buffer.
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
  if (ext_offset != 0) {
    err << "buffer " << buffer << ": external (offset) buffers are not supported";
    return Status::kModelInvalid;
  }
  d->is_const = data.valid() && data.size() > 0;
  d->data_pos = d->is_const ? data.data_pos() : 0;
  if (d->is_const && data.size() != d->bytes) {
    err << "tensor " << index << ": buffer holds " << data.size() << " bytes, shape needs " << d->bytes;
    return Status::kModelInvalid;
  }
  // Quantisation.
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
      return Status::kModelInvalid;
    }
    d->n_scales = d->scales.valid() ? d->scales.size() : 0;
    const uint32_t n_zp = d->zero_points.valid() ? d->zero_points.size() : 0;
    if (n_zp != 0 && n_zp != d->n_scales) {
      err << "tensor " << index << ": " << d->n_scales << " scales but " << n_zp << " zero points";
      return Status::kModelInvalid;
    }
    if (d->n_scales > 1) {
      if (d->quant_dim < 0 || d->quant_dim >= d->rank ||
          static_cast<uint32_t>(d->dims[d->quant_dim]) != d->n_scales) {
        err << "tensor " << index << ": per-channel quantization does not match dimension " << d->quant_dim;
        return Status::kModelInvalid;
      }
    }
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

// ---- Load context shared by the prepare functions ----
struct LoadCtx {
  EngineState* s;
  Detail* err;
  size_t persist = 0;  // bytes used from the arena base
  bool overflow = false;

  // Reserves `bytes` (4-aligned); returns its offset, or kNoLoc when the arena is too small (the need
  // is still counted so the shortfall can be reported).
  uint32_t Alloc(size_t bytes) {
    const size_t off = (persist + 3) & ~static_cast<size_t>(3);
    persist = off + bytes;
    if (persist > s->arena_bytes || persist > 0x7FFFFFFF) {
      overflow = true;
      return kNoLoc;
    }
    return static_cast<uint32_t>(off);
  }
  // Copies operator `op`'s kernel parameters into the arena and records its scratch need.
  template <typename T>
  Status Store(int op, const T& params, uint32_t scratch_bytes = 0) {
    OpRec& rec = s->ops[op];
    rec.scratch_bytes = scratch_bytes;
    rec.params = Alloc(sizeof(T));
    if (rec.params != kNoLoc) std::memcpy(s->arena + rec.params, &params, sizeof(T));
    return Status::kOk;
  }
};

constexpr char kNeedsInt8[] = "needs int8 quantized tensors";

Status Fail(LoadCtx& c, int op, const char* what) {
  *c.err << OpcodeName(c.s->ops[op].opcode) << " at operator " << op << ": " << what;
  return Status::kModelInvalid;
}

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

// An int8 activation with per-tensor quantization.
bool IsQuantInt8(const TensorDesc& d) {
  if (d.type != TensorType::kInt8 || d.n_scales < 1) return false;
  const float sc = d.scale();
  if (!(sc > 0.0f)) return false;
  const int64_t zp = d.zero_points.size() > 0 ? d.zero_points.I64(0) : 0;
  return zp >= -128 && zp <= 127;
}

bool SameQuantization(const TensorDesc& a, const TensorDesc& b) {
  return a.scale() == b.scale() && a.zero_point() == b.zero_point();
}

// Fetches input 0, input 1 when `in1` is not null, and output 0, stopping at the first that fails.
Status Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out) {
  Status st = Input(c, op, 0, in0);
  if (st == Status::kOk && in1 != nullptr) st = Input(c, op, 1, in1);
  if (st == Status::kOk) st = Output(c, op, 0, out);
  return st;
}

// Operands, then kNeedsInt8 unless input 0, output 0 and input 1 (when given and `in1_int8`; not
// the constant axes or paddings of MEAN and PAD) are int8 with per-tensor quantization.
Status Int8Operands(LoadCtx& c, int op, TensorDesc* in0, TensorDesc* in1, TensorDesc* out, bool in1_int8 = true) {
  const Status st = Operands(c, op, in0, in1, out);
  if (st != Status::kOk) return st;
  if (!IsQuantInt8(*in0) || !IsQuantInt8(*out) || (in1 != nullptr && in1_int8 && !IsQuantInt8(*in1)))
    return Fail(c, op, kNeedsInt8);
  return Status::kOk;
}

// Input 0 and output 0 of an element-wise operator: int8 quantized and of one size, else kNeedsInt8.
Status SameSizeInt8Operands(LoadCtx& c, int op, TensorDesc* in, TensorDesc* out) {
  const Status st = Int8Operands(c, op, in, nullptr, out);
  if (st != Status::kOk || in->count == out->count) return st;
  return Fail(c, op, kNeedsInt8);
}

// The operator's options table (absent, or of union type `expected`).
Status OptionsTable(LoadCtx& c, int op, uint8_t expected, fb::Table* opts, fb::Table* op_table) {
  bool bad = false;
  const uint8_t type = op_table->U8(kOpOptionsType, 0, &bad);
  *opts = op_table->SubTable(kOpOptions, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (opts->valid() && type != expected) return Fail(c, op, "options of the wrong type");
  return Status::kOk;
}

// OptionsTable, and the fused activation at field `act_field` of it.
Status ActivationOptions(LoadCtx& c, int op, fb::Table& op_table, uint8_t expected, int act_field, fb::Table* opts,
                         int* act) {
  const Status st = OptionsTable(c, op, expected, opts, &op_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  *act = opts->U8(act_field, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  return Status::kOk;
}

// TFLite's CalculateActivationRangeQuantized for int8 outputs.
Status ActivationRange(LoadCtx& c, int op, int act, const TensorDesc& out, int32_t* lo, int32_t* hi) {
  const float scale = out.scale();
  const int32_t zp = out.zero_point();
  auto quantize = [&](float f) -> int32_t {
    float r = std::round(f / scale);
    if (r > 1e6f) r = 1e6f;
    if (r < -1e6f) r = -1e6f;
    return zp + static_cast<int32_t>(r);
  };
  *lo = -128;
  *hi = 127;
  switch (act) {
    case 0: break;
    case 1: *lo = quantize(0.0f) > -128 ? quantize(0.0f) : -128; break;
    case 2:
      *lo = quantize(-1.0f) > -128 ? quantize(-1.0f) : -128;
      *hi = quantize(1.0f) < 127 ? quantize(1.0f) : 127;
      break;
    case 3:
      *lo = quantize(0.0f) > -128 ? quantize(0.0f) : -128;
      *hi = quantize(6.0f) < 127 ? quantize(6.0f) : 127;
      break;
    default:
      *c.err << OpcodeName(c.s->ops[op].opcode) << " at operator " << op << ": fused activation " << act
             << " is not supported";
      return Status::kUnsupportedOperator;
  }
  return Status::kOk;
}

// TFLite's ComputeOutSize / ComputePaddingWithOffset. padding: 0 SAME, 1 VALID.
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

// The optional bias (input 2): int32 of `n` elements, 4-byte aligned when constant (it is read in
// place); else fails with `what`.
Status OptionalBias(LoadCtx& c, int op, int32_t n, const char* what) {
  if (c.s->InIndex(c.s->ops[op], 2) < 0) return Status::kOk;
  TensorDesc b;
  const Status st = Input(c, op, 2, &b);
  if (st != Status::kOk) return st;
  if (b.type != TensorType::kInt32 || static_cast<int32_t>(b.count) != n ||
      (b.is_const && (reinterpret_cast<uintptr_t>(c.s->blob.data + b.data_pos) & 3) != 0))
    return Fail(c, op, what);
  return Status::kOk;
}

// ---- CONV_2D / DEPTHWISE_CONV_2D ----
Status PerChannel(LoadCtx& c, int op, const TensorDesc& in, const TensorDesc& filter, const TensorDesc& out,
                  int32_t channels, int channel_dim) {
  if (filter.n_scales != 1 && !(static_cast<int32_t>(filter.n_scales) == channels && filter.quant_dim == channel_dim)) {
    return Fail(c, op, "filter scales do not match the output channels");
  }
  for (uint32_t i = 0; i < filter.zero_points.size(); ++i) {
    if (filter.zero_points.I64(i) != 0) return Fail(c, op, "filter zero point is not 0");
  }
  const uint32_t mult = c.Alloc(static_cast<size_t>(channels) * 8);
  if (mult == kNoLoc) return Status::kOk;
  int32_t* m = reinterpret_cast<int32_t*>(c.s->arena + mult);
  int32_t* sh = m + channels;
  for (int32_t i = 0; i < channels; ++i) {
    const float fs = filter.scales.F32(filter.n_scales == 1 ? 0 : static_cast<uint32_t>(i));
    const double eff = static_cast<double>(in.scale()) * static_cast<double>(fs) / static_cast<double>(out.scale());
    int shift = 0;
    int32_t q = 0;
    if (!QuantizeMultiplier(eff, &q, &shift)) return Fail(c, op, "invalid requantization scale");
    std::memcpy(&m[i], &q, 4);
    const int32_t s32 = shift;
    std::memcpy(&sh[i], &s32, 4);
  }
  return Status::kOk;
}

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

// Reads the options of CONV_2D or DEPTHWISE_CONV_2D (dilation_w and dilation_h at `dilation_field`
// and the next) and fetches the int8 input, filter and output, all 4-D.
Status WindowedOperands(LoadCtx& c, int op, fb::Table& opt_table, uint8_t options_type, int act_field,
                        int dilation_field, WindowOptions* w, TensorDesc* in, TensorDesc* f, TensorDesc* out) {
  Status st = ReadWindowOptions(c, op, opt_table, options_type, act_field, dilation_field, 1, w);
  if (st != Status::kOk || (st = Operands(c, op, in, f, out)) != Status::kOk) return st;
  if (!IsQuantInt8(*in) || !IsQuantInt8(*out) || f->type != TensorType::kInt8 || f->n_scales < 1)
    return Fail(c, op, "needs int8 quantized input, filter and output");
  if (in->rank != 4 || f->rank != 4 || out->rank != 4) return Fail(c, op, "needs 4-D tensors");
  return Status::kOk;
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

// An operator's scratch-size functions per variant (null where the variant is not built or the op
// has none).
template <typename P>
struct ScratchFns {
  size_t (*ref)(const P&);
  size_t (*dsp)(const P&);
  size_t (*mve)(const P&);
};
constexpr ScratchFns<Conv2dParams> kConvScratch{Conv2dS8ScratchBytes, HIL_IF_DSP(Conv2dS8DspScratchBytes),
                                                HIL_IF_MVE(Conv2dS8MveScratchBytes)};
constexpr ScratchFns<DepthwiseConv2dParams> kDepthwiseScratch{DepthwiseConv2dS8ScratchBytes,
                                                              HIL_IF_DSP(DepthwiseConv2dS8DspScratchBytes),
                                                              HIL_IF_MVE(DepthwiseConv2dS8MveScratchBytes)};
constexpr ScratchFns<FullyConnectedParams> kFullyConnectedScratch{FullyConnectedS8ScratchBytes,
                                                                  HIL_IF_DSP(FullyConnectedS8DspScratchBytes),
                                                                  HIL_IF_MVE(FullyConnectedS8MveScratchBytes)};
constexpr ScratchFns<PoolParams> kAvgPoolScratch{AveragePool2dS8ScratchBytes,
                                                 HIL_IF_DSP(AveragePool2dS8DspScratchBytes),
                                                 HIL_IF_MVE(AveragePool2dS8MveScratchBytes)};
constexpr ScratchFns<AddParams> kAddScratch{AddS8ScratchBytes, HIL_IF_DSP(AddS8DspScratchBytes),
                                            HIL_IF_MVE(AddS8MveScratchBytes)};

// Scratch of an operator for the selected kernel variant only (SetKernelVariant re-plans).
template <typename P>
uint32_t ScratchBytesOf(const P& p, KernelVariant v, const ScratchFns<P>& fns) {
  return static_cast<uint32_t>(PickVariant(v, fns.ref, fns.dsp, fns.mve)(p));
}

// ---- eval functions by kernel signature (one instance per kernel, as a hand-written wrapper) ----
// The kernels that read one int8 input (and their scratch: null when the op has none).
template <class P, Status (*Kernel)(const P&, const int8_t*, void*, int8_t*)>
Status EvalUnary(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<P>(r), s.InS8(r, 0), s.Resolve(r.scratch), s.OutS8(r, 0));
}
// ADD and MUL.
template <class P, Status (*Kernel)(const P&, const int8_t*, const int8_t*, void*, int8_t*)>
Status EvalBinary(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<P>(r), s.InS8(r, 0), s.InS8(r, 1), s.Resolve(r.scratch), s.OutS8(r, 0));
}
// CONV_2D and DEPTHWISE_CONV_2D: the params are followed by int32 multiplier[out_c], int32 shift[out_c].
template <class P, Status (*Kernel)(const P&, const QuantParams&, const int8_t*, const int8_t*, const int32_t*,
                                    void*, int8_t*)>
Status EvalPerChannel(const EngineState& s, const OpRec& r) {
  const P* p = s.Params<P>(r);
  const int32_t* m = reinterpret_cast<const int32_t*>(p + 1);
  const QuantParams q{m, m + p->out_c};
  return Kernel(*p, q, s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch), s.OutS8(r, 0));
}
template <Status (*Kernel)(const FullyConnectedParams&, const int8_t*, const int8_t*, const int32_t*, void*, int8_t*)>
Status EvalFullyConnected(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<FullyConnectedParams>(r), s.InS8(r, 0), s.InS8(r, 1), s.InI32(r, 2), s.Resolve(r.scratch),
                s.OutS8(r, 0));
}

// The part CONV_2D and DEPTHWISE_CONV_2D share once the kernel's params know their input, filter
// and channel shapes: the output window from padding, strides and dilation, the output shape check,
// the bias, the zero-point offsets, the fused activation, then the per-channel multipliers (filter
// channel axis `channel_axis`). Stores the op's params and its scratch size.
template <class P>
Status FinishWindowed(LoadCtx& c, int op, P& p, const ScratchFns<P>& scratch, const WindowOptions& w,
                      const TensorDesc& in, const TensorDesc& f, const TensorDesc& out, int channel_axis) {
  static_assert(sizeof(P) % 4 == 0, "the per-channel multipliers follow the params (EvalPerChannel)");
  p.stride_h = w.stride_h;
  p.stride_w = w.stride_w;
  p.dilation_h = w.pair_h;
  p.dilation_w = w.pair_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, p.dilation_h, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, p.dilation_w, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or dilation");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.out_c)) return Fail(c, op, "output shape does not match");
  Status st = OptionalBias(c, op, p.out_c, "bias must be int32 of out channels, 4-byte aligned");
  if (st != Status::kOk) return st;
  p.input_offset = -in.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  c.Store(op, p, ScratchBytesOf(p, c.s->variant, scratch));
  return PerChannel(c, op, in, f, out, p.out_c, channel_axis);
}

Status PrepareConv(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, f, out;
  // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused activation 3, dilation_w 4, dilation_h 5.
  Status st = WindowedOperands(c, op, opt_table, kOptConv, /*act_field=*/3, /*dilation_field=*/4, &w, &in, &f, &out);
  if (st != Status::kOk) return st;
  Conv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.out_c = f.dims[0]; p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.filter_in_c = f.dims[3];
  if (p.in_c % p.filter_in_c != 0 || p.out_c % (p.in_c / p.filter_in_c) != 0) return Fail(c, op, "bad channel groups");
  return FinishWindowed(c, op, p, kConvScratch, w, in, f, out, 0);
}

Status PrepareDepthwise(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, f, out;
  // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3 (derived from the
  // shapes instead), fused activation 4, dilation_w 5, dilation_h 6.
  Status st = WindowedOperands(c, op, opt_table, kOptDepthwise, /*act_field=*/4, /*dilation_field=*/5, &w, &in, &f, &out);
  if (st != Status::kOk) return st;
  if (f.dims[0] != 1) return Fail(c, op, "needs 4-D tensors");
  DepthwiseConv2dParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.in_c = in.dims[3];
  p.filter_h = f.dims[1]; p.filter_w = f.dims[2]; p.out_c = f.dims[3];
  if (p.out_c % p.in_c != 0) return Fail(c, op, "output channels are not a multiple of input channels");
  p.depth_multiplier = p.out_c / p.in_c;
  return FinishWindowed(c, op, p, kDepthwiseScratch, w, in, f, out, 3);
}

// ---- FULLY_CONNECTED ----
Status PrepareFullyConnected(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  int act;
  // FullyConnectedOptions: fused activation 0, weights_format 1.
  Status st = ActivationOptions(c, op, opt_table, kOptFullyConnected, /*act_field=*/0, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  const int weights_format = o.U8(1, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (weights_format != 0) return Fail(c, op, "shuffled weights are not supported");
  TensorDesc in, f, out;
  if ((st = Int8Operands(c, op, &in, &f, &out)) != Status::kOk) return st;
  if (f.n_scales != 1) return Fail(c, op, "per-channel weights are not supported");
  if (f.rank != 2) return Fail(c, op, "weights must be 2-D");
  FullyConnectedParams p{};
  p.out_depth = f.dims[0];
  p.accum_depth = f.dims[1];
  if (out.count % static_cast<uint32_t>(p.out_depth) != 0) return Fail(c, op, "output size does not match weights");
  p.batches = static_cast<int32_t>(out.count / static_cast<uint32_t>(p.out_depth));
  if (static_cast<uint64_t>(p.batches) * static_cast<uint64_t>(p.accum_depth) != in.count)
    return Fail(c, op, "input size does not match weights");
  if ((st = OptionalBias(c, op, p.out_depth, "bias must be int32 of out depth, 4-byte aligned")) != Status::kOk)
    return st;
  p.input_offset = -in.zero_point();
  p.filter_offset = -f.zero_point();
  p.output_offset = out.zero_point();
  // TFLite multiplies the two float scales in float before widening (GetQuantizedConvolutionMultipler).
  const float product = in.scale() * f.scale();
  const double real = static_cast<double>(product) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid requantization scale");
  p.shift = shift;
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return c.Store(op, p, ScratchBytesOf(p, c.s->variant, kFullyConnectedScratch));
}

// ---- AVERAGE_POOL_2D / MAX_POOL_2D ----
Status PreparePool(LoadCtx& c, int op, fb::Table& opt_table) {
  WindowOptions w;
  TensorDesc in, out;
  // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused activation 5.
  Status st = ReadWindowOptions(c, op, opt_table, kOptPool, /*act_field=*/5, /*pair_field=*/3, 0, &w);
  if (st != Status::kOk || (st = Int8Operands(c, op, &in, nullptr, &out)) != Status::kOk) return st;
  if (!SameQuantization(in, out)) return Fail(c, op, "input and output quantization differ");
  if (in.rank != 4 || out.rank != 4) return Fail(c, op, "needs 4-D tensors");
  PoolParams p{};
  p.batches = in.dims[0]; p.in_h = in.dims[1]; p.in_w = in.dims[2]; p.channels = in.dims[3];
  p.filter_h = w.pair_h; p.filter_w = w.pair_w; p.stride_h = w.stride_h; p.stride_w = w.stride_w;
  if (!Window(w.padding, p.in_h, p.filter_h, p.stride_h, 1, &p.out_h, &p.pad_h) ||
      !Window(w.padding, p.in_w, p.filter_w, p.stride_w, 1, &p.out_w, &p.pad_w))
    return Fail(c, op, "bad padding, stride or filter");
  if (!Is4d(out, p.batches, p.out_h, p.out_w, p.channels)) return Fail(c, op, "output shape does not match");
  if ((st = ActivationRange(c, op, w.act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return c.Store(op, p, c.s->ops[op].kind == Kind::kAvgPool ? ScratchBytesOf(p, c.s->variant, kAvgPoolScratch)
                                                            : static_cast<uint32_t>(MaxPool2dS8ScratchBytes(p)));
}

// ---- ADD / MUL (with broadcasting) ----
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

// The fused activation (field 0 of AddOptions and MulOptions) and the two int8 inputs that broadcast
// to the int8 output.
Status BroadcastOperands(LoadCtx& c, int op, fb::Table& opt_table, uint8_t options_type, int* act, TensorDesc* a,
                         TensorDesc* b, TensorDesc* out, Broadcast5* shape) {
  fb::Table o;
  Status st = ActivationOptions(c, op, opt_table, options_type, /*act_field=*/0, &o, act);
  if (st != Status::kOk || (st = Int8Operands(c, op, a, b, out)) != Status::kOk) return st;
  if (!MakeBroadcast(*a, *b, *out, shape)) return Fail(c, op, "shapes do not broadcast");
  return Status::kOk;
}

Status PrepareAdd(LoadCtx& c, int op, fb::Table& opt_table) {
  int act;
  TensorDesc a, b, out;
  AddParams p{};
  Status st = BroadcastOperands(c, op, opt_table, kOptAdd, &act, &a, &b, &out, &p.shape);
  if (st != Status::kOk) return st;
  p.left_shift = 20;
  const double twice_max = 2.0 * static_cast<double>(a.scale() > b.scale() ? a.scale() : b.scale());
  const double m1 = static_cast<double>(a.scale()) / twice_max;
  const double m2 = static_cast<double>(b.scale()) / twice_max;
  const double mo = twice_max / ((1 << p.left_shift) * static_cast<double>(out.scale()));
  int s1 = 0, s2 = 0, so = 0;
  if (!QuantizeMultiplier(m1, &p.input1_multiplier, &s1) || !QuantizeMultiplier(m2, &p.input2_multiplier, &s2) ||
      !QuantizeMultiplier(mo, &p.output_multiplier, &so) || s1 > 0 || s2 > 0 || so > 0 || !(mo < 1.0))
    return Fail(c, op, "scales out of the supported range");
  p.input1_shift = s1; p.input2_shift = s2; p.output_shift = so;
  p.input1_offset = -a.zero_point();
  p.input2_offset = -b.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return c.Store(op, p, ScratchBytesOf(p, c.s->variant, kAddScratch));
}

Status PrepareMul(LoadCtx& c, int op, fb::Table& opt_table) {
  int act;
  TensorDesc a, b, out;
  MulParams p{};
  Status st = BroadcastOperands(c, op, opt_table, kOptMul, &act, &a, &b, &out, &p.shape);
  if (st != Status::kOk) return st;
  const double real = static_cast<double>(a.scale()) * static_cast<double>(b.scale()) / static_cast<double>(out.scale());
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.output_multiplier, &shift)) return Fail(c, op, "invalid scales");
  p.output_shift = shift;
  p.input1_offset = -a.zero_point();
  p.input2_offset = -b.zero_point();
  p.output_offset = out.zero_point();
  if ((st = ActivationRange(c, op, act, out, &p.act_min, &p.act_max)) != Status::kOk) return st;
  return c.Store(op, p);
}

// ---- RESHAPE ----
Status PrepareReshape(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (in.type != out.type || in.bytes != out.bytes) return Fail(c, op, "input and output sizes differ");
  return c.Store(op, ReshapeParams{in.bytes});
}

// ---- SOFTMAX ----
Status PrepareSoftmax(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptSoftmax, &o, &opt_table);
  if (st != Status::kOk) return st;
  bool bad = false;
  const float beta = o.F32(0, 0.0f, &bad);
  if (bad) return Fail(c, op, "malformed options");
  TensorDesc in, out;
  if ((st = Int8Operands(c, op, &in, nullptr, &out)) != Status::kOk) return st;
  if (out.zero_point() != -128 || out.scale() != 1.0f / 256) return Fail(c, op, "output must have scale 1/256, zero point -128");
  if (in.count != out.count || in.rank < 1) return Fail(c, op, "input and output sizes differ");
  SoftmaxParams p{};
  p.depth = in.dims[in.rank - 1];
  p.outer = static_cast<int32_t>(in.count / static_cast<uint32_t>(p.depth));
  constexpr int kScaledDiffIntegerBits = 5;
  double real = static_cast<double>(beta) * static_cast<double>(in.scale()) * static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
  if (real > 2147483647.0) real = 2147483647.0;
  int shift = 0;
  if (!QuantizeMultiplier(real, &p.input_multiplier, &shift) || shift < 0) return Fail(c, op, "beta x scale out of range");
  p.input_left_shift = shift;
  p.diff_min = -CalculateInputRadius(kScaledDiffIntegerBits, shift);
  return c.Store(op, p);
}

// ---- QUANTIZE / DEQUANTIZE ----
struct QuantizeOp {
  QuantizeParams p;
  int32_t from_float;
};
Status PrepareQuantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (!IsQuantInt8(out) || in.count != out.count) return Fail(c, op, "needs an int8 quantized output of the input's size");
  QuantizeOp k{};
  QuantizeParams& p = k.p;
  p.count = static_cast<int32_t>(in.count);
  p.output_zero_point = out.zero_point();
  p.output_scale = out.scale();
  if (in.type == TensorType::kInt8) {
    if (!IsQuantInt8(in)) return Fail(c, op, "input not quantized");
    p.input_zero_point = in.zero_point();
    const double real = static_cast<double>(in.scale()) / static_cast<double>(out.scale());
    int shift = 0;
    if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid scales");
    p.shift = shift;
  } else if (in.type == TensorType::kFloat32) {
    k.from_float = 1;
  } else {
    return Fail(c, op, "input must be float32 or int8");
  }
  return c.Store(op, k);
}
Status EvalQuantize(const EngineState& s, const OpRec& r) {
  const QuantizeOp& k = *s.Params<QuantizeOp>(r);
  if (k.from_float != 0)
    return QuantizeF32ToS8(k.p, reinterpret_cast<const float*>(s.In(r, 0)), nullptr, s.OutS8(r, 0));
  return RequantizeS8(k.p, s.InS8(r, 0), nullptr, s.OutS8(r, 0));
}

Status PrepareDequantize(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = Operands(c, op, &in, nullptr, &out);
  if (st != Status::kOk) return st;
  if (!IsQuantInt8(in) || out.type != TensorType::kFloat32 || in.count != out.count)
    return Fail(c, op, "needs int8 input and float32 output of one size");
  return c.Store(op, DequantizeParams{static_cast<int32_t>(in.count), in.zero_point(), in.scale()});
}
Status EvalDequantize(const EngineState& s, const OpRec& r) {
  return DequantizeS8(*s.Params<DequantizeParams>(r), s.InS8(r, 0), nullptr, reinterpret_cast<float*>(s.Out(r, 0)));
}

// ---- LOGISTIC / TANH ----
Status PrepareSigmoid(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameSizeInt8Operands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  // As TFLite Micro: LOGISTIC needs output zero point -128; the kernels write Q0.8 / Q0.7 whatever the
  // output scale says.
  if (c.s->ops[op].kind == Kind::kLogistic && out.zero_point() != -128)
    return Fail(c, op, "output zero point must be -128");
  SigmoidParams p{};
  p.count = static_cast<int32_t>(in.count);
  p.input_zero_point = in.zero_point();
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(in.scale()) * static_cast<double>(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(real, &shift);
  const double qr = std::round(q * static_cast<double>(INT64_C(1) << 31));
  if (shift < -31 || shift > 30) return Fail(c, op, "input scale out of range");
  p.input_multiplier = qr >= 2147483648.0 ? INT32_MIN : static_cast<int32_t>(qr);
  p.input_left_shift = shift;
  p.input_range_radius = CalculateInputRadius(kInputIntegerBits, shift);
  return c.Store(op, p);
}

// ---- RELU / RELU6 ----
Status PrepareRelu(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, out;
  const Status st = SameSizeInt8Operands(c, op, &in, &out);
  if (st != Status::kOk) return st;
  ReluParams p{};
  p.count = static_cast<int32_t>(in.count);
  auto q = [](float x, float scale, int32_t zp) {
    float r = std::round(x / scale);
    if (r > 1e6f) r = 1e6f;
    return static_cast<int32_t>(r) + zp;
  };
  if (c.s->ops[op].kind == Kind::kRelu6) {
    // TFLite Micro's RELU6 clamps in the input's quantisation without rescaling.
    p.act_min = in.zero_point();
    p.act_max = Clamp(q(6.0f, in.scale(), in.zero_point()), -128, 127);
  } else {
    // TFLite Micro divides the float scales in float, then widens (CalculateReluOpData).
    const double real = static_cast<double>(in.scale() / out.scale());
    int shift = 0;
    if (!QuantizeMultiplier(real, &p.multiplier, &shift)) return Fail(c, op, "invalid scales");
    p.shift = shift;
    p.input_offset = in.zero_point();
    p.output_offset = out.zero_point();
    const int32_t z = q(0.0f, out.scale(), out.zero_point());
    p.act_min = z > -128 ? z : -128;
    p.act_max = 127;
  }
  return c.Store(op, p);
}

// ---- CONCATENATION ----
struct ConcatOp {
  ConcatenationParams p;
  int32_t count;
  int32_t axis_sizes[kMaxOpInputs];
};
Status PrepareConcat(LoadCtx& c, int op, fb::Table& opt_table) {
  const OpRec& r = c.s->ops[op];
  fb::Table o;
  int act;
  // ConcatenationOptions: axis 0, fused activation 1.
  Status st = ActivationOptions(c, op, opt_table, kOptConcatenation, /*act_field=*/1, &o, &act);
  if (st != Status::kOk) return st;
  bool bad = false;
  int32_t axis = o.I32(0, 0, &bad);
  if (bad) return Fail(c, op, "malformed options");
  if (act != 0) {
    *c.err << "CONCATENATION at operator " << op << ": fused activation is not supported";
    return Status::kUnsupportedOperator;
  }
  TensorDesc out;
  if ((st = Output(c, op, 0, &out)) != Status::kOk) return st;
  if (!IsQuantInt8(out)) return Fail(c, op, kNeedsInt8);
  if (axis < 0) axis += out.rank;
  if (axis < 0 || axis >= out.rank) return Fail(c, op, "axis out of range");
  if (r.n_in < 1 || r.n_in > kMaxOpInputs) return Fail(c, op, "too many inputs");
  ConcatOp k{};
  k.count = r.n_in;
  k.p.outer = 1;
  k.p.inner = 1;
  for (int i = 0; i < axis; ++i) k.p.outer *= out.dims[i];
  for (int i = axis + 1; i < out.rank; ++i) k.p.inner *= out.dims[i];
  k.p.out_axis = out.dims[axis];
  int64_t sum = 0;
  for (int i = 0; i < r.n_in; ++i) {
    TensorDesc in;
    if ((st = Input(c, op, i, &in)) != Status::kOk) return st;
    if (!IsQuantInt8(in) || in.rank != out.rank || !SameQuantization(in, out))
      return Fail(c, op, "inputs must be int8 with the output's quantization");
    for (int d = 0; d < out.rank; ++d)
      if (d != axis && in.dims[d] != out.dims[d]) return Fail(c, op, "input shapes do not match");
    k.axis_sizes[i] = in.dims[axis];
    sum += in.dims[axis];
  }
  if (sum != k.p.out_axis) return Fail(c, op, "axis sizes do not add up");
  return c.Store(op, k);
}
Status EvalConcat(const EngineState& s, const OpRec& r) {
  const ConcatOp& k = *s.Params<ConcatOp>(r);
  const int8_t* inputs[kMaxOpInputs];
  for (int i = 0; i < k.count; ++i) inputs[i] = s.InS8(r, i);
  return ConcatenationS8(k.p, k.count, inputs, k.axis_sizes, nullptr, s.OutS8(r, 0));
}

// ---- MEAN ----
Status PrepareMean(LoadCtx& c, int op, fb::Table& opt_table) {
  fb::Table o;
  Status st = OptionsTable(c, op, kOptReducer, &o, &opt_table);
  TensorDesc in, axes, out;
  if (st != Status::kOk || (st = Int8Operands(c, op, &in, &axes, &out, /*in1_int8=*/false)) != Status::kOk)
    return st;
  if (axes.type != TensorType::kInt32 || !axes.is_const || axes.count > 8) return Fail(c, op, "axes must be constant int32");
  MeanParams p{};
  for (int i = 0; i < 5; ++i) p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) p.in_dims[5 - in.rank + i] = in.dims[i];
  for (uint32_t i = 0; i < axes.count; ++i) {
    int32_t a = fb::LoadI32(c.s->blob.data + axes.data_pos + 4 * i);
    if (a < 0) a += in.rank;
    if (a < 0 || a >= in.rank) return Fail(c, op, "axis out of range");
    p.reduce[5 - in.rank + a] = 1;
  }
  uint32_t out_count = 1;
  for (int i = 0; i < 5; ++i)
    if (!p.reduce[i]) out_count *= static_cast<uint32_t>(p.in_dims[i]);
  if (out_count != out.count) return Fail(c, op, "output size does not match");
  p.output_zero_point = out.zero_point();
  p.same_quantization = SameQuantization(in, out);
  p.scale = in.scale() / out.scale();
  p.bias = static_cast<float>(-in.zero_point()) * p.scale;
  if (!std::isfinite(p.scale) || !std::isfinite(p.bias) || std::fabs(p.scale) > 1e6f)
    return Fail(c, op, "scales out of the supported range");
  return c.Store(op, p, static_cast<uint32_t>(MeanS8ScratchBytes(p)));
}

// ---- PAD ----
Status PreparePad(LoadCtx& c, int op, fb::Table&) {
  TensorDesc in, pads, out;
  const Status st = Int8Operands(c, op, &in, &pads, &out, /*in1_int8=*/false);
  if (st != Status::kOk) return st;
  if (in.rank != out.rank) return Fail(c, op, kNeedsInt8);
  if (!SameQuantization(in, out)) return Fail(c, op, "quantization differs");
  if (pads.type != TensorType::kInt32 || !pads.is_const || pads.count != static_cast<uint32_t>(2 * in.rank))
    return Fail(c, op, "paddings must be constant int32 [rank, 2]");
  PadParams p{};
  for (int i = 0; i < 5; ++i) p.in_dims[i] = 1;
  for (int i = 0; i < in.rank; ++i) {
    const int d = 5 - in.rank + i;
    p.in_dims[d] = in.dims[i];
    p.before[d] = fb::LoadI32(c.s->blob.data + pads.data_pos + 8 * i);
    p.after[d] = fb::LoadI32(c.s->blob.data + pads.data_pos + 8 * i + 4);
    if (p.before[d] < 0 || p.after[d] < 0 ||
        static_cast<int64_t>(p.before[d]) + in.dims[i] + p.after[d] != out.dims[i])
      return Fail(c, op, "paddings do not match the output shape");
  }
  p.pad_value = out.zero_point();
  return c.Store(op, p);
}

// ---- the op table: one line per operator ----
using EvalFn = Status (*)(const EngineState&, const OpRec&);
struct OpEntry {
  uint16_t opcode;
  Kind kind;
  Status (*prepare)(LoadCtx&, int, fb::Table&);
  EvalFn eval;                // reference kernel
  EvalFn eval_dsp = nullptr;  // optimised variants: null where not built or the op has none
  EvalFn eval_mve = nullptr;
  EvalFn For(KernelVariant v) const { return PickVariant(v, eval, eval_dsp, eval_mve); }
};
// (Template arguments inside HIL_IF_* are parenthesised: their commas would split the macro argument.)
const OpEntry kOps[] = {
    {kConv2d, Kind::kConv, PrepareConv, EvalPerChannel<Conv2dParams, Conv2dS8>,
     HIL_IF_DSP((EvalPerChannel<Conv2dParams, Conv2dS8Dsp>)), HIL_IF_MVE((EvalPerChannel<Conv2dParams, Conv2dS8Mve>))},
    {kDepthwiseConv2d, Kind::kDepthwise, PrepareDepthwise, EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8>,
     HIL_IF_DSP((EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8Dsp>)),
     HIL_IF_MVE((EvalPerChannel<DepthwiseConv2dParams, DepthwiseConv2dS8Mve>))},
    {kFullyConnected, Kind::kFullyConnected, PrepareFullyConnected, EvalFullyConnected<FullyConnectedS8>,
     HIL_IF_DSP(EvalFullyConnected<FullyConnectedS8Dsp>), HIL_IF_MVE(EvalFullyConnected<FullyConnectedS8Mve>)},
    {kAveragePool2d, Kind::kAvgPool, PreparePool, EvalUnary<PoolParams, AveragePool2dS8>,
     HIL_IF_DSP((EvalUnary<PoolParams, AveragePool2dS8Dsp>)), HIL_IF_MVE((EvalUnary<PoolParams, AveragePool2dS8Mve>))},
    {kMaxPool2d, Kind::kMaxPool, PreparePool, EvalUnary<PoolParams, MaxPool2dS8>},
    {kAdd, Kind::kAdd, PrepareAdd, EvalBinary<AddParams, AddS8>, HIL_IF_DSP((EvalBinary<AddParams, AddS8Dsp>)),
     HIL_IF_MVE((EvalBinary<AddParams, AddS8Mve>))},
    {kMul, Kind::kMul, PrepareMul, EvalBinary<MulParams, MulS8>},
    {kReshape, Kind::kReshape, PrepareReshape, EvalUnary<ReshapeParams, ReshapeS8>},
    {kSoftmax, Kind::kSoftmax, PrepareSoftmax, EvalUnary<SoftmaxParams, SoftmaxS8>},
    {kQuantize, Kind::kQuantize, PrepareQuantize, EvalQuantize},
    {kDequantize, Kind::kDequantize, PrepareDequantize, EvalDequantize},
    {kLogistic, Kind::kLogistic, PrepareSigmoid, EvalUnary<SigmoidParams, LogisticS8>},
    {kTanh, Kind::kTanh, PrepareSigmoid, EvalUnary<SigmoidParams, TanhS8>},
    {kConcatenation, Kind::kConcat, PrepareConcat, EvalConcat},
    {kMean, Kind::kMean, PrepareMean, EvalUnary<MeanParams, MeanS8>},
    {kPad, Kind::kPad, PreparePad, EvalUnary<PadParams, PadS8>},
    {kRelu, Kind::kRelu, PrepareRelu, EvalUnary<ReluParams, ReluS8>},
    {kRelu6, Kind::kRelu6, PrepareRelu, EvalUnary<ReluParams, Relu6S8>},
};
const OpEntry* FindOp(uint16_t opcode) {
  for (const OpEntry& e : kOps)
    if (e.opcode == opcode) return &e;
  return nullptr;
}
const OpEntry& EntryFor(Kind kind) {
  for (const OpEntry& e : kOps)
    if (e.kind == kind) return e;
  return kOps[0];
}

TensorView MakeView(const EngineState& s, const TensorDesc& d) {
  TensorView v;
  v.type = d.type;
  v.rank = d.rank;
  for (int i = 0; i < kMaxDims; ++i) v.dims[i] = d.dims[i];
  v.bytes = d.bytes;
  v.scale = d.scale();
  v.zero_point = d.zero_point();
  v.data = s.Resolve(s.locs[d.index]);
  return v;
}

}  // namespace

struct Interpreter::State : EngineState {};

static_assert(sizeof(EngineState) <= 8192, "grow Interpreter::storage_");

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
  if (subgraphs.size() != 1) {
    err << subgraphs.size() << " subgraphs (one supported)";
    return subgraphs.size() == 0 ? Status::kModelInvalid : Status::kTooLarge;
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
        << " outputs, " << sg_ops.size() << " operators";
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
    if (ins.size() > static_cast<uint32_t>(kMaxOpInputs) || outs.size() > 4) {
      err << OpcodeName(r.opcode) << " at operator " << i << ": " << ins.size() << " inputs, " << outs.size()
          << " outputs (at most " << kMaxOpInputs << " and 4 supported)";
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
    const OpEntry* e = FindOp(r.opcode);
    if (e == nullptr) {
      err << "unsupported operator " << OpcodeName(r.opcode);
      if (r.opcode == 32) {  // CUSTOM: add its name (printable characters only, bounded)
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
      return Status::kUnsupportedOperator;
    }
    r.kind = e->kind;
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

  // Persistent memory: tensor locations, then each operator's parameters.
  LoadCtx c{s, &err};
  const uint32_t locs_off = c.Alloc(static_cast<size_t>(s->n_tensors) * 4);
  s->locs = locs_off == kNoLoc ? nullptr : reinterpret_cast<uint32_t*>(s->arena + locs_off);
  for (int i = 0; i < s->n_ops; ++i) {
    fb::Table ot = fb::Table::TableElem(&s->blob, sg_ops, static_cast<uint32_t>(i));
    const Status st = EntryFor(s->ops[i].kind).prepare(c, i, ot);
    if (st != Status::kOk) return st;
  }
  const size_t persist = (c.persist + kAlign - 1) & ~static_cast<size_t>(kAlign - 1);

  // Dataflow: every activation a kernel reads is a model input or an earlier operator's output.
  // Lifetimes are packed into the location table first (first use in the low 16 bits, last use in
  // the high 16 bits; 0xFFFF = not an activation), then only live tensors get plan records, which sit
  // after the persistent part temporarily.
  if (c.overflow) {
    err << "arena too small by at least " << static_cast<uint64_t>(persist - s->arena_bytes) << " bytes";
    return Status::kArenaTooSmall;
  }
  constexpr uint32_t kDead = 0xFFFFu;
  auto first_of = [&](int32_t t) { return s->locs[t] & 0xFFFFu; };
  auto set_life = [&](int32_t t, uint32_t first, uint32_t last) { s->locs[t] = first | (last << 16); };
  for (uint32_t t = 0; t < s->n_tensors; ++t) set_life(static_cast<int32_t>(t), kDead, kDead);
  for (int i = 0; i < s->n_in; ++i) {
    TensorDesc d;
    ParseTensor(*s, s->in_tensor[i], &d, err);
    if (d.is_const) {
      err << "model input " << i << " is a constant";
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
      if (d.is_const) continue;
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
      if (d.is_const || first_of(t) != kDead) {
        err << OpcodeName(r.opcode) << " at operator " << i << ": output tensor " << t
            << " is constant or written twice";
        return Status::kModelInvalid;
      }
      set_life(t, static_cast<uint32_t>(i), static_cast<uint32_t>(i));
    }
    if (r.scratch_bytes > 0) ++live;
  }
  for (int i = 0; i < s->n_out; ++i) {
    const int32_t t = s->out_tensor[i];
    if (first_of(t) == kDead) {
      err << "model output " << i << " (tensor " << t << ") is never written";
      return Status::kModelInvalid;
    }
    set_life(t, first_of(t), static_cast<uint32_t>(s->n_ops));
  }
  for (uint32_t t = 0; t < s->n_tensors; ++t) live += first_of(static_cast<int32_t>(t)) != kDead;
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
    if ((l & 0xFFFFu) == kDead) {
      s->locs[t] = kNoLoc;
      continue;
    }
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
  // Final locations: constants point into the model, activations into the plan (the records sit in
  // the activation area, the locations in the persistent part, so no overlap while converting).
  for (uint32_t t = 0; t < s->n_tensors; ++t) {
    TensorDesc d;
    ParseTensor(*s, static_cast<int32_t>(t), &d, err);
    if (d.is_const) s->locs[t] = kInModel | d.data_pos;
    else if (s->locs[t] != kNoLoc) s->locs[t] = static_cast<uint32_t>(persist) + rec[s->locs[t]].offset;
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
  model_ = model;
  model_bytes_ = model_bytes;
  arena_ = arena;
  arena_bytes_ = arena_bytes;
  return Status::kOk;
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
    const EvalFn eval = EntryFor(r.kind).For(s->variant);
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
      TensorDesc d;
      Detail scratch_err(error_, sizeof error_);
      ParseTensor(*s, s->OutIndex(r, 0), &d, scratch_err);
      scratch_err.Clear();
      s->observer(s->observer_context, i, MakeView(*s, d));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
