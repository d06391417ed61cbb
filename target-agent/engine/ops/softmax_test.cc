// The softmax family (ops/softmax.cc): hand-computed outputs of SOFTMAX int8 -> int16, int16 -> int16 and float32
// (int8 -> int8 is covered by the reference models) and of LOG_SOFTMAX int8 and float32, the int16 tables in the
// arena, and the models they refuse.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::ModelSpec;

constexpr int kF32 = 0, kI16 = 7, kI8 = 9;
constexpr int kSoftmax = 25, kLogSoftmax = 50;
constexpr uint8_t kSoftmaxOptions = 9;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
};

T Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) { return {std::move(shape), type, {scale}, {zp}}; }
T Plain(std::vector<int32_t> shape, int type) { return {std::move(shape), type, {}, {}}; }

ModelSpec OneOp(int opcode, const T& in, const T& out, uint8_t options_type = 0, testing::FbNodeP options = nullptr) {
  ModelSpec m;
  m.buffers.push_back({});
  for (const T& t : {in, out}) m.tensors.push_back({t.shape, t.type, 0, t.scales, t.zero_points, 0});
  m.ops.push_back({opcode, {0}, {1}, options_type, options, {}});
  m.inputs = {0};
  m.outputs = {1};
  return m;
}

ModelSpec Softmax(const T& in, const T& out, float beta) {
  auto o = testing::Table();
  testing::AddFloat(o, 0, beta);
  return OneOp(kSoftmax, in, out, kSoftmaxOptions, o);
}

ModelSpec LogSoftmax(const T& in, const T& out) { return OneOp(kLogSoftmax, in, out); }

struct OpRun {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(64 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string Error() const { return interp.ErrorDetail(); }
};

template <typename V, typename W = V>
std::vector<W> RunOp(const ModelSpec& spec, const std::vector<V>& x) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), Status::kOk) << r.Error();
  if (!r.interp.loaded()) return {};
  const TensorView in = r.interp.input(0);
  EXPECT_EQ(in.bytes, x.size() * sizeof(V));
  std::memcpy(in.data, x.data(), in.bytes);
  EXPECT_EQ(r.interp.Invoke(nullptr), Status::kOk) << r.Error();
  const TensorView out = r.interp.output(0);
  std::vector<W> y(out.bytes / sizeof(W));
  std::memcpy(y.data(), out.data, out.bytes);
  return y;
}

std::string Refused(const ModelSpec& spec, Status want) {
  OpRun r;
  EXPECT_EQ(r.Load(spec), want) << r.Error();
  return r.Error();
}

using I8 = std::vector<int8_t>;
using I16 = std::vector<int16_t>;
using F = std::vector<float>;

const T kOut8to16 = Q({1, 4}, kI16, 1.0f / 65536, -32768);

TEST(SoftmaxTest, Int8ToInt16) {
  // Equal inputs: exp(0) = 1 each, a row sum of 4 in Q12 (2^21), reciprocal 1/4: 0.25 * 65536 = 16384, minus 32768.
  EXPECT_EQ((RunOp<int8_t, int16_t>(Softmax(Q({1, 4}, kI8, 1.0f, 0), kOut8to16, 1.0f), I8{3, 3, 3, 3})),
            (I16{-16384, -16384, -16384, -16384}));
  // A difference of 255 is below diff_min (-15 at scale 1, beta 1): the small one is -32768, the large one gets
  // all of it, 65536 - 32768 clamped to 32767.
  EXPECT_EQ((RunOp<int8_t, int16_t>(Softmax(Q({1, 2}, kI8, 1.0f, 0), Q({1, 2}, kI16, 1.0f / 65536, -32768), 1.0f),
                                    I8{127, -128})),
            (I16{32767, -32768}));
  // Scale 0.25: e^1, e^0, e^-1 over their sum (0.6652, 0.2447, 0.0900) * 65536 - 32768, rounded.
  EXPECT_EQ((RunOp<int8_t, int16_t>(Softmax(Q({1, 3}, kI8, 0.25f, 0), Q({1, 3}, kI16, 1.0f / 65536, -32768), 1.0f),
                                    I8{4, 0, -4})),
            (I16{10829, -16729, -26868}));
}

