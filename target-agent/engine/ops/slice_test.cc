// The slicing family (ops/slice.cc): STRIDED_SLICE, SLICE, DYNAMIC_UPDATE_SLICE, REVERSE_V2, GATHER,
// GATHER_ND and EMBEDDING_LOOKUP. Hand-computed results per operator and element type, run-time
// index checks (kKernelFailed, never a read outside a tensor), and the models each must refuse
// (kUnsupportedOperator naming the op and types, kModelInvalid for a model that contradicts itself).
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

constexpr int kStridedSlice = 45, kSlice = 65, kDynamicUpdateSlice = 151, kReverseV2 = 105, kGather = 36,
              kGatherNd = 107, kEmbeddingLookup = 7;
constexpr uint8_t kOptStridedSlice = 32, kOptGather = 23;

// STRIDED_SLICE of `x` with constant begin/end/strides and masks {begin, end, ellipsis, new_axis, shrink}.
void StridedSlice(Model& m, int x, const std::vector<int32_t>& b, const std::vector<int32_t>& e,
                  const std::vector<int32_t>& s, int y, std::vector<int32_t> masks = {0, 0, 0, 0, 0}) {
  const int32_t n = static_cast<int32_t>(b.size());
  const int tb = m.Const({n}, kI32, b), te = m.Const({n}, kI32, e), ts = m.Const({n}, kI32, s);
  m.Op(kStridedSlice, {x, tb, te, ts}, {y}, kOptStridedSlice,
       Opts({{0, masks[0]}, {1, masks[1]}, {2, masks[2]}, {3, masks[3]}, {4, masks[4]}}));
}

// ---------------------------------------------------------------- STRIDED_SLICE

TEST(SliceFamilyTest, StridedSliceStepsEveryOtherRowAndColumn) {
  Model m;  // int8 [3, 4] = 0..11; rows 0 and 2, columns 1 and 3
  const int x = m.In({3, 4}, kI8, 0.5f, -3);
  const int y = m.Out({2, 2}, kI8, 0.5f, -3);
  StridedSlice(m, x, {0, 1}, {3, 4}, {2, 2}, y);
  EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}),
            Raw(std::vector<int8_t>{1, 3, 9, 11}));
}

TEST(SliceFamilyTest, StridedSliceNegativeStrideWithEndMask) {
  Model m;  // int16: begin -1 is element 4; the end mask runs past element 0: 4, 2, 0
  const int x = m.In({5}, kI16, 0.001f);
  const int y = m.Out({3}, kI16, 0.001f);
  StridedSlice(m, x, {-1}, {0}, {-2}, y, {0, 1, 0, 0, 0});
  EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{10, 20, 30, -32768, 32767})}), Raw(std::vector<int16_t>{32767, 30, 10}));
}

TEST(SliceFamilyTest, StridedSliceNegativeStrideWithoutMasksStopsBeforeEnd) {
  Model m;  // int32: begin 3, end 0 (exclusive), stride -1: 3, 2, 1
  const int x = m.In({2, 5}, kI32);
  const int y = m.Out({2, 3}, kI32);
  StridedSlice(m, x, {0, 3}, {2, 0}, {1, -1}, y);
  EXPECT_EQ(m.Run({Raw(std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})}),
            Raw(std::vector<int32_t>{3, 2, 1, 8, 7, 6}));
}

TEST(SliceFamilyTest, StridedSliceClampsOutOfRangeIndices) {
  Model m;  // float32: begin -100 -> 0, end 100 -> 7, stride 3: 0, 3, 6
  const int x = m.In({7}, kF32);
  const int y = m.Out({3}, kF32);
  StridedSlice(m, x, {-100}, {100}, {3}, y);
  EXPECT_EQ(m.Run({Raw(std::vector<float>{0.5f, 1, 2, 3.25f, 4, 5, -6.75f})}),
            Raw(std::vector<float>{0.5f, 3.25f, -6.75f}));
}

