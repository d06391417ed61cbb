// The axis-permutation family (ops/transpose.cc): TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
// BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND. Hand-computed results per operator and element type, and the
// models each must refuse.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddScalar;
using testing::FbNodeP;

enum Type : int { kF32 = 0, kI32 = 2, kU8 = 3, kI64 = 4, kBool = 6, kI16 = 7, kI8 = 9 };

template <typename V>
std::vector<uint8_t> Raw(const std::vector<V>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(V));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// Options table of int32 fields {field id, value}.
FbNodeP Opts(std::initializer_list<std::pair<int, int32_t>> ints) {
  FbNodeP t = testing::Table();
  for (const auto& [id, v] : ints) AddScalar(t, id, 4, static_cast<uint32_t>(v));
  return t;
}

// A one-operator model: In() tensors are the model's inputs (in order), Out() its outputs, Const()
// tensors carry data.
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
  // Loads; ErrorDetail() is kept in detail().
  Status Load() {
    blob_ = testing::BuildModel(spec_);
    const Status st = interp_.Load(blob_.data(), blob_.size(), arena_.data(), arena_.size());
    detail_ = interp_.ErrorDetail();
    return st;
  }
  // Loads (which must succeed), writes the inputs' raw bytes and runs once: Invoke's status.
  Status Invoke(const std::vector<std::vector<uint8_t>>& inputs) {
    const Status st = Load();
    EXPECT_EQ(st, Status::kOk) << detail_;
    if (st != Status::kOk) return st;
    EXPECT_EQ(static_cast<size_t>(interp_.input_count()), inputs.size());
    for (int i = 0; i < interp_.input_count() && static_cast<size_t>(i) < inputs.size(); ++i) {
      const TensorView v = interp_.input(i);
      EXPECT_EQ(v.bytes, inputs[i].size()) << "input " << i;
      if (v.bytes == inputs[i].size()) std::memcpy(v.data, inputs[i].data(), v.bytes);
    }
    const Status run = interp_.Invoke(nullptr);
    detail_ = interp_.ErrorDetail();
    return run;
  }
  // Invoke, which must succeed: output 0's bytes.
  std::vector<uint8_t> Run(const std::vector<std::vector<uint8_t>>& inputs) {
    const Status st = Invoke(inputs);
    EXPECT_EQ(st, Status::kOk) << detail_;
    if (st != Status::kOk) return {};
    const TensorView v = interp_.output(0);
    return std::vector<uint8_t>(v.data, v.data + v.bytes);
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
};

// Loading fails with `status` and a detail containing `text`.
void ExpectRefused(Model& m, Status status, const std::string& text) {
  EXPECT_EQ(m.Load(), status) << m.detail();
  EXPECT_NE(m.detail().find(text), std::string::npos) << m.detail();
}

constexpr int kTranspose = 39, kDepthToSpace = 5, kSpaceToDepth = 26, kBatchToSpaceNd = 37, kSpaceToBatchNd = 38;
constexpr uint8_t kOptDepthToSpace = 94, kOptSpaceToDepth = 19;

std::vector<int8_t> Iota8(int n, int first = 0) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>(first + i);
  return v;
}

// ---------------------------------------------------------------- TRANSPOSE

