// FULLY_CONNECTED (16x8 per-tensor and per-channel, int8 per-channel, keep_num_dims) and BATCH_MATMUL (int8,
// int16): hand-computed outputs and refusals. The int8 per-tensor FULLY_CONNECTED is covered by
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
using testing::BytesOf;
using testing::FbNodeP;
using testing::ModelSpec;

constexpr int kI8 = 9, kI16 = 7, kI32 = 2, kI64 = 4;
constexpr int kFullyConnectedCode = 9, kBatchMatMulCode = 126;
constexpr uint8_t kFullyConnectedOptions = 8, kBatchMatMulOptions = 101;

int AddTensor(ModelSpec& m, std::vector<int32_t> shape, int type, std::vector<float> scales = {},
              std::vector<int64_t> zero_points = {}, std::vector<uint8_t> data = {}, int32_t quant_dim = 0) {
  if (m.buffers.empty()) m.buffers.push_back({});
  uint32_t buffer = 0;
  if (!data.empty()) {
    m.buffers.push_back(std::move(data));
    buffer = static_cast<uint32_t>(m.buffers.size() - 1);
  }
  m.tensors.push_back({std::move(shape), type, buffer, std::move(scales), std::move(zero_points), quant_dim});
  return static_cast<int>(m.tensors.size() - 1);
}

struct Engine {
  std::vector<uint8_t> model;
  std::vector<uint8_t> arena = std::vector<uint8_t>(128 * 1024);
  Interpreter interp;
  Status Load(const ModelSpec& spec) {
    model = testing::BuildModel(spec);
    return interp.Load(model.data(), model.size(), arena.data(), arena.size());
  }
  std::string detail() const { return interp.ErrorDetail(); }
  // Writes the inputs in order, invokes, returns output 0 as T.
  template <typename T>
  std::vector<T> Run(const std::vector<std::vector<T>>& ins) {
    for (size_t i = 0; i < ins.size(); ++i) {
      TensorView v = interp.input(static_cast<int>(i));
      EXPECT_EQ(v.bytes, ins[i].size() * sizeof(T));
      std::memcpy(v.data, ins[i].data(), v.bytes);
    }
    EXPECT_EQ(interp.Invoke(nullptr), Status::kOk) << interp.ErrorDetail();
    const TensorView o = interp.output(0);
    std::vector<T> out(o.bytes / sizeof(T));
    std::memcpy(out.data(), o.data, o.bytes);
    return out;
  }
};

FbNodeP FcOptions(int act, int bias_type = -1, bool keep_num_dims = false) {
  FbNodeP o = testing::Table();
  AddScalar(o, 0, 1, static_cast<uint64_t>(act));
  if (keep_num_dims) AddScalar(o, 2, 1, 1);
  if (bias_type >= 0) AddScalar(o, 4, 1, static_cast<uint64_t>(bias_type));
  return o;
}

// FULLY_CONNECTED with input [1,2], weights [3,2] {1,0, 0,1, 1,1} (units x0, x1, x0 + x1), output scale 1.
ModelSpec Fc(int type, float in_scale, std::vector<float> w_scales, int bias_type, std::vector<uint8_t> bias,
             int act = 0, int option = -1, int64_t in_zp = 0, int64_t out_zp = 0) {
  ModelSpec m;
  const int in = AddTensor(m, {1, 2}, type, {in_scale}, {in_zp});
  const int f = AddTensor(m, {3, 2}, kI8, w_scales, std::vector<int64_t>(w_scales.size(), 0),
                          BytesOf(std::vector<int8_t>{1, 0, 0, 1, 1, 1}));
  int b = -1;
  if (bias_type != 0) b = AddTensor(m, {3}, bias_type, {in_scale}, {0}, std::move(bias));
  const int out = AddTensor(m, {1, 3}, type, {1.0f}, {out_zp});
  m.ops = {{kFullyConnectedCode, {in, f, b}, {out}, kFullyConnectedOptions, FcOptions(act, option), {}}};
  m.inputs = {in};
  m.outputs = {out};
  return m;
}

