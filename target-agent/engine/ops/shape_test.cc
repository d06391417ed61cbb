// The data-movement family (ops/shape.cc): hand-computed results per operator and type, and the
// models it must refuse (a type TFLite Micro refuses: kUnsupportedOperator naming the types; a
// model that contradicts itself: kModelInvalid).
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddChild;
using testing::AddScalar;
using testing::BytesOf;
using testing::FbNodeP;
using testing::Int64s;
using testing::Ints;

enum Type : int { kF32 = 0, kI32 = 2, kU8 = 3, kI64 = 4, kBool = 6, kI16 = 7, kI8 = 9 };

template <typename V>
std::vector<uint8_t> Raw(const std::vector<V>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(V));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// A one-operator model: tensors added in order; In() tensors are the model's inputs, Out() its
// outputs, Const() tensors carry data.
class Model {
 public:
  Model() { spec_.buffers.push_back({}); }
  int In(std::vector<int32_t> shape, int type, float scale = 0.0f, int64_t zp = 0) {
    const int t = Add(std::move(shape), type, scale, zp, 0);
    spec_.inputs.push_back(t);
    return t;
  }
  int Out(std::vector<int32_t> shape, int type, float scale = 0.0f, int64_t zp = 0) {
    const int t = Add(std::move(shape), type, scale, zp, 0);
    spec_.outputs.push_back(t);
    return t;
  }
  template <typename V>
  int Const(std::vector<int32_t> shape, int type, const std::vector<V>& data, float scale = 0.0f, int64_t zp = 0) {
    spec_.buffers.push_back(Raw(data));
    return Add(std::move(shape), type, scale, zp, static_cast<uint32_t>(spec_.buffers.size() - 1));
  }
  void Op(int code, std::vector<int32_t> in, std::vector<int32_t> out, uint8_t options_type = 0,
          FbNodeP options = nullptr) {
    spec_.ops.push_back({code, std::move(in), std::move(out), options_type, std::move(options), {}});
  }

  // Loads; the status (ErrorDetail() in detail()). A model without inputs gets an unused one (the
  // engine wants at least one).
  Status Load() {
    if (spec_.inputs.empty()) {
      dummy_ = true;
      In({1}, kI8, 1.0f);
    }
    blob_ = testing::BuildModel(spec_);
    const Status st = interp_.Load(blob_.data(), blob_.size(), arena_.data(), arena_.size());
    detail_ = interp_.ErrorDetail();
    return st;
  }
  // Loads, writes the inputs (raw bytes, in order) and runs; the outputs' bytes.
  std::vector<std::vector<uint8_t>> Run(const std::vector<std::vector<uint8_t>>& inputs) {
    std::vector<std::vector<uint8_t>> outs(spec_.outputs.size());
    const Status st = Load();
    EXPECT_EQ(st, Status::kOk) << detail_;
    if (st != Status::kOk) return outs;
    EXPECT_EQ(static_cast<size_t>(interp_.input_count()), inputs.size() + (dummy_ ? 1 : 0));
    for (int i = 0; i < interp_.input_count() && static_cast<size_t>(i) < inputs.size(); ++i) {
      const TensorView v = interp_.input(i);
      EXPECT_EQ(v.bytes, inputs[i].size()) << "input " << i;
      if (v.bytes == inputs[i].size() && v.bytes > 0) std::memcpy(v.data, inputs[i].data(), v.bytes);
    }
    EXPECT_EQ(interp_.Invoke(nullptr), Status::kOk) << interp_.ErrorDetail();
    for (int i = 0; i < interp_.output_count() && static_cast<size_t>(i) < outs.size(); ++i) {
      const TensorView v = interp_.output(i);
      outs[i].assign(v.data, v.data + v.bytes);
    }
    return outs;
  }
  const std::string& detail() const { return detail_; }

 private:
  int Add(std::vector<int32_t> shape, int type, float scale, int64_t zp, uint32_t buffer) {
    testing::TensorSpec t;
    t.shape = std::move(shape);
    t.type = type;
    t.buffer = buffer;
    if (scale > 0.0f) {
      t.scales = {scale};
      t.zero_points = {zp};
    }
    spec_.tensors.push_back(t);
    return static_cast<int>(spec_.tensors.size() - 1);
  }
  testing::ModelSpec spec_;
  std::vector<uint8_t> blob_;
  std::vector<uint8_t> arena_ = std::vector<uint8_t>(64 * 1024);
  Interpreter interp_;
  std::string detail_;
  bool dummy_ = false;
};

FbNodeP Opts(std::initializer_list<std::pair<int, int32_t>> ints) {
  FbNodeP t = testing::Table();
  for (const auto& [id, v] : ints) AddScalar(t, id, 4, static_cast<uint32_t>(v));
  return t;
}

// ---------------------------------------------------------------- RESHAPE, SQUEEZE, EXPAND_DIMS