TEST(TransposeFamilyTest, TransposeEveryTypeAndRank) {
  {
    Model m;  // int8 [2, 3] -> [3, 2]
    const int x = m.In({2, 3}, kI8, 0.5f, 7);
    const int p = m.Const({2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({3, 2}, kI8, 0.5f, 7);
    m.Op(kTranspose, {x, p}, {y});
    EXPECT_EQ(m.Run({Raw(Iota8(6, 1))}), Raw(std::vector<int8_t>{1, 4, 2, 5, 3, 6}));
  }
  {
    Model m;  // int16 [2, 2, 3], perm {2, 0, 1}: out[c][a][b] = in[a][b][c] = 6a + 3b + c
    const int x = m.In({2, 2, 3}, kI16, 0.5f);
    const int p = m.Const({3}, kI32, std::vector<int32_t>{2, 0, 1});
    const int y = m.Out({3, 2, 2}, kI16, 0.5f);
    m.Op(kTranspose, {x, p}, {y});
    std::vector<int16_t> in(12);
    for (int i = 0; i < 12; ++i) in[static_cast<size_t>(i)] = static_cast<int16_t>(1000 * i - 5000);
    std::vector<int16_t> want;
    for (int c = 0; c < 3; ++c)
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) want.push_back(static_cast<int16_t>(1000 * (6 * a + 3 * b + c) - 5000));
    EXPECT_EQ(m.Run({Raw(in)}), Raw(want));
  }
  {
    Model m;  // float32, 5-D [1, 2, 1, 3, 1] reversed axes: out[k][j] = in[j][k] = 3j + k
    const int x = m.In({1, 2, 1, 3, 1}, kF32);
    const int p = m.Const({5}, kI32, std::vector<int32_t>{4, 3, 2, 1, 0});
    const int y = m.Out({1, 3, 1, 2, 1}, kF32);
    m.Op(kTranspose, {x, p}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{0, 1, 2, 3, 4, 5})}), Raw(std::vector<float>{0, 3, 1, 4, 2, 5}));
  }
}

