// The resize family (ops/resize.cc): RESIZE_NEAREST_NEIGHBOR (TFLite's float index arithmetic) and
// RESIZE_BILINEAR (int8: TFLite's Q10 integer interpolation, rounded half away from zero; float32).
// Hand-computed results for each option, and the models each must refuse.
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

constexpr int kResizeBilinear = 23, kResizeNearest = 97;
constexpr uint8_t kOptResizeBilinear = 15, kOptResizeNearest = 74;

// A resize of input [n, h, w, c] (type, int8/int16 quantized) to [n, oh, ow, c] with a constant size.
struct Resize {
  Model m;
  Resize(int op, int type, std::vector<int32_t> in, int32_t oh, int32_t ow, bool align, bool half) {
    const float scale = type == kF32 ? 0.0f : 0.5f;
    const int x = m.In(in, type, scale);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{oh, ow});
    const int y = m.Out({in[0], oh, ow, in[3]}, type, scale);
    FbNodeP o = testing::Table();
    const int field = op == kResizeBilinear ? 2 : 0;  // align_corners, then half_pixel_centers
    AddScalar(o, field, 1, align ? 1 : 0);
    AddScalar(o, field + 1, 1, half ? 1 : 0);
    m.Op(op, {x, s}, {y}, op == kResizeBilinear ? kOptResizeBilinear : kOptResizeNearest, o);
  }
};

// ---------------------------------------------------------------- RESIZE_NEAREST_NEIGHBOR

TEST(ResizeFamilyTest, NearestNeighborEveryOption) {
  {
    Resize r(kResizeNearest, kI8, {1, 2, 2, 1}, 4, 4, false, false);  // scale 0.5: floor(i / 2)
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{1, 2, 3, 4})}),
              Raw(std::vector<int8_t>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  }
  {
    // align_corners: scale (3-1)/(5-1) = 0.5, round half away: 0, 0.5 -> 1, 1, 1.5 -> 2, 2
    Resize r(kResizeNearest, kI16, {1, 1, 3, 1}, 1, 5, true, false);
    EXPECT_EQ(r.m.Run({Raw(std::vector<int16_t>{10, -20, 30})}), Raw(std::vector<int16_t>{10, -20, -20, 30, 30}));
  }
  {
    // half_pixel_centers: scale 1.5, floor((i + 0.5) * 1.5): 0, 2
    Resize r(kResizeNearest, kF32, {1, 1, 3, 2}, 1, 2, false, true);
    EXPECT_EQ(r.m.Run({Raw(std::vector<float>{1, 2, 3, 4, 5, 6})}), Raw(std::vector<float>{1, 2, 5, 6}));
  }
  {
    // both: scale (4-1)/(3-1) = 1.5, round((i + 0.5) * 1.5) = round(0.75, 2.25, 3.75) = 1, 2, 4 -> at most 3
    Resize r(kResizeNearest, kI8, {1, 1, 4, 1}, 1, 3, true, true);
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{5, 6, 7, 8})}), Raw(std::vector<int8_t>{6, 7, 8}));
  }
}

TEST(ResizeFamilyTest, NearestNeighborRunTimeSizeMustMatchTheOutput) {
  Model m;
  const int x = m.In({1, 1, 2, 1}, kI8, 0.5f);
  const int s = m.In({2}, kI32);
  const int y = m.Out({1, 1, 4, 1}, kI8, 0.5f);
  m.Op(kResizeNearest, {x, s}, {y});
  const auto data = Raw(std::vector<int8_t>{-1, 1});
  EXPECT_EQ(m.Run({data, Raw(std::vector<int32_t>{1, 4})}), Raw(std::vector<int8_t>{-1, -1, 1, 1}));
  EXPECT_EQ(m.Invoke({data, Raw(std::vector<int32_t>{1, 5})}), Status::kKernelFailed);
}

// ---------------------------------------------------------------- RESIZE_BILINEAR