TEST(SliceFamilyTest, StridedSliceShrinksAxesAndHonoursBeginMask) {
  Model m;  // int8 [2, 3, 2]: shrink axis 0 at begin -1 (row 1), begin mask on axis 1 (from 0), axis 2 shrunk at 1
  const int x = m.In({2, 3, 2}, kI8, 1.0f);
  const int y = m.Out({2}, kI8, 1.0f);
  StridedSlice(m, x, {-1, 2, 1}, {0, 3, 0}, {1, 2, 1}, y, {2, 0, 0, 0, 5});
  // axis 1: from 0 (mask) to 3 step 2: 0, 2
  EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}), Raw(std::vector<int8_t>{7, 11}));
}

TEST(SliceFamilyTest, StridedSliceBoolAndFiveDims) {
  {
    Model m;  // bool reversed whole (both masks, stride -1)
    const int x = m.In({4}, kBool);
    const int y = m.Out({4}, kBool);
    StridedSlice(m, x, {0}, {0}, {-1}, y, {1, 1, 0, 0, 0});
    EXPECT_EQ(m.Run({{1, 1, 0, 0}}), (std::vector<uint8_t>{0, 0, 1, 1}));
  }
  {
    Model m;  // int8 [2, 1, 1, 1, 3] (5-D: beyond TFLite Micro's 4): last element of each batch, backwards pairs
    const int x = m.In({2, 1, 1, 1, 3}, kI8, 1.0f);
    const int y = m.Out({1, 1, 1, 1, 2}, kI8, 1.0f);
    StridedSlice(m, x, {1, 0, 0, 0, 2}, {2, 1, 1, 1, -4}, {1, 1, 1, 1, -2}, y);
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<int8_t>{6, 4}));
  }
}

TEST(SliceFamilyTest, StridedSliceRefusals) {
  {
    Model m;  // int64 data: TFLite Micro has no int64 STRIDED_SLICE
    const int x = m.In({4}, kI64);
    const int y = m.Out({2}, kI64);
    StridedSlice(m, x, {0}, {2}, {1}, y);
    ExpectRefused(m, Status::kUnsupportedOperator, "STRIDED_SLICE at operator 0: int64, int32, int32, int32 -> int64");
  }
  {
    Model m;  // begin from the model's input
    const int x = m.In({4}, kI8, 1.0f);
    const int b = m.In({1}, kI32);
    const int e = m.Const({1}, kI32, std::vector<int32_t>{2});
    const int s = m.Const({1}, kI32, std::vector<int32_t>{1});
    const int y = m.Out({2}, kI8, 1.0f);
    m.Op(kStridedSlice, {x, b, e, s}, {y}, kOptStridedSlice, Opts({}));
    ExpectRefused(m, Status::kUnsupportedOperator, "must be constant int32");
  }
  {
    Model m;  // stride 0
    const int x = m.In({4}, kI8, 1.0f);
    const int y = m.Out({2}, kI8, 1.0f);
    StridedSlice(m, x, {0}, {2}, {0}, y);
    ExpectRefused(m, Status::kModelInvalid, "a stride is 0");
  }
  {
    Model m;  // output shape of another slice
    const int x = m.In({4}, kI8, 1.0f);
    const int y = m.Out({3}, kI8, 1.0f);
    StridedSlice(m, x, {0}, {2}, {1}, y);
    ExpectRefused(m, Status::kModelInvalid, "output shape does not match the slice");
  }
  {
    Model m;  // new_axis_mask that changes the shape (TFLite Micro ignores the mask and refuses the shape)
    const int x = m.In({4}, kI8, 1.0f);
    const int y = m.Out({1, 4}, kI8, 1.0f);
    StridedSlice(m, x, {0}, {4}, {1}, y, {0, 0, 0, 1, 0});
    ExpectRefused(m, Status::kUnsupportedOperator, "new_axis_mask");
  }
  {
    Model m;  // a shrunk axis whose begin is past the end copies nothing in TFLite Micro
    const int x = m.In({2, 4}, kI8, 1.0f);
    const int y = m.Out({4}, kI8, 1.0f);
    StridedSlice(m, x, {2, 0}, {3, 4}, {1, 1}, y, {0, 0, 0, 0, 1});
    ExpectRefused(m, Status::kModelInvalid, "shrunk axis begins past its end");
  }
  {
    Model m;  // begin/end/strides shorter than the input's rank
    const int x = m.In({2, 4}, kI8, 1.0f);
    const int y = m.Out({2, 4}, kI8, 1.0f);
    StridedSlice(m, x, {0}, {2}, {1}, y);
    ExpectRefused(m, Status::kUnsupportedOperator, "vectors of the input's rank");
  }
}

