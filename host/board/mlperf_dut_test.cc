// The agent's MLPerf Tiny personality (hil-agent-posix --mlperf MODEL) driven by a scripted host on
// its pty, as MLPerf Tiny's runner drives a device under test: identification, loading an input in
// hex over several db commands, infer with warmup, results equal to the host engine's output
// dequantized, and the errors a runner can provoke.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "hil/board/posix_board.h"
#include "hil/board/qemu_board.h"
#include "hil/board/subprocess.h"
#include "hil/engine/interpreter.h"
#include "hil/link/mlperf_session.h"
#include "hil/link/serial_link.h"
#include "hil/model/zoo.h"
#include "hil/power/testing/fake_device.h"
#include "hil/power/testing/fake_io_manager.h"

namespace hil {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The host engine's output 0 of `model` for `input`, dequantized and written as the DUT writes it.
std::string ExpectedResults(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input) {
  static std::vector<uint8_t> arena(1 << 20);
  agent::engine::Interpreter e;
  EXPECT_EQ(e.Load(model.data(), model.size(), arena.data(), arena.size()), Status::kOk);
  std::copy(input.begin(), input.end(), e.input(0).data);
  EXPECT_EQ(e.Invoke(nullptr), Status::kOk);
  const auto out = e.output(0);
  std::string s = "m-results-[";
  for (size_t i = 0; i < out.bytes; ++i) {
    const float real = (static_cast<int8_t>(out.data[i]) - out.zero_point) * out.scale;
    const long milli = static_cast<long>(real * 1000.0f + (real < 0 ? -0.5f : 0.5f));
    char text[32];
    std::snprintf(text, sizeof text, "%s%ld.%03ld%s", milli < 0 ? "-" : "", std::labs(milli) / 1000, std::labs(milli) % 1000,
                  i + 1 < out.bytes ? "," : "");
    s += text;
  }
  return s + "]";
}

// The ad model on the host engine: an int8 input tensor as MLPerf Tiny's runner sends it (float32
// features), and the anomaly score ad01 firmware prints for it (the mean squared error between those
// features and output 0 dequantized).
class HostAnomalyScorer {
 public:
  explicit HostAnomalyScorer(const std::vector<uint8_t>& model) : arena_(1 << 20) {
    EXPECT_EQ(e_.Load(model.data(), model.size(), arena_.data(), arena_.size()), Status::kOk);
  }
  std::vector<uint8_t> Wire(const std::vector<uint8_t>& tensor) {
    const auto qi = e_.input(0);
    return link::MlperfWireInput(link::MlperfInputFormat::kFloat32, tensor, qi.scale, qi.zero_point);
  }
  double Score(const std::vector<uint8_t>& tensor) {
    const auto qi = e_.input(0);
    std::copy(tensor.begin(), tensor.end(), qi.data);
    EXPECT_EQ(e_.Invoke(nullptr), Status::kOk);
    const auto out = e_.output(0);
    double sum = 0;
    for (size_t i = 0; i < tensor.size(); ++i) {
      const double x = static_cast<float>(static_cast<int8_t>(tensor[i]) - qi.zero_point) * qi.scale;
      const double y = (static_cast<int8_t>(out.data[i]) - out.zero_point) * static_cast<double>(out.scale);
      sum += (x - y) * (x - y);
    }
    return sum / static_cast<double>(tensor.size());
  }