TEST(ShapeFamilyTest, ReshapeAnyTypeAndEveryWayOfGivingTheShape) {
  // int16 with the shape as a constant second input.
  {
    Model m;
    const int x = m.In({2, 3}, kI16, 0.5f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{3, 2});
    const int y = m.Out({3, 2}, kI16, 0.5f);
    m.Op(22, {x, s}, {y});
    const std::vector<int16_t> v{-32768, 1, 2, 300, -4, 32767};
    EXPECT_EQ(m.Run({Raw(v)})[0], Raw(v));
  }
  // float32, shape only in ReshapeOptions.new_shape (field 0).
  {
    Model m;
    const int x = m.In({4}, kF32);
    const int y = m.Out({2, 2}, kF32);
    FbNodeP o = testing::Table();
    AddChild(o, 0, Ints({2, 2}));
    m.Op(22, {x}, {y}, 17, o);
    const std::vector<float> v{1.5f, -2.0f, 1e30f, 0.0f};
    EXPECT_EQ(m.Run({Raw(v)})[0], Raw(v));
  }
  // bool, uint8, int64, int32 and int8: the output tensor alone gives the shape.
  for (int type : {kBool, kU8, kI64, kI32, kI8}) {
    Model m;
    const int x = m.In({1, 2, 2}, type);
    const int y = m.Out({4}, type);
    m.Op(22, {x}, {y});
    std::vector<uint8_t> bytes(4 * (type == kI64 ? 8 : type == kI32 ? 4 : 1));
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(type == kBool ? i % 2 : 7 * i + 1);
    EXPECT_EQ(m.Run({bytes})[0], bytes) << "type " << type;
  }
}

