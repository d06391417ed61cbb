#include "hil/board/posix_board.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "hil/link/fd_link.h"
#include "hil/link/serial_link.h"

namespace hil::board {
namespace {

bool IsAnnouncement(const std::string& line) {
  return line.rfind("PTY ", 0) == 0 || line.rfind("UNIX ", 0) == 0 || line.rfind("TCP ", 0) == 0;
}

}  // namespace

Result<void> PosixBoard::CheckAlive() {
  const std::string who = "board " + options_.instance_id + ": agent process " + std::to_string(agent_.pid());
  if (agent_.pid() <= 0) return Fail(Status::kBadState, "board " + options_.instance_id + ": agent not running");
  if (!agent_.Running()) return Fail(Status::kBadState, who + " " + agent_.ExitText());
  return {};
}

std::string PosixBoard::Describe() const {
  return options_.instance_id + " (pid " + std::to_string(agent_.pid()) + ", " + (link_ ? std::string(link_->Describe()) : endpoint_) + ")";
}

Result<std::unique_ptr<PosixBoard>> PosixBoard::Start(const PosixBoardOptions& options) {
  const std::string who = "board " + options.instance_id;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.agent_path, ec) || access(options.agent_path.c_str(), X_OK) != 0)
    return Fail(Status::kNotFound, who + ": agent executable " + options.agent_path +
                                       " not found (build the hil-agent-posix target, or pass --build-dir)");
  std::unique_ptr<PosixBoard> board(new PosixBoard(options));

  std::vector<std::string> args = {options.agent_path};
  if (options.transport == "pty") {
    args.push_back("--pty");
  } else if (options.transport == "unix") {
    args.push_back("--unix");
    args.push_back(options.socket_path.empty() ? UniqueTempPath(options.instance_id, ".sock") : options.socket_path);
  } else if (options.transport == "tcp") {
    args.push_back("--tcp");
    args.push_back("0");
  } else {
    return Fail(Status::kBadArgument, who + ": transport '" + options.transport + "' is not one a POSIX agent offers (pty, unix, tcp)");
  }
  args.push_back("--board-id");
  args.push_back(options.instance_id);
  for (const auto& a : options.extra_args) args.push_back(a);

  if (auto s = board->agent_.Start(args, "", /*die_with_parent=*/true); !s) return Wrap(s.error(), who);

  // The announcement line: "PTY /dev/pts/5", "UNIX /tmp/x.sock" or "TCP 40123".
  const Deadline deadline = Deadline::After(options.start_timeout);
  auto line = board->agent_.WaitForLine(IsAnnouncement, deadline);
  if (!line) {
    const std::string pid = std::to_string(board->agent_.pid());
    if (line.error().code == Status::kTimeout)
      return Fail(Status::kTimeout, who + ": agent " + pid + " announced no endpoint within " +
                                        std::to_string(options.start_timeout.count()) + " ms");
    return Fail(Status::kBadState, who + ": agent process " + pid + " " + board->agent_.ExitText());
  }

  Result<std::unique_ptr<link::Link>> link = Fail(Status::kInternal, "unset");
  if (line->rfind("PTY ", 0) == 0) {
    board->endpoint_ = line->substr(4);
    link = link::OpenTty(board->endpoint_, options.baud_rate);  // libserialport, or termios for a pty
  } else if (line->rfind("UNIX ", 0) == 0) {
    board->endpoint_ = line->substr(5);
    link = link::ConnectUnixSocket(board->endpoint_, deadline);
  } else {
    board->endpoint_ = "127.0.0.1:" + line->substr(4);
    link = link::ConnectTcp("127.0.0.1", std::atoi(line->substr(4).c_str()), deadline);
  }
  if (!link) return Wrap(link.error(), who);
  board->link_ = std::move(*link);
  if (options.wrap_link) board->link_ = options.wrap_link(std::move(board->link_));
  board->session_ = std::make_unique<link::AgentSession>(*board->link_, who, options.session);
  auto hello = board->session_->Hello();
  if (!hello) {
    if (auto alive = board->CheckAlive(); !alive) return std::unexpected(alive.error());
    return std::unexpected(hello.error());
  }
  board->hello_ = *hello;
  return board;
}

void PosixBoard::Stop(std::chrono::milliseconds grace) {
  session_.reset();
  link_.reset();
  agent_.Stop(grace);
  if (options_.transport == "unix" && !endpoint_.empty()) ::unlink(endpoint_.c_str());
}

PosixBoard::~PosixBoard() { Stop(); }

void KillAllAgents() noexcept { Subprocess::KillAll(); }

}  // namespace hil::board