TEST(FullyConnected16x8Test, Int64AndInt32BiasRoundDifferently) {
  // Multiplier 0.25. Units {5, -6, -1}: int64 path floor((acc + 2) / 4) = {1, -1, 0}; int32 path (double rounding,
  // ties of the last step away from zero) = {2, -2, 0}.
  Engine e64;
  ASSERT_EQ(e64.Load(Fc(kI16, 0.25f, {1.0f}, kI64, BytesOf(std::vector<int64_t>{0, 0, 0}))), Status::kOk)
      << e64.detail();
  EXPECT_EQ(e64.Run<int16_t>({{5, -6}}), (std::vector<int16_t>{1, -1, 0}));
  Engine e32;
  ASSERT_EQ(e32.Load(Fc(kI16, 0.25f, {1.0f}, kI32, BytesOf(std::vector<int32_t>{0, 0, 0}))), Status::kOk)
      << e32.detail();
  EXPECT_EQ(e32.Run<int16_t>({{5, -6}}), (std::vector<int16_t>{2, -2, 0}));
  // Without a bias the options decide: default int64, quantized_bias_type INT32 (2) int32.
  Engine n64;
  ASSERT_EQ(n64.Load(Fc(kI16, 0.25f, {1.0f}, 0, {})), Status::kOk) << n64.detail();
  EXPECT_EQ(n64.Run<int16_t>({{5, -6}}), (std::vector<int16_t>{1, -1, 0}));
  Engine n32;
  ASSERT_EQ(n32.Load(Fc(kI16, 0.25f, {1.0f}, 0, {}, 0, 2)), Status::kOk) << n32.detail();
  EXPECT_EQ(n32.Run<int16_t>({{5, -6}}), (std::vector<int16_t>{2, -2, 0}));
}

TEST(FullyConnected16x8Test, BiasAndRelu) {
  // Multiplier 1: acc + bias = {3 + 100, -7 - 50000 (saturates, then RELU), -4 + 4}.
  Engine e;
  ASSERT_EQ(e.Load(Fc(kI16, 1.0f, {1.0f}, kI64, BytesOf(std::vector<int64_t>{100, -50000, 4}), /*RELU*/ 1)),
            Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int16_t>({{3, -7}}), (std::vector<int16_t>{103, 0, 0}));
}

TEST(FullyConnected16x8Test, PerChannelWeights) {
  // Per-unit multipliers 0.5, 1, 2 (weight scales); acc + bias = {3, -5 + 7, -2}: floor((3 + 1) / 2) = 2, 2, -4.
  Engine e;
  ASSERT_EQ(e.Load(Fc(kI16, 1.0f, {0.5f, 1.0f, 2.0f}, kI64, BytesOf(std::vector<int64_t>{0, 7, 0}))), Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int16_t>({{3, -5}}), (std::vector<int16_t>{2, 2, -4}));
}

TEST(FullyConnectedInt8Test, PerChannelWeights) {
  // Input zero point 1 ({4, -2} is {3, -3}), multipliers 0.5, 1, 0.25, bias {0, 5, -3}: acc {3, 2, -3};
  // 32-bit requantization {2, 2, -1} (-3 * 0.25: -1.5 -> -1 -> -0.5 -> -1), plus the output zero point -1.
  Engine e;
  ASSERT_EQ(e.Load(Fc(kI8, 1.0f, {0.5f, 1.0f, 0.25f}, kI32, BytesOf(std::vector<int32_t>{0, 5, -3}), 0, -1, 1, -1)),
            Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int8_t>({{4, -2}}), (std::vector<int8_t>{1, 1, -2}));
}

TEST(FullyConnected16x8Test, KeepNumDims) {
  // Input [2,1,2] -> output [2,1,1] with one unit summing the row.
  ModelSpec m;
  const int in = AddTensor(m, {2, 1, 2}, kI16, {1.0f}, {0});
  const int f = AddTensor(m, {1, 2}, kI8, {1.0f}, {0}, BytesOf(std::vector<int8_t>{1, 1}));
  const int out = AddTensor(m, {2, 1, 1}, kI16, {1.0f}, {0});
  m.ops = {{kFullyConnectedCode, {in, f, -1}, {out}, kFullyConnectedOptions, FcOptions(0, -1, true), {}}};
  m.inputs = {in};
  m.outputs = {out};
  Engine e;
  ASSERT_EQ(e.Load(m), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int16_t>({{1, 2, 3, -40}}), (std::vector<int16_t>{3, -37}));
}

