// A test suite (suites/*.yaml): which models run on which board kinds with which settings, and what
// is checked. Parsing validates everything it can without I/O beyond reading the file itself; every
// error names the file, the line and the field ("suites/q.yaml:7: settings.iterations: expected an
// integer in 1..1000000, got 'ten'").
//
// Format:
//   name: quickstart
//   models:
//     - name: kws-s1            # optional; defaults to the file stem or "<generator>-s<seed>"
//       generate: kws           # a model from the host model zoo ...
//       seed: 1
//     - path: ../models/x.tflite   # ... or a .tflite file, relative to the suite file
//   inputs: {random: {seed: 42, count: 2}}
//   boards: [posix-host]        # board kinds (boards/<kind>.yaml)
//   settings: {warmup: 2, iterations: 20, repetitions: 1, link: uart}   # or a list of such maps
//   checks: {outputs: host-reference}                        # or `none`
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hil/core/error.h"

namespace hil {

struct ModelSpec {
  enum class Source { kPath, kGenerate };
  std::string name;
  Source source = Source::kPath;
  std::string path;       // kPath: as written in the suite
  std::string resolved;   // kPath: joined with the suite file's folder
  std::string generator;  // kGenerate: zoo name, e.g. "kws"
  uint64_t seed = 0;      // kGenerate
  int line = 0;           // 1-based line of the entry in the suite file
};

struct InputSpec {
  uint64_t seed = 1;  // random inputs: seed of the generator
  int count = 1;      // number of distinct inputs per job
};

struct Settings {
  int warmup = 1;        // untimed runs before each timed batch, 0..65535
  int iterations = 10;   // timed runs per input and repetition, 1..1000000
  int repetitions = 1;   // timed batches per input, 1..1000
  std::string link;      // "uart" or "rtt" (the debug probe's RTT rings); empty: the board's default
};

struct BoardRef {
  std::string kind;
  int line = 0;
};

struct Checks {
  bool outputs_equal_reference = true;  // outputs must equal the host reference engine's, bit for bit
};

struct Suite {
  std::string name;
  std::string file;  // path as given to LoadSuite
  std::vector<ModelSpec> models;
  InputSpec inputs;
  std::vector<BoardRef> boards;
  std::vector<Settings> settings;
  Checks checks;
};

// Reads and validates a suite file. Errors: kNotFound (missing/unreadable file), kBadArgument
// (YAML syntax error, unknown or missing field, wrong type or range), each naming file and line.
Result<Suite> LoadSuite(const std::string& path);

// Parses suite text; `file` names it in errors, relative model paths are resolved against `base_dir`.
Result<Suite> ParseSuite(std::string_view text, const std::string& file, const std::string& base_dir);

}  // namespace hil