 private:
  std::vector<uint8_t> arena_;
  agent::engine::Interpreter e_;
};

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string hex;
  for (uint8_t b : bytes) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

std::vector<uint8_t> RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// An interface-board emulator (EEMBC IO manager) in front of a DUT, and the host's link to it.
struct InterfaceRig {
  std::unique_ptr<power::testing::FakeIoManager> board;
  std::unique_ptr<link::Link> link;
};

void StartInterface(const power::testing::IoManagerOptions& options, InterfaceRig& rig) {
  auto io = power::testing::FakeIoManager::Start(options);
  ASSERT_TRUE(io) << io.error().message;
  rig.board = std::move(*io);
  auto link = link::OpenTty(rig.board->slave_path(), 115200);
  ASSERT_TRUE(link) << link.error().message;
  rig.link = std::move(*link);
}

class MlperfDut : public ::testing::Test {
 protected:
  void SetUp() override {
    auto blob = model::GenerateModel(ZooModel(), 1);
    ASSERT_TRUE(blob) << blob.error();
    model_ = *blob;
    path_ = (std::filesystem::temp_directory_path() / ("hil_mlperf_" + std::to_string(getpid()) + ".tflite")).string();
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    std::fwrite(model_.data(), 1, model_.size(), f);
    std::fclose(f);
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    std::vector<std::string> args = {HIL_AGENT_POSIX, "--pty", "--mlperf", path_, "--mlperf-model-id", std::string(ZooModel()) + "01"};
    for (const auto& a : ExtraArgs()) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      execv(HIL_AGENT_POSIX, argv.data());
      _exit(127);
    }
    close(out[1]);
    char line[256] = {};
    std::FILE* announce = fdopen(out[0], "r");
    ASSERT_NE(std::fgets(line, sizeof line, announce), nullptr);
    std::fclose(announce);
    std::string pty(line);
    ASSERT_THAT(pty, StartsWith("PTY "));
    pty = pty.substr(4, pty.find_last_not_of("\r\n") - 3);
    auto link = link::OpenTty(pty, 115200);
    ASSERT_TRUE(link) << link.error().message;
    link_ = std::move(*link);
    banner_ = ReadReply();
    EXPECT_THAT(banner_, HasSubstr("m-init-done"));
  }
  // More hil-agent-posix options, for fixtures that need them (called in SetUp).
  virtual std::vector<std::string> ExtraArgs() { return {}; }
  // The zoo model the DUT runs; its MLPerf model id is this + "01".
  virtual const char* ZooModel() { return "kws"; }
  void TearDown() override {
    link_.reset();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(path_);
  }

  // Everything up to and including the next "m-ready" line.
  std::string ReadReply() {
    std::string text;
    const auto deadline = Deadline::After(10s);
    while (text.find("m-ready\r\n") == std::string::npos) {
      std::byte buf[4096];
      auto n = link_->Read(buf, deadline);
      if (!n) {
        ADD_FAILURE() << "no m-ready: " << n.error().message << "; got: " << text;
        break;
      }
      text.append(reinterpret_cast<const char*>(buf), *n);
    }
    return text;
  }
  std::string Command(const std::string& c) {
    auto w = link_->Write(std::as_bytes(std::span(c.data(), c.size())), Deadline::After(5s));
    EXPECT_TRUE(w);
    return ReadReply();
  }

  std::string Expected(const std::vector<uint8_t>& input) { return ExpectedResults(model_, input); }

  std::vector<uint8_t> model_;
  std::string path_;
  std::string banner_;
  pid_t pid_ = -1;
  std::unique_ptr<link::Link> link_;
};

TEST_F(MlperfDut, IdentifiesItselfAsTheRunnerExpects) {
  EXPECT_EQ(banner_, "m-timestamp-mode-performance\r\nm-init-done\r\nm-ready\r\n");
  EXPECT_EQ(Command("name%"), "m-name-dut-[tinyhil-posix]\r\nm-ready\r\n");
  EXPECT_EQ(Command("profile%"), "m-profile-[ULPMark for tinyML Firmware V0.0.1]\r\nm-model-[kws01]\r\nm-ready\r\n");
  EXPECT_THAT(Command("timestamp%"), ::testing::MatchesRegex("m-lap-us-[0-9]+\r\nm-ready\r\n"));
  const std::string help = Command("help%");
  for (const char* command : {"name", "profile", "timestamp", "db load N", "db HH", "db print", "infer N [W]", "results"})
    EXPECT_THAT(help, HasSubstr(std::string("\r\n") + command)) << help;
}