TEST(FullyConnected16x8Test, Refusals) {
  Engine e;
  // an int16 bias
  EXPECT_EQ(e.Load(Fc(kI16, 0.25f, {1.0f}, kI16, BytesOf(std::vector<int16_t>{0, 0, 0}))),
            Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("FULLY_CONNECTED at operator 0: int16, int8, int16 -> int16 is not supported"),
            std::string::npos)
      << e.detail();
  // int16 weights
  ModelSpec w16 = Fc(kI16, 0.25f, {1.0f}, 0, {});
  w16.tensors[1].type = kI16;
  w16.buffers[1] = BytesOf(std::vector<int16_t>{1, 0, 0, 1, 1, 1});
  EXPECT_EQ(e.Load(w16), Status::kUnsupportedOperator);
  // a multiplier of 256 on the int64 path; the int32 path takes it
  EXPECT_EQ(e.Load(Fc(kI16, 256.0f, {1.0f}, kI64, BytesOf(std::vector<int64_t>{0, 0, 0}))),
            Status::kUnsupportedOperator);
  EXPECT_EQ(e.Load(Fc(kI16, 256.0f, {1.0f}, kI32, BytesOf(std::vector<int32_t>{0, 0, 0}))), Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Load(Fc(kI16, 256.0f, {1.0f, 1.0f, 1.0f}, kI64, BytesOf(std::vector<int64_t>{0, 0, 0}))),
            Status::kUnsupportedOperator);
  // per-channel scales that are not one per unit
  EXPECT_EQ(e.Load(Fc(kI16, 1.0f, {1.0f, 2.0f}, 0, {})), Status::kModelInvalid);
  EXPECT_EQ(e.Load(Fc(kI8, 1.0f, {1.0f, 2.0f}, 0, {})), Status::kModelInvalid);
  // int16 activation with a non-zero zero point
  EXPECT_EQ(e.Load(Fc(kI16, 1.0f, {1.0f}, 0, {}, 0, -1, 5)), Status::kModelInvalid);
  // an int64 bias with the wrong element count
  ModelSpec count = Fc(kI16, 1.0f, {1.0f}, kI64, BytesOf(std::vector<int64_t>{0, 0}));
  count.tensors[2].shape = {2};
  EXPECT_EQ(e.Load(count), Status::kModelInvalid);
}

// BATCH_MATMUL of lhs and rhs (inputs 0 and 1 unless constant), scales 1 (output scale out_scale).
ModelSpec BatchMatMul(int type, std::vector<int32_t> lhs, std::vector<int32_t> rhs, std::vector<int32_t> out,
                      bool adj_x, bool adj_y, std::vector<int64_t> zps = {0, 0, 0}, float lhs_scale = 1.0f,
                      std::vector<uint8_t> rhs_data = {}) {
  ModelSpec m;
  const int l = AddTensor(m, lhs, type, {lhs_scale}, {zps[0]});
  const bool const_rhs = !rhs_data.empty();
  const int r = AddTensor(m, rhs, type, {1.0f}, {zps[1]}, std::move(rhs_data));
  const int o = AddTensor(m, out, type, {1.0f}, {zps[2]});
  FbNodeP opt = testing::Table();
  AddScalar(opt, 0, 1, adj_x ? 1 : 0);
  AddScalar(opt, 1, 1, adj_y ? 1 : 0);
  m.ops = {{kBatchMatMulCode, {l, r}, {o}, kBatchMatMulOptions, opt, {}}};
  m.inputs = const_rhs ? std::vector<int32_t>{l} : std::vector<int32_t>{l, r};
  m.outputs = {o};
  return m;
}

