// libFuzzer target with a structure-aware mutator: the input is a .tflite model, and a mutation keeps it a
// parseable model while making it semantically hostile, so operators' prepare and eval functions are
// reached. Two kinds:
// - in place: rewrites the values the flatbuffer's structure holds (tensor shapes, types, buffer indices,
//   quantization scales / zero points / dimensions, operator codes, operator input and output tensor
//   indices, options scalars, constant buffer bytes);
// - rebuilt (a third of them): decodes the model into a testing::ModelSpec, changes what in place cannot
//   (ranks, operand counts, per-channel scale counts, options fields the model leaves out, constant data
//   that follows a changed shape or type, constant or not, new operators) and serialises it again.
// One mutation in ten is libFuzzer's own byte-level one. The checks are fuzz/fuzz_harness.h's. Seeds:
// fuzz/corpus/.
//
// The mutator walks the model with its own bounds-checked reader (not the engine's), so a bug in
// flatbuffer_reader.cc cannot hide a site from it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/fuzz_harness.h"
#include "ops/registry.h"
#include "testing/model_builder.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

enum class Kind : uint8_t {
  kDim,           // i32 element of a tensor's shape
  kType,          // u8 tensor type
  kBuffer,        // u32 tensor buffer index
  kScale,         // f32 element of a quantization's scales
  kZeroPoint,     // i64 element of zero points
  kQuantDim,      // i32 quantized_dimension
  kVariable,      // u8 is_variable
  kTensorIndex,   // i32 operator or subgraph input/output
  kOpcodeIndex,   // u32 operator opcode_index
  kBuiltinCode,   // i32 operator code's builtin_code
  kDeprecated,    // i8 deprecated_builtin_code
  kOptionsType,   // u8 builtin_options_type
  kOptionField,   // a scalar of an options table (width from its vtable)
  kData,          // constant buffer bytes
  kCount
};

struct Site {
  uint32_t pos;
  uint32_t len;    // bytes (the scalar's width; a buffer's length)
  uint32_t limit;  // tensors of the subgraph, buffers or operator codes of the model (for indices)
  Kind kind;
};

class Walker {
 public:
  Walker(const uint8_t* data, size_t size) : d_(data), n_(size) {}

  std::vector<Site> sites;

  void Walk() {
    if (n_ < 8) return;
    const uint32_t root = U32(0);
    uint32_t opcodes = 0, subgraphs = 0, buffers = 0;
    uint32_t n_opcodes = 0, n_buffers = 0;
    if (Vec(root, 1, &opcodes, &n_opcodes)) {
      for (uint32_t i = 0; i < n_opcodes && i < 512; ++i) {
        const uint32_t t = Elem(opcodes, i);
        uint32_t p;
        if (Field(t, 0, 1, &p)) sites.push_back({p, 1, 0, Kind::kDeprecated});
        if (Field(t, 3, 4, &p)) sites.push_back({p, 4, 0, Kind::kBuiltinCode});
      }
    }
    Vec(root, 4, &buffers, &n_buffers);
    for (uint32_t i = 0; i < n_buffers && i < 4096; ++i) {
      uint32_t data, len;
      if (Vec(Elem(buffers, i), 0, &data, &len, 1) && len > 0) sites.push_back({data + 4, len, 0, Kind::kData});
    }
    uint32_t n_subgraphs = 0;
    if (!Vec(root, 2, &subgraphs, &n_subgraphs)) return;
    for (uint32_t k = 0; k < n_subgraphs && k < 32; ++k) WalkSubgraph(Elem(subgraphs, k), n_opcodes, n_buffers);
  }

  uint32_t U32(uint64_t p) const {
    return static_cast<uint32_t>(d_[p]) | (static_cast<uint32_t>(d_[p + 1]) << 8) |
           (static_cast<uint32_t>(d_[p + 2]) << 16) | (static_cast<uint32_t>(d_[p + 3]) << 24);
  }
  uint16_t U16(uint64_t p) const { return static_cast<uint16_t>(d_[p] | (d_[p + 1] << 8)); }
  bool Has(uint64_t p, uint64_t bytes) const { return p <= n_ && bytes <= n_ - p; }

