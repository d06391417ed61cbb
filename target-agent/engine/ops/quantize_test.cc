// QUANTIZE and DEQUANTIZE (ops/quantize.cc) on single-operator models: hand-computed outputs of every type
// pair TFLite Micro runs, and the models they refuse.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::ModelSpec;

constexpr int kF32 = 0, kI32 = 2, kU8 = 3, kI16 = 7, kI8 = 9;
constexpr int kQuantize = 114, kDequantize = 6;

struct T {
  std::vector<int32_t> shape;
  int type = kI8;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
};

T Q(std::vector<int32_t> shape, int type, float scale, int64_t zp) { return {std::move(shape), type, {scale}, {zp}}; }
T Plain(std::vector<int32_t> shape, int type) { return {std::move(shape), type, {}, {}}; }

// One conversion: tensor 0 in, tensor 1 out.
ModelSpec Convert(int opcode, const T& in, const T& out) {
  ModelSpec m;
  m.buffers = {{}};
  for (const T& t : {in, out}) m.tensors.push_back({t.shape, t.type, 0, t.scales, t.zero_points, 0});
  m.ops.push_back({opcode, {0}, {1}, 0, nullptr, {}});
  m.inputs = {0};
  m.outputs = {1};
  return m;
}

struct OpRun {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(16 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string Error() const { return interp.ErrorDetail(); }
  template <typename Out, typename In>
  std::vector<Out> Invoke(const std::vector<In>& x) {
    const TensorView in = interp.input(0);
    EXPECT_EQ(in.bytes, x.size() * sizeof(In));
    std::memcpy(in.data, x.data(), in.bytes);
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView out = interp.output(0);
    std::vector<Out> y(out.bytes / sizeof(Out));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }
};

template <typename Out, typename In>
std::vector<Out> Convert1(int opcode, const T& in, const T& out, const std::vector<In>& x) {
  OpRun r;
  EXPECT_EQ(r.Load(Convert(opcode, in, out)), Status::kOk) << r.Error();
  return r.Invoke<Out>(x);
}

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// ---- float -> int ----

TEST(QuantizeTest, FloatToInt8RoundsHalfAwayAndSaturates) {
  // x / 0.5 rounded half away from zero, + (-1). Values beyond int32 saturate and NaN gives the zero point,
  // where TFLite's bytes are undefined (x86 TFLite Micro gives 127 for -1e30 and NaN here).
  const std::vector<float> x{0.25f, -0.25f, 1.2f, 100.0f, -1e30f, kInf, kNan, 0.0f};
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Plain({8}, kF32), Q({8}, kI8, 0.5f, -1), x)),
            (std::vector<int8_t>{0, -2, 1, 127, -128, 127, -1, -1}));
}

TEST(QuantizeTest, FloatToInt16) {
  const std::vector<float> x{1.0f, -0.5f / 256, 200.0f, -200.0f, 0.75f / 256};
  EXPECT_EQ((Convert1<int16_t>(kQuantize, Plain({5}, kF32), Q({5}, kI16, 1.0f / 256, 0), x)),
            (std::vector<int16_t>{256, -1, 32767, -32768, 1}));
}

// ---- integer requantization ----

TEST(QuantizeTest, Int8ToInt8) {
  // s_in / s_out = 2: M = 2^30, shift 2, exactly 2 * (q - 3), then - 5.
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Q({4}, kI8, 0.5f, 3), Q({4}, kI8, 0.25f, -5), std::vector<int8_t>{10, 127, -128, 3})),
            (std::vector<int8_t>{9, 127, -128, -5}));
}

TEST(QuantizeTest, Int8ToUint8AndBackShiftBy128) {
  // Equal scales, zero points 128 apart: TFLite's XOR 0x80 shortcut, which equals the general formula.
  EXPECT_EQ((Convert1<uint8_t>(kQuantize, Q({3}, kI8, 0.1f, -3), Q({3}, kU8, 0.1f, 125), std::vector<int8_t>{-128, 127, 0})),
            (std::vector<uint8_t>{0, 255, 128}));
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Q({3}, kU8, 0.1f, 125), Q({3}, kI8, 0.1f, -3), std::vector<uint8_t>{0, 255, 128})),
            (std::vector<int8_t>{-128, 127, 0}));
  // A general uint8 -> int8: s ratio 0.5 (q - 100) / 2 rounded, + 10.
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Q({3}, kU8, 0.1f, 100), Q({3}, kI8, 0.2f, 10), std::vector<uint8_t>{0, 255, 103})),
            (std::vector<int8_t>{-40, 88, 12}));
}