TEST_F(MlperfDut, LoadsAnInputInHexAndInfersWithTheHostEnginesResults) {
  std::mt19937 rng(5);
  std::vector<uint8_t> input(490);  // kws: 49 x 10 x 1
  for (auto& b : input) b = static_cast<uint8_t>(rng());
  EXPECT_EQ(Command("db load 490%"), "m-[Expecting 490 bytes]\r\nm-ready\r\n");
  std::string hex;
  for (uint8_t b : input) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  // In chunks, as the runner sends them; the last one completes the load.
  EXPECT_EQ(Command("db " + hex.substr(0, 320) + "%"), "m-ready\r\n");
  EXPECT_EQ(Command("db " + hex.substr(320, 320) + "%"), "m-ready\r\n");
  EXPECT_EQ(Command("db " + hex.substr(640) + "%"), "m-load-done\r\nm-ready\r\n");
  EXPECT_EQ(Command("db print%"), "m-buffer-" + hex + "\r\nm-ready\r\n");
  const std::string reply = Command("infer 3 2%");
  EXPECT_THAT(reply, HasSubstr("m-warmup-start-2\r\nm-warmup-done\r\nm-infer-start-3\r\n"));
  unsigned long long t0 = 0, t1 = 0;
  const auto lap = reply.find("m-lap-us-");
  ASSERT_NE(lap, std::string::npos);
  ASSERT_EQ(std::sscanf(reply.c_str() + lap, "m-lap-us-%llu\r\nm-lap-us-%llu", &t0, &t1), 2) << reply;
  EXPECT_GT(t1, t0);
  const std::string expected = Expected(input);
  EXPECT_THAT(reply, HasSubstr("m-infer-done\r\n" + expected + "\r\nm-ready\r\n"));
  EXPECT_EQ(Command("results%"), expected + "\r\nm-ready\r\n");  // every run computed on the loaded input
}

TEST_F(MlperfDut, MistakesAreErrorLinesAndTheDutStaysReady) {
  EXPECT_EQ(Command("infer 1%"), "e-[infer: load the input first (db load, db)]\r\nm-ready\r\n");
  EXPECT_EQ(Command("db 00ff%"), "e-[db: send db load <N> first]\r\nm-ready\r\n");
  EXPECT_EQ(Command("db load 100%"), "e-[db load: the model's input takes 490]\r\nm-ready\r\n");
  EXPECT_EQ(Command("db load 490%"), "m-[Expecting 490 bytes]\r\nm-ready\r\n");
  EXPECT_THAT(Command("db 0g%"), StartsWith("e-[db: not hex: 0g]"));
  EXPECT_EQ(Command("db 012%"), "e-[db: odd number of hex digits]\r\nm-ready\r\n");
  EXPECT_EQ(Command("infer%"), "e-[infer needs a run count: infer <N> [<warmup>]]\r\nm-ready\r\n");
  EXPECT_EQ(Command("fly%"), "e-[Unknown command: fly]\r\nm-ready\r\n");
  EXPECT_EQ(Command(std::string(3000, 'x') + "%"), "e-[Command too long]\r\nm-ready\r\n");
  EXPECT_EQ(Command("name%"), "m-name-dut-[tinyhil-posix]\r\nm-ready\r\n");
}

TEST(MlperfResults, ParsesTheRunnersNumbersAndRefusesAnythingElse) {
  EXPECT_EQ(*link::ParseMlperfResults("m-results-[0.039,-1.250,3]"), (std::vector<double>{0.039, -1.25, 3}));
  EXPECT_FALSE(link::ParseMlperfResults("m-results-[0.1,x]"));
  EXPECT_FALSE(link::ParseMlperfResults("m-results-[0.1,]"));
  EXPECT_FALSE(link::ParseMlperfResults("m-lap-us-12"));
}

