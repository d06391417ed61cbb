// Bit-exactness against TensorFlow Lite Micro: for each shared MLPerf Tiny model, every operator's
// output must equal the reference's bytes (HIL_SHARED_DIR/reference/<model>/, see its README.md),
// and the arena must be no larger than TFLite Micro's.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hil/engine/interpreter.h"

namespace hil::agent::engine {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct RefOp {
  int index;
  std::string name;
  int tensor;
  std::vector<uint8_t> bytes;
};

struct Capture {
  std::vector<RefOp>* ref;
  std::vector<int> matched;   // per op: 1 match, 0 mismatch
  std::vector<std::string> notes;
};

void Observe(void* context, int op_index, int output_index, const TensorView& out) {
  if (output_index != 0) return;
  auto* cap = static_cast<Capture*>(context);
  if (op_index < 0 || op_index >= static_cast<int>(cap->ref->size())) return;
  const RefOp& r = (*cap->ref)[op_index];
  bool same = out.bytes == r.bytes.size() && out.data != nullptr &&
              std::equal(r.bytes.begin(), r.bytes.end(), out.data);
  int first_diff = -1;
  if (!same && out.bytes == r.bytes.size()) {
    for (size_t i = 0; i < r.bytes.size(); ++i)
      if (out.data[i] != r.bytes[i]) {
        first_diff = static_cast<int>(i);
        break;
      }
  }
  cap->matched[op_index] = same ? 1 : 0;
  if (!same) {
    std::ostringstream os;
    os << "op " << op_index << " " << r.name << " differs (bytes " << out.bytes << " vs " << r.bytes.size()
       << ", first diff at " << first_diff;
    if (first_diff >= 0)
      os << ": got " << static_cast<int>(static_cast<int8_t>(out.data[first_diff])) << " want "
         << static_cast<int>(static_cast<int8_t>(r.bytes[first_diff]));
    os << ")";
    cap->notes.push_back(os.str());
  }
}

struct ModelCase {
  const char* name;
  size_t tflm_arena_bytes;     // TFLite Micro's greedy planner, 32-bit build
  size_t activation_lower_bound;
};

class ReferenceTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ReferenceTest, EveryOperatorMatchesTfliteMicro) {
  const ModelCase& mc = GetParam();
  const std::string shared = HIL_SHARED_DIR;
  const std::string ref_dir = shared + "/reference/" + mc.name + "/";
  std::vector<uint8_t> model = ReadFile(shared + "/models/" + mc.name + ".tflite");
  ASSERT_FALSE(model.empty()) << "cannot read the model " << mc.name;

