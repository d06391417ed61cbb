// YAML files the user writes (suites, board kinds, farms): read as bounded regular files, parsed, and
// checked for what yaml-cpp lets through: a key given twice in one mapping (yaml-cpp keeps the first
// and drops the other without a word), nesting too deep to walk, and aliases that multiply a small
// file into a huge tree.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "hil/core/error.h"

namespace hil {

inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 1'000'000;

// Errors name `file` and the line: "suite.yaml:7: key 'name' given twice (first at line 1)".
Result<YAML::Node> ParseYaml(const std::string& text, const std::string& file);

// ReadRegularFile (at most kMaxTextFileBytes) and ParseYaml. `what` names the file's role in errors
// about the file itself ("suite x.yaml: no such file").
Result<YAML::Node> LoadYamlFile(const std::string& path, const std::string& what);

}  // namespace hil
