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
//   regressions: {against: last-run, threshold_pct: 2}       # or against: "baseline:NAME"
//   budgets:                    # per board kind of the suite; `all` for kinds without their own entry
//     mps2-an386: {latency_us: 2000000, latency_instructions: 50000000, ram_peak_bytes: 65536,
//                  flash_bytes: 262144, energy_uj: 10000}
#pragma once

#include <cstdint>
#include <optional>
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

// Inputs of every job: random bytes (the default), raw files, or a folder of samples with labels.
//   inputs: {random: {seed: 42, count: 2}}
//   inputs: {files: [a.bin, b.bin]}                      # raw input tensor bytes, one file per input
//   inputs: {folder: samples/, labels: labels.txt}       # labels: "<file> <class index>" per line
// Files are relative to the suite file; a file's size must equal the model's (first) input tensor.
struct InputSpec {
  enum class Source { kRandom, kFiles, kFolder };
  Source source = Source::kRandom;
  uint64_t seed = 1;  // random inputs: seed of the generator
  int count = 1;      // number of distinct inputs per job (kRandom)
  std::vector<std::string> files;  // kFiles, kFolder: resolved paths, in order
  std::vector<int> labels;         // kFolder: class index of each file
  std::string labels_file;         // kFolder: resolved
  int line = 0;
};

struct Settings {
  int warmup = 1;        // untimed runs before each timed batch, 0..65535
  int iterations = 10;   // timed runs per input and repetition, 1..1000000
  int repetitions = 1;   // timed batches per input, 1..1000
  std::string link;      // "uart" or "rtt" (the debug probe's RTT rings); empty: the board's default
  std::string kernel;    // "ref", "dsp", "mve" or "auto" (best built for the core); empty: the engine's
                         // default (ref for ours; for TFLM the kernels it was built with)
  std::string engine;    // "tinyhil" (ours) or "tflm" (TensorFlow Lite Micro); empty: ours. A list in
                         // the suite (`engine: [tinyhil, tflm]`) plans one Settings per engine.
};

// The engine a job runs on, silence named: "tinyhil" or "tflm".
inline std::string EngineOf(const Settings& s) { return s.engine.empty() ? "tinyhil" : s.engine; }

struct BoardRef {
  std::string kind;
  int line = 0;
};

struct Checks {
  bool outputs_equal_reference = true;  // outputs must equal the host reference engine's, bit for bit
  std::optional<double> min_top1;       // checks.top1: the argmax of output 0 must match the labels
                                        // at least this often (0..1); needs labelled inputs
  std::optional<double> min_auc;        // checks.auc: anomaly detection (an autoencoder): the ROC AUC of
                                        // each sample's reconstruction error against labels 0 (normal) /
                                        // 1 (anomalous) must reach this (0..1); needs labelled inputs
};

// Compare each run with an earlier one and fail jobs that got slower beyond the threshold and the
// noise (CompareSamples in hil/core/stats.h).
struct RegressionRule {
  bool enabled = false;
  std::string baseline;        // a named baseline (`hil baseline set`); empty: the last finished run of
                               // the same suite on the same git branch
  double threshold_pct = 5.0;  // 0..1000
  int line = 0;
};

// Limits a job must stay within (median latency, RAM peak, flash, energy per inference); a job
// beyond one fails, naming the limit. Unset limits are not checked.
struct Budget {
  std::string kind;  // board kind, or "all"
  std::optional<double> latency_us;
  std::optional<uint64_t> latency_instructions;  // checked when the job measures instructions
  std::optional<uint64_t> latency_cycles;        // checked when the job measures cycles
  std::optional<uint64_t> ram_peak_bytes;
  std::optional<uint64_t> flash_bytes;
  std::optional<double> energy_uj;
  int line = 0;
};

struct Suite {
  std::string name;
  std::string file;  // path as given to LoadSuite
  std::vector<ModelSpec> models;
  InputSpec inputs;
  std::vector<BoardRef> boards;
  std::vector<Settings> settings;
  Checks checks;
  RegressionRule regressions;
  std::vector<Budget> budgets;
  std::string sha256;  // of the file's bytes (LoadSuite only)
};

// The most jobs (models x board kinds x settings) one suite may plan; more is refused when parsing.
inline constexpr uint64_t kMaxSuiteJobs = 10000;

// Reads and validates a suite file. Errors: kNotFound (missing/unreadable file), kBadArgument
// (YAML syntax error, unknown or missing field, wrong type or range), each naming file and line.
Result<Suite> LoadSuite(const std::string& path);

// The budget for jobs on `kind`: its own entry, else `all`, else null.
const Budget* BudgetFor(const Suite& suite, const std::string& kind);

// How the files a suite names are found.
enum class SuitePaths {
  kAny,       // as a user's own suite on the command line: relative to its folder, or absolute
  kConfined,  // a suite sent to the farm API: only relative paths that stay inside `base_dir` (the
              // folder holding the files it uploaded); any other is refused, naming the field
};

// Parses suite text; `file` names it in errors, relative model paths are resolved against `base_dir`.
Result<Suite> ParseSuite(std::string_view text, const std::string& file, const std::string& base_dir,
                         SuitePaths paths = SuitePaths::kAny);

}  // namespace hil