TEST(ShapeFamilyTest, ReshapeRefusals) {
  {
    Model m;
    const int x = m.In({4}, kI8, 0.5f);
    const int y = m.Out({2, 2}, kI16, 0.5f);
    m.Op(22, {x}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("RESHAPE at operator 0: int8 -> int16 is not supported"), std::string::npos)
        << m.detail();
  }
  {
    Model m;
    const int x = m.In({4}, kI8, 0.5f);
    const int y = m.Out({5}, kI8, 0.5f);
    m.Op(22, {x}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
    EXPECT_NE(m.detail().find("element counts differ"), std::string::npos) << m.detail();
  }
}

TEST(ShapeFamilyTest, SqueezeAllOnesOrNamedDims) {
  const std::vector<int8_t> v{1, 2, 3, 4, 5, 6};
  {
    Model m;  // no options: every dim of size 1 goes
    const int x = m.In({1, 3, 1, 2}, kI8, 0.1f, 3);
    const int y = m.Out({3, 2}, kI8, 0.1f, 3);
    m.Op(43, {x}, {y});
    EXPECT_EQ(m.Run({Raw(v)})[0], Raw(v));
  }
  {
    Model m;  // squeeze_dims {-2}: only dim 2; int16
    const int x = m.In({1, 3, 1, 2}, kI16, 0.1f);
    const int y = m.Out({1, 3, 2}, kI16, 0.1f);
    FbNodeP o = testing::Table();
    AddChild(o, 0, Ints({-2}));
    m.Op(43, {x}, {y}, 30, o);
    const std::vector<int16_t> w{1000, -2, 3, 4, 5, -32768};
    EXPECT_EQ(m.Run({Raw(w)})[0], Raw(w));
  }
  {
    Model m;  // squeeze_dims names a dim of size 3
    const int x = m.In({1, 3, 1, 2}, kI8, 0.1f);
    const int y = m.Out({1, 1, 6}, kI8, 0.1f);
    FbNodeP o = testing::Table();
    AddChild(o, 0, Ints({1}));
    m.Op(43, {x}, {y}, 30, o);
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

TEST(ShapeFamilyTest, ExpandDimsNegativeAxis) {
  const std::vector<int8_t> v{1, -2, 3, -4, 5, -6};
  for (int32_t axis : {-1, 2}) {
    Model m;
    const int x = m.In({2, 3}, kI8, 0.2f, -1);
    const int a = m.Const({1}, kI32, std::vector<int32_t>{axis});
    const int y = m.Out({2, 3, 1}, kI8, 0.2f, -1);
    m.Op(70, {x, a}, {y});
    EXPECT_EQ(m.Run({Raw(v)})[0], Raw(v)) << "axis " << axis;
  }
  {
    Model m;  // axis -3 is dim 0 of the output
    const int x = m.In({2, 3}, kF32);
    const int a = m.Const({}, kI32, std::vector<int32_t>{-3});
    const int y = m.Out({1, 2, 3}, kF32);
    m.Op(70, {x, a}, {y});
    const std::vector<float> f{1, 2, 3, 4, 5, 6};
    EXPECT_EQ(m.Run({Raw(f)})[0], Raw(f));
  }
  {
    Model m;  // the output shape disagrees with the axis
    const int x = m.In({2, 3}, kI16, 0.2f);
    const int a = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({2, 1, 3}, kI16, 0.2f);
    m.Op(70, {x, a}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // int32 data: TFLite Micro's EXPAND_DIMS copies int8, int16 and float32 only
    const int x = m.In({2}, kI32);
    const int a = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({1, 2}, kI32);
    m.Op(70, {x, a}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("int32, int32 -> int32 is not supported (int8, int16 or float32"), std::string::npos)
        << m.detail();
  }
  {
    Model m;  // the axis is computed, not constant
    const int x = m.In({2}, kI8, 0.1f);
    const int a = m.In({1}, kI32);
    const int y = m.Out({1, 2}, kI8, 0.1f);
    m.Op(70, {x, a}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("constant"), std::string::npos) << m.detail();
  }
}

// ---------------------------------------------------------------- CONCATENATION, PACK

TEST(ShapeFamilyTest, ConcatenationInt8NegativeAxisWithAConstantInput) {
  Model m;
  const int a = m.In({2, 1}, kI8, 0.25f, -3);
  const int b = m.Const({2, 2}, kI8, std::vector<int8_t>{10, 11, 12, 13}, 0.25f, -3);
  const int c = m.In({2, 3}, kI8, 0.25f, -3);
  const int y = m.Out({2, 6}, kI8, 0.25f, -3);
  m.Op(2, {a, b, c}, {y}, 10, Opts({{0, -1}}));
  const auto out = m.Run({Raw(std::vector<int8_t>{1, 2}), Raw(std::vector<int8_t>{-1, -2, -3, -4, -5, -6})});
  EXPECT_EQ(out[0], Raw(std::vector<int8_t>{1, 10, 11, -1, -2, -3, 2, 12, 13, -4, -5, -6}));
}

TEST(ShapeFamilyTest, ConcatenationInt16Int64FloatBool) {
  {
    Model m;  // int16 along axis 0
    const int a = m.In({1, 2}, kI16, 0.01f);
    const int b = m.In({2, 2}, kI16, 0.02f);  // int16 scales are not compared, as TFLite Micro
    const int y = m.Out({3, 2}, kI16, 0.03f);
    m.Op(2, {a, b}, {y}, 10, Opts({{0, 0}}));
    const auto out = m.Run({Raw(std::vector<int16_t>{-32768, 32767}), Raw(std::vector<int16_t>{1, 2, 3, 4})});
    EXPECT_EQ(out[0], Raw(std::vector<int16_t>{-32768, 32767, 1, 2, 3, 4}));
  }
  for (int type : {kI64, kF32, kBool, kI32}) {
    Model m;  // axis 1 of [1,1] and [1,2]
    const int a = m.In({1, 1}, type);
    const int b = m.In({1, 2}, type);
    const int y = m.Out({1, 3}, type);
    m.Op(2, {a, b}, {y}, 10, Opts({{0, 1}}));
    const size_t eb = type == kI64 ? 8 : type == kBool ? 1 : 4;
    std::vector<uint8_t> av(eb, 0x11), bv(2 * eb);
    for (size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<uint8_t>(type == kBool ? 1 : i);
    if (type == kBool) av.assign(1, 0);
    std::vector<uint8_t> want = av;
    want.insert(want.end(), bv.begin(), bv.end());
    EXPECT_EQ(m.Run({av, bv})[0], want) << "type " << type;
  }
}

TEST(ShapeFamilyTest, ConcatenationRefusals) {
  {
    Model m;  // int8 inputs quantized unlike the output: TFLite Micro does not requantize
    const int a = m.In({1, 2}, kI8, 0.5f, 1);
    const int b = m.In({1, 2}, kI8, 0.5f, 2);
    const int y = m.Out({1, 4}, kI8, 0.5f, 1);
    m.Op(2, {a, b}, {y}, 10, Opts({{0, 1}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("output's scale and zero point"), std::string::npos) << m.detail();
  }
  {
    Model m;  // fused activation
    const int a = m.In({1, 2}, kI8, 0.5f);
    const int y = m.Out({1, 2}, kI8, 0.5f);
    m.Op(2, {a}, {y}, 10, Opts({{0, 1}, {1, 1}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // int16 with a zero point
    const int a = m.In({1, 2}, kI16, 0.5f, 4);
    const int y = m.Out({1, 2}, kI16, 0.5f, 4);
    m.Op(2, {a}, {y}, 10, Opts({{0, 1}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // uint8 is not among TFLite Micro's types
    const int a = m.In({1, 2}, kU8);
    const int y = m.Out({1, 2}, kU8);
    m.Op(2, {a}, {y}, 10, Opts({{0, 1}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("uint8 -> uint8 is not supported (float32, int8"), std::string::npos) << m.detail();
  }
  {
    Model m;  // mixed types
    const int a = m.In({1, 2}, kI8, 0.5f);
    const int b = m.In({1, 2}, kI16, 0.5f);
    const int y = m.Out({1, 4}, kI8, 0.5f);
    m.Op(2, {a, b}, {y}, 10, Opts({{0, 1}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // the axis sizes do not add up
    const int a = m.In({1, 2}, kI8, 0.5f);
    const int b = m.In({1, 2}, kI8, 0.5f);
    const int y = m.Out({1, 5}, kI8, 0.5f);
    m.Op(2, {a, b}, {y}, 10, Opts({{0, 1}}));
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // axis out of range
    const int a = m.In({1, 2}, kI8, 0.5f);
    const int y = m.Out({1, 2}, kI8, 0.5f);
    m.Op(2, {a}, {y}, 10, Opts({{0, -3}}));
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

TEST(ShapeFamilyTest, PackAlongAMiddleAndANegativeAxis) {
  const std::vector<int16_t> a{1, 2, 3, 4}, b{5, 6, 7, 8}, c{-9, -10, -11, -12};
  {
    Model m;  // three [2,2] -> [2,3,2] along axis 1
    const int x0 = m.In({2, 2}, kI16, 0.1f), x1 = m.In({2, 2}, kI16, 0.1f), x2 = m.In({2, 2}, kI16, 0.1f);
    const int y = m.Out({2, 3, 2}, kI16, 0.1f);
    m.Op(83, {x0, x1, x2}, {y}, 59, Opts({{0, 3}, {1, 1}}));
    EXPECT_EQ(m.Run({Raw(a), Raw(b), Raw(c)})[0], Raw(std::vector<int16_t>{1, 2, 5, 6, -9, -10, 3, 4, 7, 8, -11, -12}));
  }
  {
    Model m;  // axis -1: [2,2,3], interleaving element by element; int8
    const int x0 = m.In({2, 2}, kI8, 0.1f), x1 = m.In({2, 2}, kI8, 0.1f), x2 = m.In({2, 2}, kI8, 0.1f);
    const int y = m.Out({2, 2, 3}, kI8, 0.1f);
    m.Op(83, {x0, x1, x2}, {y}, 59, Opts({{0, 3}, {1, -1}}));
    const auto out = m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4}), Raw(std::vector<int8_t>{5, 6, 7, 8}),
                            Raw(std::vector<int8_t>{9, 10, 11, 12})});
    EXPECT_EQ(out[0], Raw(std::vector<int8_t>{1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12}));
  }
  {
    Model m;  // values_count disagrees with the inputs
    const int x0 = m.In({2}, kI8, 0.1f), x1 = m.In({2}, kI8, 0.1f);
    const int y = m.Out({2, 2}, kI8, 0.1f);
    m.Op(83, {x0, x1}, {y}, 59, Opts({{0, 3}, {1, 0}}));
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // bool is not among TFLite Micro's PACK types
    const int x0 = m.In({2}, kBool);
    const int y = m.Out({1, 2}, kBool);
    m.Op(83, {x0}, {y}, 59, Opts({{0, 1}, {1, 0}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
}

// ---------------------------------------------------------------- UNPACK, SPLIT, SPLIT_V

TEST(ShapeFamilyTest, UnpackWritesEveryOutput) {
  {
    Model m;  // [2,3] along axis 1 (given as -1): three [2]
    const int x = m.In({2, 3}, kI8, 0.1f);
    const int y0 = m.Out({2}, kI8, 0.1f), y1 = m.Out({2}, kI8, 0.1f), y2 = m.Out({2}, kI8, 0.1f);
    m.Op(88, {x}, {y0, y1, y2}, 64, Opts({{0, 3}, {1, -1}}));
    const auto out = m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], Raw(std::vector<int8_t>{1, 4}));
    EXPECT_EQ(out[1], Raw(std::vector<int8_t>{2, 5}));
    EXPECT_EQ(out[2], Raw(std::vector<int8_t>{3, 6}));
  }
  {
    Model m;  // float [2,2] along axis 0
    const int x = m.In({2, 2}, kF32);
    const int y0 = m.Out({2}, kF32), y1 = m.Out({2}, kF32);
    m.Op(88, {x}, {y0, y1}, 64, Opts({{0, 2}, {1, 0}}));
    const auto out = m.Run({Raw(std::vector<float>{1.5f, 2.5f, -3.5f, 4.5f})});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], Raw(std::vector<float>{1.5f, 2.5f}));
    EXPECT_EQ(out[1], Raw(std::vector<float>{-3.5f, 4.5f}));
  }
  {
    Model m;  // num disagrees with the outputs
    const int x = m.In({2, 2}, kI16, 0.1f);
    const int y0 = m.Out({2}, kI16, 0.1f), y1 = m.Out({2}, kI16, 0.1f);
    m.Op(88, {x}, {y0, y1}, 64, Opts({{0, 3}, {1, 0}}));
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // int64: TFLite Micro's UNPACK has float32, int32, int16 and int8
    const int x = m.In({2}, kI64);
    const int y0 = m.Out({}, kI64), y1 = m.Out({}, kI64);
    m.Op(88, {x}, {y0, y1}, 64, Opts({{0, 2}, {1, 0}}));
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
}

TEST(ShapeFamilyTest, SplitTakesItsAxisFromInputZero) {
  {
    Model m;  // int16 [2,4] split in two along axis -1
    const int a = m.Const({}, kI32, std::vector<int32_t>{-1});
    const int x = m.In({2, 4}, kI16, 0.1f);
    const int y0 = m.Out({2, 2}, kI16, 0.1f), y1 = m.Out({2, 2}, kI16, 0.1f);
    m.Op(49, {a, x}, {y0, y1}, 35, Opts({{0, 2}}));
    const auto out = m.Run({Raw(std::vector<int16_t>{1, 2, 3, 4, 5, 6, 7, 8})});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], Raw(std::vector<int16_t>{1, 2, 5, 6}));
    EXPECT_EQ(out[1], Raw(std::vector<int16_t>{3, 4, 7, 8}));
  }
  {
    Model m;  // a computed axis
    const int a = m.In({1}, kI32);
    const int x = m.In({2, 4}, kI8, 0.1f);
    const int y0 = m.Out({2, 2}, kI8, 0.1f), y1 = m.Out({2, 2}, kI8, 0.1f);
    m.Op(49, {a, x}, {y0, y1});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // unequal outputs
    const int a = m.Const({1}, kI32, std::vector<int32_t>{1});
    const int x = m.In({2, 4}, kI8, 0.1f);
    const int y0 = m.Out({2, 1}, kI8, 0.1f), y1 = m.Out({2, 3}, kI8, 0.1f);
    m.Op(49, {a, x}, {y0, y1});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

TEST(ShapeFamilyTest, SplitVWithAnInferredSize) {
  {
    Model m;  // [5] int8 into [2] and [3], size_splits {2, -1}
    const int x = m.In({5}, kI8, 0.1f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{2, -1});
    const int a = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y0 = m.Out({2}, kI8, 0.1f), y1 = m.Out({3}, kI8, 0.1f);
    m.Op(102, {x, s, a}, {y0, y1}, 79, Opts({{0, 2}}));
    const auto out = m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5})});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], Raw(std::vector<int8_t>{1, 2}));
    EXPECT_EQ(out[1], Raw(std::vector<int8_t>{3, 4, 5}));
  }
  {
    Model m;  // [2,3] int32 along axis 1 into 1, 0+... : sizes {1, 2} as int64
    const int x = m.In({2, 3}, kI32);
    const int s = m.Const({2}, kI64, std::vector<int64_t>{1, 2});
    const int a = m.Const({1}, kI32, std::vector<int32_t>{1});
    const int y0 = m.Out({2, 1}, kI32), y1 = m.Out({2, 2}, kI32);
    m.Op(102, {x, s, a}, {y0, y1});
    const auto out = m.Run({Raw(std::vector<int32_t>{1, 2, 3, 4, 5, 6})});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], Raw(std::vector<int32_t>{1, 4}));
    EXPECT_EQ(out[1], Raw(std::vector<int32_t>{2, 3, 5, 6}));
  }
  {
    Model m;  // size_splits disagree with the outputs
    const int x = m.In({5}, kI8, 0.1f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{3, 2});
    const int a = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y0 = m.Out({2}, kI8, 0.1f), y1 = m.Out({3}, kI8, 0.1f);
    m.Op(102, {x, s, a}, {y0, y1});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
    EXPECT_NE(m.detail().find("size_splits"), std::string::npos) << m.detail();
  }
  {
    Model m;  // two -1 entries
    const int x = m.In({5}, kI8, 0.1f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{-1, -1});
    const int a = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y0 = m.Out({2}, kI8, 0.1f), y1 = m.Out({3}, kI8, 0.1f);
    m.Op(102, {x, s, a}, {y0, y1});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

// ---------------------------------------------------------------- PAD, PADV2, MIRROR_PAD

TEST(ShapeFamilyTest, PadFillsWithTheZeroPointForInt8AndZeroOtherwise) {
  {
    Model m;  // int8 [2,2], pads {{1,0},{0,1}}: border = output zero point -7
    const int x = m.In({2, 2}, kI8, 0.5f, -7);
    const int p = m.Const({2, 2}, kI32, std::vector<int32_t>{1, 0, 0, 1});
    const int y = m.Out({3, 3}, kI8, 0.5f, -7);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4})})[0],
              Raw(std::vector<int8_t>{-7, -7, -7, 1, 2, -7, 3, 4, -7}));
  }
  {
    Model m;  // int16 zero point ignored: 0
    const int x = m.In({2}, kI16, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{2, 1});
    const int y = m.Out({5}, kI16, 0.5f);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{-300, 300})})[0], Raw(std::vector<int16_t>{0, 0, -300, 300, 0}));
  }
  {
    Model m;  // 5-D float: pads only on the first and last dims
    const int x = m.In({1, 1, 1, 1, 2}, kF32);
    const int p = m.Const({5, 2}, kI32, std::vector<int32_t>{1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    const int y = m.Out({2, 1, 1, 1, 3}, kF32);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1.5f, -2.5f})})[0], Raw(std::vector<float>{0, 0, 0, 1.5f, -2.5f, 0}));
  }
}

