// FakeIoManager between the host (hil_link's OpenTty on its pty, as the hil tool opens it) and a
// scripted DUT (a PtyPair whose slave is the DUT's serial device): the board's own commands, the
// passthrough and its order, the asynchronous relay, a DUT restarted behind a symlink, and the faults.
#include "hil/power/testing/fake_io_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "hil/link/serial_link.h"
#include "hil/power/testing/pty.h"

namespace hil::power {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeIoManager;
using testing::IoManagerOptions;
using testing::PtyPair;

// The host's side: the board's pty at 115200, read as "\r\n"-terminated lines.
class Host {
 public:
  static Result<Host> Open(const FakeIoManager& board) {
    auto link = link::OpenTty(board.slave_path(), 115200);
    if (!link) return std::unexpected(link.error());
    return Host(std::move(*link));
  }

  Result<void> Send(std::string_view text) {
    return link_->Write(std::as_bytes(std::span(text.data(), text.size())), Deadline::After(1s));
  }

  // The next line without its "\r\n". Errors: kTimeout when no whole line came within `timeout`.
  Result<std::string> ReadLine(std::chrono::milliseconds timeout = 1s) {
    const Deadline deadline = Deadline::After(timeout);
    for (;;) {
      if (const size_t end = pending_.find("\r\n"); end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        return line;
      }
      std::byte buffer[256];
      auto n = link_->Read(buffer, deadline);
      if (!n) return std::unexpected(n.error());
      pending_.append(reinterpret_cast<const char*>(buffer), *n);
    }
  }

  // `count` lines; stops at the first that does not come (the vector is then shorter).
  std::vector<std::string> ReadLines(size_t count, std::chrono::milliseconds timeout = 1s) {
    std::vector<std::string> lines;
    while (lines.size() < count) {
      auto line = ReadLine(timeout);
      if (!line) break;
      lines.push_back(*line);
    }
    return lines;
  }

 private:
  explicit Host(std::unique_ptr<link::Link> link) : link_(std::move(link)) {}
  std::unique_ptr<link::Link> link_;
  std::string pending_;
};

// The scripted DUT's side: what reached its UART up to and including the first '%'.
std::string ReadDutCommand(const PtyPair& dut, std::chrono::milliseconds timeout = 1s) {
  const Deadline deadline = Deadline::After(timeout);
  std::string command;
  // A master whose slave no one holds polls as hung up: the deadline ends the wait then.
  while ((command.empty() || command.back() != '%') && !deadline.Expired()) {
    pollfd p{dut.master(), POLLIN, 0};
    if (poll(&p, 1, deadline.PollTimeoutMs()) <= 0) break;
    char c;
    if (read(dut.master(), &c, 1) == 1) {
      command += c;
    } else if (!(p.revents & POLLIN)) {
      std::this_thread::sleep_for(1ms);  // hung up until the board opens the slave
    }
  }
  return command;
}

// Whatever reaches the DUT within `window` (where nothing should).
std::string DrainDut(const PtyPair& dut, std::chrono::milliseconds window = 30ms) {
  const Deadline deadline = Deadline::After(window);
  std::string bytes;
  while (!deadline.Expired()) {
    pollfd p{dut.master(), POLLIN, 0};
    if (poll(&p, 1, deadline.PollTimeoutMs()) <= 0) return bytes;
    char buffer[256];
    const ssize_t n = read(dut.master(), buffer, sizeof buffer);
    if (n > 0) {
      bytes.append(buffer, static_cast<size_t>(n));
    } else if (!(p.revents & POLLIN)) {
      std::this_thread::sleep_for(1ms);  // hung up: the board closed the slave
    }
  }
  return bytes;
}

void DutWrites(const PtyPair& dut, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(dut.master(), text.data(), text.size());
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
    } else {
      pollfd p{dut.master(), POLLOUT, 0};
      ASSERT_GT(poll(&p, 1, 1000), 0) << "the DUT pty does not take bytes";
    }
  }
}

