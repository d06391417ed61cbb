// QemuBoard against the real emulator and the real firmware of this build.
#include "hil/board/qemu_board.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "hil/board/elf_file.h"
#include "hil/model/zoo.h"

namespace hil::board {
namespace {

using namespace std::chrono_literals;

std::string Firmware(const std::string& machine) {
  return std::string(HIL_FIRMWARE_DIR) + "/" + machine + "/ports/cortex-m/hil-agent-" + machine + ".elf";
}

QemuBoardOptions Options(const std::string& machine, const std::string& link = "uart") {
  QemuBoardOptions o;
  o.machine = machine;
  o.firmware = Firmware(machine);
  o.instance_id = machine + "#test";
  o.link = link;
  o.session.response_timeout = 2000ms;
  o.session.execute_timeout = 60000ms;
  return o;
}

std::vector<uint8_t> Model(const char* name) {
  auto m = model::GenerateModel(name, 1);
  EXPECT_TRUE(m.has_value());
  return m ? *m : std::vector<uint8_t>{};
}

// Loads `model`, sets a fixed input, runs `iterations` timed inferences; returns the counts.
std::vector<uint64_t> RunModel(QemuBoard& b, const std::vector<uint8_t>& model, int iterations) {
  auto loaded = b.session().LoadModel(model);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message);
  if (!loaded) return {};
  std::vector<uint8_t> input(loaded->input_bytes[0]);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7 + 3);
  EXPECT_TRUE(b.session().SetInput(0, input).has_value());
  auto inv = b.session().Invoke(0, iterations);
  EXPECT_TRUE(inv.has_value()) << (inv ? "" : inv.error().message);
  return inv ? inv->cycles : std::vector<uint64_t>{};
}

TEST(ElfFile, ReadsTheFirmwareSymbolsAndFlashSize) {
  auto elf = ReadElf(Firmware("mps2-an386"));
  ASSERT_TRUE(elf.has_value()) << elf.error().message;
  EXPECT_TRUE(elf->symbols.contains("_SEGGER_RTT"));
  EXPECT_TRUE(elf->symbols.contains("Reset_Handler"));
  EXPECT_GT(elf->flash_bytes, 10000u);
  EXPECT_LT(elf->flash_bytes, 1u << 20);
  EXPECT_EQ(elf->build_id.size(), 64u);
}

TEST(ElfFile, RefusesWhatIsNotAnElf) {
  auto elf = ReadElf(std::string(HIL_FIRMWARE_DIR) + "/../CMakeCache.txt");
  ASSERT_FALSE(elf.has_value());
  EXPECT_EQ(elf.error().code, Status::kModelInvalid);
  EXPECT_FALSE(ReadElf("/nonexistent/fw.elf").has_value());
}

TEST(QemuBoard, SaysHelloOverTheUart) {
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const link::AgentInfo& h = (*b)->hello();
  EXPECT_EQ(h.board_id, "mps2-an386");
  EXPECT_EQ(h.clock_hz, 25000000u);
  // QEMU 7.2 implements DWT CYCCNT as zero, so the firmware falls back to SysTick.
  EXPECT_EQ(h.cycle_source, 2);
  EXPECT_DOUBLE_EQ((*b)->InstructionsPerTick(), 40.0);
  EXPECT_GT((*b)->flash_bytes(), 0u);
  EXPECT_NE((*b)->Describe().find("qemu mps2-an386"), std::string::npos);
}

TEST(QemuBoard, CountsAreIdenticalRunAfterRunAndBoardAfterBoard) {
  const auto model = Model("kws");
  auto a = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(a.has_value()) << a.error().message;
  auto first = RunModel(**a, model, 3);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0], first[1]);
  EXPECT_EQ(first[1], first[2]);
  // A second emulator, started fresh, with different host timing before the run.
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  (void)(*b)->session().GetMemory();
  auto second = RunModel(**b, model, 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0], first[0]);
  // About 40 M instructions at 40 instructions per tick: the count is in the right range.
  EXPECT_GT(first[0] * 40, 10'000'000u);
  EXPECT_LT(first[0] * 40, 200'000'000u);
}

TEST(QemuBoard, ResetThroughQmpStartsTheAgentAfresh) {
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_FALSE(RunModel(**b, Model("tiny"), 1).empty());
  ASSERT_TRUE((*b)->Reset().has_value());
  // The agent forgot the model: the reset really reached the core.
  auto inv = (*b)->session().Invoke(0, 1);
  ASSERT_FALSE(inv.has_value());
  EXPECT_EQ(inv.error().code, Status::kBadState);
}

TEST(QemuBoard, RecoverRestartsAHungEmulator) {
  QemuBoardOptions o = Options("mps2-an386");
  // Short enough to notice the hang quickly, long enough for a restarted emulator to say HELLO on a
  // loaded 2-core machine (300 ms x 2 failed there once).
  o.session.response_timeout = 1000ms;
  o.session.max_attempts = 3;
  auto b = QemuBoard::Start(o);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  const pid_t before = (*b)->pid();
  kill(before, SIGSTOP);  // the board hangs: no answer, no exit
  auto hello = (*b)->session().GetMemory();
  ASSERT_FALSE(hello.has_value());
  EXPECT_EQ(hello.error().code, Status::kTimeout);
  auto r = (*b)->Recover();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_NE((*b)->pid(), before);
  EXPECT_TRUE((*b)->session().GetMemory().has_value());
}

TEST(QemuBoard, DeadEmulatorIsReportedByCheckAlive) {
  auto b = QemuBoard::Start(Options("mps2-an386"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  kill((*b)->pid(), SIGKILL);
  std::this_thread::sleep_for(100ms);
  auto alive = (*b)->CheckAlive();
  ASSERT_FALSE(alive.has_value());
  EXPECT_NE(alive.error().message.find("QEMU"), std::string::npos) << alive.error().message;
}

TEST(QemuBoard, RttLinkThroughTheGdbstub) {
  auto b = QemuBoard::Start(Options("mps2-an386", "rtt"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_NE((*b)->Describe().find("rtt:gdb:"), std::string::npos) << (*b)->Describe();
  auto counts = RunModel(**b, Model("tiny"), 2);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0], counts[1]);
}

TEST(QemuBoard, TightBoardRefusesABigModelWithTheShortfall) {
  QemuBoardOptions o = Options("lm3s6965evb");
  auto b = QemuBoard::Start(o);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  auto loaded = (*b)->session().LoadModel(Model("kws"));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, Status::kTooLarge);
  EXPECT_NE(loaded.error().message.find("exceeds the model buffer of 16384 bytes by"), std::string::npos)
      << loaded.error().message;
  // The small model fits and runs.
  EXPECT_EQ(RunModel(**b, Model("tiny"), 1).size(), 1u);
}

TEST(QemuBoard, MissingFirmwareAndUnknownLinkAreNamed) {
  QemuBoardOptions o = Options("mps2-an386");
  o.firmware = "/nonexistent/agent.elf";
  auto b = QemuBoard::Start(o);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, Status::kNotFound);
  EXPECT_NE(b.error().message.find("/nonexistent/agent.elf"), std::string::npos);
  o = Options("mps2-an386", "swo");
  b = QemuBoard::Start(o);
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().message.find("'swo'"), std::string::npos);
}

}  // namespace
}  // namespace hil::board
