// The verifier: malformed or hostile models are error codes, never out-of-bounds reads. Run under
// -fsanitize=address,undefined to make the "never" observable.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"
#include "testing/model_builder.h"

namespace hil::agent::engine {
namespace {

using testing::BuildModel;
using testing::ModelSpec;

Status LoadBytes(const std::vector<uint8_t>& model, std::string* detail = nullptr, size_t arena_bytes = 64 * 1024) {
  std::vector<uint8_t> arena(arena_bytes);
  Interpreter interp;
  // Copy into an exactly sized heap block so ASan flags any read past the end.
  std::vector<uint8_t> copy(model);
  const Status st = interp.Load(copy.data(), copy.size(), arena.data(), arena.size());
  if (detail != nullptr) *detail = interp.ErrorDetail();
  if (st == Status::kOk) {
    for (int i = 0; i < interp.input_count(); ++i) {
      TensorView v = interp.input(i);
      for (size_t k = 0; k < v.bytes; ++k) v.data[k] = static_cast<uint8_t>(k * 31);
    }
    const Status run = interp.Invoke(nullptr);
    EXPECT_TRUE(run == Status::kOk || run == Status::kKernelFailed);
  }
  return st;
}

std::vector<ModelSpec> Specs() {
  return {testing::TinyFullyConnected(), testing::TinyConvNet(), testing::TinyDepthwiseAdd()};
}

TEST(VerifierTest, ValidModelsLoad) {
  for (const ModelSpec& s : Specs()) {
    std::string d;
    EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kOk) << d;
  }
}

TEST(VerifierTest, EveryTruncationIsRejected) {
  for (const ModelSpec& s : Specs()) {
    const std::vector<uint8_t> full = BuildModel(s);
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
      EXPECT_NE(LoadBytes(cut), Status::kOk) << "truncated to " << n << " of " << full.size();
    }
  }
}

TEST(VerifierTest, EveryByteCorruptionIsSafe) {
  // Each byte set to several values: the load either fails with a code or succeeds and runs.
  int ok = 0, rejected = 0;
  for (const ModelSpec& s : Specs()) {
    const std::vector<uint8_t> full = BuildModel(s);
    for (size_t i = 0; i < full.size(); ++i) {
      for (uint8_t v : {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x80}, uint8_t{0x7F}, static_cast<uint8_t>(full[i] + 1),
                        static_cast<uint8_t>(full[i] ^ 0x10)}) {
        std::vector<uint8_t> bad = full;
        bad[i] = v;
        const Status st = LoadBytes(bad);
        (st == Status::kOk ? ok : rejected)++;
        EXPECT_TRUE(st == Status::kOk || st == Status::kModelInvalid || st == Status::kUnsupportedOperator ||
                    st == Status::kArenaTooSmall || st == Status::kTooLarge)
            << "byte " << i << " status " << static_cast<int>(st);
      }
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(ok, 0);  // data bytes (weights) are free to change
}

TEST(VerifierTest, RootOffsetOutOfRange) {
  std::vector<uint8_t> m = BuildModel(testing::TinyFullyConnected());
  m[0] = 0xF0;
  m[1] = 0xFF;
  m[2] = 0xFF;
  m[3] = 0x7F;
  EXPECT_EQ(LoadBytes(m), Status::kModelInvalid);
}

TEST(VerifierTest, RootVtableCorrupt) {
  std::vector<uint8_t> m = BuildModel(testing::TinyFullyConnected());
  uint32_t root;
  std::memcpy(&root, m.data(), 4);
  int32_t soff;
  std::memcpy(&soff, m.data() + root, 4);
  const uint32_t vt = root - static_cast<uint32_t>(soff);
  std::vector<uint8_t> odd = m;
  odd[vt] = 5;  // odd vtable size
  odd[vt + 1] = 0;
  EXPECT_EQ(LoadBytes(odd), Status::kModelInvalid);
  std::vector<uint8_t> huge = m;
  huge[vt] = 0xFE;
  huge[vt + 1] = 0xFF;  // vtable past the end
  EXPECT_EQ(LoadBytes(huge), Status::kModelInvalid);
  std::vector<uint8_t> field = m;
  field[vt + 4] = 0xF0;  // field 0 offset beyond the table
  field[vt + 5] = 0x0F;
  EXPECT_EQ(LoadBytes(field), Status::kModelInvalid);
  std::vector<uint8_t> soffset = m;
  const int32_t far = -0x7FFFFFF0;
  std::memcpy(soffset.data() + root, &far, 4);
  EXPECT_EQ(LoadBytes(soffset), Status::kModelInvalid);
}

TEST(VerifierTest, TensorIndexOutOfRange) {
  ModelSpec s = testing::TinyFullyConnected();
  s.ops[0].inputs[1] = 99;
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kModelInvalid);
  EXPECT_NE(d.find("99"), std::string::npos) << d;
  s = testing::TinyFullyConnected();
  s.outputs = {-3};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.ops[0].outputs = {7};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
}