  // Field `id` of the table at `t`: its position, when present and `bytes` fit.
  bool Field(uint32_t t, int id, uint32_t bytes, uint32_t* pos) const {
    uint32_t vt, vt_bytes, tb_bytes;
    if (!Vtable(t, &vt, &vt_bytes, &tb_bytes)) return false;
    const uint32_t slot = 4 + 2 * static_cast<uint32_t>(id);
    if (slot + 2 > vt_bytes) return false;
    const uint16_t off = U16(vt + slot);
    if (off < 4 || off + bytes > tb_bytes) return false;
    *pos = t + off;
    return true;
  }
  bool Vtable(uint32_t t, uint32_t* vt, uint32_t* vt_bytes, uint32_t* tb_bytes) const {
    if (t == 0 || !Has(t, 4)) return false;
    const int64_t v = static_cast<int64_t>(t) - static_cast<int32_t>(U32(t));
    if (v < 0 || !Has(static_cast<uint64_t>(v), 4)) return false;
    *vt = static_cast<uint32_t>(v);
    *vt_bytes = U16(*vt);
    *tb_bytes = U16(*vt + 2);
    return *vt_bytes >= 4 && Has(*vt, *vt_bytes) && *tb_bytes >= 4 && Has(t, *tb_bytes);
  }
  // The vector at field `id`: the position of its count, and the count.
  bool Vec(uint32_t t, int id, uint32_t* at, uint32_t* count, uint32_t elem_bytes = 4) const {
    uint32_t p;
    if (!Field(t, id, 4, &p)) return false;
    const uint64_t v = static_cast<uint64_t>(p) + U32(p);
    if (!Has(v, 4)) return false;
    const uint32_t c = U32(v);
    if (!Has(v + 4, static_cast<uint64_t>(c) * elem_bytes)) return false;
    *at = static_cast<uint32_t>(v);
    *count = c;
    return true;
  }
  // The table element i of the vector whose count is at `v` (0 when out of the blob).
  uint32_t Elem(uint32_t v, uint32_t i) const {
    const uint64_t p = static_cast<uint64_t>(v) + 4 + 4ull * i;
    if (!Has(p, 4)) return 0;
    const uint64_t t = p + U32(p);
    return Has(t, 4) ? static_cast<uint32_t>(t) : 0;
  }
  const uint8_t* data() const { return d_; }

 private:
  void Ints(uint32_t t, int id, Kind kind, uint32_t limit) {
    uint32_t v, c;
    if (!Vec(t, id, &v, &c)) return;
    for (uint32_t i = 0; i < c && i < 64; ++i) sites.push_back({v + 4 + 4 * i, 4, limit, kind});
  }
  // Every scalar of an options table: widths from the gaps between its fields' offsets.
  void OptionFields(uint32_t t) {
    uint32_t vt, vt_bytes, tb_bytes;
    if (!Vtable(t, &vt, &vt_bytes, &tb_bytes)) return;
    const uint32_t n = (vt_bytes - 4) / 2;
    for (uint32_t i = 0; i < n && i < 64; ++i) {
      const uint16_t off = U16(vt + 4 + 2 * i);
      if (off < 4 || off >= tb_bytes) continue;
      uint32_t next = tb_bytes;
      for (uint32_t j = 0; j < n; ++j) {
        const uint16_t o = U16(vt + 4 + 2 * j);
        if (o > off && o < next) next = o;
      }
      uint32_t width = next - off;
      width = width >= 8 ? 8 : width >= 4 ? 4 : width >= 2 ? 2 : 1;
      sites.push_back({t + off, width, 0, Kind::kOptionField});
    }
  }
  void WalkSubgraph(uint32_t sg, uint32_t n_opcodes, uint32_t n_buffers) {
    uint32_t tensors, n_tensors = 0, ops, n_ops = 0;
    Vec(sg, 0, &tensors, &n_tensors);
    Ints(sg, 1, Kind::kTensorIndex, n_tensors);
    Ints(sg, 2, Kind::kTensorIndex, n_tensors);
    for (uint32_t i = 0; i < n_tensors && i < 4096; ++i) {
      const uint32_t t = Elem(tensors, i);
      uint32_t p;
      Ints(t, 0, Kind::kDim, 0);
      if (Field(t, 1, 1, &p)) sites.push_back({p, 1, 0, Kind::kType});
      if (Field(t, 2, 4, &p)) sites.push_back({p, 4, n_buffers, Kind::kBuffer});
      if (Field(t, 5, 1, &p)) sites.push_back({p, 1, 0, Kind::kVariable});
      if (Field(t, 4, 4, &p)) {
        const uint32_t q = p + U32(p);
        uint32_t v, c;
        if (Vec(q, 2, &v, &c))
          for (uint32_t j = 0; j < c && j < 64; ++j) sites.push_back({v + 4 + 4 * j, 4, 0, Kind::kScale});
        if (Vec(q, 3, &v, &c, 8))
          for (uint32_t j = 0; j < c && j < 64; ++j) sites.push_back({v + 4 + 8 * j, 8, 0, Kind::kZeroPoint});
        if (Field(q, 6, 4, &p)) sites.push_back({p, 4, 0, Kind::kQuantDim});
      }
    }
    if (!Vec(sg, 3, &ops, &n_ops)) return;
    for (uint32_t i = 0; i < n_ops && i < 512; ++i) {
      const uint32_t o = Elem(ops, i);
      uint32_t p;
      if (Field(o, 0, 4, &p)) sites.push_back({p, 4, n_opcodes, Kind::kOpcodeIndex});
      Ints(o, 1, Kind::kTensorIndex, n_tensors);
      Ints(o, 2, Kind::kTensorIndex, n_tensors);
      if (Field(o, 3, 1, &p)) sites.push_back({p, 1, 0, Kind::kOptionsType});
      if (Field(o, 4, 4, &p) && Has(static_cast<uint64_t>(p) + U32(p), 4)) OptionFields(p + U32(p));
    }
  }

