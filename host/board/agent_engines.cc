#include "hil/board/agent_engines.h"

#include <filesystem>
#include <fstream>

namespace hil::board {

std::string AgentFile(const BoardKind& kind, const std::string& build_dir) {
  const std::string rel = kind.agent.empty() ? "target-agent/ports/posix/hil-agent-posix" : kind.agent;
  if (std::filesystem::path(rel).is_absolute()) return rel;
  return (std::filesystem::path(build_dir) / rel).string();
}

AgentEngines ReadAgentEngines(const BoardKind& kind, const std::string& build_dir) {
  AgentEngines e;
  e.built.push_back("tinyhil");
  if (kind.protocol == "mlperf-tiny") {
    e.why_not["tflm"] = "an MLPerf Tiny DUT runs the model compiled into its firmware";
    return e;
  }
  const std::string path = AgentFile(kind, build_dir) + ".engines";
  std::ifstream f(path);
  if (!f) {
    e.why_not["tflm"] = "the agent has no record of its engines (" + path + " is missing: an agent built elsewhere, or not yet)";
    return e;
  }
  e.built.clear();
  std::string line;
  for (int n = 0; n < 16 && std::getline(f, line); ++n) {
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      e.built.push_back(line);
      continue;
    }
    std::string why = line.substr(colon + 1);
    const std::string prefix = " not built: ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    e.why_not[line.substr(0, colon)] = why;
  }
  if (e.built.empty()) e.built.push_back("tinyhil");
  return e;
}

std::string EnginesLine(const AgentEngines& engines) {
  std::string out;
  for (const auto& b : engines.built) out += (out.empty() ? "" : ", ") + b;
  for (const auto& [engine, why] : engines.why_not) out += " (" + engine + ": " + why + ")";
  return out;
}

}  // namespace hil::board
