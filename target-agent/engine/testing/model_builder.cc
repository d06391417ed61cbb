#include "testing/model_builder.h"

#include <cstring>

namespace hil::agent::engine::testing {

FbNodeP Table() { return std::make_shared<FbNode>(); }
FbNodeP Scalars(const std::vector<uint8_t>& bytes, uint32_t elem_bytes) {
  auto n = std::make_shared<FbNode>();
  n->kind = FbNode::Kind::kScalars;
  n->data = bytes;
  n->elem_bytes = elem_bytes;
  return n;
}
FbNodeP Ints(const std::vector<int32_t>& v) { return Scalars(BytesOf(v), 4); }
FbNodeP Int64s(const std::vector<int64_t>& v) {
  std::vector<uint8_t> b(v.size() * 8);
  for (size_t i = 0; i < v.size(); ++i)
    for (int k = 0; k < 8; ++k) b[i * 8 + k] = static_cast<uint8_t>(static_cast<uint64_t>(v[i]) >> (8 * k));
  return Scalars(b, 8);
}
FbNodeP Floats(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());  // host is little-endian
  return Scalars(b, 4);
}
FbNodeP Tables(const std::vector<FbNodeP>& v) {
  auto n = std::make_shared<FbNode>();
  n->kind = FbNode::Kind::kTables;
  n->elems = v;
  return n;
}
FbNodeP String(const std::string& str) {
  auto n = std::make_shared<FbNode>();
  n->kind = FbNode::Kind::kString;
  n->data.assign(str.begin(), str.end());
  return n;
}
void AddScalar(const FbNodeP& t, int id, int bytes, uint64_t value) { t->fields.push_back({id, bytes, value, nullptr}); }
void AddFloat(const FbNodeP& t, int id, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  AddScalar(t, id, 4, bits);
}
void AddChild(const FbNodeP& t, int id, const FbNodeP& child) { t->fields.push_back({id, 4, 0, child}); }

