// Registers `hil report` and `hil serve` on the CLI: the one call host/cli makes into this module.
// Each subcommand runs from its CLI11 callback and ends the process with the exit code
// (0 done, 2 usage or infrastructure error).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace hil::web {

// `default_boards_dir`: where board kinds live (for core names in the cross-chip comparison).
void RegisterWebCommands(CLI::App& app, const std::string& default_boards_dir);

}  // namespace hil::web
