// `hil inspect`, `hil infer` and `hil run`'s refusal of models the engine cannot run, through the
// executable as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "hil/model/model_stats.h"
#include "hil/model/tflite_io.h"
#include "hil/model/tflite_model.h"

namespace {

using ::testing::HasSubstr;
using nlohmann::json;
namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string output;
};

// stderr is merged unless `out_only`.
Result Hil(const std::string& args, bool out_only = false) {
  const std::string cmd = std::string(HIL_EXE) + " " + args + (out_only ? " 2>/dev/null" : " 2>&1");
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::vector<uint8_t> ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class ModelCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hil_model_commands_test_" + std::to_string(getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Generate(const std::string& name) {
    const std::string path = (dir_ / (name.substr(0, name.find(':')) + ".tflite")).string();
    auto r = Hil("model gen '" + name + "' --seed 1 -o " + path);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return path;
  }

  // A model of int8 tensors whose three operators the engine has never heard of: two CUSTOM ops of
  // one name and an LSH_PROJECTION, around one FULLY_CONNECTED it does run.
  std::string UnsupportedModel() {
    using namespace hil::model;
    ModelDef m;
    m.buffers = {{}, std::vector<uint8_t>(16, 1)};
    auto act = [&](std::vector<int32_t> shape) {
      TensorDef t;
      t.shape = std::move(shape);
      t.type = TensorType::kInt8;
      t.quantization = QuantizationDef{{0.5f}, {0}, 0};
      m.tensors.push_back(t);
      return static_cast<int32_t>(m.tensors.size() - 1);
    };
    const int32_t a = act({1, 4}), b = act({1, 4}), c = act({1, 4}), d = act({1, 4}), e = act({1, 4});
    TensorDef w;
    w.shape = {4, 4};
    w.type = TensorType::kInt8;
    w.buffer = 1;
    w.quantization = QuantizationDef{{0.25f}, {0}, 0};
    m.tensors.push_back(w);
    const int32_t weights = static_cast<int32_t>(m.tensors.size() - 1);
    m.operator_codes = {{32, 1, "MyPostProcess"}, {15, 1, {}}, {9, 1, {}}};
    m.operators = {{0, {a}, {b}, {}}, {2, {b, weights, -1}, {c}, FullyConnectedOptions{}}, {1, {c}, {d}, {}}, {0, {d}, {e}, {}}};
    m.inputs = {a};
    m.outputs = {e};
    auto bytes = WriteTflite(m);
    EXPECT_TRUE(bytes) << bytes.error();
    const std::string path = (dir_ / "unsupported.tflite").string();
    EXPECT_TRUE(WriteFileBytes(path, *bytes));
    return path;
  }

  fs::path dir_;
};