namespace {

class Writer {
 public:
  std::vector<uint8_t> buf;
  void Pad(size_t align, size_t extra = 0) {
    while ((buf.size() + extra) % align != 0) buf.push_back(0);
  }
  void Put(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) buf.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Patch(size_t pos, uint32_t v) {
    for (int i = 0; i < 4; ++i) buf[pos + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  uint32_t Write(const FbNode& n) {
    switch (n.kind) {
      case FbNode::Kind::kScalars: {
        Pad(16, 4);  // element data 16-byte aligned
        const uint32_t pos = static_cast<uint32_t>(buf.size());
        Put(n.data.size() / n.elem_bytes, 4);
        buf.insert(buf.end(), n.data.begin(), n.data.end());
        return pos;
      }
      case FbNode::Kind::kString: {
        Pad(4);
        const uint32_t pos = static_cast<uint32_t>(buf.size());
        Put(n.data.size(), 4);
        buf.insert(buf.end(), n.data.begin(), n.data.end());
        buf.push_back(0);
        return pos;
      }
      case FbNode::Kind::kTables: {
        Pad(4);
        const uint32_t pos = static_cast<uint32_t>(buf.size());
        Put(n.elems.size(), 4);
        const size_t slots = buf.size();
        for (size_t i = 0; i < n.elems.size(); ++i) Put(0, 4);
        for (size_t i = 0; i < n.elems.size(); ++i) {
          const uint32_t child = Write(*n.elems[i]);
          Patch(slots + 4 * i, static_cast<uint32_t>(child - (slots + 4 * i)));
        }
        return pos;
      }
      case FbNode::Kind::kTable:
      default: {
        int max_id = -1;
        for (const auto& f : n.fields) max_id = f.id > max_id ? f.id : max_id;
        // Inline layout: soffset, then fields each aligned to its size.
        std::vector<uint16_t> offsets(static_cast<size_t>(max_id + 1), 0);
        std::vector<size_t> field_off(n.fields.size());
        size_t off = 4;
        for (size_t i = 0; i < n.fields.size(); ++i) {
          const int b = n.fields[i].bytes;
          while (off % static_cast<size_t>(b < 4 ? b : 4) != 0) ++off;
          field_off[i] = off;
          offsets[static_cast<size_t>(n.fields[i].id)] = static_cast<uint16_t>(off);
          off += static_cast<size_t>(b);
        }
        const size_t table_bytes = (off + 3) & ~static_cast<size_t>(3);
        const size_t vt_bytes = 4 + 2 * offsets.size();
        Pad(4, vt_bytes % 4);  // so the table after the vtable is 4-aligned
        const uint32_t vt = static_cast<uint32_t>(buf.size());
        Put(vt_bytes, 2);
        Put(table_bytes, 2);
        for (uint16_t o : offsets) Put(o, 2);
        const uint32_t pos = static_cast<uint32_t>(buf.size());
        Put(static_cast<uint32_t>(pos - vt), 4);
        buf.resize(pos + table_bytes, 0);
        for (size_t i = 0; i < n.fields.size(); ++i) {
          const auto& f = n.fields[i];
          if (!f.child)
            for (int k = 0; k < f.bytes; ++k) buf[pos + field_off[i] + k] = static_cast<uint8_t>(f.value >> (8 * k));
        }
        for (size_t i = 0; i < n.fields.size(); ++i) {
          const auto& f = n.fields[i];
          if (!f.child) continue;
          const uint32_t child = Write(*f.child);
          Patch(pos + field_off[i], static_cast<uint32_t>(child - (pos + field_off[i])));
        }
        return pos;
      }
    }
  }
};

}  // namespace

std::vector<uint8_t> Serialize(const FbNodeP& root, bool identifier) {
  Writer w;
  w.Put(0, 4);
  if (identifier) w.buf.insert(w.buf.end(), {'T', 'F', 'L', '3'});
  const uint32_t pos = w.Write(*root);
  w.Patch(0, pos);
  return w.buf;
}

std::vector<uint8_t> BytesOf(const std::vector<int8_t>& v) {
  return std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), reinterpret_cast<const uint8_t*>(v.data()) + v.size());
}
namespace {
template <typename T, typename U>
std::vector<uint8_t> LittleEndian(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  for (size_t i = 0; i < v.size(); ++i) {
    U bits;
    std::memcpy(&bits, &v[i], sizeof bits);
    for (size_t k = 0; k < sizeof(T); ++k) b[i * sizeof(T) + k] = static_cast<uint8_t>(bits >> (8 * k));
  }
  return b;
}
}  // namespace

std::vector<uint8_t> BytesOf(const std::vector<int32_t>& v) { return LittleEndian<int32_t, uint32_t>(v); }
std::vector<uint8_t> BytesOf(const std::vector<int16_t>& v) { return LittleEndian<int16_t, uint16_t>(v); }
std::vector<uint8_t> BytesOf(const std::vector<int64_t>& v) { return LittleEndian<int64_t, uint64_t>(v); }
std::vector<uint8_t> BytesOf(const std::vector<float>& v) { return LittleEndian<float, uint32_t>(v); }

namespace {

// Operator codes: one per distinct builtin code, in first-use order (subgraph 0 first).
struct Codes {
  std::vector<int32_t> codes;
  std::vector<std::string> custom;
};

FbNodeP SubgraphTable(const std::vector<TensorSpec>& tensor_specs, const std::vector<OpSpec>& op_specs,
                      const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs, Codes* c) {
  std::vector<FbNodeP> ops;
  for (const OpSpec& o : op_specs) {
    size_t idx = 0;
    while (idx < c->codes.size() && !(c->codes[idx] == o.builtin_code && c->custom[idx] == o.custom_code)) ++idx;
    if (idx == c->codes.size()) {
      c->codes.push_back(o.builtin_code);
      c->custom.push_back(o.custom_code);
    }
    FbNodeP t = Table();
    AddScalar(t, 0, 4, idx);
    AddChild(t, 1, Ints(o.inputs));
    AddChild(t, 2, Ints(o.outputs));
    if (o.options) {
      AddScalar(t, 3, 1, o.options_type);
      AddChild(t, 4, o.options);
    }
    ops.push_back(t);
  }
  std::vector<FbNodeP> tensors;
  for (const TensorSpec& ts : tensor_specs) {
    FbNodeP t = Table();
    AddChild(t, 0, Ints(ts.shape));
    AddScalar(t, 1, 1, static_cast<uint64_t>(ts.type));
    AddScalar(t, 2, 4, ts.buffer);
    if (!ts.scales.empty()) {
      FbNodeP q = Table();
      AddChild(q, 2, Floats(ts.scales));
      AddChild(q, 3, Int64s(ts.zero_points.empty() ? std::vector<int64_t>(ts.scales.size(), 0) : ts.zero_points));
      AddScalar(q, 6, 4, static_cast<uint32_t>(ts.quant_dim));
      AddChild(t, 4, q);
    }
    if (ts.variable) AddScalar(t, 5, 1, 1);
    if (!ts.shape_signature.empty()) AddChild(t, 7, Ints(ts.shape_signature));
    tensors.push_back(t);
  }
  FbNodeP sg = Table();
  AddChild(sg, 0, Tables(tensors));
  AddChild(sg, 1, Ints(inputs));
  AddChild(sg, 2, Ints(outputs));
  AddChild(sg, 3, Tables(ops));
  return sg;
}

}  // namespace

