// TFLM's log (MicroPrintf and its checks end here) for TinyHIL's builds of TFLM: each piece of text
// goes to the sink the program set (hil_tflm_set_log_sink: the agent keeps TFLM's reason for a
// failed load or invoke this way); without a sink, to stderr on a hosted build and nowhere on a
// target. Replaces TFLM's own debug_log.cc (cmake/tflm.cmake's PLATFORM_DIR).
#include <cstdarg>
#include <cstddef>
#include <cstdio>

#include "tensorflow/lite/micro/debug_log.h"

namespace {
void (*g_sink)(const char* text, void* context) = nullptr;
void* g_sink_context = nullptr;
}  // namespace

extern "C" void hil_tflm_set_log_sink(void (*sink)(const char* text, void* context), void* context) {
  g_sink = sink;
  g_sink_context = context;
}

extern "C" void DebugLog(const char* format, va_list args) {
  if (g_sink != nullptr) {
    char text[192];
    vsnprintf(text, sizeof text, format, args);
    g_sink(text, g_sink_context);
    return;
  }
#if defined(__unix__)
  vfprintf(stderr, format, args);
#endif
}

extern "C" int DebugVsnprintf(char* buffer, size_t buf_size, const char* format, va_list args) {
  return vsnprintf(buffer, buf_size, format, args);
}