TEST_F(ModelCommands, InspectJsonHasEveryTotalAndLayer) {
  const std::string model = Generate("kws");
  auto r = Hil("inspect " + model + " --json", /*out_only=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  // MLPerf Tiny's kws: 2,656,768 MACs (the zoo model has its shapes).
  EXPECT_EQ(j["macs"].get<uint64_t>(), 2656768u);
  EXPECT_EQ(j["flash_bytes"].get<uint64_t>(), fs::file_size(model));
  ASSERT_TRUE(j["arena_bytes"].is_number());
  EXPECT_GT(j["arena_bytes"].get<uint64_t>(), j["activation_peak_bytes"].get<uint64_t>() - 1);
  EXPECT_TRUE(j["supported"].get<bool>());
  EXPECT_TRUE(j["unsupported"].empty());
  const json& layers = j["layers"];
  ASSERT_EQ(layers.size(), 13u);  // CONV_2D, 4 x (DEPTHWISE, CONV), AVERAGE_POOL, RESHAPE, FULLY_CONNECTED, SOFTMAX
  uint64_t naive = 0, macs = 0;
  for (const json& l : layers) {
    for (const char* k : {"op", "macs", "input_bytes", "output_bytes", "weight_bytes", "bias_bytes"}) EXPECT_TRUE(l.contains(k)) << k;
    naive += l["input_bytes"].get<uint64_t>() + l["output_bytes"].get<uint64_t>() + l["weight_bytes"].get<uint64_t>() +
             l["bias_bytes"].get<uint64_t>();
    macs += l["macs"].get<uint64_t>();
  }
  EXPECT_EQ(j["naive_bytes"].get<uint64_t>(), naive);
  EXPECT_EQ(macs, 2656768u);
  // The first layer: CONV_2D 1x49x10x1 -> 1x25x5x64 with a 10x4 filter: 64 x 10 x 4 weights, 64 biases.
  EXPECT_EQ(layers[0]["op"], "CONV_2D");
  EXPECT_EQ(layers[0]["input_bytes"].get<uint64_t>(), 49u * 10u);
  EXPECT_EQ(layers[0]["output_bytes"].get<uint64_t>(), 25u * 5u * 64u);
  EXPECT_EQ(layers[0]["weight_bytes"].get<uint64_t>(), 64u * 10u * 4u);
  EXPECT_EQ(layers[0]["bias_bytes"].get<uint64_t>(), 64u * 4u);
  EXPECT_EQ(layers[0]["macs"].get<uint64_t>(), 25u * 5u * 64u * 10u * 4u);
}

TEST_F(ModelCommands, InspectTableNamesTotals) {
  auto r = Hil("inspect " + Generate("ad"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FULLY_CONNECTED"));
  EXPECT_THAT(r.output, HasSubstr("MACs                264,192"));
  EXPECT_THAT(r.output, HasSubstr("arena (planned)"));
  EXPECT_THAT(r.output, HasSubstr("textbook footprint"));
}

TEST_F(ModelCommands, InspectListsEveryUnsupportedOperatorWithCounts) {
  const std::string model = UnsupportedModel();
  auto r = Hil("inspect " + model + " --json", /*out_only=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;  // inspecting is not running: it tells, and succeeds
  const json j = json::parse(r.output);
  EXPECT_FALSE(j["supported"].get<bool>());
  EXPECT_TRUE(j["arena_bytes"].is_null());
  ASSERT_EQ(j["unsupported"].size(), 2u) << j["unsupported"].dump();
  EXPECT_EQ(j["unsupported"][0]["op"], "CUSTOM:MyPostProcess");
  EXPECT_EQ(j["unsupported"][0]["count"], 2);
  EXPECT_EQ(j["unsupported"][0]["layers"], json::array({0, 3}));
  EXPECT_EQ(j["unsupported"][1]["op"], "LSH_PROJECTION");
  EXPECT_EQ(j["unsupported"][1]["count"], 1);
  auto table = Hil("inspect " + model);
  EXPECT_THAT(table.output, HasSubstr("NOT SUPPORTED by this engine: 3 of 4 operators"));
  EXPECT_THAT(table.output, HasSubstr("CUSTOM:MyPostProcess x2 (layers 0, 3)"));
}

TEST_F(ModelCommands, InspectBoardSaysWhatDoesNotFitAndByHowMuch) {
  const std::string model = Generate("vww");  // 300 KB of weights: more than the LM3S6965's 256 KiB flash
  auto r = Hil("inspect " + model + " --json --board lm3s6965evb", /*out_only=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  const json& board = j["board"];
  EXPECT_EQ(board["kind"], "lm3s6965evb");
  EXPECT_FALSE(board["fits"].get<bool>());
  bool flash_checked = false, buffer_checked = false;
  for (const json& c : board["checks"]) {
    const int64_t margin = c["margin_bytes"].get<int64_t>();
    EXPECT_EQ(margin, c["have_bytes"].get<int64_t>() - c["need_bytes"].get<int64_t>());
    if (c["what"] == "flash") {
      flash_checked = true;
      EXPECT_EQ(c["have_bytes"].get<uint64_t>(), 262144u);
      EXPECT_FALSE(c["fits"].get<bool>());
    }
    if (c["what"] == "agent model buffer") {
      buffer_checked = true;
      EXPECT_EQ(c["need_bytes"].get<uint64_t>(), fs::file_size(model));
      EXPECT_LT(margin, 0);
    }
  }
  EXPECT_TRUE(flash_checked);
  EXPECT_TRUE(buffer_checked) << "the firmware's hil_model_buffer symbol was not read: " << board.dump();
  auto table = Hil("inspect " + model + " --board lm3s6965evb");
  EXPECT_THAT(table.output, HasSubstr("DOES NOT FIT"));
  auto unknown = Hil("inspect " + model + " --board no-such-kind");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.output, HasSubstr("unknown board kind 'no-such-kind'"));
}

TEST_F(ModelCommands, InferWritesOutputZeroAndEveryOperatorsOutputs) {
  const std::string model = Generate("kws");
  std::vector<uint8_t> input(49 * 10);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 37 + 11);
  const fs::path in = dir_ / "in.bin", out = dir_ / "out.bin", dumps = dir_ / "dumps";
  ASSERT_TRUE(hil::model::WriteFileBytes(in.string(), input));
  auto r = Hil("infer " + model + " --input " + in.string() + " --output " + out.string() + " --repeat 3 --dump-dir " + dumps.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("3 runs on the host engine"));
  const auto output = ReadAll(out);
  EXPECT_EQ(output.size(), 12u);  // int8 1x12
  size_t files = 0;
  std::vector<uint8_t> last;
  for (const auto& e : fs::directory_iterator(dumps)) {
    ++files;
    if (e.path().filename().string().rfind("op012_SOFTMAX_", 0) == 0) last = ReadAll(e.path());
  }
  EXPECT_EQ(files, 13u);
  EXPECT_EQ(last, output) << "the last operator's dump is the model's output";
  // The same input again gives the same bytes (and a changed input other bytes).
  const fs::path out2 = dir_ / "out2.bin";
  ASSERT_EQ(Hil("infer " + model + " --input " + in.string() + " --output " + out2.string()).exit_code, 0);
  EXPECT_EQ(ReadAll(out2), output);
}

TEST_F(ModelCommands, InferRefusesWhatItCannotDoWithTheReason) {
  const std::string model = Generate("kws");
  const fs::path small = dir_ / "small.bin", out = dir_ / "out.bin";
  ASSERT_TRUE(hil::model::WriteFileBytes(small.string(), std::vector<uint8_t>(100, 0)));
  auto r = Hil("infer " + model + " --input " + small.string() + " --output " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("has 100 bytes"));
  EXPECT_THAT(r.output, HasSubstr("int8 1x49x10x1 = 490 bytes"));
  auto dir_as_model = Hil("infer " + dir_.string() + " --input " + small.string() + " --output " + out.string());
  EXPECT_EQ(dir_as_model.exit_code, 2);
  EXPECT_THAT(dir_as_model.output, HasSubstr("is a directory"));
  auto missing = Hil("infer " + model + " --output " + out.string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("--input is required"));
  auto unsupported = Hil("infer " + UnsupportedModel() + " --input " + small.string() + " --output " + out.string());
  EXPECT_EQ(unsupported.exit_code, 2);
  EXPECT_THAT(unsupported.output, HasSubstr("CUSTOM:MyPostProcess x2 (layers 0, 3)"));
  EXPECT_THAT(unsupported.output, HasSubstr("LSH_PROJECTION (layer 2)"));
  const fs::path garbage = dir_ / "garbage.tflite";
  ASSERT_TRUE(hil::model::WriteFileBytes(garbage.string(), std::vector<uint8_t>(64, 0xAB)));
  auto bad = Hil("inspect " + garbage.string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr(garbage.string()));
}

TEST_F(ModelCommands, RunRefusesAnUnsupportedModelBeforeAnyBoardStarts) {
  const std::string model = UnsupportedModel();
  std::ofstream(dir_ / "suite.yaml") << "name: byo\nmodels:\n  - path: " << model << "\nboards: [posix-host]\n";
  const std::string db = (dir_ / "hil.db").string();
  auto r = Hil("run " + (dir_ / "suite.yaml").string() + " --db " + db);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite.yaml:3: models[0]"));
  EXPECT_THAT(r.output, HasSubstr("the engine cannot run 3 of 4 operators"));
  EXPECT_THAT(r.output, HasSubstr("CUSTOM:MyPostProcess x2"));
  EXPECT_THAT(r.output, HasSubstr("LSH_PROJECTION (layer 2): unsupported operator"));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("posix-host#")));  // no board was started
  EXPECT_FALSE(fs::exists(db)) << "nothing stored before the plan holds";
}

// A stateful model (SVDF: its state carries from one inference to the next) on a board: the agent runs
// the check run, warm-up and timed runs of two inputs, the host reference one run per input; both start
// every inference from the initial state, so the outputs compare.
TEST_F(ModelCommands, RunChecksAStatefulModelAgainstTheHost) {
  const fs::path model = dir_ / "svdf.tflite";
  const std::string make = "/usr/bin/python3 -c \"import sys; sys.path.insert(0, '" HIL_SOURCE_DIR "/tools/tflite_ref'); "
                           "import cases_recurrent as c; m = [b for l, b in c.op_cases(1) if l.startswith('svdf')][0]; "
                           "open('" + model.string() + "', 'wb').write(m)\"";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  std::ofstream(dir_ / "suite.yaml") << "name: stateful\nmodels:\n  - path: " << model.string()
                                     << "\ninputs: {random: {seed: 3, count: 2}}\nboards: [posix-host]\n"
                                        "settings: {warmup: 2, iterations: 3}\n";
  auto r = Hil("run " + (dir_ / "suite.yaml").string() + " --db " + (dir_ / "hil.db").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("outputs==host-reference: pass (2 compared)"));
}

}  // namespace