TEST(VerifierTest, BufferSmallerThanShape) {
  ModelSpec s = testing::TinyFullyConnected();
  s.buffers[1].pop_back();
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kModelInvalid);
  EXPECT_NE(d.find("buffer holds 11 bytes"), std::string::npos) << d;
  s = testing::TinyFullyConnected();
  s.tensors[1].buffer = 42;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kModelInvalid);
}

TEST(VerifierTest, ShapeAndQuantizationChecks) {
  ModelSpec s = testing::TinyFullyConnected();
  s.tensors[0].shape = {1, 0};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.tensors[0].shape = {1, 1, 1, 1, 1, 4};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kTooLarge);
  s = testing::TinyFullyConnected();
  s.tensors[3].shape = {1, 4};  // output does not match weights
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.tensors[0].shape = {1, 0x7FFFFFFF};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.tensors[0].scales = {};  // int8 input without quantization
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.tensors[0].scales = {-1.0f};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.tensors[0].zero_points = {300};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyConvNet();
  s.tensors[1].scales = {0.1f, 0.2f};  // two scales for three channels
  s.tensors[1].zero_points = {0, 0};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyConvNet();
  s.tensors[1].quant_dim = 7;
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyConvNet();
  s.tensors[3].shape = {1, 3, 3, 3};  // conv output shape wrong
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyConvNet();
  s.tensors[2].type = 9;  // int8 bias
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
}

TEST(VerifierTest, UnsupportedOperatorIsNamedAtLoad) {
  ModelSpec s = testing::TinyFullyConnected();
  s.ops[0].builtin_code = 15;  // LSH_PROJECTION: TFLite Micro does not run it either
  s.ops[0].options = nullptr;
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kUnsupportedOperator);
  EXPECT_NE(d.find("LSH_PROJECTION (15)"), std::string::npos) << d;
  EXPECT_NE(d.find("operator 0"), std::string::npos) << d;
  // A custom operator is named by its custom code (non-printable bytes replaced).
  s.ops[0].builtin_code = 32;
  s.ops[0].custom_code = std::string("TFLite_Detection\x01");
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kUnsupportedOperator);
  EXPECT_NE(d.find("CUSTOM \"TFLite_Detection?\" (32)"), std::string::npos) << d;
  s.ops[0].custom_code.clear();
  s.ops[0].builtin_code = 250;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kUnsupportedOperator);
  EXPECT_NE(d.find("UNKNOWN (250)"), std::string::npos) << d;
}

TEST(VerifierTest, UnsupportedFusedActivation) {
  ModelSpec s = testing::TinyFullyConnected();
  s.ops[0].options = testing::Table();
  testing::AddScalar(s.ops[0].options, 0, 1, 4);  // TANH
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kUnsupportedOperator);
  EXPECT_NE(d.find("fused activation"), std::string::npos) << d;
}

TEST(VerifierTest, WrongOptionsType) {
  ModelSpec s = testing::TinyFullyConnected();
  s.ops[0].options_type = 1;  // Conv2DOptions on a FULLY_CONNECTED
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
}

TEST(VerifierTest, DataflowChecks) {
  ModelSpec s = testing::TinyConvNet();
  s.ops[2].inputs = {6};  // RESHAPE reads the SOFTMAX output, written later
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(s), &d), Status::kModelInvalid);
  EXPECT_NE(d.find("never written"), std::string::npos) << d;
  s = testing::TinyConvNet();
  s.ops[1].outputs = {3};  // written twice
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyConvNet();
  s.ops[0].outputs = {1};  // writes a constant
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
}

TEST(VerifierTest, ModelLevelChecks) {
  ModelSpec s = testing::TinyFullyConnected();
  s.inputs = {0, 0, 0, 0, 0, 0, 0, 0, 0};  // more than kMaxIo
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kTooLarge);
  s = testing::TinyFullyConnected();
  s.inputs = {};
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  s = testing::TinyFullyConnected();
  s.inputs = {1};  // a constant as input
  EXPECT_EQ(LoadBytes(BuildModel(s)), Status::kModelInvalid);
  std::vector<uint8_t> small = {1, 2, 3};
  EXPECT_EQ(LoadBytes(small), Status::kModelInvalid);
  std::string d;
  EXPECT_EQ(LoadBytes(BuildModel(testing::TinyConvNet()), &d, 64), Status::kArenaTooSmall);
  EXPECT_NE(d.find("arena too small"), std::string::npos);
}

TEST(VerifierTest, NullArguments) {
  Interpreter interp;
  uint8_t arena[64];
  EXPECT_EQ(interp.Load(nullptr, 100, arena, sizeof arena), Status::kBadArgument);
  const std::vector<uint8_t> m = BuildModel(testing::TinyFullyConnected());
  EXPECT_EQ(interp.Load(m.data(), m.size(), nullptr, 100), Status::kBadArgument);
}

}  // namespace
}  // namespace hil::agent::engine