// ---------------------------------------------------------------- SLICE

TEST(SliceFamilyTest, SliceConstantBeginAndSizeMinusOne) {
  Model m;  // int8 [3, 4]: rows 1..2, columns 1..end
  const int x = m.In({3, 4}, kI8, 0.1f);
  const int b = m.Const({2}, kI32, std::vector<int32_t>{1, 1});
  const int s = m.Const({2}, kI32, std::vector<int32_t>{2, -1});
  const int y = m.Out({2, 3}, kI8, 0.1f);
  m.Op(kSlice, {x, b, s}, {y});
  EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}),
            Raw(std::vector<int8_t>{5, 6, 7, 9, 10, 11}));
}

TEST(SliceFamilyTest, SliceInt16WithInt64BeginAndSize) {
  Model m;
  const int x = m.In({2, 3}, kI16, 0.1f);
  const int b = m.Const({2}, kI64, std::vector<int64_t>{1, 0});
  const int s = m.Const({2}, kI64, std::vector<int64_t>{1, 2});
  const int y = m.Out({1, 2}, kI16, 0.1f);
  m.Op(kSlice, {x, b, s}, {y});
  EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{1, 2, 3, -400, 500, 600})}), Raw(std::vector<int16_t>{-400, 500}));
}

TEST(SliceFamilyTest, SliceRunTimeBeginIsCheckedAtEveryInvoke) {
  Model m;  // begin from the model's input: [1] selects 2 elements from 1; [3] would read past the end
  const int x = m.In({4}, kF32);
  const int b = m.In({1}, kI32);
  const int s = m.Const({1}, kI32, std::vector<int32_t>{2});
  const int y = m.Out({2}, kF32);
  m.Op(kSlice, {x, b, s}, {y});
  const auto data = Raw(std::vector<float>{1, 2, 3, 4});
  EXPECT_EQ(m.Run({data, Raw(std::vector<int32_t>{1})}), Raw(std::vector<float>{2, 3}));
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{3})}), Status::kKernelFailed);
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{-1})}), Status::kKernelFailed);
  EXPECT_NE(m.detail().find("SLICE at operator 0 failed"), std::string::npos) << m.detail();
}

TEST(SliceFamilyTest, SliceRefusals) {
  {
    Model m;  // begin + size past the end
    const int x = m.In({4}, kI8, 1.0f);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{3});
    const int s = m.Const({1}, kI32, std::vector<int32_t>{2});
    const int y = m.Out({2}, kI8, 1.0f);
    m.Op(kSlice, {x, b, s}, {y});
    ExpectRefused(m, Status::kModelInvalid, "do not describe the output's slice");
  }
  {
    Model m;  // begin int32, size int64
    const int x = m.In({4}, kI8, 1.0f);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int s = m.Const({1}, kI64, std::vector<int64_t>{2});
    const int y = m.Out({2}, kI8, 1.0f);
    m.Op(kSlice, {x, b, s}, {y});
    ExpectRefused(m, Status::kModelInvalid, "one type");
  }
  {
    Model m;  // uint8 data
    const int x = m.In({4}, kU8);
    const int b = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int s = m.Const({1}, kI32, std::vector<int32_t>{2});
    const int y = m.Out({2}, kU8);
    m.Op(kSlice, {x, b, s}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator,
                  "SLICE at operator 0: uint8, int32, int32 -> uint8 is not supported");
  }
}