TEST(ShapeFamilyTest, PadV2TakesItsValueFromAConstantOrAComputedInput) {
  {
    Model m;  // int16 constant -300
    const int x = m.In({1, 2}, kI16, 0.5f);
    const int p = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 1, 1, 0});
    const int v = m.Const({}, kI16, std::vector<int16_t>{-300});
    const int y = m.Out({2, 3}, kI16, 0.5f);
    m.Op(60, {x, p, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{7, 8})})[0], Raw(std::vector<int16_t>{-300, 7, 8, -300, -300, -300}));
  }
  {
    Model m;  // int8 value from a model input (read at Invoke), quantized as the output
    const int x = m.In({2}, kI8, 0.5f, 3);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 1});
    const int v = m.In({1}, kI8, 0.5f, 3);
    const int y = m.Out({4}, kI8, 0.5f, 3);
    m.Op(60, {x, p, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{5, 6}), Raw(std::vector<int8_t>{-100})})[0],
              Raw(std::vector<int8_t>{-100, 5, 6, -100}));
  }
  {
    Model m;  // int32 constant, PAD with a third input behaves the same
    const int x = m.In({1}, kI32);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{0, 2});
    const int v = m.Const({1}, kI32, std::vector<int32_t>{-70000});
    const int y = m.Out({3}, kI32);
    m.Op(34, {x, p, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int32_t>{123456})})[0], Raw(std::vector<int32_t>{123456, -70000, -70000}));
  }
}

