// What a submission to the farm API carries, checked before anything of it reaches the disk or the
// database: the request body's JSON (a suite's YAML and the files it uploads). The daemon's HTTP
// handler and the intake fuzz target (host/fuzz) go through these same functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hil/core/error.h"

namespace hil::cli {

struct Submission {
  std::string suite;                                        // the suite's YAML
  std::vector<std::pair<std::string, std::string>> files;  // relative path inside the run's folder -> bytes
};

// Parses {"suite": "<YAML>", "files": {"<relative path>": "<base64>", ...}}. Errors: kBadArgument,
// naming the field ("body.files.x/../y: not a relative path inside the suite's folder").
Result<Submission> ParseSubmission(std::string_view body);

// Writes the uploads under `dir` (which exists). Errors: kInternal (the farm's disk).
Result<void> WriteUploads(const Submission& submission, const std::string& dir);

// A relative path that stays inside the folder it is resolved in: no leading '/', no "." or ".."
// part, no NUL, at most 512 characters.
bool SafeRelativePath(std::string_view path);

// Strict base64 (RFC 4648, with padding); nullopt on any other character or a bad length.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace hil::cli
