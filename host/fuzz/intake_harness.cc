#include "fuzz/intake_harness.h"

#include <stdlib.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <string_view>

#include "hil/cli/api_intake.h"
#include "hil/cli/runner.h"
#include "hil/core/suite.h"

namespace hil::fuzz {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(std::string_view rule, std::string_view detail) {
  std::fprintf(stderr, "intake contract broken: %.*s: %.*s\n", static_cast<int>(rule.size()), rule.data(),
               static_cast<int>(detail.size()), detail.data());
  __builtin_trap();
}

// Runs `call`; an exception that escapes it breaks the contract (the daemon would lose the request's thread).
template <typename F>
auto Guard(const char* what, F&& call) {
  try {
    return call();
  } catch (const std::exception& e) {
    Die(std::string("exception escaped ") + what, e.what());
  } catch (...) {
    Die(std::string("exception escaped ") + what, "not a std::exception");
  }
}

bool Contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Die("sandbox", "cannot write " + path.string());
}

// Every entry under `root` (relative path; folders end in '/') with a regular file's size.
std::map<std::string, uintmax_t> Listing(const fs::path& root) {
  std::map<std::string, uintmax_t> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = e.path().lexically_relative(root).string();
    if (e.is_directory()) out.emplace(rel + "/", 0);
    else out.emplace(rel, e.is_regular_file() ? e.file_size() : 0);
  }
  return out;
}

struct Sandbox {
  fs::path root;       // canary files, suite/, runs/
  fs::path suite_dir;  // base_dir of CheckSuiteBytes
  fs::path runs_dir;   // parent of each submission's run folder; canary files beside them
  std::string canary;
  std::map<std::string, uintmax_t> listing;  // of root, with no run folder in it

  Sandbox() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/hil-intake-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) Die("sandbox", "mkdtemp " + pattern + " failed");
    // The canonical path: the suite parser resolves lexically, so a symlinked $TMPDIR would look outside.
    root = fs::canonical(pattern);
    suite_dir = root / "suite";
    runs_dir = root / "runs";
    fs::create_directories(suite_dir / "samples");
    fs::create_directories(runs_dir);
    std::random_device rd;
    char hex[40];
    std::snprintf(hex, sizeof hex, "%08x%08x%08x", rd(), rd(), rd());
    canary = std::string("HILCANARY") + hex;
    // Three fields: a labels parser that reads it rejects the line and quotes it, which is what is checked.
    const std::string line = canary + " 1 " + canary + "\n";
    for (const fs::path& dir : {root, runs_dir})
      for (const char* name : {"canary.txt", "labels.txt", "model.tflite", "in.bin"}) WriteFile(dir / name, line);
    WriteFile(suite_dir / "labels.txt", "samples/a.bin 0\nsamples/b.bin 1\n");
    WriteFile(suite_dir / "samples" / "labels.txt", "a.bin 0\n# a comment\nb.bin 1\n");
    WriteFile(suite_dir / "samples" / "a.bin", "aaaa");
    WriteFile(suite_dir / "samples" / "b.bin", "bbbb");
    listing = Listing(root);
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

Sandbox& GetSandbox() {
  static Sandbox box;
  return box;
}

// `path` (as a Suite holds it: absolute, joined with base_dir) names base_dir or something under it.
bool Inside(const std::string& path, const fs::path& base) {
  if (path.find('\0') != std::string::npos) return false;
  const fs::path rel = fs::path(path).lexically_normal().lexically_relative(base);
  if (rel.empty()) return false;  // another root, or relative
  for (const auto& part : rel)
    if (part == "..") return false;
  return true;
}

void CheckError(const Error& error, const char* what, bool input_has_canary) {
  if (error.message.empty()) Die(std::string(what) + ": an error without a message", "");
  if (!input_has_canary && Contains(error.message, GetSandbox().canary))
    Die(std::string(what) + ": an error quotes a file outside the folder", error.message);
}

void CheckPathsInside(const Suite& suite, const fs::path& base) {
  auto check = [&](const std::string& field, const std::string& path) {
    if (!Inside(path, base)) Die("confined suite names a path outside " + base.string(), field + ": " + path);
  };
  for (const ModelSpec& m : suite.models)
    if (m.source == ModelSpec::Source::kPath) check("model " + m.name, m.resolved);
  for (const std::string& f : suite.inputs.files) check("inputs.files", f);
  if (!suite.inputs.labels_file.empty()) check("inputs.labels", suite.inputs.labels_file);
}

// The farm API's parse of `text` against `base`: the path and canary rules.
void CheckConfinedParse(std::string_view text, const fs::path& base, bool input_has_canary) {
  auto suite = Guard("ParseSuite", [&] { return ParseSuite(text, "suite", base.string(), SuitePaths::kConfined); });
  if (!suite) return CheckError(suite.error(), "ParseSuite (confined)", input_has_canary);
  CheckPathsInside(*suite, base);
}

// A run folder under runs/ for one submission, removed with everything written into it.
class RunFolder {
 public:
  explicit RunFolder(const fs::path& parent) {
    std::string pattern = (parent / "run-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("sandbox", "mkdtemp " + pattern + " failed");
    path_ = pattern;
  }
  ~RunFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) Die("sandbox", "cannot remove " + path_.string() + ": " + ec.message());
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void CheckUploadsAndSuite(const cli::Submission& sub, const Sandbox& box, const char* boards_dir, bool tainted) {
  RunFolder run(box.runs_dir);
  auto written = Guard("WriteUploads", [&] { return cli::WriteUploads(sub, run.path().string()); });
  if (!written) return CheckError(written.error(), "WriteUploads", tainted);
  CheckConfinedParse(sub.suite, run.path(), tainted);
  auto checked = Guard("CheckSubmittedSuite",
                       [&] { return cli::CheckSubmittedSuite(sub.suite, "suite", run.path().string(), boards_dir); });
  if (!checked) CheckError(checked.error(), "CheckSubmittedSuite", tainted);
}

}  // namespace

void CheckSuiteBytes(const uint8_t* data, size_t size) {
  const Sandbox& box = GetSandbox();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckConfinedParse(text, box.suite_dir, Contains(text, box.canary));
  // A user's own suite (absolute and '..' paths allowed): only the no-crash and message rules.
  auto any = Guard("ParseSuite", [&] { return ParseSuite(text, "suite", box.suite_dir.string(), SuitePaths::kAny); });
  if (!any && any.error().message.empty()) Die("ParseSuite (any paths): an error without a message", "");
}

void CheckSubmissionBytes(const uint8_t* data, size_t size, const char* boards_dir) {
  const Sandbox& box = GetSandbox();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto sub = Guard("ParseSubmission", [&] { return cli::ParseSubmission(body); });
  if (!sub) return CheckError(sub.error(), "ParseSubmission", Contains(body, box.canary));
  // JSON escapes and base64 can spell the canary without its bytes appearing in the body.
  bool tainted = Contains(body, box.canary) || Contains(sub->suite, box.canary);
  for (const auto& [path, bytes] : sub->files) {
    if (!cli::SafeRelativePath(path)) Die("ParseSubmission accepted an unsafe upload path", path);
    tainted = tainted || Contains(bytes, box.canary) || Contains(path, box.canary);
  }
  CheckUploadsAndSuite(*sub, box, boards_dir, tainted);
  if (Listing(box.root) != box.listing) Die("a submission changed files outside its run folder", box.root.string());
}

}  // namespace hil::fuzz
