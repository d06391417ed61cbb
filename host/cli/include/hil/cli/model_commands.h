// Registers `hil inspect` and `hil infer` on the CLI. Each runs from its CLI11 callback and ends the
// process with the exit code: 0 done, 2 a usage, file or model error (named on stderr).
//   hil inspect MODEL [--json] [--board KIND] [--boards DIR] [--build-dir DIR]
//   hil infer MODEL --input IN.bin [--input IN2.bin ...] --output OUT.bin [--repeat N] [--dump-dir DIR]
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace hil::cli {

// `boards_dir`: where board kinds live; `build_dir`: the build holding the firmware ELFs the kinds
// name (for `--board`'s flash and buffer sizes).
void RegisterModelCommands(CLI::App& app, const std::string& boards_dir, const std::string& build_dir);

}  // namespace hil::cli
