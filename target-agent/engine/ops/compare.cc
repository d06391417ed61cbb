// Comparisons and selection: EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, SELECT_V2.
#include "kernels/comparison.h"
#include "kernels/quant.h"
#include "kernels/select_v2.h"
#include "ops/registry.h"
#include "ops/schema_ids.h"

namespace hil::agent::engine {

namespace {

bool ConstAligned(const LoadCtx& c, const TensorDesc& d) {
  if (!d.is_const) return true;
  const uintptr_t align = ElementBytes(d.type);
  return (reinterpret_cast<uintptr_t>(c.s->blob.data + d.data_pos) & (align - 1)) == 0;
}

template <class P, typename In, Status (*Kernel)(const P&, const In*, const In*, void*, uint8_t*)>
Status EvalCompare(const EngineState& s, const OpRec& r) {
  return Kernel(*s.Params<P>(r), reinterpret_cast<const In*>(s.In(r, 0)), reinterpret_cast<const In*>(s.In(r, 1)),
                s.Resolve(r.scratch), s.Out(r, 0));
}

EvalFn CompareEval(TensorType t, bool equality) {
  switch (t) {
    case TensorType::kInt8: return EvalCompare<ComparisonParams, int8_t, CompareS8>;
    case TensorType::kInt32: return EvalCompare<ComparisonParams, int32_t, Compare<int32_t>>;
    case TensorType::kInt64: return EvalCompare<ComparisonParams, int64_t, Compare<int64_t>>;
    case TensorType::kFloat32: return EvalCompare<ComparisonParams, float, Compare<float>>;
    case TensorType::kBool: return equality ? EvalCompare<ComparisonParams, uint8_t, CompareBool> : nullptr;
    default: return nullptr;
  }
}

// The orderings each comparison holds for.
uint8_t Holds(uint16_t opcode) {
  switch (opcode) {
    case kEqual: return kOrderEqual;
    case kNotEqual: return kOrderLess | kOrderGreater | kOrderUnordered;
    case kLess: return kOrderLess;
    case kLessEqual: return kOrderLess | kOrderEqual;
    case kGreater: return kOrderGreater;
    default: return kOrderGreater | kOrderEqual;  // kGreaterEqual
  }
}

// The Q31 multiplier and shift of an int8 input's scale, as TFLite Micro's ComparisonsPrepare takes it
// (QuantizeMultiplierSmallerThanOneExp: the scale must be below 1).
bool ScaleMultiplier(float scale, int32_t* multiplier, int32_t* shift) {
  int s = 0;
  if (!(scale < 1.0f) || !QuantizeMultiplier(static_cast<double>(scale), multiplier, &s) || s > 0) return false;
  *shift = s;
  return true;
}

// The six comparisons: inputs of one type (int8 quantized, int32, int64, float32, and bool for EQUAL and
// NOT_EQUAL; TFLite Micro has no int16 comparison: its GREATER int16 branch reads scaling parameters
// its Prepare never sets), broadcasting to a bool output.
Status PrepareComparison(LoadCtx& c, int op, fb::Table&) {
  const uint16_t opcode = c.rec(op).opcode;
  const bool equality = opcode == kEqual || opcode == kNotEqual;
  const char* supported = equality ? "int8, int32, int64, float32 or bool inputs of one type, bool output"
                                   : "int8, int32, int64 or float32 inputs of one type, bool output";
  TensorDesc a, b, out;
  Status st = Operands(c, op, &a, &b, &out);
  if (st != Status::kOk) return st;
  if (a.type != b.type || out.type != TensorType::kBool) return UnsupportedTypes(c, op, supported);
  ComparisonParams p{};
  if (!MakeBroadcast(a, b, out, &p.shape)) return Fail(c, op, "input shapes do not broadcast to the output");
  if (!ConstAligned(c, a) || !ConstAligned(c, b)) return Fail(c, op, "constant input data is misaligned");
  if (a.type == TensorType::kInt8) {
    if (!IsQuantInt8(a)) return BadQuantization(c, op, a);
    if (!IsQuantInt8(b)) return BadQuantization(c, op, b);
    p.left_shift = 8;
    p.input1_offset = -a.zero_point();
    p.input2_offset = -b.zero_point();
    if (!ScaleMultiplier(a.scale(), &p.input1_multiplier, &p.input1_shift) ||
        !ScaleMultiplier(b.scale(), &p.input2_multiplier, &p.input2_shift))
      return Unsupported(c, op, "int8 input scales must be below 1");
  }
  p.holds = Holds(opcode);
  const EvalFn eval = CompareEval(a.type, equality);
  if (eval == nullptr) return UnsupportedTypes(c, op, supported);
  return c.Store(op, p, eval);
}

// ---- SELECT_V2 ----
template <typename T>
Status EvalSelect(const EngineState& s, const OpRec& r) {
  return SelectV2<T>(*s.Params<SelectParams>(r), s.In(r, 0), reinterpret_cast<const T*>(s.In(r, 1)),
                     reinterpret_cast<const T*>(s.In(r, 2)), s.Resolve(r.scratch), reinterpret_cast<T*>(s.Out(r, 0)));
}

// A bool condition and x, y of one type (int8, int16 or float32: TFLite Micro's SelectEval runs no
// other), broadcast to the output as TFLite Micro's CheckBroadcastShape requires: the output's rank is
// the largest input rank and each dimension the inputs' common size (inputs 1 there repeat).
Status PrepareSelectV2(LoadCtx& c, int op, fb::Table&) {
  TensorDesc cond, x, y, out;
  Status st = Operands(c, op, &cond, &x, &out);
  if (st != Status::kOk || (st = Input(c, op, 2, &y)) != Status::kOk) return st;
  const char* supported = "a bool condition; int8, int16 or float32 x, y and output";
  if (cond.type != TensorType::kBool || x.type != y.type || out.type != x.type ||
      (x.type != TensorType::kInt8 && x.type != TensorType::kInt16 && x.type != TensorType::kFloat32))
    return UnsupportedTypes(c, op, supported);
  if (!ConstAligned(c, x) || !ConstAligned(c, y)) return Fail(c, op, "constant input data is misaligned");
  const TensorDesc* in[3] = {&cond, &x, &y};
  int rank = 0;
  for (const TensorDesc* d : in) rank = d->rank > rank ? d->rank : rank;
  const bool scalars = cond.count == 1 && x.count == 1 && y.count == 1 && out.count == 1;
  if (out.rank != rank && !scalars) return Fail(c, op, "the output's rank is not the inputs' largest rank");
  SelectParams p{};
  int32_t* strides[3] = {p.cond_stride, p.x_stride, p.y_stride};
  int32_t acc[3] = {1, 1, 1};
  for (int i = 4; i >= 0; --i) {
    // Dimension i of the shapes right-aligned to 5 (1 where a shape is shorter).
    auto dim = [i](const TensorDesc& d) { return i >= 5 - d.rank ? d.dims[i - (5 - d.rank)] : 1; };
    int32_t size = 1;
    for (const TensorDesc* d : in) size = dim(*d) > size ? dim(*d) : size;
    if (dim(out) != size) return Fail(c, op, "input shapes do not broadcast to the output");
    p.out_dims[i] = size;
    for (int k = 0; k < 3; ++k) {
      const int32_t d = dim(*in[k]);
      if (d != size && d != 1) return Fail(c, op, "input shapes do not broadcast to the output");
      strides[k][i] = d == 1 ? 0 : acc[k];
      acc[k] *= d;
    }
  }
  switch (x.type) {
    case TensorType::kInt8: return c.Store(op, p, EvalSelect<uint8_t>);
    case TensorType::kInt16: return c.Store(op, p, EvalSelect<uint16_t>);
    default: return c.Store(op, p, EvalSelect<uint32_t>);
  }
}

const OpRegistration kOps[] = {
    {kEqual, PrepareComparison},        {kNotEqual, PrepareComparison}, {kLess, PrepareComparison},
    {kLessEqual, PrepareComparison},    {kGreater, PrepareComparison},  {kGreaterEqual, PrepareComparison},
    {kSelectV2, PrepareSelectV2},
};

}  // namespace

HIL_OP_FAMILY(kCompareFamily, kOps);

}  // namespace hil::agent::engine
