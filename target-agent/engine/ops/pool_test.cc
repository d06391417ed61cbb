// AVERAGE_POOL_2D and MAX_POOL_2D on int16, and the quantization checks both types share: hand-computed
// outputs and refusals. The int8 kernels (and their DSP/MVE variants) are covered by kernels_test,
// interpreter_test and the shared reference models.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::AddScalar;
using testing::FbNodeP;
using testing::ModelSpec;

constexpr int kI8 = 9, kI16 = 7;
constexpr int kAveragePoolCode = 1, kMaxPoolCode = 17;
constexpr uint8_t kPool2DOptions = 5;

struct Engine {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = testing::BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string detail() const { return interp.ErrorDetail(); }
  std::vector<int16_t> Run(const std::vector<int16_t>& in) {
    TensorView v = interp.input(0);
    EXPECT_EQ(v.bytes, in.size() * 2);
    std::memcpy(v.data, in.data(), v.bytes);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView o = interp.output(0);
    std::vector<int16_t> out(o.bytes / 2);
    std::memcpy(out.data(), o.data, o.bytes);
    return out;
  }
};

// A 2x2 stride-2 VALID pool of [1,2,4,1] -> [1,1,2,1].
ModelSpec Pool(int code, int type, float in_scale, float out_scale, int64_t zp, int act) {
  ModelSpec m;
  m.buffers = {{}};
  m.tensors = {{{1, 2, 4, 1}, type, 0, {in_scale}, {zp}, 0}, {{1, 1, 2, 1}, type, 0, {out_scale}, {zp}, 0}};
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, 1);  // VALID
  AddScalar(o, 1, 4, 2);
  AddScalar(o, 2, 4, 2);
  AddScalar(o, 3, 4, 2);
  AddScalar(o, 4, 4, 2);
  AddScalar(o, 5, 1, static_cast<uint64_t>(act));
  m.ops = {{code, {0}, {1}, kPool2DOptions, o, {}}};
  m.inputs = {0};
  m.outputs = {1};
  return m;
}

TEST(Pool16Test, AverageRoundsHalfAwayFromZero) {
  // Windows {1, 2, 5, 6} (14 / 4 = 3.5 -> 4) and {-3, -4, -7, -8} (-22 / 4 = -5.5 -> -6).
  Engine e;
  ASSERT_EQ(e.Load(Pool(kAveragePoolCode, kI16, 0.001f, 0.001f, 0, 0)), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run({1, 2, -3, -4, 5, 6, -7, -8}), (std::vector<int16_t>{4, -6}));
  // Large values: the int32 sum of 32767 * 4 needs no wrap; the mean is exact.
  EXPECT_EQ(e.Run({32767, 32767, -32768, -32768, 32767, 32767, -32768, -32768}),
            (std::vector<int16_t>{32767, -32768}));
}

TEST(Pool16Test, MaxWithReluSixAndAZeroPoint) {
  // Scale 0.01, zero point 100: RELU6 clamps to [100, 100 + 600].
  Engine e;
  ASSERT_EQ(e.Load(Pool(kMaxPoolCode, kI16, 0.01f, 0.01f, 100, 3)), Status::kOk) << e.detail();
  // Rows {-500, 650, 2000, 300} and {40, -32768, 0, 650}: window maxima 650 and 2000 (clamped to 700).
  EXPECT_EQ(e.Run({-500, 650, 2000, 300, 40, -32768, 0, 650}), (std::vector<int16_t>{650, 700}));
  EXPECT_EQ(e.Run({-500, 50, 20, 30, 40, -32768, 0, 99}), (std::vector<int16_t>{100, 100}));
}

TEST(Pool16Test, ScalesWithinTfLitesToleranceAreTheSame) {
  Engine e;
  // |0.5 - 0.5000005| <= 1e-6 in float: accepted, as TFLite Micro does (int8 and int16).
  EXPECT_EQ(e.Load(Pool(kAveragePoolCode, kI16, 0.5f, 0.5000005f, 0, 0)), Status::kOk) << e.detail();
  EXPECT_EQ(e.Load(Pool(kMaxPoolCode, kI8, 0.5f, 0.5000005f, 3, 0)), Status::kOk) << e.detail();
  EXPECT_EQ(e.Load(Pool(kAveragePoolCode, kI16, 0.5f, 0.5001f, 0, 0)), Status::kModelInvalid);
  EXPECT_NE(e.detail().find("input and output quantization differ"), std::string::npos) << e.detail();
  // different zero points
  ModelSpec zp = Pool(kMaxPoolCode, kI16, 0.5f, 0.5f, 0, 0);
  zp.tensors[1].zero_points = {1};
  EXPECT_EQ(e.Load(zp), Status::kModelInvalid);
}

TEST(Pool16Test, TypeRefusals) {
  Engine e;
  ModelSpec mixed = Pool(kAveragePoolCode, kI16, 0.5f, 0.5f, 0, 0);
  mixed.tensors[1].type = kI8;
  EXPECT_EQ(e.Load(mixed), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("AVERAGE_POOL_2D at operator 0: int16 -> int8 is not supported (int8 or int16"),
            std::string::npos)
      << e.detail();
  ModelSpec fl = Pool(kMaxPoolCode, 0, 0.5f, 0.5f, 0, 0);
  EXPECT_EQ(e.Load(fl), Status::kUnsupportedOperator);
  // an int16 tensor without quantization
  ModelSpec unq = Pool(kMaxPoolCode, kI16, 0.5f, 0.5f, 0, 0);
  unq.tensors[0].scales.clear();
  unq.tensors[0].zero_points.clear();
  EXPECT_EQ(e.Load(unq), Status::kModelInvalid);
}

// A window of more than 2^24 int8 taps: the int32 sum overflows (undefined behaviour in C++, caught by
// the fuzz build's UBSan: 4097 x 4097 taps of -128). The engine wraps as TFLite's int32 arithmetic does on
// every real target: the sum -2,148,532,352 wraps to 2,146,434,944, adding half the count wraps again, and
// the average comes out as -127 (not -128).
TEST(PoolTest, Int8AverageOverMoreThanTwoToThe24TapsWraps) {
  constexpr int32_t kSide = 4097;
  ModelSpec m;
  m.buffers = {{}};
  m.tensors = {{{1, kSide, kSide, 1}, kI8, 0, {1.0f}, {0}, 0}, {{1, 1, 1, 1}, kI8, 0, {1.0f}, {0}, 0}};
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, 1);  // VALID
  AddScalar(o, 1, 4, 1);
  AddScalar(o, 2, 4, 1);
  AddScalar(o, 3, 4, kSide);
  AddScalar(o, 4, 4, kSide);
  m.ops = {{kAveragePoolCode, {0}, {1}, kPool2DOptions, o, {}}};
  m.inputs = {0};
  m.outputs = {1};
  Engine e;
  e.arena.resize(static_cast<size_t>(kSide) * kSide + 64 * 1024);
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  TensorView in = e.interp.input(0);
  std::memset(in.data, 0x80, in.bytes);
  ASSERT_EQ(e.interp.Invoke(nullptr), Status::kOk) << e.detail();
  EXPECT_EQ(static_cast<int8_t>(e.interp.output(0).data[0]), -127);
}

}  // namespace
}  // namespace hil::agent::engine