TEST(ShapeFamilyTest, PadRefusals) {
  {
    Model m;  // int8 value quantized unlike the output
    const int x = m.In({2}, kI8, 0.5f, 3);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 1});
    const int v = m.Const({}, kI8, std::vector<int8_t>{1}, 0.25f, 3);
    const int y = m.Out({4}, kI8, 0.5f, 3);
    m.Op(60, {x, p, v}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // negative padding
    const int x = m.In({3}, kI8, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{-1, 0});
    const int y = m.Out({2}, kI8, 0.5f);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // paddings and output disagree
    const int x = m.In({3}, kI8, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({5}, kI8, 0.5f);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // computed paddings
    const int x = m.In({3}, kI8, 0.5f);
    const int p = m.In({1, 2}, kI32);
    const int y = m.Out({4}, kI8, 0.5f);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // bool
    const int x = m.In({3}, kBool);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({4}, kBool);
    m.Op(34, {x, p}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
    EXPECT_NE(m.detail().find("PAD at operator 0: bool, int32 -> bool is not supported"), std::string::npos)
        << m.detail();
  }
}

TEST(ShapeFamilyTest, MirrorPadReflectAndSymmetric) {
  // {1,2,3} padded [1,2]: REFLECT {2,1,2,3,2,1}, SYMMETRIC {1,1,2,3,3,2}.
  for (int mode : {0, 1}) {
    Model m;
    const int x = m.In({3}, kI8, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 2});
    const int y = m.Out({6}, kI8, 0.5f);
    FbNodeP o = testing::Table();
    AddScalar(o, 0, 1, static_cast<uint64_t>(mode));
    m.Op(100, {x, p}, {y}, 77, o);
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3})})[0],
              Raw(mode == 0 ? std::vector<int8_t>{2, 1, 2, 3, 2, 1} : std::vector<int8_t>{1, 1, 2, 3, 3, 2}))
        << "mode " << mode;
  }
  {
    Model m;  // no options table: TFLite Micro mirrors SYMMETRIC; 2-D float, int64 paddings
    const int x = m.In({2, 2}, kF32);
    const int p = m.Const({2, 2}, kI64, std::vector<int64_t>{1, 0, 0, 2});
    const int y = m.Out({3, 4}, kF32);
    m.Op(100, {x, p}, {y});
    // rows: [row0 mirrored, row0, row1]; each row {a, b, b, a}
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1, 2, 3, 4})})[0],
              Raw(std::vector<float>{1, 2, 2, 1, 1, 2, 2, 1, 3, 4, 4, 3}));
  }
  {
    Model m;  // REFLECT cannot pad 3 on a dim of 3
    const int x = m.In({3}, kI8, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{3, 0});
    const int y = m.Out({6}, kI8, 0.5f);
    m.Op(100, {x, p}, {y}, 77, testing::Table());
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
  {
    Model m;  // int16: TFLite Micro's MIRROR_PAD has int8 and float32
    const int x = m.In({3}, kI16, 0.5f);
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({4}, kI16, 0.5f);
    m.Op(100, {x, p}, {y}, 77, testing::Table());
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
}

// ---------------------------------------------------------------- BROADCAST_TO, SHAPE

TEST(ShapeFamilyTest, BroadcastTo) {
  {
    Model m;  // int16 [3] -> [2,3]
    const int x = m.In({3}, kI16, 0.1f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{2, 3});
    const int y = m.Out({2, 3}, kI16, 0.1f);
    m.Op(130, {x, s}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{1, -2, 3})})[0], Raw(std::vector<int16_t>{1, -2, 3, 1, -2, 3}));
  }
  {
    Model m;  // int8 [2,1] -> [2,2,3] (int64 shape): the innermost dim repeated
    const int x = m.In({2, 1}, kI8, 0.1f);
    const int s = m.Const({3}, kI64, std::vector<int64_t>{2, 2, 3});
    const int y = m.Out({2, 2, 3}, kI8, 0.1f);
    m.Op(130, {x, s}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{4, -5})})[0],
              Raw(std::vector<int8_t>{4, 4, 4, -5, -5, -5, 4, 4, 4, -5, -5, -5}));
  }
  {
    Model m;  // [2] does not broadcast to [3]
    const int x = m.In({2}, kI8, 0.1f);
    const int s = m.Const({1}, kI32, std::vector<int32_t>{3});
    const int y = m.Out({3}, kI8, 0.1f);
    m.Op(130, {x, s}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

TEST(ShapeFamilyTest, ShapeWritesTheInputDims) {
  {
    Model m;
    const int x = m.In({2, 3, 4}, kI8, 0.1f);
    const int y = m.Out({3}, kI32);
    m.Op(77, {x}, {y});
    EXPECT_EQ(m.Run({std::vector<uint8_t>(24)})[0], Raw(std::vector<int32_t>{2, 3, 4}));
  }
  {
    Model m;
    const int x = m.In({5, 1}, kI16, 0.1f);
    const int y = m.Out({2}, kI64);
    m.Op(77, {x}, {y}, 55, Opts({{0, 4}}));
    EXPECT_EQ(m.Run({std::vector<uint8_t>(10)})[0], Raw(std::vector<int64_t>{5, 1}));
  }
  {
    Model m;
    const int x = m.In({5, 1}, kI16, 0.1f);
    const int y = m.Out({2}, kF32);
    m.Op(77, {x}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
}

// ---------------------------------------------------------------- FILL, ZEROS_LIKE

TEST(ShapeFamilyTest, FillCopiesTheValueRaw) {
  {
    Model m;  // int8 -5 is written as -5 (no requantization), dims as int64
    const int d = m.Const({2}, kI64, std::vector<int64_t>{2, 2});
    const int v = m.Const({}, kI8, std::vector<int8_t>{-5}, 0.5f, 10);
    const int y = m.Out({2, 2}, kI8, 0.25f, -3);
    m.Op(94, {d, v}, {y});
    EXPECT_EQ(m.Run({})[0], Raw(std::vector<int8_t>{-5, -5, -5, -5}));
  }
  {
    Model m;  // float value from a model input
    const int d = m.Const({1}, kI32, std::vector<int32_t>{3});
    const int v = m.In({}, kF32);
    const int y = m.Out({3}, kF32);
    m.Op(94, {d, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{-1.25f})})[0], Raw(std::vector<float>{-1.25f, -1.25f, -1.25f}));
  }
  {
    Model m;  // int16: not among TFLite Micro's FILL types
    const int d = m.Const({1}, kI32, std::vector<int32_t>{3});
    const int v = m.Const({}, kI16, std::vector<int16_t>{1});
    const int y = m.Out({3}, kI16);
    m.Op(94, {d, v}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
  {
    Model m;  // the dims disagree with the output
    const int d = m.Const({1}, kI32, std::vector<int32_t>{4});
    const int v = m.Const({}, kI32, std::vector<int32_t>{1});
    const int y = m.Out({3}, kI32);
    m.Op(94, {d, v}, {y});
    EXPECT_EQ(m.Load(), Status::kModelInvalid);
  }
}

TEST(ShapeFamilyTest, ZerosLikeWritesALiteralZero) {
  {
    Model m;  // int8 with zero point 5 still gets 0
    const int x = m.In({3}, kI8, 0.5f, 5);
    const int y = m.Out({3}, kI8, 0.5f, 5);
    m.Op(93, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3})})[0], Raw(std::vector<int8_t>{0, 0, 0}));
  }
  {
    Model m;
    const int x = m.In({2}, kI64);
    const int y = m.Out({2}, kI64);
    m.Op(93, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int64_t>{-1, 7})})[0], Raw(std::vector<int64_t>{0, 0}));
  }
  {
    Model m;  // int16: TFLite Micro refuses
    const int x = m.In({2}, kI16, 0.5f);
    const int y = m.Out({2}, kI16, 0.5f);
    m.Op(93, {x}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator);
  }
}