// The host driver (MlperfSession), as it drives a third party's MLPerf Tiny firmware, against our
// agent's MLPerf personality; and the same input through our own protocol on the same engine: the
// same outputs through both personalities.
TEST_F(MlperfDut, TheHostDriverAndBothPersonalitiesAgree) {
  link::MlperfSession dut(*link_, "dut posix");
  auto name = dut.Name();
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*name, "tinyhil-posix");
  EXPECT_EQ(*dut.ModelId(), "kws01");
  std::mt19937 rng(9);
  std::vector<uint8_t> input(490);
  for (auto& b : input) b = static_cast<uint8_t>(rng());
  ASSERT_TRUE(dut.LoadInput(input, 100));
  auto inf = dut.Infer(4, 1);
  ASSERT_TRUE(inf) << inf.error().message;
  EXPECT_EQ(inf->runs, 4u);
  EXPECT_GT(inf->us_per_inference(), 0.0);
  ASSERT_EQ(inf->results.size(), 12u);  // kws: 12 classes

  // Our protocol on a POSIX agent of the same build: the same model and input.
  board::PosixBoardOptions o;
  o.agent_path = HIL_AGENT_POSIX;
  o.instance_id = "posix#mlperf";
  auto b = board::PosixBoard::Start(o);
  ASSERT_TRUE(b) << b.error().message;
  auto& s = (*b)->session();
  auto loaded = s.LoadModel(model_);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(s.SetInput(0, input));
  auto ours = s.Invoke(1, 4);
  ASSERT_TRUE(ours) << ours.error().message;
  auto out = s.GetOutput(0);
  ASSERT_TRUE(out);
  static std::vector<uint8_t> arena(1 << 20);
  agent::engine::Interpreter e;  // the output's quantization, from the model
  ASSERT_EQ(e.Load(model_.data(), model_.size(), arena.data(), arena.size()), Status::kOk);
  const auto q = e.output(0);
  ASSERT_EQ(out->size(), inf->results.size());
  for (size_t i = 0; i < out->size(); ++i) {
    const double real = (static_cast<int8_t>((*out)[i]) - q.zero_point) * static_cast<double>(q.scale);
    EXPECT_NEAR(inf->results[i], real, 0.0005 + 1e-9) << "class " << i;
  }
  // Latency through both: the same engine on the same host, so the same order of magnitude.
  double ours_us = 0;
  for (uint64_t c : ours->cycles) ours_us += static_cast<double>(c) / 1000.0;
  ours_us /= static_cast<double>(ours->cycles.size());
  EXPECT_GT(ours_us, 0.0);
  EXPECT_LT(inf->us_per_inference() / ours_us, 20.0);
  EXPECT_GT(inf->us_per_inference() / ours_us, 0.05);
}

TEST_F(MlperfDut, TheHostDriverNamesTheDutsErrors) {
  link::MlperfSession dut(*link_, "dut posix");
  auto inf = dut.Infer(1, 0);
  ASSERT_FALSE(inf);
  EXPECT_EQ(inf.error().code, Status::kBadState);
  EXPECT_THAT(inf.error().message, HasSubstr("dut posix: 'infer 1 0%': DUT says e-[infer: load the input first"));
}

// Energy-mode firmware (--mlperf-energy, EE_CFG_ENERGY_MODE=1 in MLPerf Tiny's terms): the timed
// runs are marked on the timestamp GPIO only; the DUT's UART gets a stable name (--pty-link) for an
// interface board to open.
class MlperfDutEnergy : public MlperfDut {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hil_mlperf_energy_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto g = gpio_.Open((dir_ / "gpio.fifo").string());
    ASSERT_TRUE(g) << g.error().message;
    MlperfDut::SetUp();
  }
  void TearDown() override {
    MlperfDut::TearDown();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> ExtraArgs() override {
    return {"--mlperf-energy", "--timestamp-gpio", (dir_ / "gpio.fifo").string(), "--pty-link", uart()};
  }
  std::string uart() const { return (dir_ / "dut-uart").string(); }
  // Falling edges on the timestamp GPIO since the last call (the agent writes them before it replies).
  int Pulses() {
    int falls = 0;
    gpio_.Drain([&] { ++falls; });
    return falls;
  }

  std::filesystem::path dir_;
  power::testing::GpioFifo gpio_;
};