  const uint8_t* d_;
  size_t n_;
};

class Rng {
 public:
  explicit Rng(unsigned seed) : s_(seed * 2654435761u + 1) {}
  uint32_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 17;
    s_ ^= s_ << 5;
    return s_;
  }
  uint32_t Below(uint32_t n) { return n == 0 ? 0 : Next() % n; }
  template <typename T, size_t N>
  T Pick(const T (&v)[N]) {
    return v[Below(N)];
  }

 private:
  uint32_t s_;
};

void Put(uint8_t* p, uint64_t v, uint32_t bytes) {
  for (uint32_t k = 0; k < bytes; ++k) p[k] = static_cast<uint8_t>(v >> (8 * k));
}
uint64_t Get(const uint8_t* p, uint32_t bytes) {
  uint64_t v = 0;
  for (uint32_t k = 0; k < bytes; ++k) v |= static_cast<uint64_t>(p[k]) << (8 * k);
  return v;
}

const int32_t kInts[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 127, 128, 255, 256, 1000,
                         32767, 32768, 65535, 65536, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF, -1, -2, -3, -4, -5, -127,
                         -128, -129, -32768, -32769, -65536, INT32_MIN, INT32_MIN + 1};
const int64_t kZeroPoints[] = {0,      1,     -1,     127,   -128,       128,          -129,
                               255,    32767, -32768, 32768, -32769,     65535,        INT32_MAX,
                               INT32_MIN, 1ll << 32, INT64_MAX, INT64_MIN, -(1ll << 32)};
const uint32_t kFloats[] = {
    0x00000000u,  // 0
    0x80000000u,  // -0
    0x3F800000u,  // 1
    0xBF800000u,  // -1
    0x00000001u,  // smallest denormal
    0x00800000u,  // smallest normal
    0x7F7FFFFFu,  // FLT_MAX
    0x7F800000u,  // inf
    0xFF800000u,  // -inf
    0x7FC00000u,  // NaN
    0x30000000u,  // 2^-31
    0x2F800000u,  // 2^-32
    0x4F000000u,  // 2^31
    0x5F000000u,  // 2^63
    0x3B800000u,  // 1/256
    0x38000000u,  // 2^-15
    0x47000000u,  // 32768
    0x1E3CE508u,  // 1e-20
    0x60AD78ECu,  // 1e20
};
const uint8_t kTypes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 255};