TEST(SoftmaxTest, Int16ToInt16) {
  const T in = Q({1, 4}, kI16, 1.0f / 1024, 0);
  const T out = Q({1, 4}, kI16, 1.0f / 32768, 0);
  // Equal inputs: 0.25 * 32768.
  EXPECT_EQ(RunOp(Softmax(in, out, 1.0f), I16{5, 5, 5, 5}), (I16{8192, 8192, 8192, 8192}));
  // e^1, e^0, e^-1, e^-2 normalised (0.6439, 0.2369, 0.0871, 0.0321) through the two interpolated tables.
  EXPECT_EQ(RunOp(Softmax(in, out, 1.0f), I16{1024, 0, -1024, -2048}), (I16{21098, 7763, 2855, 1051}));
  // The exp table covers differences down to -10 only: farther ones count as exp(-10) (1.5 / 32768), so three
  // inputs 32 and 64 below the maximum still get 2 each, taken from the maximum's share.
  EXPECT_EQ(RunOp(Softmax(in, out, 1.0f), I16{32767, -32768, 0, 0}), (I16{32761, 2, 2, 2}));
}

TEST(SoftmaxTest, Int16TablesLiveInTheArena) {
  // Two 513-entry int16 tables are reserved at load: the model needs at least their 2052 bytes, loads in exactly
  // arena_used() bytes and not in one byte less.
  OpRun r;
  const ModelSpec m = Softmax(Q({1, 4}, kI16, 1.0f / 1024, 0), Q({1, 4}, kI16, 1.0f / 32768, 0), 1.0f);
  ASSERT_EQ(r.Load(m), Status::kOk) << r.Error();
  const size_t used = r.interp.arena_used();
  EXPECT_GE(used, 2052u);
  std::vector<uint8_t> exact(used), less(used - 1);
  Interpreter a, b;
  EXPECT_EQ(a.Load(r.model.data(), r.model.size(), exact.data(), exact.size()), Status::kOk) << a.ErrorDetail();
  EXPECT_EQ(b.Load(r.model.data(), r.model.size(), less.data(), less.size()), Status::kArenaTooSmall);
  // The tables built in the exact arena work.
  const int16_t x[4] = {5, 5, 5, 5};
  std::memcpy(a.input(0).data, x, sizeof x);
  ASSERT_EQ(a.Invoke(nullptr), Status::kOk);
  EXPECT_EQ(reinterpret_cast<const int16_t*>(a.output(0).data)[3], 8192);
}

TEST(SoftmaxTest, Float32) {
  // exp((x - max) * beta) / sum, in float.
  const F y = RunOp(Softmax(Plain({2, 2}, kF32), Plain({2, 2}, kF32), 0.5f), F{0.0f, 0.0f, 1.0f, 3.0f});
  EXPECT_EQ(y[0], 0.5f);
  EXPECT_EQ(y[1], 0.5f);
  const float e = std::exp((1.0f - 3.0f) * 0.5f);
  EXPECT_EQ(y[2], e / (e + 1.0f));
  EXPECT_EQ(y[3], 1.0f / (e + 1.0f));
}

TEST(SoftmaxTest, LogSoftmaxInt8) {
  const T out4 = Q({1, 4}, kI8, 16.0f / 256, 127);
  // Equal inputs: log(1/4) = -1.386 = -22.2 steps of 1/16 -> -22 + 127.
  EXPECT_EQ(RunOp(LogSoftmax(Q({1, 4}, kI8, 1.0f, 0), out4), I8{3, 3, 3, 3}), (I8{105, 105, 105, 105}));
  // Scale 1/16, 0 and -11 (-0.6875): log(1 + e^-0.6875) = 0.4074: -6.52 -> -7 and -17.52 -> -18.
  EXPECT_EQ(RunOp(LogSoftmax(Q({1, 2}, kI8, 1.0f / 16, 0), Q({1, 2}, kI8, 16.0f / 256, 127)), I8{0, -11}),
            (I8{120, 109}));
  // A difference of 200 at scale 1 is far below the output's range: the minimum; the maximum is log(1) = 0.
  EXPECT_EQ(RunOp(LogSoftmax(Q({1, 2}, kI8, 1.0f, 0), Q({1, 2}, kI8, 16.0f / 256, 127)), I8{100, -100}),
            (I8{127, -128}));
  // A single element per row is log(1) = 0: 127.
  EXPECT_EQ(RunOp(LogSoftmax(Q({3, 1}, kI8, 0.1f, 5), Q({3, 1}, kI8, 16.0f / 256, 127)), I8{-128, 0, 127}),
            (I8{127, 127, 127}));
}

