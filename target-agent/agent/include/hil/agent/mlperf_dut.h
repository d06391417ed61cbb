// The agent's second personality: the device-under-test side of MLPerf Tiny's text protocol (the
// one its EEMBC runner speaks over the DUT's UART), so that runner can benchmark our engine on any
// board. Commands end with '%'; every reply line ends with "\r\n" and every command's reply with
// "m-ready":
//   name%            m-name-dut-[<name>]
//   help%            the commands, a line each
//   profile%         m-profile-[ULPMark for tinyML Firmware V0.0.1]  m-model-[<model id>]
//                    (the reference firmware's version string, which runners may expect)
//   timestamp%       m-lap-us-<microseconds since start>
//   db load <N>%     m-[Expecting <N> bytes]           (N must be the model's input 0 size)
//   db <hex>%        bytes appended to the input buffer; m-load-done once N arrived
//   db print%        m-buffer-<hex of what was loaded>
//   infer <N> <W>%   m-warmup-start-<W> m-warmup-done m-infer-start-<N> m-lap-us-<t0> m-lap-us-<t1>
//                    m-infer-done m-results-[...]     (W untimed runs, then N timed ones)
//   results%         m-results-[<output 0 dequantized, 3 decimals, comma separated>]
// Inputs arrive as MLPerf Tiny's runner sends each benchmark's dataset (by model id):
//   kws01 and others  int8 tensor bytes, as they are;
//   vww01, ic01       uint8 pixels, made int8 by subtracting 128;
//   ad01              float32 features (little-endian, 4 bytes each), quantized with the input's
//                     scale and zero point; its m-results is one value, the anomaly score: the mean
//                     squared error between those features and output 0 dequantized.
// Errors are one line "e-[<what>]" before m-ready. The timestamp GPIO (when the port has one) marks
// the start and the end of the N timed runs, as th_timestamp() does for the EnergyRunner.
//
// Two timestamp modes, as MLPerf Tiny firmware is built (EE_CFG_ENERGY_MODE) and says at reset in
// its banner (m-timestamp-mode-performance / m-timestamp-mode-energy):
//   performance  the runner talks to the DUT directly (115200 baud); th_timestamp prints m-lap-us-<t>
//                (and pulses the GPIO when there is one).
//   energy       the DUT sits behind an interface board (IO manager, 9600 baud) and is powered by
//                an energy monitor; th_timestamp only pulses the GPIO, no m-lap-us line is printed:
//                the monitor's timestamps time the runs.
//
// Freestanding: no heap, no printf of floats; the caller owns the loaded interpreter and the input
// buffer. Single-threaded: feed bytes with Push from the port's receive loop.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/engine/interpreter.h"

namespace hil::agent {

class MlperfDut {
 public:
  struct Config {
    const char* name = "tinyhil";     // m-name-dut-[...]
    const char* model_id = "model";   // m-model-[...], e.g. "kws01", "vww01", "ic01", "ad01"
    uint32_t clock_hz = 0;            // of engine::PortCycles(), to turn counts into microseconds
    void (*write)(const char* text, size_t size, void* context) = nullptr;
    void* write_context = nullptr;
    void (*timestamp)(bool start) = nullptr;  // optional, see the top of this file
    bool energy_mode = false;                 // see the top of this file
  };

  // `interpreter` must have a model loaded; `db` holds the input as sent plus input 0 converted (so
  // at least 5 x input 0's size for ad01, 2 x otherwise).
  MlperfDut(const Config& config, engine::Interpreter& interpreter, uint8_t* db, size_t db_bytes);

  // What the DUT prints at reset: m-timestamp-mode-<mode>, m-init-done, m-ready.
  void Banner();

  // Feeds one received byte; a '%' ends the command, which runs and replies before Push returns.
  void Push(uint8_t byte);

 private:
  void Run(char* command);
  void Line(const char* a, const char* b = "", const char* c = "");
  void Number(const char* prefix, uint64_t value);
  enum class Format { kInt8, kUint8Pixels, kFloat32 };
  void Results();
  void Decimal3(float value, bool comma);  // "-1.250" (and a ',' after it)
  size_t WireBytes() const;                // what db load must announce
  void Convert();                          // db_ as sent -> input 0's int8 (staging_)
  void Error(const char* what, const char* detail = "");
  void Timestamp(bool start);  // th_timestamp(): per the mode, a pulse and/or an m-lap-us line
  uint64_t Micros() const;

  Config config_;
  engine::Interpreter& interpreter_;
  uint8_t* db_;
  size_t db_bytes_;
  size_t expected_ = 0;  // db load N
  size_t loaded_ = 0;
  char command_[1024 + 64];
  size_t length_ = 0;
  bool overflow_ = false;
  uint64_t start_cycles_ = 0;
  Format format_ = Format::kInt8;
  uint8_t* staging_ = nullptr;  // input 0 as int8, after the bytes as sent, in db_
};

}  // namespace hil::agent