void MutateSite(uint8_t* data, const Site& s, Rng& rng) {
  uint8_t* p = data + s.pos;
  const uint64_t cur = Get(p, s.len < 8 ? s.len : 8);
  const int32_t cur32 = static_cast<int32_t>(cur);
  switch (s.kind) {
    case Kind::kDim:
    case Kind::kQuantDim: {
      const uint32_t how = rng.Below(4);
      int32_t v = rng.Pick(kInts);
      if (how == 1) v = static_cast<int32_t>(static_cast<uint32_t>(cur32) + 1);
      if (how == 2) v = static_cast<int32_t>(static_cast<uint32_t>(cur32) - 1);
      if (how == 3) v = static_cast<int32_t>(static_cast<uint32_t>(cur32) * (rng.Below(2) == 0 ? 2u : 3u));
      Put(p, static_cast<uint32_t>(v), 4);
      break;
    }
    case Kind::kType: *p = rng.Pick(kTypes); break;
    case Kind::kVariable: *p = *p != 0 ? 0 : 1; break;
    case Kind::kBuffer:
    case Kind::kOpcodeIndex:
    case Kind::kTensorIndex: {
      const uint32_t how = rng.Below(8);
      int64_t v = rng.Below(s.limit > 0 ? s.limit : 1);
      if (how == 0) v = -1;
      if (how == 1) v = s.limit;
      if (how == 2) v = rng.Pick(kInts);
      Put(p, static_cast<uint64_t>(v), 4);
      break;
    }
    case Kind::kScale: {
      const uint32_t how = rng.Below(4);
      float f;
      uint32_t bits = rng.Pick(kFloats);
      std::memcpy(&f, p, 4);
      if (how == 1) f *= rng.Below(2) == 0 ? 65536.0f : 1.0f / 65536.0f;
      if (how == 2) f = -f;
      if (how != 0 && how != 3) std::memcpy(&bits, &f, 4);
      if (how == 3) bits = rng.Next();
      Put(p, bits, 4);
      break;
    }
    case Kind::kZeroPoint: Put(p, static_cast<uint64_t>(rng.Pick(kZeroPoints)), 8); break;
    case Kind::kBuiltinCode:
      // Mostly codes in the schema's range, so the operator becomes another with the same operands.
      Put(p, rng.Below(8) == 0 ? static_cast<uint32_t>(rng.Pick(kInts)) : rng.Below(162), 4);
      break;
    case Kind::kDeprecated: *p = static_cast<uint8_t>(rng.Below(8) == 0 ? rng.Next() : rng.Below(128)); break;
    case Kind::kOptionsType: *p = static_cast<uint8_t>(rng.Below(8) == 0 ? rng.Next() : rng.Below(127)); break;
    case Kind::kOptionField:
      if (s.len == 1) {
        *p = static_cast<uint8_t>(rng.Below(2) == 0 ? rng.Below(8) : rng.Pick(kInts));
      } else if (s.len == 4) {  // int32 options, and the float ones (alpha, beta, proj_clip, ...)
        const uint32_t how = rng.Below(4);
        uint32_t v = static_cast<uint32_t>(rng.Pick(kInts));
        if (how == 1) v = static_cast<uint32_t>(cur32) + rng.Below(5) - 2u;
        if (how == 2) v = rng.Pick(kFloats);
        Put(p, v, 4);
      } else {
        Put(p, static_cast<uint64_t>(rng.Pick(kInts)), s.len);
      }
      break;
    case Kind::kData: {
      const uint32_t how = rng.Below(6);
      if (how == 0 && s.len >= 4) {  // an int32 (axes, shapes, paddings, biases)
        const uint32_t at = 4 * rng.Below(s.len / 4);
        Put(p + at, static_cast<uint32_t>(rng.Pick(kInts)), 4);
      } else if (how == 1 && s.len >= 8) {  // an int64
        const uint32_t at = 8 * rng.Below(s.len / 8);
        Put(p + at, static_cast<uint64_t>(rng.Pick(kZeroPoints)), 8);
      } else if (how == 2) {  // a run of one extreme byte
        const uint8_t b = rng.Below(2) == 0 ? 0x80 : 0x7F;
        const uint32_t at = rng.Below(s.len);
        const uint32_t n = 1 + rng.Below(s.len - at);
        std::memset(p + at, b, n);
      } else if (how == 3 && s.len >= 4) {  // a float
        const uint32_t at = 4 * rng.Below(s.len / 4);
        Put(p + at, rng.Pick(kFloats), 4);
      } else {
        const size_t n = LLVMFuzzerMutate(p, s.len, s.len);
        (void)n;  // a shorter result leaves the old tail: the buffer keeps its length
      }
      break;
    }
    case Kind::kCount: break;
  }
}