// A folder for symlinks to DUT ptys, removed at the end.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/hil-io-manager-test-XXXXXX";
    if (mkdtemp(name)) path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Points `link` at `target` in one step, as a harness re-pointing a stable DUT name would.
void PointSymlink(const std::string& link, const std::string& target) {
  const std::string next = link + ".next";
  ASSERT_EQ(symlink(target.c_str(), next.c_str()), 0) << std::strerror(errno);
  ASSERT_EQ(rename(next.c_str(), link.c_str()), 0) << std::strerror(errno);
}

struct Rig {
  std::unique_ptr<FakeIoManager> board;
  std::optional<Host> host;
};

Rig Connect(IoManagerOptions options) {
  Rig rig;
  auto board = FakeIoManager::Start(std::move(options));
  EXPECT_TRUE(board) << board.error().message;
  if (!board) return rig;
  rig.board = std::move(*board);
  auto host = Host::Open(*rig.board);
  EXPECT_TRUE(host) << host.error().message;
  if (host) rig.host.emplace(std::move(*host));
  return rig;
}

TEST(FakeIoManager, AnswersItsOwnCommands) {
  Rig rig = Connect({.dut_path = "/nonexistent"});
  ASSERT_TRUE(rig.host);
  Host& host = *rig.host;

  ASSERT_TRUE(host.Send("name%"));
  EXPECT_THAT(host.ReadLines(2), ElementsAre("tinyhil io-manager emulator", "m-ready"));
  ASSERT_TRUE(host.Send("version%"));
  EXPECT_THAT(host.ReadLines(2), ElementsAre("m-version-tinyhil-emu-1", "m-ready"));

  ASSERT_TRUE(host.Send("help%"));
  std::vector<std::string> help;
  for (auto line = host.ReadLine(); line && *line != "m-ready"; line = host.ReadLine()) help.push_back(*line);
  ASSERT_GE(help.size(), 2u);
  EXPECT_THAT(help.back() + help.front(), HasSubstr("dut"));

  // Line endings between and inside commands are not part of them.
  ASSERT_TRUE(host.Send("\r\nver\r\nsion%\r\n"));
  EXPECT_THAT(host.ReadLines(2), ElementsAre("m-version-tinyhil-emu-1", "m-ready"));

  EXPECT_THAT(rig.board->commands(), ElementsAre("name", "version", "help", "version"));
}

TEST(FakeIoManager, RejectsUnknownCommands) {
  Rig rig = Connect({.dut_path = "/nonexistent"});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("enable-timer%"));
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("e-[Unknown command: enable-timer]", "m-ready"));
  ASSERT_TRUE(rig.host->Send("dutname%"));
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("e-[Unknown command: dutname]", "m-ready"));
}

TEST(FakeIoManager, PassesACommandThroughAndRelaysTheReplyInOrder) {
  auto dut = PtyPair::Open();
  ASSERT_TRUE(dut) << dut.error().message;
  Rig rig = Connect({.dut_path = dut->slave_path()});
  ASSERT_TRUE(rig.host);

  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*dut), "name%");
  EXPECT_EQ(DrainDut(*dut), "");  // exactly "name%": no prefix, no line ending, nothing else
  DutWrites(*dut, "m-name-dut-[x]\r\nm-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(4),
              ElementsAre("m-dut-passthrough(name)", "m-ready", "[dut]: m-name-dut-[x]", "[dut]: m-ready"));

  // Arguments pass as they are.
  ASSERT_TRUE(rig.host->Send("dut db load 12%"));
  EXPECT_EQ(ReadDutCommand(*dut), "db load 12%");
  DutWrites(*dut, "m-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(3), ElementsAre("m-dut-passthrough(db load 12)", "m-ready", "[dut]: m-ready"));
  EXPECT_THAT(rig.board->commands(), ElementsAre("dut name", "dut db load 12"));
}