TEST(ResizeFamilyTest, BilinearInt8Q10Interpolation) {
  {
    // width 2 -> 4: scale (2048 + 2) / 4 = 512 (Q10 0.5): sources 0, 0.5, 1, 1.5 (clamped to 1)
    Resize r(kResizeBilinear, kI8, {1, 1, 2, 1}, 1, 4, false, false);
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{0, 100})}), Raw(std::vector<int8_t>{0, 50, 100, 100}));
    // halves round away from zero: 1.5 -> 2, -1.5 -> -2
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{0, 3})}), Raw(std::vector<int8_t>{0, 2, 3, 3}));
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{0, -3})}), Raw(std::vector<int8_t>{0, -2, -3, -3}));
    // (-128 + 127) / 2 = -0.5 -> -1
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{-128, 127})}), Raw(std::vector<int8_t>{-128, -1, 127, 127}));
  }
  {
    // half_pixel_centers: source i * 512 + 256 - 512: -256 (weights 1280 and -256 on column 0), 256, 768, 1280
    Resize r(kResizeBilinear, kI8, {1, 1, 2, 1}, 1, 4, false, true);
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{0, 100})}), Raw(std::vector<int8_t>{0, 25, 75, 100}));
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{40, 100})}), Raw(std::vector<int8_t>{40, 55, 85, 100}));
  }
  {
    // align_corners, 3 -> 5 columns: scale (2048 + 2) / 4 = 512; and 2 rows -> 3: scale 512
    Resize r(kResizeBilinear, kI8, {1, 2, 3, 1}, 3, 5, true, false);
    EXPECT_EQ(r.m.Run({Raw(std::vector<int8_t>{0, 10, 20, 40, 50, 60})}),
              Raw(std::vector<int8_t>{0, 5, 10, 15, 20, 20, 25, 30, 35, 40, 40, 45, 50, 55, 60}));
  }
}

TEST(ResizeFamilyTest, BilinearFloat32) {
  Resize r(kResizeBilinear, kF32, {1, 1, 2, 1}, 1, 4, false, false);
  EXPECT_EQ(r.m.Run({Raw(std::vector<float>{0.0f, 1.0f})}), Raw(std::vector<float>{0.0f, 0.5f, 1.0f, 1.0f}));
}

TEST(ResizeFamilyTest, Refusals) {
  {
    Resize r(kResizeBilinear, kI16, {1, 1, 2, 1}, 1, 4, false, false);  // no int16 bilinear in TFLite Micro
    ExpectRefused(r.m, Status::kUnsupportedOperator, "RESIZE_BILINEAR at operator 0: int16, int32 -> int16");
  }
  {
    Resize r(kResizeBilinear, kI8, {1, 1, 2, 1}, 1, 4, true, true);
    ExpectRefused(r.m, Status::kUnsupportedOperator, "align_corners and half_pixel_centers together");
  }
  {
    // 1 row up to 1100: the Q10 scale rounds to 1, row 1099 * 1 / 1024 = 1 lies past the only row
    Resize r(kResizeBilinear, kI8, {1, 1, 1, 1}, 1100, 1, false, false);
    ExpectRefused(r.m, Status::kUnsupportedOperator, "reads past the input");
  }
  {
    Model m;  // constant size unlike the output
    const int x = m.In({1, 2, 2, 1}, kI8, 0.5f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{4, 3});
    const int y = m.Out({1, 4, 4, 1}, kI8, 0.5f);
    m.Op(kResizeNearest, {x, s}, {y});
    ExpectRefused(m, Status::kModelInvalid, "size does not match the output");
  }
  {
    Model m;  // 3-D input
    const int x = m.In({2, 2, 1}, kI8, 0.5f);
    const int s = m.Const({2}, kI32, std::vector<int32_t>{4, 4});
    const int y = m.Out({4, 4, 1}, kI8, 0.5f);
    m.Op(kResizeNearest, {x, s}, {y});
    ExpectRefused(m, Status::kModelInvalid, "must be 4-D");
  }
  {
    Resize r(kResizeNearest, kBool, {1, 1, 2, 1}, 1, 4, false, false);
    ExpectRefused(r.m, Status::kUnsupportedOperator, "RESIZE_NEAREST_NEIGHBOR at operator 0: bool, int32 -> bool");
  }
}

}  // namespace
}  // namespace hil::agent::engine