TEST_F(MlperfDutEnergy, MarksTheTimedRunsOnTheGpioAndPrintsNoLaps) {
  EXPECT_EQ(banner_, "m-timestamp-mode-energy\r\nm-init-done\r\nm-ready\r\n");
  EXPECT_EQ(Command("timestamp%"), "m-ready\r\n");  // th_timestamp(): a pulse, no m-lap-us line
  EXPECT_EQ(Pulses(), 1);
  const auto input = RandomBytes(490, 21);
  EXPECT_EQ(Command("db load 490%"), "m-[Expecting 490 bytes]\r\nm-ready\r\n");
  EXPECT_EQ(Command("db " + Hex(input) + "%"), "m-load-done\r\nm-ready\r\n");
  EXPECT_EQ(Pulses(), 0);
  const std::string reply = Command("infer 3 1%");
  EXPECT_EQ(reply, "m-warmup-start-1\r\nm-warmup-done\r\nm-infer-start-3\r\nm-infer-done\r\n" + Expected(input) + "\r\nm-ready\r\n");
  EXPECT_EQ(Pulses(), 2);  // the start and the end of the 3 timed runs
  EXPECT_EQ(std::filesystem::read_symlink(uart()).string().rfind("/dev/pts/", 0), 0u);
}

// MLPerf Tiny's energy setup: the host drives the DUT through an interface board's `dut`
// passthrough (EEMBC IO manager emulator), 26 input bytes per db line as MLPerf's runner sends them
// there. Same results as the host engine; no m-lap-us, so the latency is the power monitor's.
TEST_F(MlperfDutEnergy, TheHostDriverReachesItThroughAnInterfaceBoard) {
  link_.reset();  // the interface board holds the DUT's UART now
  power::testing::IoManagerOptions o;
  o.dut_path = uart();
  InterfaceRig rig;
  ASSERT_NO_FATAL_FAILURE(StartInterface(o, rig));
  link::MlperfSession dut(*rig.link, "dut via io");
  auto board = dut.InterfaceCommand("name");
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_EQ(*board, std::vector<std::string>{"tinyhil io-manager emulator"});
  dut.UseInterfaceBoard();
  auto name = dut.Name();
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*name, "tinyhil-posix");
  EXPECT_EQ(*dut.ModelId(), "kws01");
  const auto input = RandomBytes(490, 22);
  auto loaded = dut.LoadInput(input, 26);
  ASSERT_TRUE(loaded) << loaded.error().message;
  auto inf = dut.Infer(3, 1);
  ASSERT_TRUE(inf) << inf.error().message;
  EXPECT_FALSE(inf->lap_us.has_value());
  EXPECT_EQ(inf->results, *link::ParseMlperfResults(Expected(input)));
  EXPECT_EQ(Pulses(), 2);
  const auto commands = rig.board->commands();
  ASSERT_GE(commands.size(), 4u);
  EXPECT_EQ(commands[0], "name");
  EXPECT_EQ(commands[1], "dut name");
  EXPECT_EQ(commands[2], "dut profile");
  EXPECT_EQ(commands[3], "dut db load 490");
  EXPECT_EQ(std::count_if(commands.begin(), commands.end(), [](const std::string& c) { return c.rfind("dut db ", 0) == 0; }),
            1 + (490 + 25) / 26);
  // A DUT error comes back through the relay as the DUT's.
  auto bad = dut.Command("infer 0");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("DUT says e-[infer needs a run count"));
}