TEST(FakeIoManager, RelaysWhatTheDutPrintsUnasked) {
  auto dut = PtyPair::Open();
  ASSERT_TRUE(dut) << dut.error().message;
  Rig rig = Connect({.dut_path = dut->slave_path()});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("dut infer 10 1%"));
  EXPECT_EQ(ReadDutCommand(*dut), "infer 10 1%");
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("m-dut-passthrough(infer 10 1)", "m-ready"));

  // Lines in pieces, an empty line, and lines long after the command all come through whole.
  DutWrites(*dut, "m-lap-us-");
  std::this_thread::sleep_for(20ms);
  DutWrites(*dut, "123\r\n\r\n");
  EXPECT_EQ(rig.host->ReadLine(), "[dut]: m-lap-us-123");
  std::this_thread::sleep_for(50ms);
  DutWrites(*dut, "m-lap-us-456\r\nm-results-[0.1]\r\nm-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(3), ElementsAre("[dut]: m-lap-us-456", "[dut]: m-results-[0.1]", "[dut]: m-ready"));
}

TEST(FakeIoManager, FollowsTheDutPathWhenTheDutIsReplaced) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string dut_link = dir.path() + "/dut";
  auto first = PtyPair::Open();
  auto second = PtyPair::Open();
  auto third = PtyPair::Open();
  ASSERT_TRUE(first && second && third);
  PointSymlink(dut_link, first->slave_path());
  Rig rig = Connect({.dut_path = dut_link});
  ASSERT_TRUE(rig.host);

  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*first), "name%");
  DutWrites(*first, "m-name-first\r\nm-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(4),
              ElementsAre("m-dut-passthrough(name)", "m-ready", "[dut]: m-name-first", "[dut]: m-ready"));

  // A new DUT process behind the same name; the old one is still alive but no longer the DUT.
  PointSymlink(dut_link, second->slave_path());
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*second), "name%");
  EXPECT_EQ(DrainDut(*first), "");
  DutWrites(*second, "m-name-second\r\nm-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(4),
              ElementsAre("m-dut-passthrough(name)", "m-ready", "[dut]: m-name-second", "[dut]: m-ready"));

  // The DUT process exits (its pty hangs up) and a third one takes the name.
  second->CloseMaster();
  std::this_thread::sleep_for(20ms);
  PointSymlink(dut_link, third->slave_path());
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*third), "name%");
  DutWrites(*third, "m-name-third\r\nm-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(4),
              ElementsAre("m-dut-passthrough(name)", "m-ready", "[dut]: m-name-third", "[dut]: m-ready"));
}

// After a hang-up the same name is not opened again until it is made anew: the dead pty's number
// may already belong to an unrelated pty (here: one made right after, which may get that number).
TEST(FakeIoManager, DoesNotReopenANameWhoseDeviceHungUp) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string dut_link = dir.path() + "/dut";
  auto first = PtyPair::Open();
  ASSERT_TRUE(first);
  PointSymlink(dut_link, first->slave_path());
  Rig rig = Connect({.dut_path = dut_link});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*first), "name%");
  DutWrites(*first, "m-ready\r\n");
  EXPECT_THAT(rig.host->ReadLines(3), ElementsAre("m-dut-passthrough(name)", "m-ready", "[dut]: m-ready"));
  first->CloseMaster();
  std::this_thread::sleep_for(150ms);  // past the relay's periodic look at the name
  auto stranger = PtyPair::Open();     // perhaps the same /dev/pts number, behind the old name
  ASSERT_TRUE(stranger);
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_THAT(rig.host->ReadLines(3), ElementsAre("m-dut-passthrough(name)", "m-ready",
                                                  "e-[dut: cannot open " + dut_link +
                                                      ": it hung up (waiting for its name to point at a new device)]"));
  EXPECT_EQ(DrainDut(*stranger), "");
  // The name made anew (a restarted DUT re-points it): opened again.
  auto second = PtyPair::Open();
  ASSERT_TRUE(second);
  PointSymlink(dut_link, second->slave_path());
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*second), "name%");
}