// ---- the rebuilding mutator: decode into a ModelSpec, change its structure, serialise again ----
// For what the in-place one cannot do: ranks, the number of operands, per-channel scale counts, options
// fields the model leaves out, constant data that follows a changed shape or type, new operators.

namespace mb = hil::agent::engine::testing;

// Options tables are scalars, widths from their vtable; RESHAPE's new_shape and SQUEEZE's squeeze_dims
// (field 0 of ReshapeOptions, 17, and SqueezeOptions, 30) are int vectors.
mb::FbNodeP DecodeOptions(const Walker& w, uint32_t t, uint8_t type) {
  uint32_t vt, vt_bytes, tb_bytes;
  if (!w.Vtable(t, &vt, &vt_bytes, &tb_bytes)) return nullptr;
  mb::FbNodeP node = mb::Table();
  const uint32_t n = (vt_bytes - 4) / 2;
  for (uint32_t i = 0; i < n && i < 64; ++i) {
    const uint16_t off = w.U16(vt + 4 + 2 * i);
    if (off < 4 || off >= tb_bytes) continue;
    if ((type == 17 || type == 30) && i == 0) {
      uint32_t v, c;
      if (!w.Vec(t, 0, &v, &c) || c > 16) return nullptr;
      std::vector<int32_t> ints(c);
      for (uint32_t k = 0; k < c; ++k) ints[k] = static_cast<int32_t>(w.U32(v + 4 + 4 * k));
      mb::AddChild(node, 0, mb::Ints(ints));
      continue;
    }
    uint32_t next = tb_bytes;
    for (uint32_t j = 0; j < n; ++j) {
      const uint16_t o = w.U16(vt + 4 + 2 * j);
      if (o > off && o < next) next = o;
    }
    const uint32_t gap = next - off;
    const int width = gap >= 8 && off % 8 == 0 ? 8 : gap >= 4 ? 4 : gap >= 2 ? 2 : 1;
    mb::AddScalar(node, static_cast<int>(i), width, Get(w.data() + t + off, static_cast<uint32_t>(width)));
  }
  return node;
}

bool DecodeSubgraph(const Walker& w, uint32_t sg, const std::vector<int32_t>& codes,
                    const std::vector<std::string>& custom, mb::SubgraphSpec* out) {
  uint32_t v, c;
  auto ints = [&](uint32_t t, int id, std::vector<int32_t>* into) {
    uint32_t iv, ic;
    if (!w.Vec(t, id, &iv, &ic) || ic > 64) return false;
    for (uint32_t k = 0; k < ic; ++k) into->push_back(static_cast<int32_t>(w.U32(iv + 4 + 4 * k)));
    return true;
  };
  if (!w.Vec(sg, 0, &v, &c) || c > 512) return false;
  for (uint32_t i = 0; i < c; ++i) {
    const uint32_t t = w.Elem(v, i);
    mb::TensorSpec ts;
    uint32_t p;
    ints(t, 0, &ts.shape);
    ts.type = w.Field(t, 1, 1, &p) ? w.data()[p] : 0;
    ts.buffer = w.Field(t, 2, 4, &p) ? w.U32(p) : 0;
    ts.variable = w.Field(t, 5, 1, &p) && w.data()[p] != 0;
    if (w.Field(t, 4, 4, &p)) {
      const uint32_t q = p + w.U32(p);
      uint32_t qv, qc;
      if (w.Vec(q, 2, &qv, &qc) && qc <= 1024)
        for (uint32_t k = 0; k < qc; ++k) {
          float f;
          std::memcpy(&f, w.data() + qv + 4 + 4 * k, 4);
          ts.scales.push_back(f);
        }
      if (w.Vec(q, 3, &qv, &qc, 8) && qc <= 1024)
        for (uint32_t k = 0; k < qc; ++k)
          ts.zero_points.push_back(static_cast<int64_t>(Get(w.data() + qv + 4 + 8 * k, 8)));
      if (w.Field(q, 6, 4, &p)) ts.quant_dim = static_cast<int32_t>(w.U32(p));
    }
    out->tensors.push_back(ts);
  }
  if (!ints(sg, 1, &out->inputs) || !ints(sg, 2, &out->outputs)) return false;
  if (!w.Vec(sg, 3, &v, &c) || c > 256) return false;
  for (uint32_t i = 0; i < c; ++i) {
    const uint32_t o = w.Elem(v, i);
    mb::OpSpec op;
    uint32_t p;
    const uint32_t index = w.Field(o, 0, 4, &p) ? w.U32(p) : 0;
    if (index >= codes.size()) return false;
    op.builtin_code = codes[index];
    op.custom_code = custom[index];
    if (!ints(o, 1, &op.inputs) || !ints(o, 2, &op.outputs)) return false;
    op.options_type = w.Field(o, 3, 1, &p) ? w.data()[p] : 0;
    if (w.Field(o, 4, 4, &p)) op.options = DecodeOptions(w, p + w.U32(p), op.options_type);
    out->ops.push_back(op);
  }
  return true;
}