// ---------------------------------------------------------------- DYNAMIC_UPDATE_SLICE

TEST(SliceFamilyTest, DynamicUpdateSliceClampsRunTimeStarts) {
  Model m;  // int8 [3, 4] = 0..11, update [2, 2]; starts (2, 3) clamp to (1, 2)
  const int x = m.In({3, 4}, kI8, 0.5f);
  const int u = m.In({2, 2}, kI8, 0.5f);
  const int i = m.In({2}, kI32);
  const int y = m.Out({3, 4}, kI8, 0.5f);
  m.Op(kDynamicUpdateSlice, {x, u, i}, {y});
  const auto operand = Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  const auto update = Raw(std::vector<int8_t>{-1, -2, -3, -4});
  EXPECT_EQ(m.Run({operand, update, Raw(std::vector<int32_t>{2, 3})}),
            Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, -1, -2, 8, 9, -3, -4}));
  EXPECT_EQ(m.Run({operand, update, Raw(std::vector<int32_t>{-7, 1})}),
            Raw(std::vector<int8_t>{0, -1, -2, 3, 4, -3, -4, 7, 8, 9, 10, 11}));
}

TEST(SliceFamilyTest, DynamicUpdateSliceInt16Int64AndWholeFloat) {
  {
    Model m;  // int16 [4] with update [1] at constant int64 start 2
    const int x = m.In({4}, kI16, 0.1f);
    const int u = m.Const({1}, kI16, std::vector<int16_t>{-32768}, 0.1f);
    const int i = m.Const({1}, kI64, std::vector<int64_t>{2});
    const int y = m.Out({4}, kI16, 0.1f);
    m.Op(kDynamicUpdateSlice, {x, u, i}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{1, 2, 3, 4})}), Raw(std::vector<int16_t>{1, 2, -32768, 4}));
  }
  {
    Model m;  // float32, update as large as the operand: the output is the update
    const int x = m.In({2}, kF32);
    const int u = m.In({2}, kF32);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{5});
    const int y = m.Out({2}, kF32);
    m.Op(kDynamicUpdateSlice, {x, u, i}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1, 2}), Raw(std::vector<float>{-3, 4.5f})}),
              Raw(std::vector<float>{-3, 4.5f}));
  }
}

TEST(SliceFamilyTest, DynamicUpdateSliceRefusals) {
  {
    Model m;  // update larger than the operand
    const int x = m.In({2}, kI8, 1.0f);
    const int u = m.In({3}, kI8, 1.0f);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({2}, kI8, 1.0f);
    m.Op(kDynamicUpdateSlice, {x, u, i}, {y});
    ExpectRefused(m, Status::kModelInvalid, "larger than the operand");
  }
  {
    Model m;  // bool
    const int x = m.In({2}, kBool);
    const int u = m.In({1}, kBool);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({2}, kBool);
    m.Op(kDynamicUpdateSlice, {x, u, i}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "DYNAMIC_UPDATE_SLICE at operator 0: bool, bool, int32 -> bool");
  }
}

// ---------------------------------------------------------------- REVERSE_V2