// ---------------------------------------------------------------- CAST

TEST(ShapeFamilyTest, CastConvertsValuesNotQuantizedNumbers) {
  {
    Model m;  // int8 -> float: the integer value, whatever the scale
    const int x = m.In({3}, kI8, 0.5f, 10);
    const int y = m.Out({3}, kF32);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{-3, 0, 127})})[0], Raw(std::vector<float>{-3.0f, 0.0f, 127.0f}));
  }
  {
    Model m;  // float -> int8: truncation toward zero, then the low 8 bits; NaN and 1e10 -> INT32_MIN -> 0
    const int x = m.In({6}, kF32);
    const int y = m.Out({6}, kI8);
    m.Op(53, {x}, {y});
    const std::vector<float> f{300.7f, -1.9f, 1e10f, std::numeric_limits<float>::quiet_NaN(), -129.0f, 127.99f};
    EXPECT_EQ(m.Run({Raw(f)})[0], Raw(std::vector<int8_t>{44, -1, 0, 0, 127, 127}));
  }
  {
    Model m;  // float -> int32: out of range is INT32_MIN; float -> int16 wraps
    const int x = m.In({3}, kF32);
    const int y = m.Out({3}, kI32);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1e10f, -2.5f, 2147483520.0f})})[0],
              Raw(std::vector<int32_t>{INT32_MIN, -2, 2147483520}));
  }
  {
    Model m;  // int32 -> int16 keeps the low 16 bits; int32 -> float rounds to nearest even
    const int x = m.In({2}, kI32);
    const int y = m.Out({2}, kI16);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int32_t>{70000, -32769})})[0], Raw(std::vector<int16_t>{4464, 32767}));
    Model f;
    const int fx = f.In({2}, kI32);
    const int fy = f.Out({2}, kF32);
    f.Op(53, {fx}, {fy});
    EXPECT_EQ(f.Run({Raw(std::vector<int32_t>{16777217, 16777219})})[0],
              Raw(std::vector<float>{16777216.0f, 16777220.0f}));
  }
  {
    Model m;  // bool (a constant) -> int16: 0 or 1
    const int x = m.Const({3}, kBool, std::vector<uint8_t>{0, 1, 2});
    const int y = m.Out({3}, kI16);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Run({})[0], Raw(std::vector<int16_t>{0, 1, 1}));
  }
  {
    Model m;  // int16 -> int8 wraps
    const int x = m.In({2}, kI16, 0.5f);
    const int y = m.Out({2}, kI8, 0.5f);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{-129, 256 + 5})})[0], Raw(std::vector<int8_t>{127, 5}));
  }
}