bool Decode(const Walker& w, size_t size, mb::ModelSpec* m) {
  if (size < 8) return false;
  const uint32_t root = w.U32(0);
  uint32_t v, c;
  std::vector<int32_t> codes;
  std::vector<std::string> custom;
  if (!w.Vec(root, 1, &v, &c) || c > 256) return false;
  for (uint32_t i = 0; i < c; ++i) {
    const uint32_t t = w.Elem(v, i);
    uint32_t p, sv, sc;
    const int32_t deprecated = w.Field(t, 0, 1, &p) ? static_cast<int8_t>(w.data()[p]) : 0;
    const int32_t builtin = w.Field(t, 3, 4, &p) ? static_cast<int32_t>(w.U32(p)) : 0;
    codes.push_back(deprecated > builtin ? deprecated : builtin);
    std::string name;
    if (w.Vec(t, 1, &sv, &sc, 1) && sc < 64) name.assign(reinterpret_cast<const char*>(w.data() + sv + 4), sc);
    custom.push_back(name);
  }
  if (!w.Vec(root, 4, &v, &c) || c > 1024) return false;
  for (uint32_t i = 0; i < c; ++i) {
    uint32_t dv, dc;
    std::vector<uint8_t> b;
    if (w.Vec(w.Elem(v, i), 0, &dv, &dc, 1)) b.assign(w.data() + dv + 4, w.data() + dv + 4 + dc);
    m->buffers.push_back(b);
  }
  if (!w.Vec(root, 2, &v, &c) || c == 0 || c > 16) return false;
  for (uint32_t k = 0; k < c; ++k) {
    mb::SubgraphSpec g;
    if (!DecodeSubgraph(w, w.Elem(v, k), codes, custom, &g)) return false;
    if (k == 0) {
      m->tensors = g.tensors;
      m->ops = g.ops;
      m->inputs = g.inputs;
      m->outputs = g.outputs;
    } else {
      m->subgraphs.push_back(g);
    }
  }
  return true;
}

uint32_t SpecElementBytes(int type) {
  switch (type) {
    case 0: case 2: case 13: return 4;
    case 4: return 8;
    case 7: return 2;
    default: return 1;
  }
}

// The operator codes the engine registers (the ones worth turning an operator into).
const std::vector<int32_t>& RegisteredCodes() {
  static const std::vector<int32_t> codes = [] {
    std::vector<int32_t> v;
    for (int c = 0; c < 256; ++c)
      if (hil::agent::engine::FindRegistration(static_cast<uint16_t>(c)) != nullptr) v.push_back(c);
    return v;
  }();
  return codes;
}