TEST(QuantizeTest, Int8ToInt16AndInt32) {
  // Ratio 256 (M = 2^30, shift 9): exact multiplication, then the int16 clamp.
  EXPECT_EQ((Convert1<int16_t>(kQuantize, Q({3}, kI8, 0.5f, 1), Q({3}, kI16, 1.0f / 512, 0), std::vector<int8_t>{-128, 127, 1})),
            (std::vector<int16_t>{-32768, 32256, 0}));
  EXPECT_EQ((Convert1<int32_t>(kQuantize, Q({2}, kI8, 1.0f, 0), Q({2}, kI32, 1.0f / 65536, 7), std::vector<int8_t>{-128, 127})),
            (std::vector<int32_t>{-8388608 + 7, 8323072 + 7}));
}

TEST(QuantizeTest, Int16ToInt8RoundsTwice) {
  // Ratio 1/128: M = 2^30, shift -6: SRDHM halves (ties up), then RoundingDivideByPOT(6). 63 / 128 = 0.49
  // comes out as 1 (31.5 -> 32 -> 0.5 -> 1); -63 -> -31 -> 0; -64 -> -32 -> -1; 64 -> 1.
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Q({5}, kI16, 1.0f / 256, 0), Q({5}, kI8, 0.5f, 0),
                         std::vector<int16_t>{63, -63, -64, 64, 32767})),
            (std::vector<int8_t>{1, 0, -1, 1, 127}));
}

TEST(QuantizeTest, Int16ToInt16AndInt32) {
  EXPECT_EQ((Convert1<int16_t>(kQuantize, Q({3}, kI16, 1.0f, 0), Q({3}, kI16, 0.5f, 100), std::vector<int16_t>{-20000, 3, 20000})),
            (std::vector<int16_t>{-32768, 106, 32767}));
  EXPECT_EQ((Convert1<int32_t>(kQuantize, Q({2}, kI16, 1.0f, -5), Q({2}, kI32, 1.0f / 4096, 0), std::vector<int16_t>{-32768, 32767})),
            (std::vector<int32_t>{-32763 * 4096, 32772 * 4096}));
}

TEST(QuantizeTest, Int32ToInt8AndInt16) {
  // Ratio 2^-16 (M = 2^30, shift -15): 65536 * 3 + 32768 = 3.5 * 2^16 -> 4 (half away from zero).
  EXPECT_EQ((Convert1<int8_t>(kQuantize, Q({3}, kI32, 1.0f / 65536, 0), Q({3}, kI8, 1.0f, -2),
                         std::vector<int32_t>{65536 * 3 + 32768, std::numeric_limits<int32_t>::max(), -65536})),
            (std::vector<int8_t>{2, 127, -3}));
  // Equal scales give M = 2^30 with shift 1: q - zp_in is doubled before the high multiply, and both steps
  // wrap as TFLite's int32 arithmetic does: INT32_MIN - 5 = 2^31 - 5 (wrapped), doubled = -10 (wrapped),
  // halved = -5.
  EXPECT_EQ((Convert1<int16_t>(kQuantize, Q({2}, kI32, 1.0f, 5), Q({2}, kI16, 1.0f, 0),
                         std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 12})),
            (std::vector<int16_t>{-5, 7}));
}

// ---- DEQUANTIZE ----

TEST(QuantizeTest, DequantizeEveryInputType) {
  EXPECT_EQ((Convert1<float>(kDequantize, Q({3}, kI8, 0.25f, -3), Plain({3}, kF32), std::vector<int8_t>{7, -128, -3})),
            (std::vector<float>{2.5f, -31.25f, 0.0f}));
  EXPECT_EQ((Convert1<float>(kDequantize, Q({2}, kI16, 0.5f, 10), Plain({2}, kF32), std::vector<int16_t>{-32768, 32767})),
            (std::vector<float>{-16389.0f, 16378.5f}));
  EXPECT_EQ((Convert1<float>(kDequantize, Q({2}, kU8, 0.5f, 128), Plain({2}, kF32), std::vector<uint8_t>{0, 255})),
            (std::vector<float>{-64.0f, 63.5f}));
}