TEST(SliceFamilyTest, ReverseContiguousAxesEveryType) {
  {
    Model m;  // int8 [2, 3], axis 1: each row backwards
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int a = m.Const({1}, kI32, std::vector<int32_t>{1});
    const int y = m.Out({2, 3}, kI8, 1.0f);
    m.Op(kReverseV2, {x, a}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<int8_t>{3, 2, 1, 6, 5, 4}));
  }
  {
    Model m;  // int16 [2, 2, 2], axes {1, 0} (either order): blocks of 2 in reverse order
    const int x = m.In({2, 2, 2}, kI16, 1.0f);
    const int a = m.Const({2}, kI32, std::vector<int32_t>{1, 0});
    const int y = m.Out({2, 2, 2}, kI16, 1.0f);
    m.Op(kReverseV2, {x, a}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{1, 2, 3, 4, 5, 6, 7, 8})}),
              Raw(std::vector<int16_t>{7, 8, 5, 6, 3, 4, 1, 2}));
  }
  {
    Model m;  // int64, axis -1
    const int x = m.In({3}, kI64);
    const int a = m.Const({1}, kI32, std::vector<int32_t>{-1});
    const int y = m.Out({3}, kI64);
    m.Op(kReverseV2, {x, a}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int64_t>{1, 1LL << 40, -5})}), Raw(std::vector<int64_t>{-5, 1LL << 40, 1}));
  }
}

TEST(SliceFamilyTest, ReverseRunTimeAxisIsChecked) {
  Model m;
  const int x = m.In({2, 2}, kI8, 1.0f);
  const int a = m.In({1}, kI32);
  const int y = m.Out({2, 2}, kI8, 1.0f);
  m.Op(kReverseV2, {x, a}, {y});
  const auto data = Raw(std::vector<int8_t>{1, 2, 3, 4});
  EXPECT_EQ(m.Run({data, Raw(std::vector<int32_t>{0})}), Raw(std::vector<int8_t>{3, 4, 1, 2}));
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{2})}), Status::kKernelFailed);
}

TEST(SliceFamilyTest, ReverseRefusesNonContiguousOrRepeatedAxes) {
  for (const std::vector<int32_t>& axes : {std::vector<int32_t>{0, 2}, std::vector<int32_t>{1, 1}}) {
    Model m;
    const int x = m.In({2, 2, 2}, kI8, 1.0f);
    const int a = m.Const({2}, kI32, axes);
    const int y = m.Out({2, 2, 2}, kI8, 1.0f);
    m.Op(kReverseV2, {x, a}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "distinct, in range and contiguous");
  }
}

// ---------------------------------------------------------------- GATHER

TEST(SliceFamilyTest, GatherRowsAndBatchDims) {
  {
    Model m;  // int8 [4, 2], indices {3, 0, 3} on axis 0
    const int x = m.In({4, 2}, kI8, 1.0f);
    const int i = m.Const({3}, kI32, std::vector<int32_t>{3, 0, 3});
    const int y = m.Out({3, 2}, kI8, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({{0, 0}}));
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8})}), Raw(std::vector<int8_t>{7, 8, 1, 2, 7, 8}));
  }
  {
    Model m;  // int8 [2, 3], batch_dims 1, axis -1, indices [[2, 0], [1, 1]]
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int i = m.Const({2, 2}, kI32, std::vector<int32_t>{2, 0, 1, 1});
    const int y = m.Out({2, 2}, kI8, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({{0, -1}, {1, 1}}));
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<int8_t>{3, 1, 5, 5}));
  }
  {
    Model m;  // int16 params, int64 indices, axis 1 of [2, 3]
    const int x = m.In({2, 3}, kI16, 1.0f);
    const int i = m.Const({1}, kI64, std::vector<int64_t>{2});
    const int y = m.Out({2, 1}, kI16, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({{0, 1}}));
    EXPECT_EQ(m.Run({Raw(std::vector<int16_t>{1, 2, 300, 4, 5, -600})}), Raw(std::vector<int16_t>{300, -600}));
  }
}

