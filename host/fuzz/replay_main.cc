// Replays intake fuzz inputs without libFuzzer: every file given (or every file in a folder given)
// through fuzz/intake_harness.h's checks, so the seed corpus and its regression_* files run in ctest with
// any compiler. A broken contract ends the process with the file's name on stderr.
// Usage: hil_intake_fuzz_replay [--suite | --submission] PATH...
//   --suite / --submission set how the paths after it are read; without one, a folder named suite or
//   submission, or a file ending in .yaml / .json, says it.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/intake_harness.h"
#include "hil/core/file.h"

namespace {

enum class Mode { kUnknown, kSuite, kSubmission };

struct Input {
  std::string path;
  Mode mode;
};

char g_current[4096];

void OnFatal(int sig) {
  const char* what = "fatal signal while checking ";
  (void)!write(2, what, std::strlen(what));
  (void)!write(2, g_current, std::strlen(g_current));
  (void)!write(2, "\n", 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  auto bytes = hil::ReadRegularFileBytes(path, hil::kMaxInputFileBytes);
  if (bytes) *out = std::move(*bytes);
  return bytes.has_value();
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// The mode a path implies when no flag gave one.
Mode Implied(const std::string& path) {
  std::string_view p = path;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  if (EndsWith(p, "/suite") || p == "suite" || EndsWith(p, ".yaml") || EndsWith(p, ".yml")) return Mode::kSuite;
  if (EndsWith(p, "/submission") || p == "submission" || EndsWith(p, ".json")) return Mode::kSubmission;
  return Mode::kUnknown;
}

void Collect(const std::string& path, Mode flag, std::vector<Input>* inputs) {
  const Mode folder_mode = flag != Mode::kUnknown ? flag : Implied(path);
  DIR* d = opendir(path.c_str());
  if (d == nullptr) {
    inputs->push_back({path, folder_mode});
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.push_back(path + "/" + e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) inputs->push_back({name, folder_mode != Mode::kUnknown ? folder_mode : Implied(name)});
}

int Usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--suite | --submission] PATH... (files or folders of them)\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  for (int sig : {SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGTRAP}) signal(sig, OnFatal);
  std::vector<Input> inputs;
  Mode flag = Mode::kUnknown;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--suite") flag = Mode::kSuite;
    else if (arg == "--submission") flag = Mode::kSubmission;
    else if (arg.starts_with("--")) return Usage(argv[0]);
    else Collect(argv[i], flag, &inputs);
  }
  if (inputs.empty()) return Usage(argv[0]);
  int failed = 0;
  for (const Input& in : inputs) {
    std::vector<uint8_t> data;
    if (in.mode == Mode::kUnknown || !ReadFile(in.path, &data)) {
      std::fprintf(stderr, "%s %s\n", in.mode == Mode::kUnknown ? "neither a suite nor a submission (give --suite or --submission):" : "cannot read",
                   in.path.c_str());
      ++failed;
      continue;
    }
    std::snprintf(g_current, sizeof g_current, "%s", in.path.c_str());
    if (in.mode == Mode::kSuite) hil::fuzz::CheckSuiteBytes(data.data(), data.size());
    else hil::fuzz::CheckSubmissionBytes(data.data(), data.size(), HIL_BOARDS_DIR);
  }
  std::printf("%zu passed, %d failed\n", inputs.size() - static_cast<size_t>(failed), failed);
  return failed == 0 ? 0 : 1;
}