TEST(ShapeFamilyTest, CastRefusals) {
  for (auto [from, to] : {std::pair{kI8, kBool}, std::pair{kU8, kI32}, std::pair{kI64, kI32}, std::pair{kI32, kI64}}) {
    Model m;
    const int x = m.In({2}, from);
    const int y = m.Out({2}, to);
    m.Op(53, {x}, {y});
    EXPECT_EQ(m.Load(), Status::kUnsupportedOperator) << from << " -> " << to;
    EXPECT_NE(m.detail().find("CAST at operator 0"), std::string::npos) << m.detail();
  }
  Model m;  // element counts differ
  const int x = m.In({2}, kI8, 0.5f);
  const int y = m.Out({3}, kF32);
  m.Op(53, {x}, {y});
  EXPECT_EQ(m.Load(), Status::kModelInvalid);
}

// Operators chained: the planner gives every output its own memory, so RESHAPE, SQUEEZE and
// EXPAND_DIMS copy, and a SPLIT's outputs feed a CONCATENATION in swapped order.
TEST(ShapeFamilyTest, SplitThenConcatenateSwapped) {
  Model m;
  const int a = m.Const({}, kI32, std::vector<int32_t>{1});
  const int x = m.In({2, 4}, kI8, 0.1f, 2);
  const int h0 = m.Out({2, 2}, kI8, 0.1f, 2);
  const int h1 = m.Out({2, 2}, kI8, 0.1f, 2);
  const int y = m.Out({2, 4}, kI8, 0.1f, 2);
  m.Op(49, {a, x}, {h0, h1});
  m.Op(2, {h1, h0}, {y}, 10, Opts({{0, 1}}));
  const auto out = m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2], Raw(std::vector<int8_t>{3, 4, 1, 2, 7, 8, 5, 6}));
}

}  // namespace
}  // namespace hil::agent::engine
