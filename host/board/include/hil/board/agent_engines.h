// The engines a board kind's agent was built with, as the build records them beside the agent:
// `<agent>.engines` (target-agent/ports/*/CMakeLists.txt), one line per engine: "tinyhil", "tflm",
// or "tflm: not built: <why>". `hil boards` lists them; the runner refuses a job for an engine the
// agent lacks with the recorded reason before starting the board.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hil/board/board_kind.h"

namespace hil::board {

struct AgentEngines {
  std::vector<std::string> built;              // "tinyhil", "tflm", in the file's order
  std::map<std::string, std::string> why_not;  // engine -> why the build left it out
};

// The agent's file: the kind's `agent` under `build_dir` (an absolute `agent` as it is; the POSIX
// agent when the kind names none), as the runner starts it.
std::string AgentFile(const BoardKind& kind, const std::string& build_dir);

// The engines of `kind`'s agent. MLPerf Tiny kinds (protocol mlperf-tiny) run a compiled-in model:
// ours only. Without the .engines file (an agent built elsewhere, or not built yet): ours, and
// TFLM's absence put down to that.
AgentEngines ReadAgentEngines(const BoardKind& kind, const std::string& build_dir);

// "tinyhil, tflm", or "tinyhil (tflm: <why>)".
std::string EnginesLine(const AgentEngines& engines);

}  // namespace hil::board
