// Replays fuzz inputs without libFuzzer: every file given (or every file in a folder given) through
// fuzz/fuzz_harness.h's checks, so the seed corpus and its regression_*.tflite files run in `make test`
// with any compiler. A broken contract ends the process with the file's name on stderr.
// Usage: hil_engine_fuzz_replay PATH...
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/fuzz_harness.h"

namespace {

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
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  std::fclose(f);
  return true;
}

void Collect(const std::string& path, std::vector<std::string>* files) {
  DIR* d = opendir(path.c_str());
  if (d == nullptr) {
    files->push_back(path);
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.push_back(path + "/" + e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  files->insert(files->end(), names.begin(), names.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH... (model files or folders of them)\n", argv[0]);
    return 2;
  }
  for (int sig : {SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGTRAP}) signal(sig, OnFatal);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) Collect(argv[i], &files);
  int unreadable = 0;
  for (const std::string& path : files) {
    std::vector<uint8_t> data;
    if (!ReadFile(path, &data)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      ++unreadable;
      continue;
    }
    std::snprintf(g_current, sizeof g_current, "%s", path.c_str());
    hil::agent::engine::fuzz::CheckModel(data.data(), data.size());
  }
  const uint64_t stopped = hil::agent::engine::fuzz::InvokesStoppedByRunBudget();
  if (stopped > 0) {
    std::printf("%llu invokes stopped after 2^14 operator runs (a WHILE that does not end)\n",
                static_cast<unsigned long long>(stopped));
  }
  std::printf("%zu passed, %d failed\n", files.size() - static_cast<size_t>(unreadable), unreadable);
  return unreadable == 0 && !files.empty() ? 0 : 1;
}
