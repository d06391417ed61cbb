// The agent's command loop: decodes request frames from any byte stream, runs them on the engine and
// writes one response frame per request (docs/protocol.md).
//
// No heap: every buffer is passed in by the port and must outlive the Agent. Single-threaded: the
// port feeds bytes and the agent writes responses from the same thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/agent/inference_engine.h"
#include "hil/engine/interpreter.h"
#include "hil/protocol/frame.h"
#include "hil/protocol/messages.h"

namespace hil::agent {

// What the port provides. Function pointers, not virtuals: they are outside the timed window, and a
// port fills this table once at start-up.
struct Port {
  const char* agent_name = "tinyhil-agent";
  const char* board_id = "unknown";
  uint32_t clock_hz = 0;
  protocol::CycleSource cycle_source = protocol::CycleSource::kNone;
  uint32_t capabilities = 0;
  // Writes a whole response frame to the link; returns when every byte is queued or sent.
  void (*write)(const uint8_t* bytes, size_t size, void* context) = nullptr;
  void* write_context = nullptr;
  // Stack figures for GET_MEMORY: size of the agent's stack, and its high-water mark so far (bytes
  // ever used, from stack painting). Null when the port cannot tell.
  uint32_t (*stack_bytes)() = nullptr;
  uint32_t (*stack_used)() = nullptr;
  // RAM the agent uses statically outside the arena and the model buffer (.data + .bss).
  uint32_t static_bytes = 0;
  // Called after the RESET response was written; a target port may reset the core here.
  void (*reset)() = nullptr;
  // Called before each timed inference, outside the measured window. A port whose counter ticks
  // slower than the core (SysTick under QEMU's -icount: one tick per 40 instructions) aligns to a
  // tick edge here, so the count does not depend on the phase left by earlier, host-paced work.
  void (*align_counter)() = nullptr;
  // The timestamp GPIO: marks the start of the timed iterations of an INVOKE (after its warmup,
  // `start` true) and their end (`start` false), so a power monitor watching the pin sees one window
  // per INVOKE holding exactly `iterations` inferences. Each mark is what MLPerf Tiny's EnergyRunner
  // expects of th_timestamp(): a falling edge, as a short low pulse on a pin that idles high; the
  // window runs from one falling edge to the next. Null when the board has no such pin (then leave
  // kCapTimestampGpio out of `capabilities`).
  void (*timestamp)(bool start) = nullptr;
  // TensorFlow Lite Micro (tflm_engine.h's TflmEngine()) when the port is built with it, for
  // SET_ENGINE; null otherwise. Our engine is always there and runs until SET_ENGINE chooses another.
  InferenceEngine* tflm = nullptr;
};

struct Buffers {
  uint8_t* model = nullptr;   // receives the uploaded .tflite blob; the engine reads it in place
  size_t model_bytes = 0;
  uint8_t* arena = nullptr;   // tensor arena handed to the engine
  size_t arena_bytes = 0;
  uint8_t* rx = nullptr;      // frame reassembly, at least protocol::MaxFrameBytes(max_payload)
  size_t rx_bytes = 0;
  uint8_t* tx = nullptr;      // the last response frame, kept for duplicate requests; same size as rx
  size_t tx_bytes = 0;
  uint8_t* scratch = nullptr; // response packet before COBS, at least max_payload + 12
  size_t scratch_bytes = 0;
  uint8_t* response = nullptr; // response payload, at least max_payload
  size_t response_bytes = 0;
  uint32_t max_payload = 0;   // largest payload accepted and sent
};

// Bytes each Buffers member needs for a given max payload.
constexpr size_t RxBytesFor(uint32_t max_payload) { return protocol::MaxFrameBytes(max_payload); }
constexpr size_t ScratchBytesFor(uint32_t max_payload) {
  return protocol::kHeaderBytes + max_payload + protocol::kCrcBytes;
}

// Largest INVOKE iteration count per request this agent accepts.
inline constexpr uint16_t kMaxIterations = 256;

class Agent {
 public:
  Agent(const Port& port, const Buffers& buffers);

  // Feeds one received byte; when it completes a request, the request runs and its response is
  // written through Port::write before Push returns.
  void Push(uint8_t byte);

  // Counters for tests and diagnostics.
  uint32_t requests_executed() const { return executed_; }
  uint32_t duplicates_answered() const { return duplicates_; }
  uint32_t frames_dropped() const { return dropped_; }

 private:
  void Handle(const protocol::Header& header, const uint8_t* payload);
  // Each handler writes its response payload into `w` and returns kOk, or returns an error status
  // and fills error_ with one sentence.
  Status Hello(protocol::Writer& w);
  Status LoadBegin(protocol::Reader& r);
  Status LoadChunk(protocol::Reader& r, protocol::Writer& w);
  Status LoadEnd(protocol::Writer& w);
  Status SetInput(protocol::Reader& r);
  Status Invoke(protocol::Reader& r, protocol::Writer& w);
  Status GetOutput(protocol::Reader& r, protocol::Writer& w);
  Status GetProfile(protocol::Reader& r, protocol::Writer& w);
  Status GetMemory(protocol::Writer& w);
  Status SetKernel(protocol::Reader& r, protocol::Writer& w);
  Status SetEngine(protocol::Reader& r, protocol::Writer& w);
  void DropModel();
  Status Fail(Status status, const char* format, ...);
  void Send(uint8_t type, uint16_t sequence, const uint8_t* payload, size_t size);

  Port port_;
  Buffers buf_;
  protocol::FrameDecoder decoder_;
  // The engine the requests run on (inference_engine.h); ours until SET_ENGINE chooses another.
  // engines_[id] is EngineId id's engine, null when not built in.
  TinyHilEngine tinyhil_;
  InferenceEngine* engines_[protocol::kEngineCount] = {};
  InferenceEngine* engine_ = &tinyhil_;
  engine::OpProfile profile_;
  uint64_t cycles_[kMaxIterations] = {};

  // Copies of the inputs, kept in the model buffer after the blob: the engine's planner may reuse an
  // input's arena bytes once it is consumed, so every run but the first would see garbage. Each run
  // starts from these copies (restored outside the timed window), with the model's variables (the
  // state of LSTM, SVDF) at their initial values, so every run computes what the host reference does.
  void RestoreInputs();
  uint8_t* staged_inputs_ = nullptr;

  // Upload state.
  bool loading_ = false;
  uint32_t load_total_ = 0;
  uint32_t load_crc_ = 0;
  uint32_t load_received_ = 0;  // bytes received contiguously from offset 0

  // Duplicate suppression: the last request answered and the size of its response frame in tx.
  bool have_last_ = false;
  uint16_t last_sequence_ = 0;
  uint8_t last_type_ = 0;
  size_t last_frame_bytes_ = 0;

  char error_[200] = {};
  uint32_t executed_ = 0;
  uint32_t duplicates_ = 0;
  uint32_t dropped_ = 0;
};

}  // namespace hil::agent