TEST(SliceFamilyTest, GatherRunTimeIndicesOutOfRangeFail) {
  Model m;  // float32 [3] params; the indices come from the model's input
  const int x = m.In({3}, kF32);
  const int i = m.In({2}, kI32);
  const int y = m.Out({2}, kF32);
  m.Op(kGather, {x, i}, {y}, kOptGather, Opts({}));
  const auto data = Raw(std::vector<float>{0.5f, 1.5f, 2.5f});
  EXPECT_EQ(m.Run({data, Raw(std::vector<int32_t>{2, 0})}), Raw(std::vector<float>{2.5f, 0.5f}));
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{0, 3})}), Status::kKernelFailed);
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{-1, 0})}), Status::kKernelFailed);
}

TEST(SliceFamilyTest, GatherRefusals) {
  {
    Model m;  // a constant index out of range
    const int x = m.In({3}, kI8, 1.0f);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{3});
    const int y = m.Out({1}, kI8, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({}));
    ExpectRefused(m, Status::kModelInvalid, "an index is out of range");
  }
  {
    Model m;  // axis 2 of a 2-D params
    const int x = m.In({3, 2}, kI8, 1.0f);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({3, 2}, kI8, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({{0, 2}}));
    ExpectRefused(m, Status::kModelInvalid, "axis out of range");
  }
  {
    Model m;  // batch dims of params and indices differ
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int i = m.Const({3, 1}, kI32, std::vector<int32_t>{0, 0, 0});
    const int y = m.Out({3, 1}, kI8, 1.0f);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({{0, 1}, {1, 1}}));
    ExpectRefused(m, Status::kModelInvalid, "batch dimensions");
  }
  {
    Model m;  // uint8 params
    const int x = m.In({3}, kU8);
    const int i = m.Const({1}, kI32, std::vector<int32_t>{0});
    const int y = m.Out({1}, kU8);
    m.Op(kGather, {x, i}, {y}, kOptGather, Opts({}));
    ExpectRefused(m, Status::kUnsupportedOperator, "GATHER at operator 0: uint8, int32 -> uint8 is not supported");
  }
}

// ---------------------------------------------------------------- GATHER_ND

TEST(SliceFamilyTest, GatherNdTuplesAndSlices) {
  {
    Model m;  // int8 [2, 3]; tuples (1, 2) and (0, 0): elements
    const int x = m.In({2, 3}, kI8, 1.0f);
    const int i = m.Const({2, 2}, kI32, std::vector<int32_t>{1, 2, 0, 0});
    const int y = m.Out({2}, kI8, 1.0f);
    m.Op(kGatherNd, {x, i}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<int8_t>{6, 1}));
  }
  {
    Model m;  // float32 [3, 2]; depth-1 tuples (2), (0): rows
    const int x = m.In({3, 2}, kF32);
    const int i = m.Const({2, 1}, kI32, std::vector<int32_t>{2, 0});
    const int y = m.Out({2, 2}, kF32);
    m.Op(kGatherNd, {x, i}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<float>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<float>{5, 6, 1, 2}));
  }
}

TEST(SliceFamilyTest, GatherNdChecksTheFlatPositionAsTfliteMicro) {
  Model m;  // int8 [3, 3]; tuples from the model's input
  const int x = m.In({3, 3}, kI8, 1.0f);
  const int i = m.In({1, 2}, kI32);
  const int y = m.Out({1}, kI8, 1.0f);
  m.Op(kGatherNd, {x, i}, {y});
  const auto data = Raw(std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8});
  // (0, 4) lies past its row but at flat position 4 inside params: TFLite Micro reads element 4
  EXPECT_EQ(m.Run({data, Raw(std::vector<int32_t>{0, 4})}), Raw(std::vector<int8_t>{4}));
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{2, 3})}), Status::kKernelFailed);
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{0, -1})}), Status::kKernelFailed);
}