// A relay that loses bytes: the reply's m-ready never arrives whole, and the error names the
// command and the board instead of passing on a damaged reply.
TEST_F(MlperfDutEnergy, AnInterfaceBoardThatDropsBytesIsATimeoutNamingTheCommand) {
  link_.reset();
  power::testing::IoManagerOptions o;
  o.dut_path = uart();
  o.drop_every_nth_dut_byte = 5;
  InterfaceRig rig;
  ASSERT_NO_FATAL_FAILURE(StartInterface(o, rig));
  link::MlperfSession dut(*rig.link, "dut via io", 1500ms);
  dut.UseInterfaceBoard();
  auto name = dut.Name();
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().code, Status::kTimeout);
  EXPECT_THAT(name.error().message, HasSubstr("dut via io: no m-ready after 'name%'"));
}

// An interface board that says nothing: the error says so.
TEST(MlperfInterfaceBoard, ASilentInterfaceBoardIsNamedInTheError) {
  power::testing::IoManagerOptions o;
  o.dut_path = "/nonexistent";
  o.mute = true;
  InterfaceRig rig;
  ASSERT_NO_FATAL_FAILURE(StartInterface(o, rig));
  link::MlperfSession dut(*rig.link, "dut via io", 500ms);
  auto r = dut.InterfaceCommand("name");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("interface board: dut via io: no m-ready after 'name%'"));
  dut.UseInterfaceBoard();
  auto n = dut.Name();
  ASSERT_FALSE(n);
  EXPECT_THAT(n.error().message, HasSubstr("[the interface board did not acknowledge]"));
}

// An interface board wired to no DUT: its own error line, quoted.
TEST(MlperfInterfaceBoard, AMissingDutIsTheInterfaceBoardsError) {
  power::testing::IoManagerOptions o;
  o.dut_path = "/nonexistent/uart";
  InterfaceRig rig;
  ASSERT_NO_FATAL_FAILURE(StartInterface(o, rig));
  link::MlperfSession dut(*rig.link, "dut via io", 2s);
  dut.UseInterfaceBoard();
  auto n = dut.Name();
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, Status::kBadState);
  EXPECT_THAT(n.error().message, HasSubstr("the interface board says e-[dut: cannot open /nonexistent/uart"));
}

// Inputs in the formats MLPerf Tiny's runner sends: ad01 takes float32 features and prints one
// value, the anomaly score (mean squared error of the reconstruction); ic01 takes uint8 pixels.
class MlperfDutAd : public MlperfDut {
 protected:
  const char* ZooModel() override { return "ad"; }
};

TEST_F(MlperfDutAd, TakesFloatFeaturesAndPrintsTheAnomalyScore) {
  HostAnomalyScorer host(model_);
  const auto tensor = RandomBytes(640, 41);
  const auto wire = host.Wire(tensor);
  ASSERT_EQ(wire.size(), 2560u);
  EXPECT_EQ(Command("db load 640%"), "e-[db load: the model's input takes 2560]\r\nm-ready\r\n");
  link::MlperfSession dut(*link_, "dut ad");
  EXPECT_EQ(*dut.ModelId(), "ad01");
  ASSERT_TRUE(dut.LoadInput(wire));
  auto inf = dut.Infer(2, 1);
  ASSERT_TRUE(inf) << inf.error().message;
  ASSERT_EQ(inf->results.size(), 1u);
  // The same score from the host engine on the int8 tensor the DUT quantized the floats back into.
  const double score = host.Score(tensor);
  EXPECT_NEAR(inf->results[0], score, 0.0005 + 1e-5 * std::max(1.0, score));
  EXPECT_GT(inf->results[0], 0.0);
}

class MlperfDutIc : public MlperfDut {
 protected:
  const char* ZooModel() override { return "ic"; }
};