std::vector<uint8_t> BuildModel(const ModelSpec& spec) {
  Codes c;
  std::vector<FbNodeP> subgraphs = {SubgraphTable(spec.tensors, spec.ops, spec.inputs, spec.outputs, &c)};
  for (const SubgraphSpec& g : spec.subgraphs)
    subgraphs.push_back(SubgraphTable(g.tensors, g.ops, g.inputs, g.outputs, &c));
  const std::vector<int32_t>& codes = c.codes;
  const std::vector<std::string>& custom = c.custom;
  std::vector<FbNodeP> opcodes;
  for (size_t k = 0; k < codes.size(); ++k) {
    const int32_t c = codes[k];
    FbNodeP t = Table();
    AddScalar(t, 0, 1, static_cast<uint64_t>(c < 127 ? c : 127));
    if (!custom[k].empty()) AddChild(t, 1, Scalars(std::vector<uint8_t>(custom[k].begin(), custom[k].end()), 1));
    AddScalar(t, 2, 4, 1);
    if (!spec.legacy_opcodes) AddScalar(t, 3, 4, static_cast<uint32_t>(c));
    opcodes.push_back(t);
  }
  std::vector<FbNodeP> buffers;
  for (size_t i = 0; i < spec.buffers.size(); ++i) {
    FbNodeP t = Table();
    if (!spec.buffers[i].empty()) AddChild(t, 0, Scalars(spec.buffers[i], 1));
    for (const auto& e : spec.external_buffers) {
      if (e.buffer != i) continue;
      AddScalar(t, 1, 8, e.offset);
      AddScalar(t, 2, 8, e.size);
    }
    buffers.push_back(t);
  }
  FbNodeP model = Table();
  AddScalar(model, 0, 4, 3);
  AddChild(model, 1, Tables(opcodes));
  AddChild(model, 2, Tables(subgraphs));
  AddChild(model, 4, Tables(buffers));
  for (const auto& [id, node] : spec.root_fields) AddChild(model, id, node);
  return Serialize(model);
}

ModelSpec TinyFullyConnected() {
  ModelSpec m;
  m.buffers = {{}, BytesOf(std::vector<int8_t>{1, 2, 3, 4, -1, -2, -3, -4, 10, 0, -10, 5}),
               BytesOf(std::vector<int32_t>{4, -8, 100}), {}, {}};
  m.tensors = {
      {{1, 4}, 9, 3, {0.5f}, {-1}, 0},
      {{3, 4}, 9, 1, {0.25f}, {0}, 0},
      {{3}, 2, 2, {0.125f}, {0}, 0},
      {{1, 3}, 9, 4, {1.0f}, {2}, 0},
  };
  FbNodeP opt = Table();
  AddScalar(opt, 0, 1, 1);  // RELU
  m.ops = {{9, {0, 1, 2}, {3}, 8, opt, {}}};
  m.inputs = {0};
  m.outputs = {3};
  return m;
}