  std::ifstream index(ref_dir + "index.txt");
  ASSERT_TRUE(index.good()) << "cannot read " << ref_dir << "index.txt";
  std::vector<RefOp> ref;
  std::string line;
  while (std::getline(index, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    RefOp r;
    std::string type, shape, bytes, crc, file;
    ls >> r.index >> r.name >> r.tensor >> type >> shape >> bytes >> crc >> file;
    r.bytes = ReadFile(ref_dir + file);
    ASSERT_EQ(r.bytes.size(), std::stoul(bytes)) << file;
    ASSERT_EQ(r.index, static_cast<int>(ref.size()));
    ref.push_back(std::move(r));
  }
  ASSERT_FALSE(ref.empty());

  // Model blobs must be 4-byte aligned for int32 biases read in place; a vector's buffer is.
  static std::vector<uint8_t> arena;
  arena.assign(1 << 20, 0);
  Interpreter interp;
  ASSERT_EQ(interp.Load(model.data(), model.size(), arena.data(), arena.size()), Status::kOk) << interp.ErrorDetail();
  ASSERT_EQ(interp.operator_count(), static_cast<int>(ref.size()));
  for (int i = 0; i < interp.operator_count(); ++i) EXPECT_STREQ(OpcodeName(interp.opcode(i)), ref[i].name.c_str());

  ASSERT_EQ(interp.input_count(), 1);
  TensorView in = interp.input(0);
  for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>((i * 7 + 3) & 255);

  Capture cap{&ref, std::vector<int>(ref.size(), -1), {}};
  interp.SetOpObserver(Observe, &cap);
  OpProfile profile;
  ASSERT_EQ(interp.Invoke(&profile), Status::kOk) << interp.ErrorDetail();
  int matched = 0;
  std::map<std::string, std::pair<int, int>> per_op;  // name -> matched, total
  for (size_t i = 0; i < ref.size(); ++i) {
    EXPECT_NE(cap.matched[i], -1) << "observer not called for op " << i;
    matched += cap.matched[i] == 1;
    per_op[ref[i].name].first += cap.matched[i] == 1;
    per_op[ref[i].name].second += 1;
  }
  for (const std::string& n : cap.notes) ADD_FAILURE() << n;
  std::ostringstream summary;
  summary << mc.name << ": " << matched << "/" << ref.size() << " operators bit-exact;";
  for (const auto& [name, mt] : per_op) summary << " " << name << " " << mt.first << "/" << mt.second;
  summary << "; arena_used " << interp.arena_used() << " (TFLM " << mc.tflm_arena_bytes << ", activation bound "
          << mc.activation_lower_bound << ")";
  std::printf("[reference] %s\n", summary.str().c_str());
  EXPECT_EQ(matched, static_cast<int>(ref.size()));

  // The final output equals the last operator's reference bytes.
  const TensorView out = interp.output(0);
  ASSERT_EQ(out.bytes, ref.back().bytes.size());
  EXPECT_TRUE(std::equal(ref.back().bytes.begin(), ref.back().bytes.end(), out.data));

  // Profiling: one call per operator, opcodes recorded, time measured (the test port counts ns).
  uint64_t total_cycles = 0;
  for (int i = 0; i < interp.operator_count(); ++i) {
    EXPECT_EQ(profile.calls[i], 1u);
    EXPECT_EQ(profile.opcode[i], interp.opcode(i));
    total_cycles += profile.cycles[i];
  }
  EXPECT_GT(total_cycles, 0u);
  EXPECT_EQ(profile.calls[interp.operator_count()], 0u);

  // Memory goals: no more than TFLite Micro, and the plan is usable at exactly arena_used bytes.
  EXPECT_LE(interp.arena_used(), mc.tflm_arena_bytes);
  EXPECT_GE(interp.arena_used(), mc.activation_lower_bound);
  const size_t used = interp.arena_used();
  std::vector<uint8_t> exact(used);
  Interpreter tight;
  ASSERT_EQ(tight.Load(model.data(), model.size(), exact.data(), exact.size()), Status::kOk) << tight.ErrorDetail();
  std::vector<uint8_t> small(used - 1);
  Interpreter too_small;
  EXPECT_EQ(too_small.Load(model.data(), model.size(), small.data(), small.size()), Status::kArenaTooSmall);
  EXPECT_NE(std::string(too_small.ErrorDetail()).find("arena too small by"), std::string::npos);

  // A second run in the tight arena gives the same output (the input is rewritten: it may be clobbered).
  TensorView tin = tight.input(0);
  for (size_t i = 0; i < tin.bytes; ++i) tin.data[i] = static_cast<uint8_t>((i * 7 + 3) & 255);
  ASSERT_EQ(tight.Invoke(nullptr), Status::kOk);
  const TensorView tout = tight.output(0);
  EXPECT_TRUE(std::equal(ref.back().bytes.begin(), ref.back().bytes.end(), tout.data));
}

INSTANTIATE_TEST_SUITE_P(SharedModels, ReferenceTest,
                         ::testing::Values(ModelCase{"kws_dscnn_int8", 22780, 16000},
                                           ModelCase{"ic_resnet8_int8", 54364, 49152},
                                           ModelCase{"vww_mobilenet_int8", 100668, 55296},
                                           ModelCase{"ad_autoencoder_int8", 2380, 768},
                                           ModelCase{"sww_ref_int8", 15276, 6656}),
                         [](const ::testing::TestParamInfo<ModelCase>& info) {
                           std::string n = info.param.name;
                           return n.substr(0, n.find('_'));
                         });

}  // namespace
}  // namespace hil::agent::engine