TEST_F(MlperfDutIc, TakesUint8PixelsAndSubtracts128) {
  const auto tensor = RandomBytes(3072, 42);  // 32 x 32 x 3
  const auto pixels = link::MlperfWireInput(link::MlperfInputFormat::kUint8Pixels, tensor, 1.0f, 0);
  ASSERT_EQ(pixels.size(), tensor.size());
  EXPECT_EQ(pixels[0], static_cast<uint8_t>(static_cast<int8_t>(tensor[0]) + 128));
  link::MlperfSession dut(*link_, "dut ic");
  EXPECT_EQ(*dut.ModelId(), "ic01");
  ASSERT_TRUE(dut.LoadInput(pixels));
  auto inf = dut.Infer(1, 0);
  ASSERT_TRUE(inf) << inf.error().message;
  EXPECT_EQ(inf->results, *link::ParseMlperfResults(Expected(tensor)));  // the int8 tensor's results
}

// QEMU running MLPerf DUT firmware `elf` on `machine` (-icount shift=0), its UART on a pty.
struct QemuDut {
  board::Subprocess qemu;
  std::unique_ptr<link::Link> link;
};

void StartQemuDut(const char* machine, const char* elf, QemuDut& out) {
  ASSERT_TRUE(std::filesystem::exists(elf)) << elf << " was not built: it is in HIL_MLPERF_FIRMWARE's default list";
  board::QemuBoardOptions o;
  o.machine = machine;
  o.firmware = elf;
  auto pty = board::LaunchQemu(out.qemu, o);
  ASSERT_TRUE(pty) << pty.error().message;
  auto link = link::OpenTty(*pty, 115200);
  ASSERT_TRUE(link) << link.error().message;
  out.link = std::move(*link);
}

// MLPerf Tiny DUT firmware under QEMU (mps2-an386, kws compiled in): the same model and input run
// through the MLPerf personality and through ours report the same figures: outputs to the 3 printed
// decimals, and time per inference: m-lap-us x 1000 (one instruction per ns under -icount) against
// our instruction count, within 0.1% (the MLPerf loop also copies the input in each timed run).
TEST(MlperfDutFirmware, ReportsTheSameFiguresAsOurProtocolOnAnEmulatedBoard) {
  QemuDut q;
  ASSERT_NO_FATAL_FAILURE(StartQemuDut("mps2-an386", HIL_MLPERF_ELF, q));
  link::MlperfSession dut(*q.link, "dut an386", 60s);
  auto name = dut.Name();
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*name, "tinyhil");
  EXPECT_EQ(*dut.ModelId(), "kws01");
  std::mt19937 rng(3);
  std::vector<uint8_t> input(490);
  for (auto& b : input) b = static_cast<uint8_t>(rng());
  ASSERT_TRUE(dut.LoadInput(input));
  auto inf = dut.Infer(3, 1);
  ASSERT_TRUE(inf) << inf.error().message;

  board::QemuBoardOptions o;
  o.machine = "mps2-an386";
  o.firmware = HIL_FIRMWARE_AN386;
  o.instance_id = "mps2-an386#mlperf-compare";
  o.link = "rtt";
  auto ours = board::QemuBoard::Start(o);
  ASSERT_TRUE(ours) << ours.error().message;
  auto& s = (*ours)->session();
  auto model = model::GenerateModel("kws", 1);
  ASSERT_TRUE(model);
  ASSERT_TRUE(s.LoadModel(*model));
  ASSERT_TRUE(s.SetInput(0, input));
  auto run = s.Invoke(1, 3);
  ASSERT_TRUE(run) << run.error().message;
  double instructions = 0;
  for (uint64_t ticks : run->cycles) instructions += static_cast<double>(ticks) * (*ours)->InstructionsPerTick();
  instructions /= static_cast<double>(run->cycles.size());
  const double mlperf_instructions = inf->us_per_inference() * 1000.0;
  EXPECT_NEAR(mlperf_instructions / instructions, 1.0, 0.001) << mlperf_instructions << " vs " << instructions;
  std::printf("[mlperf] kws on mps2-an386: %.0f instructions per inference through our protocol, %.0f through MLPerf's m-lap-us\n",
              instructions, mlperf_instructions);
  auto out = s.GetOutput(0);
  ASSERT_TRUE(out);
  static std::vector<uint8_t> arena(1 << 20);
  agent::engine::Interpreter e;
  ASSERT_EQ(e.Load(model->data(), model->size(), arena.data(), arena.size()), Status::kOk);
  const auto qo = e.output(0);
  ASSERT_EQ(out->size(), inf->results.size());
  for (size_t i = 0; i < out->size(); ++i)
    EXPECT_NEAR(inf->results[i], (static_cast<int8_t>((*out)[i]) - qo.zero_point) * static_cast<double>(qo.scale), 0.0005 + 1e-9) << i;
}