TEST(SliceFamilyTest, GatherNdRefusals) {
  {
    Model m;  // int64 indices
    const int x = m.In({3}, kI8, 1.0f);
    const int i = m.Const({1, 1}, kI64, std::vector<int64_t>{0});
    const int y = m.Out({1}, kI8, 1.0f);
    m.Op(kGatherNd, {x, i}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "GATHER_ND at operator 0: int8, int64 -> int8 is not supported");
  }
  {
    Model m;  // tuples longer than the params' rank
    const int x = m.In({3}, kI8, 1.0f);
    const int i = m.Const({1, 2}, kI32, std::vector<int32_t>{0, 0});
    const int y = m.Out({1}, kI8, 1.0f);
    m.Op(kGatherNd, {x, i}, {y});
    ExpectRefused(m, Status::kModelInvalid, "index depth above the params rank");
  }
  {
    Model m;  // a constant tuple addressing flat position 9 of 9 elements
    const int x = m.In({3, 3}, kI8, 1.0f);
    const int i = m.Const({1, 2}, kI32, std::vector<int32_t>{2, 3});
    const int y = m.Out({1}, kI8, 1.0f);
    m.Op(kGatherNd, {x, i}, {y});
    ExpectRefused(m, Status::kModelInvalid, "an index tuple is out of range");
  }
}

// ---------------------------------------------------------------- EMBEDDING_LOOKUP

TEST(SliceFamilyTest, EmbeddingLookupRowsAndHybridDequantization) {
  {
    Model m;  // int8 table [3, 2] -> int8 rows
    const int ids = m.In({2}, kI32);
    const int v = m.Const({3, 2}, kI8, std::vector<int8_t>{1, 2, 3, 4, -128, 127}, 0.5f, 3);
    const int y = m.Out({2, 2}, kI8, 0.5f, 3);
    m.Op(kEmbeddingLookup, {ids, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int32_t>{2, 0})}), Raw(std::vector<int8_t>{-128, 127, 1, 2}));
  }
  {
    Model m;  // int8 table (zero point 0, scale 0.25) -> float32: q * 0.25
    const int ids = m.In({1}, kI32);
    const int v = m.Const({2, 3}, kI8, std::vector<int8_t>{1, 2, 3, -128, 0, 127}, 0.25f, 0);
    const int y = m.Out({1, 3}, kF32);
    m.Op(kEmbeddingLookup, {ids, v}, {y});
    EXPECT_EQ(m.Run({Raw(std::vector<int32_t>{1})}), Raw(std::vector<float>{-32.0f, 0.0f, 31.75f}));
    EXPECT_EQ(m.Invoke({Raw(std::vector<int32_t>{2})}), Status::kKernelFailed);
  }
}

TEST(SliceFamilyTest, EmbeddingLookupRefusals) {
  {
    Model m;  // hybrid with a zero point
    const int ids = m.In({1}, kI32);
    const int v = m.Const({2, 1}, kI8, std::vector<int8_t>{1, 2}, 0.25f, 1);
    const int y = m.Out({1, 1}, kF32);
    m.Op(kEmbeddingLookup, {ids, v}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "zero point 0");
  }
  {
    Model m;  // int16 table
    const int ids = m.In({1}, kI32);
    const int v = m.Const({2, 1}, kI16, std::vector<int16_t>{1, 2}, 0.25f);
    const int y = m.Out({1, 1}, kI16, 0.25f);
    m.Op(kEmbeddingLookup, {ids, v}, {y});
    ExpectRefused(m, Status::kUnsupportedOperator, "EMBEDDING_LOOKUP at operator 0: int32, int16 -> int16");
  }
  {
    Model m;  // ids of rank 2
    const int ids = m.In({1, 1}, kI32);
    const int v = m.Const({2, 1}, kI8, std::vector<int8_t>{1, 2}, 0.25f);
    const int y = m.Out({1, 1}, kI8, 0.25f);
    m.Op(kEmbeddingLookup, {ids, v}, {y});
    ExpectRefused(m, Status::kModelInvalid, "ids must be a vector");
  }
}

}  // namespace
}  // namespace hil::agent::engine