TEST(FakeIoManager, DropsEveryNthDutByte) {
  auto dut = PtyPair::Open();
  ASSERT_TRUE(dut) << dut.error().message;
  Rig rig = Connect({.dut_path = dut->slave_path(), .drop_every_nth_dut_byte = 5});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_EQ(ReadDutCommand(*dut), "name%");
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("m-dut-passthrough(name)", "m-ready"));

  const std::string reply = "m-name-dut-abcdefghijklmnopqrstuvwxyz\r\nm-ready\r\n";
  DutWrites(*dut, reply);
  // Bytes 5, 10, 15, ... of what the DUT sent are gone (the line endings happen to survive).
  std::string kept;
  for (size_t i = 0; i < reply.size(); ++i)
    if ((i + 1) % 5 != 0) kept += reply[i];
  ASSERT_EQ(kept.find("\r\n"), 30u);
  const std::string first = "[dut]: " + kept.substr(0, 30);
  EXPECT_NE(first, "[dut]: m-name-dut-abcdefghijklmnopqrstuvwxyz");
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre(first, "[dut]: " + kept.substr(32, kept.size() - 34)));
}

TEST(FakeIoManager, PacesTheDutUartAtItsBaudRate) {
  auto dut = PtyPair::Open();
  ASSERT_TRUE(dut) << dut.error().message;
  Rig rig = Connect({.dut_path = dut->slave_path(), .dut_baud_rate = 9600, .pace_dut = true});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("dut results%"));
  EXPECT_EQ(ReadDutCommand(*dut), "results%");
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("m-dut-passthrough(results)", "m-ready"));

  const std::string line = "m-results-" + std::string(188, '7');
  ASSERT_EQ(line.size() + 2, 200u);
  const auto start = std::chrono::steady_clock::now();
  DutWrites(*dut, line + "\r\n");
  EXPECT_EQ(rig.host->ReadLine(2s), "[dut]: " + line);
  const auto took = std::chrono::steady_clock::now() - start;
  // 200 bytes of ten bits at 9600 baud: 208.3 ms at least.
  EXPECT_GE(took, std::chrono::microseconds(200 * 10 * 1'000'000 / 9600));
}

TEST(FakeIoManager, ReportsADutItCannotOpen) {
  TempDir dir;
  const std::string missing = dir.path() + "/no-such-dut";
  Rig rig = Connect({.dut_path = missing});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("dut name%"));
  EXPECT_THAT(rig.host->ReadLines(3),
              ElementsAre("m-dut-passthrough(name)", "m-ready",
                          "e-[dut: cannot open " + missing + ": " + std::strerror(ENOENT) + "]"));
  // The board itself still answers.
  ASSERT_TRUE(rig.host->Send("name%"));
  EXPECT_THAT(rig.host->ReadLines(2), ElementsAre("tinyhil io-manager emulator", "m-ready"));
}

TEST(FakeIoManager, MuteAnswersNothing) {
  auto dut = PtyPair::Open();
  ASSERT_TRUE(dut) << dut.error().message;
  Rig rig = Connect({.dut_path = dut->slave_path(), .mute = true});
  ASSERT_TRUE(rig.host);
  ASSERT_TRUE(rig.host->Send("name%dut name%"));
  auto line = rig.host->ReadLine(150ms);
  ASSERT_FALSE(line) << "got: " << *line;
  EXPECT_EQ(line.error().code, Status::kTimeout);
  EXPECT_EQ(DrainDut(*dut), "");
  EXPECT_THAT(rig.board->commands(), ElementsAre("name", "dut name"));
}

}  // namespace
}  // namespace hil::power
