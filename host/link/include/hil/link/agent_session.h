// A protocol session with one agent over a Link (docs/protocol.md): one request at a time, framed by
// the protocol library; on a missing or damaged response the same frame (same sequence number) is
// sent again, at most `max_attempts` times, then the call fails with an Error naming the board, the
// request and the link. Never blocks past its deadlines.
//
// Typed calls split work to fit the agent's max_payload (from HELLO): model upload in LOAD_CHUNKs
// with a whole-blob CRC, inputs and outputs in chunks, INVOKE in batches the reply can carry.
//
// Thread: one thread per session. The Link must outlive the session.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hil/core/error.h"
#include "hil/link/link.h"

namespace hil::link {

struct SessionOptions {
  std::chrono::milliseconds response_timeout{500};   // per attempt, for quick requests
  std::chrono::milliseconds execute_timeout{20000};  // per attempt, for LOAD_END and INVOKE (they compute)
  int max_attempts = 6;
  // Default: random, so a new session never repeats the (sequence, type) an agent that outlived the
  // last session holds in its duplicate cache.
  std::optional<uint16_t> first_sequence;
};

struct AgentInfo {
  uint16_t protocol_version = 0;
  uint32_t engine_version = 0;
  uint32_t clock_hz = 0;
  uint32_t arena_bytes = 0;
  uint32_t max_payload = 0;
  uint32_t capabilities = 0;
  uint8_t cycle_source = 0;   // protocol::CycleSource
  std::string cycle_unit;     // "ns", "cycles", "instructions", "none"
  std::string cycle_source_name;  // "host-monotonic", "dwt", "systick", "qemu-icount", "none"
  std::string agent_name;
  std::string board_id;
  uint16_t max_iterations = 0;  // per INVOKE, as the agent advertises
  uint8_t engines = 1;          // bit i: protocol::EngineId i is built into the agent (bit 0, ours, always)
};

struct LoadedModel {
  uint32_t arena_used = 0;
  uint16_t operator_count = 0;
  std::vector<uint32_t> input_bytes;
  std::vector<uint32_t> output_bytes;
};

struct InvokeResult {
  uint8_t cycle_source = 0;
  std::vector<uint64_t> cycles;  // one per timed iteration, in order
};

struct OpProfileEntry {
  uint16_t opcode = 0;
  uint32_t calls = 0;
  uint64_t cycles = 0;
};

struct MemoryInfo {
  uint32_t arena_bytes = 0;
  uint32_t arena_used = 0;
  uint32_t stack_bytes = 0;
  uint32_t stack_used = 0;
  uint32_t static_bytes = 0;
};

struct SessionStats {
  uint64_t requests = 0;
  uint64_t retransmissions = 0;
  uint64_t bad_frames = 0;        // received frames dropped by the decoder (COBS, CRC, length)
  uint64_t stale_responses = 0;   // valid frames for another sequence number (late duplicates)
};

class AgentSession {
 public:
  // `name` prefixes every error ("board posix-host#1").
  AgentSession(Link& link, std::string name, SessionOptions options = {});
  ~AgentSession();

  // HELLO. Errors: kTimeout (no answer), kBadFrame (malformed reply), kBadState (link closed), or
  // the agent's status. Other calls send HELLO first when it has not been done.
  Result<AgentInfo> Hello();
  // LOAD_BEGIN, LOAD_CHUNKs, LOAD_END. kBadLength when the agent's count of bytes received disagrees
  // (a truncated upload); the agent's kCrcMismatch/kModelInvalid/kArenaTooSmall/... otherwise.
  Result<LoadedModel> LoadModel(std::span<const uint8_t> blob);
  Result<void> SetInput(int index, std::span<const uint8_t> bytes);
  // Runs `warmup` untimed then `iterations` timed inferences, in as many INVOKEs as needed (warmup
  // with the first). Returns every timed figure.
  Result<InvokeResult> Invoke(int warmup, int iterations);
  Result<std::vector<uint8_t>> GetOutput(int index);
  Result<std::vector<OpProfileEntry>> GetProfile();
  Result<MemoryInfo> GetMemory();
  Result<void> Reset();
  // SET_KERNEL: selects the agent's kernel variant (0 ref, 1 dsp, 2 mve, 3 auto) and returns the one
  // in effect. A loaded model stays loaded (the agent re-plans it). Errors: the agent's kNotFound
  // ("kernel variant mve is not built for this core (armv7e-m)"), kBadArgument, or link errors.
  Result<uint8_t> SetKernel(uint8_t variant);
  // SET_ENGINE: the engine the next LOAD uses (protocol::EngineId). Drops a loaded model; returns the
  // kernel variant in effect on that engine. An agent without the engine is refused here, by name,
  // before any request ("engine tflm is not built into the agent on <board id> (it has tinyhil)").
  Result<uint8_t> SetEngine(uint8_t engine);

  // One raw request: sends `payload` as `type` with a new sequence number and returns the response
  // payload. An ERROR response becomes an Error with the agent's status and message.
  Result<std::vector<uint8_t>> Request(uint8_t type, std::span<const uint8_t> payload,
                                       std::chrono::milliseconds attempt_timeout);

  const SessionStats& stats() const { return stats_; }
  const AgentInfo* info() const { return hello_ ? &info_ : nullptr; }
  uint16_t next_sequence() const { return sequence_; }

 private:
  Result<void> EnsureHello();
  std::unexpected<Error> Problem(Status code, const std::string& what) const;

  Link& link_;
  std::string name_;
  SessionOptions options_;
  uint16_t sequence_;
  bool hello_ = false;
  AgentInfo info_;
  SessionStats stats_;
  std::vector<uint8_t> rx_;       // frame decoder buffer
  std::vector<uint8_t> scratch_;  // packet before COBS
  std::vector<uint8_t> frame_;    // encoded request frame
};

// "ns" / "host-monotonic" and so on for a protocol cycle source.
std::string CycleUnit(uint8_t cycle_source);
std::string CycleSourceLabel(uint8_t cycle_source);

}  // namespace hil::link
