#include "hil/agent/mlperf_dut.h"

#include <cstring>
#include <initializer_list>

namespace hil::agent {
namespace {

// Decimal text of `v` into `out` (at least 21 bytes); returns the length.
size_t Decimal(uint64_t v, char* out) {
  char tmp[21];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  return n;
}

// Parses a decimal number at *p (skipping spaces); false when there is none.
bool ParseNumber(const char*& p, uint64_t* out) {
  while (*p == ' ') ++p;
  if (*p < '0' || *p > '9') return false;
  uint64_t v = 0;
  while (*p >= '0' && *p <= '9') {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<uint64_t>(*p++ - '0');
  }
  *out = v;
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWith(const char* s, const char* prefix) { return std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

}  // namespace

MlperfDut::MlperfDut(const Config& config, engine::Interpreter& interpreter, uint8_t* db, size_t db_bytes)
    : config_(config), interpreter_(interpreter), db_(db), db_bytes_(db_bytes) {
  start_cycles_ = engine::PortCycles();
  if (std::strcmp(config_.model_id, "vww01") == 0 || std::strcmp(config_.model_id, "ic01") == 0) format_ = Format::kUint8Pixels;
  if (std::strcmp(config_.model_id, "ad01") == 0) format_ = Format::kFloat32;
}

size_t MlperfDut::WireBytes() const {
  const size_t n = interpreter_.input(0).bytes;
  return format_ == Format::kFloat32 ? n * 4 : n;
}

void MlperfDut::Convert() {
  const engine::TensorView in = interpreter_.input(0);
  for (size_t i = 0; i < in.bytes; ++i) {
    if (format_ == Format::kInt8) {
      staging_[i] = db_[i];
    } else if (format_ == Format::kUint8Pixels) {
      staging_[i] = static_cast<uint8_t>(db_[i] ^ 0x80u);  // pixel - 128, as int8
    } else {
      float x;
      std::memcpy(&x, db_ + 4 * i, 4);  // little-endian targets and hosts
      const float r = x / in.scale;
      int32_t q = static_cast<int32_t>(r < 0 ? r - 0.5f : r + 0.5f) + in.zero_point;
      q = q < -128 ? -128 : q > 127 ? 127 : q;
      staging_[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
  }
}

uint64_t MlperfDut::Micros() const {
  const uint64_t cycles = engine::PortCycles() - start_cycles_;
  return config_.clock_hz ? cycles / (config_.clock_hz / 1000000u ? config_.clock_hz / 1000000u : 1u) : cycles;
}

void MlperfDut::Line(const char* a, const char* b, const char* c) {
  for (const char* s : {a, b, c})
    if (*s) config_.write(s, std::strlen(s), config_.write_context);
  config_.write("\r\n", 2, config_.write_context);
}

void MlperfDut::Number(const char* prefix, uint64_t value) {
  char digits[21];
  Decimal(value, digits);
  Line(prefix, digits);
}

void MlperfDut::Error(const char* what, const char* detail) {
  config_.write("e-[", 3, config_.write_context);
  config_.write(what, std::strlen(what), config_.write_context);
  if (*detail) config_.write(detail, std::strlen(detail), config_.write_context);
  Line("]");
}

void MlperfDut::Banner() {
  Line(config_.energy_mode ? "m-timestamp-mode-energy" : "m-timestamp-mode-performance");
  Line("m-init-done");
  Line("m-ready");
}

void MlperfDut::Timestamp(bool start) {
  if (config_.timestamp) config_.timestamp(start);
  if (!config_.energy_mode) Number("m-lap-us-", Micros());
}

void MlperfDut::Push(uint8_t byte) {
  if (byte == '%') {
    command_[length_] = '\0';
    if (overflow_) Error("Command too long");
    else Run(command_);
    Line("m-ready");
    length_ = 0;
    overflow_ = false;
    return;
  }
  if (byte == '\r' || byte == '\n') return;  // runners end commands with '%'; line ends are noise
  if (length_ + 1 < sizeof command_) command_[length_++] = static_cast<char>(byte);
  else overflow_ = true;
}

void MlperfDut::Decimal3(float value, bool comma) {
  // Three decimals, fixed point (no float printf on the target).
  int64_t milli = static_cast<int64_t>(value * 1000.0f + (value < 0 ? -0.5f : 0.5f));
  char text[32];
  size_t n = 0;
  if (milli < 0) {
    text[n++] = '-';
    milli = -milli;
  }
  n += Decimal(static_cast<uint64_t>(milli / 1000), text + n);
  text[n++] = '.';
  text[n++] = static_cast<char>('0' + milli / 100 % 10);
  text[n++] = static_cast<char>('0' + milli / 10 % 10);
  text[n++] = static_cast<char>('0' + milli % 10);
  if (comma) text[n++] = ',';
  config_.write(text, n, config_.write_context);
}

void MlperfDut::Results() {
  const engine::TensorView out = interpreter_.output(0);
  config_.write("m-results-[", 11, config_.write_context);
  if (format_ == Format::kFloat32 && loaded_ == WireBytes() && out.bytes * 4 == loaded_) {
    // ad01: the anomaly score, the mean squared error of the reconstruction.
    float sum = 0;
    for (size_t i = 0; i < out.bytes; ++i) {
      float x;
      std::memcpy(&x, db_ + 4 * i, 4);
      const float d = (static_cast<int8_t>(out.data[i]) - out.zero_point) * out.scale - x;
      sum += d * d;
    }
    Decimal3(out.bytes ? sum / static_cast<float>(out.bytes) : 0.0f, false);
    return Line("]");
  }
  for (size_t i = 0; i < out.bytes; ++i)
    Decimal3((static_cast<int8_t>(out.data[i]) - out.zero_point) * out.scale, i + 1 < out.bytes);
  Line("]");
}

void MlperfDut::Run(char* command) {
  while (*command == ' ') ++command;
  if (std::strcmp(command, "name") == 0) return Line("m-name-dut-[", config_.name, "]");
  if (std::strcmp(command, "help") == 0) {
    Line("TinyHIL agent, MLPerf Tiny DUT personality");
    Line("name            the device's name");
    Line("profile         firmware version and model id");
    Line("timestamp       one timestamp");
    Line("db load N       expect N input bytes");
    Line("db HH..         input bytes in hex");
    Line("db print        the input loaded so far, in hex");
    Line("infer N [W]     W warmup runs, then N timed runs");
    return Line("results         the last run's results");
  }
  if (std::strcmp(command, "profile") == 0) {
    Line("m-profile-[ULPMark for tinyML Firmware V0.0.1]");  // what the reference firmware says (EE_FW_VERSION)
    return Line("m-model-[", config_.model_id, "]");
  }
  if (std::strcmp(command, "timestamp") == 0) return Timestamp(true);
  const size_t input_bytes = interpreter_.input(0).bytes;
  const size_t wire_bytes = WireBytes();
  if (StartsWith(command, "db load")) {
    const char* p = command + 7;
    uint64_t n = 0;
    if (!ParseNumber(p, &n)) return Error("db load needs a byte count");
    if (n != wire_bytes) {
      char want[21];
      Decimal(wire_bytes, want);
      return Error("db load: the model's input takes ", want);
    }
    if (wire_bytes + input_bytes > db_bytes_) return Error("db load: the input does not fit the buffer");
    expected_ = n;
    loaded_ = 0;
    char count[21];
    Decimal(n, count);
    return Line("m-[Expecting ", count, " bytes]");
  }
  if (std::strcmp(command, "db print") == 0) {
    static const char kHex[] = "0123456789abcdef";
    config_.write("m-buffer-", 9, config_.write_context);
    for (size_t i = 0; i < loaded_; ++i) {
      const char pair[2] = {kHex[db_[i] >> 4], kHex[db_[i] & 15]};
      config_.write(pair, 2, config_.write_context);
    }
    return Line("");
  }
  if (StartsWith(command, "db ")) {
    if (expected_ == 0) return Error("db: send db load <N> first");
    const char* p = command + 3;
    while (*p == ' ') ++p;
    for (; p[0] && p[1]; p += 2) {
      const int hi = HexDigit(p[0]), lo = HexDigit(p[1]);
      if (hi < 0 || lo < 0) return Error("db: not hex: ", p);
      if (loaded_ >= expected_) return Error("db: more bytes than db load announced");
      db_[loaded_++] = static_cast<uint8_t>(hi << 4 | lo);
    }
    if (*p) return Error("db: odd number of hex digits");
    if (loaded_ == expected_) Line("m-load-done");
    return;
  }
  if (StartsWith(command, "infer")) {
    const char* p = command + 5;
    uint64_t n = 0, w = 0;
    if (!ParseNumber(p, &n) || n == 0) return Error("infer needs a run count: infer <N> [<warmup>]");
    ParseNumber(p, &w);
    if (loaded_ != wire_bytes || input_bytes == 0) return Error("infer: load the input first (db load, db)");
    engine::TensorView in = interpreter_.input(0);
    staging_ = db_ + wire_bytes;
    Convert();  // th_load_tensor(): once, before the runs
    char count[21];
    Decimal(w, count);
    Line("m-warmup-start-", count);
    for (uint64_t i = 0; i < w; ++i) {
      std::memcpy(in.data, staging_, input_bytes);
      if (interpreter_.Invoke(nullptr) != Status::kOk) return Error("infer: ", interpreter_.ErrorDetail());
    }
    Line("m-warmup-done");
    Decimal(n, count);
    Line("m-infer-start-", count);
    // Every run computes on the loaded input: the engine may reuse the input's memory, so it is
    // copied back before each run (the copy is inside the timed window, as in MLPerf Tiny's loop).
    // The m-lap-us lines are printed after the runs (the UART write stays out of the window).
    if (config_.timestamp) config_.timestamp(true);
    const uint64_t t0 = Micros();
    for (uint64_t i = 0; i < n; ++i) {
      std::memcpy(in.data, staging_, input_bytes);
      if (interpreter_.Invoke(nullptr) != Status::kOk) {
        if (config_.timestamp) config_.timestamp(false);
        return Error("infer: ", interpreter_.ErrorDetail());
      }
    }
    const uint64_t t1 = Micros();
    if (config_.timestamp) config_.timestamp(false);
    if (!config_.energy_mode) {
      Number("m-lap-us-", t0);
      Number("m-lap-us-", t1);
    }
    Line("m-infer-done");
    return Results();
  }
  if (std::strcmp(command, "results") == 0) return Results();
  Error("Unknown command: ", command);
}

}  // namespace hil::agent