TEST(BatchMatMulTest, Int8HandComputed) {
  // [[1,2,3],[4,5,6]] x [[1,0],[0,1],[1,1]] = [[4,5],[10,11]].
  Engine e;
  ASSERT_EQ(e.Load(BatchMatMul(kI8, {1, 2, 3}, {1, 3, 2}, {1, 2, 2}, false, false)), Status::kOk) << e.detail();
  EXPECT_EQ(e.Run<int8_t>({{1, 2, 3, 4, 5, 6}, {1, 0, 0, 1, 1, 1}}), (std::vector<int8_t>{4, 5, 10, 11}));
  // The same with zero points 1, -1, 3 on lhs, rhs and output.
  Engine z;
  ASSERT_EQ(z.Load(BatchMatMul(kI8, {1, 2, 3}, {1, 3, 2}, {1, 2, 2}, false, false, {1, -1, 3})), Status::kOk)
      << z.detail();
  EXPECT_EQ(z.Run<int8_t>({{2, 3, 4, 5, 6, 7}, {0, -1, -1, 0, 0, 0}}), (std::vector<int8_t>{7, 8, 13, 14}));
  // adj_x and adj_y: both operands given transposed.
  Engine t;
  ASSERT_EQ(t.Load(BatchMatMul(kI8, {1, 3, 2}, {1, 2, 3}, {1, 2, 2}, true, true)), Status::kOk) << t.detail();
  EXPECT_EQ(t.Run<int8_t>({{1, 4, 2, 5, 3, 6}, {1, 0, 1, 0, 1, 1}}), (std::vector<int8_t>{4, 5, 10, 11}));
}

TEST(BatchMatMulTest, BroadcastConstantRhsAndSaturation) {
  // lhs [2,2,3] against a constant rank-2 rhs [3,2], broadcast over the batch; the second batch's sums
  // -200 and 200 saturate.
  Engine e;
  ASSERT_EQ(e.Load(BatchMatMul(kI8, {2, 2, 3}, {3, 2}, {2, 2, 2}, false, false, {0, 0, 0}, 1.0f,
                               BytesOf(std::vector<int8_t>{1, 0, 0, 1, 1, 1}))),
            Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int8_t>({{1, 2, 3, 4, 5, 6, -100, -100, -100, 100, 100, 100}}),
            (std::vector<int8_t>{4, 5, 10, 11, -128, -128, 127, 127}));
  // Batch dimensions 2 and 3 do not broadcast.
  EXPECT_EQ(e.Load(BatchMatMul(kI8, {2, 2, 3}, {3, 3, 2}, {2, 2, 2}, false, false)), Status::kModelInvalid);
}

TEST(BatchMatMulTest, Int16RoundsHalfUp) {
  // Multiplier 0.25 on the int64 path: floor((acc + 2) / 4): {6, -6, 5} -> {2, -1, 1}.
  Engine e;
  ASSERT_EQ(e.Load(BatchMatMul(kI16, {3, 1}, {1, 1}, {3, 1}, false, false, {0, 0, 0}, 0.25f)), Status::kOk)
      << e.detail();
  EXPECT_EQ(e.Run<int16_t>({{6, -6, 5}, {1}}), (std::vector<int16_t>{2, -1, 1}));
}

TEST(BatchMatMulTest, Refusals) {
  Engine e;
  // int16 with a non-zero zero point
  EXPECT_EQ(e.Load(BatchMatMul(kI16, {3, 1}, {1, 1}, {3, 1}, false, false, {0, 2, 0})), Status::kModelInvalid);
  // mixed types
  ModelSpec mixed = BatchMatMul(kI8, {1, 2, 3}, {1, 3, 2}, {1, 2, 2}, false, false);
  mixed.tensors[1].type = kI16;
  EXPECT_EQ(e.Load(mixed), Status::kUnsupportedOperator);
  EXPECT_NE(e.detail().find("BATCH_MATMUL at operator 0: int8, int16 -> int8 is not supported"), std::string::npos)
      << e.detail();
  // inner dimensions differ
  EXPECT_EQ(e.Load(BatchMatMul(kI8, {1, 2, 3}, {1, 2, 2}, {1, 2, 2}, false, false)), Status::kModelInvalid);
  // an output of the wrong size
  EXPECT_EQ(e.Load(BatchMatMul(kI8, {1, 2, 3}, {1, 3, 2}, {1, 2, 3}, false, false)), Status::kModelInvalid);
  // a multiplier of 256 on int16
  EXPECT_EQ(e.Load(BatchMatMul(kI16, {3, 1}, {1, 1}, {3, 1}, false, false, {0, 0, 0}, 256.0f)),
            Status::kUnsupportedOperator);
  // rank 1
  EXPECT_EQ(e.Load(BatchMatMul(kI8, {3}, {3, 2}, {2}, false, false)), Status::kModelInvalid);
}

}  // namespace
}  // namespace hil::agent::engine
