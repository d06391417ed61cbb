// What the farm API's intake fuzz targets check on one input (host/fuzz/suite_fuzz.cc: any bytes as a
// suite; host/fuzz/submission_fuzz.cc: any bytes as a request body). The replay (replay_main.cc) runs the
// same checks over the committed corpus with any compiler.
//
// Both work in one sandbox per process: a temporary folder (under $TMPDIR, else /tmp) created on first
// use and removed at exit. Beside the folders the code under test may read, it holds canary files
// (canary.txt, labels.txt, model.tflite, in.bin) whose content is a per-process unique string, so a
// suite that reaches outside its folder and gets a file's bytes echoed in an error message is caught.
//
// Not thread-safe: one call at a time (libFuzzer and the replay are single-threaded).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::fuzz {

// `data` as suite YAML, parsed with SuitePaths::kConfined against the sandbox's suite folder (which holds
// labels.txt, samples/labels.txt and a few sample files) and with SuitePaths::kAny. Contract: ParseSuite
// returns, no exception escapes; an error has a non-empty message; confined, a parsed Suite names only
// paths inside the folder (model paths, input files, the labels file, the samples it lists) and an error
// message never holds a canary (unless `data` itself does). Aborts (__builtin_trap) naming the broken rule
// on stderr; the sanitizers report the rest.
void CheckSuiteBytes(const uint8_t* data, size_t size);

// `data` as a farm API request body: ParseSubmission, then (when it parses) WriteUploads into a fresh
// run folder (mkdtemp, removed afterwards) and CheckSubmittedSuite against it with `boards_dir` (the
// project's boards/). Contract: as CheckSuiteBytes for the suite parse, plus: every accepted upload path
// is a SafeRelativePath; errors have non-empty messages without a canary (unless the body or an upload
// holds it); nothing outside the run folder is created, removed or resized.
void CheckSubmissionBytes(const uint8_t* data, size_t size, const char* boards_dir);

}  // namespace hil::fuzz