ModelSpec TinyConvNet() {
  ModelSpec m;
  std::vector<int8_t> filter(3 * 3 * 3 * 2);
  for (size_t i = 0; i < filter.size(); ++i) filter[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  m.buffers = {{}, BytesOf(filter), BytesOf(std::vector<int32_t>{100, -200, 300}), {}, {}, {}, {}, {}};
  m.tensors = {
      {{1, 4, 4, 2}, 9, 3, {0.05f}, {3}, 0},                      // 0 input
      {{3, 3, 3, 2}, 9, 1, {0.01f, 0.02f, 0.015f}, {0, 0, 0}, 0},  // 1 filter (per channel)
      {{3}, 2, 2, {0.0005f, 0.001f, 0.00075f}, {0, 0, 0}, 0},     // 2 bias
      {{1, 4, 4, 3}, 9, 4, {0.1f}, {-5}, 0},                      // 3 conv out
      {{1, 2, 2, 3}, 9, 5, {0.1f}, {-5}, 0},                      // 4 pool out
      {{1, 12}, 9, 6, {0.1f}, {-5}, 0},                           // 5 reshaped
      {{1, 12}, 9, 7, {1.0f / 256}, {-128}, 0},                   // 6 softmax out
  };
  FbNodeP conv = Table();
  AddScalar(conv, 0, 1, 0);  // SAME
  AddScalar(conv, 1, 4, 1);
  AddScalar(conv, 2, 4, 1);
  AddScalar(conv, 3, 1, 3);  // RELU6
  FbNodeP pool = Table();
  AddScalar(pool, 0, 1, 1);  // VALID
  AddScalar(pool, 1, 4, 2);
  AddScalar(pool, 2, 4, 2);
  AddScalar(pool, 3, 4, 2);
  AddScalar(pool, 4, 4, 2);
  FbNodeP sm = Table();
  AddFloat(sm, 0, 1.0f);
  m.ops = {{3, {0, 1, 2}, {3}, 1, conv, {}}, {1, {3}, {4}, 5, pool, {}}, {22, {4}, {5}, 0, nullptr, {}}, {25, {5}, {6}, 9, sm, {}}};
  m.inputs = {0};
  m.outputs = {6};
  return m;
}

ModelSpec TinyDepthwiseAdd() {
  ModelSpec m;
  std::vector<int8_t> filter(1 * 2 * 2 * 4);
  for (size_t i = 0; i < filter.size(); ++i) filter[i] = static_cast<int8_t>(static_cast<int>(i * 53 % 200) - 100);
  m.buffers = {{}, BytesOf(filter), BytesOf(std::vector<int32_t>{10, -20, 30, -40}), {}, {}, {}, {}, {}, {}};
  m.tensors = {
      {{1, 3, 3, 2}, 9, 3, {0.1f}, {0}, 0},                                 // 0 input
      {{1, 2, 2, 4}, 9, 1, {0.02f, 0.03f, 0.01f, 0.04f}, {0, 0, 0, 0}, 3},  // 1 filter
      {{4}, 2, 2, {0.002f, 0.003f, 0.001f, 0.004f}, {0, 0, 0, 0}, 0},      // 2 bias
      {{1, 2, 2, 4}, 9, 4, {0.05f}, {1}, 0},                                // 3 dw out (VALID)
      {{1, 1, 1, 4}, 9, 5, {0.07f}, {-3}, 0},                               // 4 second input
      {{1, 2, 2, 4}, 9, 6, {0.08f}, {2}, 0},                                // 5 add out (broadcast)
      {{1, 1, 1, 4}, 9, 7, {0.08f}, {2}, 0},                                // 6 max pool out
      {{1, 1, 1, 4}, 9, 8, {0.2f}, {-1}, 0},                                // 7 mul out
  };
  FbNodeP dw = Table();
  AddScalar(dw, 0, 1, 1);  // VALID
  AddScalar(dw, 1, 4, 1);
  AddScalar(dw, 2, 4, 1);
  AddScalar(dw, 3, 4, 2);  // depth multiplier
  FbNodeP add = Table();
  AddScalar(add, 0, 1, 0);
  FbNodeP pool = Table();
  AddScalar(pool, 0, 1, 1);
  AddScalar(pool, 1, 4, 2);
  AddScalar(pool, 2, 4, 2);
  AddScalar(pool, 3, 4, 2);
  AddScalar(pool, 4, 4, 2);
  FbNodeP mul = Table();
  AddScalar(mul, 0, 1, 0);
  m.ops = {{4, {0, 1, 2}, {3}, 2, dw, {}}, {0, {3, 4}, {5}, 11, add, {}}, {17, {5}, {6}, 5, pool, {}}, {18, {6, 4}, {7}, 21, mul, {}}};
  m.inputs = {0, 4};
  m.outputs = {7};
  return m;
}

namespace {
ModelSpec Unary(int32_t code, int type_in, float in_scale, int64_t in_zp, float out_scale, int64_t out_zp) {
  ModelSpec m;
  m.buffers = {{}, {}, {}};
  m.tensors = {{{1, 2, 3, 4}, type_in, 1, {in_scale}, {in_zp}, 0}, {{1, 2, 3, 4}, 9, 2, {out_scale}, {out_zp}, 0}};
  m.ops = {{code, {0}, {1}, 0, nullptr, {}}};
  m.inputs = {0};
  m.outputs = {1};
  return m;
}
}  // namespace

std::vector<NamedModel> SeedModels() {
  std::vector<NamedModel> out;
  out.push_back({"fully_connected", BuildModel(TinyFullyConnected())});
  out.push_back({"conv_pool_reshape_softmax", BuildModel(TinyConvNet())});
  out.push_back({"depthwise_add_maxpool_mul", BuildModel(TinyDepthwiseAdd())});
  out.push_back({"logistic", BuildModel(Unary(14, 9, 0.1f, 3, 1.0f / 256, -128))});
  out.push_back({"tanh", BuildModel(Unary(28, 9, 0.05f, -2, 1.0f / 128, 0))});
  out.push_back({"relu", BuildModel(Unary(19, 9, 0.1f, 3, 0.05f, -10))});
  out.push_back({"relu6", BuildModel(Unary(21, 9, 0.1f, 3, 0.1f, 3))});
  out.push_back({"quantize", BuildModel(Unary(114, 9, 0.1f, 3, 0.2f, -1))});
  {
    ModelSpec m = Unary(114, 0, 0.0f, 0, 0.2f, -1);
    m.tensors[0].scales = {};
    m.tensors[0].zero_points = {};
    out.push_back({"quantize_float", BuildModel(m)});
    ModelSpec d = Unary(6, 9, 0.1f, 3, 0.0f, 0);
    d.tensors[1].type = 0;
    d.tensors[1].scales = {};
    d.tensors[1].zero_points = {};
    out.push_back({"dequantize", BuildModel(d)});
  }
  {
    ModelSpec m;
    m.buffers = {{}, BytesOf(std::vector<int32_t>{0, 0, 1, 1, 0, 2, 0, 0}), BytesOf(std::vector<int32_t>{1, 2}),
                 {}, {}, {}, {}};
    m.tensors = {
        {{1, 2, 2, 3}, 9, 3, {0.1f}, {1}, 0, false, {}},  // 0 input
        {{4, 2}, 2, 1, {}, {}, 0, false, {}},             // 1 paddings
        {{1, 4, 4, 3}, 9, 4, {0.1f}, {1}, 0, false, {}},  // 2 padded
        {{2}, 2, 2, {}, {}, 0, false, {}},                // 3 axes
        {{1, 1, 1, 3}, 9, 5, {0.1f}, {1}, 0, false, {}},  // 4 mean (keep dims)
        {{1, 1, 1, 6}, 9, 6, {0.1f}, {1}, 0, false, {}},  // 5 concat
    };
    FbNodeP red = Table();
    AddScalar(red, 0, 1, 1);
    FbNodeP cat = Table();
    AddScalar(cat, 0, 4, 3);
    m.ops = {{34, {0, 1}, {2}, 0, nullptr, {}}, {40, {2, 3}, {4}, 27, red, {}}, {2, {4, 4}, {5}, 10, cat, {}}};
    m.inputs = {0};
    m.outputs = {5};
    out.push_back({"pad_mean_concat", BuildModel(m)});
  }
  return out;
}

}  // namespace hil::agent::engine::testing