// Constant data of `bytes` bytes: small values (axes, shapes, indices) as often as any.
std::vector<uint8_t> SomeData(Rng& rng, int type, uint64_t bytes) {
  std::vector<uint8_t> d(bytes);
  const uint32_t e = SpecElementBytes(type);
  const bool small = rng.Below(2) == 0;
  for (uint64_t i = 0; i < bytes; i += e) {
    const uint64_t v = small ? static_cast<uint64_t>(static_cast<int64_t>(rng.Below(8)) - 2)
                             : (uint64_t{rng.Next()} << 32) | rng.Next();
    for (uint32_t k = 0; k < e && i + k < bytes; ++k) d[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  return d;
}

// A constant tensor's buffer follows its shape and type (a fresh buffer, so tensors sharing the old one
// keep it).
void FitBuffer(mb::ModelSpec* m, mb::TensorSpec* t, Rng& rng) {
  if (t->buffer == 0 || t->buffer >= m->buffers.size() || m->buffers[t->buffer].empty()) return;
  uint64_t count = 1;
  for (int32_t d : t->shape) count *= d > 0 ? static_cast<uint64_t>(d) : 0;
  const uint64_t bytes = count * SpecElementBytes(t->type);
  if (bytes == 0 || bytes > 65536) return;
  t->buffer = static_cast<uint32_t>(m->buffers.size());
  m->buffers.push_back(SomeData(rng, t->type, bytes));
}

void MutateSpec(mb::ModelSpec* m, Rng& rng) {
  // Subgraph 0 or one of the others.
  const uint32_t k = rng.Below(1 + static_cast<uint32_t>(m->subgraphs.size()) * (rng.Below(4) == 0));
  std::vector<mb::TensorSpec>& tensors = k == 0 ? m->tensors : m->subgraphs[k - 1].tensors;
  std::vector<mb::OpSpec>& ops = k == 0 ? m->ops : m->subgraphs[k - 1].ops;
  std::vector<int32_t>& outputs = k == 0 ? m->outputs : m->subgraphs[k - 1].outputs;
  const uint32_t n_tensors = static_cast<uint32_t>(tensors.size());
  auto any_tensor = [&]() -> int32_t { return rng.Below(16) == 0 ? -1 : static_cast<int32_t>(rng.Below(n_tensors)); };
  const uint32_t what = rng.Below(9);
  if (n_tensors == 0 && what < 5) return;
  mb::TensorSpec* t = n_tensors > 0 ? &tensors[rng.Below(n_tensors)] : nullptr;
  switch (what) {
    case 0: {  // a dimension, or the rank
      const uint32_t how = rng.Below(4);
      const uint32_t rank = static_cast<uint32_t>(t->shape.size());
      if (how == 0 && rank < 6) {
        t->shape.insert(t->shape.begin() + rng.Below(1 + rank), static_cast<int32_t>(1 + rng.Below(4)));
      } else if (how == 1 && rank > 0) {
        t->shape.erase(t->shape.begin() + rng.Below(rank));
      } else if (rank > 0) {
        t->shape[rng.Below(rank)] = rng.Below(4) == 0 ? rng.Pick(kInts) : static_cast<int32_t>(1 + rng.Below(9));
      }
      FitBuffer(m, t, rng);
      break;
    }
    case 1:  // the type
      t->type = rng.Pick(kTypes);
      FitBuffer(m, t, rng);
      break;
    case 2: {  // quantization: per-channel counts, dimension, zero points
      const uint32_t how = rng.Below(4);
      const float sc = t->scales.empty() ? 0.05f : t->scales[0];
      if (how == 0) {
        t->quant_dim = static_cast<int32_t>(rng.Below(6)) - 1;
      } else if (how == 1) {
        const uint32_t rank = static_cast<uint32_t>(t->shape.size());
        const bool per_channel = rng.Below(2) == 0 && rank > 0;
        const uint32_t n = per_channel ? static_cast<uint32_t>(t->shape[rng.Below(rank)]) : rng.Below(5);
        if (n > 1024) break;
        t->scales.assign(n, sc);
        t->zero_points.assign(rng.Below(4) == 0 ? rng.Below(3) : n, 0);
      } else if (how == 2) {
        t->zero_points.assign(t->scales.size(), rng.Pick(kZeroPoints));
      } else {
        t->scales.clear();
        t->zero_points.clear();
      }
      break;
    }
    case 3:  // constant or activation
      if (t->buffer != 0 && t->buffer < m->buffers.size() && !m->buffers[t->buffer].empty()) {
        t->buffer = 0;
      } else {
        t->buffer = static_cast<uint32_t>(m->buffers.size());
        m->buffers.push_back({0});
        FitBuffer(m, t, rng);
        if (m->buffers[t->buffer].size() == 1) m->buffers[t->buffer].clear();
      }
      break;
    case 4:
      t->variable = !t->variable;
      break;
    case 5: {  // an operator's operand list
      if (ops.empty()) break;
      mb::OpSpec& op = ops[rng.Below(static_cast<uint32_t>(ops.size()))];
      std::vector<int32_t>& v = rng.Below(4) == 0 ? op.outputs : op.inputs;
      const uint32_t how = rng.Below(3);
      if (how == 0 && !v.empty()) v.pop_back();
      else if (how == 1 && v.size() < 30) v.push_back(any_tensor());
      else if (!v.empty()) v[rng.Below(static_cast<uint32_t>(v.size()))] = any_tensor();
      break;
    }
    case 6: {  // an operator's code
      if (ops.empty()) break;
      const std::vector<int32_t>& codes = RegisteredCodes();
      const int32_t code = codes[rng.Below(static_cast<uint32_t>(codes.size()))];
      ops[rng.Below(static_cast<uint32_t>(ops.size()))].builtin_code = code;
      break;
    }
    case 7: {  // options: a field added, changed or removed, or another options type
      if (ops.empty()) break;
      mb::OpSpec& op = ops[rng.Below(static_cast<uint32_t>(ops.size()))];
      if (!op.options || rng.Below(8) == 0) {
        op.options = mb::Table();
        if (op.options_type == 0 || rng.Below(4) == 0) op.options_type = static_cast<uint8_t>(1 + rng.Below(126));
      }
      auto& fields = op.options->fields;
      const int id = static_cast<int>(rng.Below(12));
      for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].id == id) fields.erase(fields.begin() + static_cast<long>(i));
      if (rng.Below(4) != 0) {
        const int width = rng.Below(2) == 0 ? 1 : 4;
        const uint64_t v = width == 1          ? rng.Below(8)
                           : rng.Below(3) == 0 ? rng.Pick(kFloats)
                                               : static_cast<uint32_t>(rng.Pick(kInts));
        mb::AddScalar(op.options, id, width, v);
      }
      break;
    }
    case 8: {  // a new operator at the end, on existing tensors, writing a new tensor
      const std::vector<int32_t>& codes = RegisteredCodes();
      mb::OpSpec op;
      op.builtin_code = codes[rng.Below(static_cast<uint32_t>(codes.size()))];
      const uint32_t n_in = 1 + rng.Below(3);
      for (uint32_t i = 0; i < n_in && n_tensors > 0; ++i) op.inputs.push_back(any_tensor());
      mb::TensorSpec out = n_tensors > 0 ? tensors[rng.Below(n_tensors)] : mb::TensorSpec{{1}, 9, 0, {0.1f}, {0}, 0};
      out.buffer = 0;
      out.variable = false;
      tensors.push_back(out);
      op.outputs.push_back(static_cast<int32_t>(tensors.size() - 1));
      ops.push_back(op);
      if (!outputs.empty() && rng.Below(2) == 0) {
        outputs[rng.Below(static_cast<uint32_t>(outputs.size()))] = op.outputs[0];
      }
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  Walker w(data, size);
  if (rng.Below(10) == 0) return LLVMFuzzerMutate(data, size, max_size);
  if (rng.Below(3) == 0) {
    mb::ModelSpec m;
    if (Decode(w, size, &m)) {
      const uint32_t n = 1 + rng.Below(3);
      for (uint32_t i = 0; i < n; ++i) MutateSpec(&m, rng);
      const std::vector<uint8_t> out = mb::BuildModel(m);
      if (out.size() <= max_size) {
        std::memcpy(data, out.data(), out.size());
        return out.size();
      }
    }
  }
  w.Walk();
  if (w.sites.empty()) return LLVMFuzzerMutate(data, size, max_size);
  // A kind first (so the few operator codes and options weigh as much as the many dimensions), then a
  // site of that kind.
  std::vector<uint32_t> by_kind[static_cast<int>(Kind::kCount)];
  for (uint32_t i = 0; i < w.sites.size(); ++i) by_kind[static_cast<int>(w.sites[i].kind)].push_back(i);
  const uint32_t n = 1 + rng.Below(3);
  for (uint32_t m = 0; m < n; ++m) {
    int kind;
    do {
      kind = static_cast<int>(rng.Below(static_cast<uint32_t>(Kind::kCount)));
    } while (by_kind[kind].empty());
    const std::vector<uint32_t>& v = by_kind[kind];
    MutateSite(data, w.sites[v[rng.Below(static_cast<uint32_t>(v.size()))]], rng);
  }
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hil::agent::engine::fuzz::CheckModel(data, size);
  return 0;
}