TEST(TransposeFamilyTest, TransposeRefusals) {
  {
    Model m;  // perm from the model's input
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int p = m.In({2}, kI32);
    const int y = m.Out({3, 2}, kI8, 1.0f);
    m.Op(kTranspose, {x, p}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "perm must be a constant int32 vector");
  }
  {
    Model m;  // an axis twice
    const int x = m.In({2, 2}, kI8, 1.0f);
    const int p = m.Const({2}, kI32, std::vector<int32_t>{0, 0});
    const int y = m.Out({2, 2}, kI8, 1.0f);
    m.Op(kTranspose, {x, p}, {y});
    ExpectRefused(m, Status::kModelInvalid, "not a permutation");
  }
  {
    Model m;  // output not the permuted shape
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int p = m.Const({2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({2, 3}, kI8, 1.0f);
    m.Op(kTranspose, {x, p}, {y});
    ExpectRefused(m, Status::kModelInvalid, "not the permuted input shape");
  }
  {
    Model m;  // bool
    const int x = m.In({2, 3}, kBool);
    const int p = m.Const({2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({3, 2}, kBool);
    m.Op(kTranspose, {x, p}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "TRANSPOSE at operator 0: bool, int32 -> bool is not supported");
  }
}

// ---------------------------------------------------------------- DEPTH_TO_SPACE / SPACE_TO_DEPTH

// [1, 1, 2, 4] with block 2 <-> [1, 2, 4, 1]: output row r, column 2x + s takes input column x, channel 2r + s.
const std::vector<int8_t> kDepthOrder = Iota8(8);
const std::vector<int8_t> kSpaceOrder{0, 1, 4, 5, 2, 3, 6, 7};

TEST(TransposeFamilyTest, DepthToSpaceAndBack) {
  {
    Model m;
    const int x = m.In({1, 1, 2, 4}, kI8, 0.2f, -1);
    const int y = m.Out({1, 2, 4, 1}, kI8, 0.2f, -1);
    m.Op(kDepthToSpace, {x}, {y}, kOptDepthToSpace, Opts({{0, 2}}));
    EXPECT_EQ(m.Run({Raw(kDepthOrder)}), Raw(kSpaceOrder));
  }
  {
    Model m;
    const int x = m.In({1, 2, 4, 1}, kI8, 0.2f, -1);
    const int y = m.Out({1, 1, 2, 4}, kI8, 0.2f, -1);
    m.Op(kSpaceToDepth, {x}, {y}, kOptSpaceToDepth, Opts({{0, 2}}));
    EXPECT_EQ(m.Run({Raw(kSpaceOrder)}), Raw(kDepthOrder));
  }
  {
    Model m;  // float32 with 2 output channels: [1, 1, 1, 8] -> [1, 2, 2, 2] keeps the order
    const int x = m.In({1, 1, 1, 8}, kF32);
    const int y = m.Out({1, 2, 2, 2}, kF32);
    m.Op(kDepthToSpace, {x}, {y}, kOptDepthToSpace, Opts({{0, 2}}));
    const auto v = Raw(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
    EXPECT_EQ(m.Run({v}), v);
  }
  {
    Model m;  // int16 (beyond TFLite Micro's int8 / float32)
    const int x = m.In({1, 2, 4, 1}, kI16, 0.2f);
    const int y = m.Out({1, 1, 2, 4}, kI16, 0.2f);
    m.Op(kSpaceToDepth, {x}, {y}, kOptSpaceToDepth, Opts({{0, 2}}));
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{0, 100, 400, 500, 200, 300, 600, -700})}),
              Raw(std::vector<int16_t>{0, 100, 200, 300, 400, 500, 600, -700}));
  }
}

TEST(TransposeFamilyTest, DepthToSpaceAndSpaceToDepthRefusals) {
  {
    Model m;  // block_size 0
    const int x = m.In({1, 1, 1, 4}, kI8, 1.0f);
    const int y = m.Out({1, 1, 1, 4}, kI8, 1.0f);
    m.Op(kDepthToSpace, {x}, {y}, kOptDepthToSpace, Opts({{0, 0}}));
    ExpectRefused(m, Status::kModelInvalid, "block_size must be at least 1");
  }
  {
    Model m;  // 3 channels, block 2
    const int x = m.In({1, 1, 1, 3}, kI8, 1.0f);
    const int y = m.Out({1, 2, 2, 1}, kI8, 1.0f);
    m.Op(kDepthToSpace, {x}, {y}, kOptDepthToSpace, Opts({{0, 2}}));
    ExpectRefused(m, Status::kModelInvalid, "not a multiple of block_size squared");
  }
  {
    Model m;  // height 3, block 2
    const int x = m.In({1, 3, 2, 1}, kI8, 1.0f);
    const int y = m.Out({1, 1, 1, 4}, kI8, 1.0f);
    m.Op(kSpaceToDepth, {x}, {y}, kOptSpaceToDepth, Opts({{0, 2}}));
    ExpectRefused(m, Status::kModelInvalid, "not a multiple of block_size");
  }
  {
    Model m;  // bool
    const int x = m.In({1, 2, 2, 1}, kBool);
    const int y = m.Out({1, 1, 1, 4}, kBool);
    m.Op(kSpaceToDepth, {x}, {y}, kOptSpaceToDepth, Opts({{0, 2}}));
    ExpectRefused(m, Status::kUnsupportedOperator, "SPACE_TO_DEPTH at operator 0: bool -> bool is not supported");
  }
}

// ---------------------------------------------------------------- BATCH_TO_SPACE_ND / SPACE_TO_BATCH_ND

TEST(TransposeFamilyTest, BatchToSpaceWithCrops) {
  {
    Model m;  // int8 [4, 1, 2, 1] = 10 * batch + column; block 2x2, crop 1 column on the right
    const int x = m.In({4, 1, 2, 1}, kI8, 1.0f);
    const int b = m.Const({2}, kI32, std::vector<int32_t>{2, 2});
    const int c = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 0, 0, 1});
    const int y = m.Out({1, 2, 3, 1}, kI8, 1.0f);
    m.Op(kBatchToSpaceNd, {x, b, c}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{0, 1, 10, 11, 20, 21, 30, 31})}),
              Raw(std::vector<int8_t>{0, 10, 1, 20, 30, 21}));
  }
  {
    Model m;  // float32 3-D [2, 2, 1], block 2, crop 1 at the bottom: rows a0 c0 a1 (c1 cropped)
    const int x = m.In({2, 2, 1}, kF32);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{2});
    const int c = m.Const({1, 2}, kI32, std::vector<int32_t>{0, 1});
    const int y = m.Out({1, 3, 1}, kF32);
    m.Op(kBatchToSpaceNd, {x, b, c}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1.5f, 2.5f, -3, -4})}), Raw(std::vector<float>{1.5f, -3, 2.5f}));
  }
}