// The energy-mode build of the same firmware (HIL_MLPERF_FIRMWARE entry mps2-an386:kws:energy): it
// says so at reset, prints no m-lap-us, and computes the same results.
TEST(MlperfDutFirmware, EnergyModeFirmwareSaysSoAndPrintsNoLaps) {
  QemuDut q;
  ASSERT_NO_FATAL_FAILURE(StartQemuDut("mps2-an386", HIL_MLPERF_ENERGY_ELF, q));
  link::MlperfSession dut(*q.link, "dut an386 energy", 60s);
  auto banner = dut.Command("");
  ASSERT_TRUE(banner) << banner.error().message;
  EXPECT_EQ(*banner, (std::vector<std::string>{"m-timestamp-mode-energy", "m-init-done"}));
  auto t = dut.Command("timestamp");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->empty());
  EXPECT_EQ(*dut.ModelId(), "kws01");
  const auto input = RandomBytes(490, 31);
  ASSERT_TRUE(dut.LoadInput(input));
  auto inf = dut.Infer(2, 0);
  ASSERT_TRUE(inf) << inf.error().message;
  EXPECT_FALSE(inf->lap_us.has_value());
  auto model = model::GenerateModel("kws", 1);
  ASSERT_TRUE(model);
  EXPECT_EQ(inf->results, *link::ParseMlperfResults(ExpectedResults(*model, input)));
}

// A second firmware/model pair (mps2-an505:ad, Cortex-M33): float32 features in, the anomaly score
// out (as MLPerf Tiny's ad01 firmware prints it), as the host engine computes it; timed by m-lap-us.
TEST(MlperfDutFirmware, AnomalyDetectionFirmwareOnCortexM33) {
  QemuDut q;
  ASSERT_NO_FATAL_FAILURE(StartQemuDut("mps2-an505", HIL_MLPERF_AD_ELF, q));
  link::MlperfSession dut(*q.link, "dut an505 ad", 60s);
  auto name = dut.Name();
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*dut.ModelId(), "ad01");
  auto model = model::GenerateModel("ad", 1);
  ASSERT_TRUE(model);
  HostAnomalyScorer host(*model);
  const auto tensor = RandomBytes(640, 32);
  ASSERT_TRUE(dut.LoadInput(host.Wire(tensor)));
  auto inf = dut.Infer(2, 1);
  ASSERT_TRUE(inf) << inf.error().message;
  ASSERT_TRUE(inf->lap_us.has_value());
  EXPECT_GT(*inf->lap_us, 0u);
  // One value, the anomaly score, as the host engine's reconstruction gives it.
  const double score = host.Score(tensor);
  ASSERT_EQ(inf->results.size(), 1u);
  EXPECT_NEAR(inf->results[0], score, 0.0005 + 1e-5 * std::max(1.0, score));
  std::printf("[mlperf] ad on mps2-an505: %.0f instructions per inference (m-lap-us x 1000)\n", inf->us_per_inference() * 1000.0);
}

}  // namespace
}  // namespace hil