TEST(SoftmaxTest, LogSoftmaxFloat32) {
  // x - max - log(sum exp(x - max)).
  const F y = RunOp(LogSoftmax(Plain({1, 2}, kF32), Plain({1, 2}, kF32)), F{2.0f, 2.0f});
  EXPECT_EQ(y[0], -std::log(2.0f));
  EXPECT_EQ(y[1], -std::log(2.0f));
}

TEST(SoftmaxTest, Refusals) {
  // int16 -> int8 is not a TFLite Micro combination.
  const std::string d = Refused(Softmax(Q({1, 4}, kI16, 0.001f, 0), Q({1, 4}, kI8, 1.0f / 256, -128), 1.0f),
                                Status::kUnsupportedOperator);
  EXPECT_NE(d.find("int16 -> int8 is not supported"), std::string::npos) << d;
  // Output quantization TFLite Micro requires: int8 -> int16 zero point -32768, int16 -> int16 scale 1/32768,
  // int8 -> int8 scale 1/256.
  Refused(Softmax(Q({1, 4}, kI8, 0.1f, 0), Q({1, 4}, kI16, 1.0f / 65536, 0), 1.0f), Status::kModelInvalid);
  Refused(Softmax(Q({1, 4}, kI16, 0.001f, 0), Q({1, 4}, kI16, 1.0f / 65536, 0), 1.0f), Status::kModelInvalid);
  Refused(Softmax(Q({1, 4}, kI8, 0.1f, 0), Q({1, 4}, kI8, 1.0f / 128, -128), 1.0f), Status::kModelInvalid);
  // int16 input zero point 0; beta * scale * 2^26 must exceed 1 for int8; shapes must agree.
  Refused(Softmax(Q({1, 4}, kI16, 0.001f, 7), Q({1, 4}, kI16, 1.0f / 32768, 0), 1.0f), Status::kModelInvalid);
  EXPECT_EQ(Refused(Softmax(Q({1, 4}, kI8, 0.1f, 0), Q({1, 4}, kI8, 1.0f / 256, -128), 0.0f), Status::kModelInvalid),
            "SOFTMAX at operator 0: beta x input scale x 2^26 must exceed 1");
  Refused(Softmax(Q({1, 4}, kI8, 0.1f, 0), Q({2, 2}, kI8, 1.0f / 256, -128), 1.0f), Status::kModelInvalid);
  // Rows whose int32 sum of Q0.15 values could overflow.
  Refused(Softmax(Q({1, 65537}, kI16, 0.001f, 0), Q({1, 65537}, kI16, 1.0f / 32768, 0), 1.0f),
          Status::kUnsupportedOperator);
  // LOG_SOFTMAX: int8 or float32 only, output scale 16/256 and zero point 127.
  Refused(LogSoftmax(Q({1, 4}, kI16, 0.001f, 0), Q({1, 4}, kI16, 1.0f / 32768, 0)), Status::kUnsupportedOperator);
  Refused(LogSoftmax(Q({1, 4}, kI8, 0.1f, 0), Q({1, 4}, kI8, 16.0f / 256, 0)), Status::kModelInvalid);
  Refused(LogSoftmax(Q({1, 4}, kI8, 0.1f, 0), Q({4, 1}, kI8, 16.0f / 256, 127)), Status::kModelInvalid);
}

}  // namespace
}  // namespace hil::agent::engine