TEST(TransposeFamilyTest, SpaceToBatchPadsWithZeroBytesAsTfliteMicro) {
  {
    Model m;  // int8 [1, 2, 3, 1] = 1..6, zero point 5; block 2x2, 1 padded column on the right
    const int x = m.In({1, 2, 3, 1}, kI8, 1.0f, 5);
    const int b = m.Const({2}, kI32, std::vector<int32_t>{2, 2});
    const int p = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 0, 0, 1});
    const int y = m.Out({4, 1, 2, 1}, kI8, 1.0f, 5);
    m.Op(kSpaceToBatchNd, {x, b, p}, {y});
    // TFLite Micro pads with SpaceToBatchParams::output_offset, never set: 0, not the zero point 5
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<int8_t>{1, 3, 2, 0, 4, 6, 5, 0}));
  }
  {
    Model m;  // int16 3-D [1, 3, 1], block 2, 1 padded row on top: batch 0 [pad, x1], batch 1 [x0, x2]
    const int x = m.In({1, 3, 1}, kI16, 1.0f);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{2});
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({2, 2, 1}, kI16, 1.0f);
    m.Op(kSpaceToBatchNd, {x, b, p}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{-100, 200, -300})}), Raw(std::vector<int16_t>{0, 200, -100, -300}));
  }
}

TEST(TransposeFamilyTest, BatchSpaceRefusals) {
  {
    Model m;  // block shape from the model's input
    const int x = m.In({4, 1, 1, 1}, kI8, 1.0f);
    const int b = m.In({2}, kI32);
    const int c = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 0, 0, 0});
    const int y = m.Out({1, 2, 2, 1}, kI8, 1.0f);
    m.Op(kBatchToSpaceNd, {x, b, c}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "block_shape and crops must be constant");
  }
  {
    Model m;  // output of another block shape
    const int x = m.In({4, 1, 1, 1}, kI8, 1.0f);
    const int b = m.Const({2}, kI32, std::vector<int32_t>{2, 2});
    const int c = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 0, 0, 0});
    const int y = m.Out({1, 4, 1, 1}, kI8, 1.0f);
    m.Op(kBatchToSpaceNd, {x, b, c}, {y});
    ExpectRefused(m, Status::kModelInvalid, "output shape does not match");
  }
  {
    Model m;  // block 0
    const int x = m.In({1, 2, 2, 1}, kI8, 1.0f);
    const int b = m.Const({2}, kI32, std::vector<int32_t>{0, 1});
    const int p = m.Const({2, 2}, kI32, std::vector<int32_t>{0, 0, 0, 0});
    const int y = m.Out({1, 2, 2, 1}, kI8, 1.0f);
    m.Op(kSpaceToBatchNd, {x, b, p}, {y});
    ExpectRefused(m, Status::kModelInvalid, "zero block shape");
  }
  {
    Model m;  // 2-D
    const int x = m.In({2, 2}, kI8, 1.0f);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{1});
    const int p = m.Const({1, 2}, kI32, std::vector<int32_t>{0, 0});
    const int y = m.Out({2, 2}, kI8, 1.0f);
    m.Op(kSpaceToBatchNd, {x, b, p}, {y});
    ExpectRefused(m, Status::kModelInvalid, "3-D or 4-D");
  }
}

}  // namespace
}  // namespace hil::agent::engine