// ---- refusals ----

TEST(QuantizeTest, RefusesWhatTfliteMicroDoesNotRun) {
  struct Case {
    const char* name;
    ModelSpec spec;
    Status want;
    const char* detail;
  };
  T per_channel{{2, 3}, kI8, {0.5f, 0.25f}, {0, 0}};
  const Case cases[] = {
      {"float to uint8", Convert(kQuantize, Plain({3}, kF32), Q({3}, kU8, 0.5f, 128)), Status::kUnsupportedOperator,
       "QUANTIZE at operator 0: float32 -> uint8 is not supported (float32->int8/16; int8->int8/16/32,uint8; "
       "int16->int8/16/32; int32->int8/16; uint8->int8)"},
      {"float to int32", Convert(kQuantize, Plain({3}, kF32), Q({3}, kI32, 0.5f, 0)), Status::kUnsupportedOperator,
       "QUANTIZE at operator 0: float32 -> int32 is not supported"},
      {"int16 to uint8", Convert(kQuantize, Q({3}, kI16, 0.5f, 0), Q({3}, kU8, 0.5f, 0)),
       Status::kUnsupportedOperator, "QUANTIZE at operator 0: int16 -> uint8 is not supported"},
      {"uint8 to int16", Convert(kQuantize, Q({3}, kU8, 0.5f, 0), Q({3}, kI16, 0.5f, 0)),
       Status::kUnsupportedOperator, "QUANTIZE at operator 0: uint8 -> int16 is not supported"},
      {"per-channel output", Convert(kQuantize, Q({2, 3}, kI8, 0.5f, 0), per_channel), Status::kUnsupportedOperator,
       "QUANTIZE at operator 0: per-channel output quantization is not supported"},
      {"output scale 0", Convert(kQuantize, Plain({3}, kF32), Q({3}, kI8, 0.0f, 0)), Status::kModelInvalid,
       "QUANTIZE at operator 0: tensor 1 (int8) has no valid quantization"},
      {"output zero point", Convert(kQuantize, Q({3}, kI8, 0.5f, 0), Q({3}, kI8, 0.5f, 128)), Status::kModelInvalid,
       "QUANTIZE at operator 0: tensor 1 (int8) has no valid quantization"},
      {"unquantized input", Convert(kQuantize, Plain({3}, kI16), Q({3}, kI8, 0.5f, 0)), Status::kModelInvalid,
       "QUANTIZE at operator 0: tensor 0 (int16) has no valid quantization"},
      {"sizes", Convert(kQuantize, Q({3}, kI8, 0.5f, 0), Q({4}, kI8, 0.5f, 0)), Status::kModelInvalid,
       "QUANTIZE at operator 0: input and output sizes differ"},
      {"scale ratio", Convert(kQuantize, Q({3}, kI16, 2e9f, 0), Q({3}, kI32, 1.0f, 0)), Status::kUnsupportedOperator,
       "QUANTIZE at operator 0: input scale / output scale must be below 2^30"},
      {"dequantize int32", Convert(kDequantize, Q({3}, kI32, 0.5f, 0), Plain({3}, kF32)),
       Status::kUnsupportedOperator,
       "DEQUANTIZE at operator 0: int32 -> float32 is not supported (int8, int16 or uint8 -> float32)"},
      {"dequantize to int8", Convert(kDequantize, Q({3}, kI8, 0.5f, 0), Q({3}, kI8, 0.5f, 0)),
       Status::kUnsupportedOperator, "DEQUANTIZE at operator 0: int8 -> int8 is not supported"},
      {"dequantize unquantized", Convert(kDequantize, Plain({3}, kI8), Plain({3}, kF32)), Status::kModelInvalid,
       "DEQUANTIZE at operator 0: tensor 0 (int8) has no valid quantization"},
  };
  for (const Case& k : cases) {
    OpRun r;
    EXPECT_EQ(r.Load(k.spec), k.want) << k.name << ": " << r.Error();
    EXPECT_EQ(r.Error().rfind(k.detail, 0), 0u) << k.name << ": " << r.Error();
  }
}

}  // namespace
}  // namespace hil::agent::engine
