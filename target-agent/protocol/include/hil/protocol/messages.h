// Typed messages of protocol version 1 (docs/protocol.md). Each struct encodes itself into a Writer
// and decodes from a Reader; Decode returns false when the payload is short, too long or malformed.
// Variable-length parts (chunk bytes, cycle arrays) are pointers into the caller's buffers: a decoded
// message is valid only as long as the payload it was decoded from.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/common/status.h"
#include "hil/protocol/bytes.h"

namespace hil::protocol {

enum class MessageType : uint8_t {
  kHello = 0x01,
  kLoadBegin = 0x02,
  kLoadChunk = 0x03,
  kLoadEnd = 0x04,
  kSetInput = 0x05,
  kInvoke = 0x06,
  kGetOutput = 0x07,
  kGetProfile = 0x08,
  kGetMemory = 0x09,
  kReset = 0x0A,
  kSetKernel = 0x0B,
  kSetEngine = 0x0C,
  kError = 0xFF,
};

// "HELLO", "LOAD_CHUNK", ... or "UNKNOWN"; response types (bit 7 set) name their request.
const char* MessageTypeName(uint8_t type);

enum class CycleSource : uint8_t {
  kNone = 0,
  kDwtCyccnt = 1,
  kSysTick = 2,
  kQemuIcount = 3,
  kHostMonotonicNs = 4,
};

// "cycles:dwt", "cycles:systick", "instructions:qemu-icount", "ns:host-monotonic", "none".
const char* CycleSourceName(CycleSource source);

enum Capability : uint32_t {
  kCapProfiling = 1u << 0,
  kCapStackPainting = 1u << 1,
  kCapRtt = 1u << 2,
  // The agent pulses a timestamp GPIO low at the start and at the end of the timed iterations of
  // each INVOKE (a power monitor integrates the current between the two falling edges).
  kCapTimestampGpio = 1u << 3,
};

// The engines an agent may run a model on (SET_ENGINE; HELLO's `engines` has bit i set when engine
// i is built into the agent).
enum class EngineId : uint8_t {
  kTinyHil = 0,  // ours (target-agent/engine)
  kTflm = 1,     // TensorFlow Lite Micro (with CMSIS-NN where the core has DSP or MVE)
};
inline constexpr int kEngineCount = 2;
// "tinyhil", "tflm" or "unknown".
const char* EngineName(EngineId engine);

inline constexpr size_t kMaxNameBytes = 32;
inline constexpr int kMaxTensors = 8;  // inputs + outputs reported by LOAD_END

struct HelloResponse {
  uint16_t protocol_version = 0;
  uint32_t engine_version = 0;
  uint32_t clock_hz = 0;
  uint32_t arena_bytes = 0;
  uint32_t max_payload = 0;
  uint32_t capabilities = 0;
  CycleSource cycle_source = CycleSource::kNone;
  char agent_name[kMaxNameBytes + 1] = {};
  char board_id[kMaxNameBytes + 1] = {};
  uint16_t max_iterations = 0;  // most timed runs one INVOKE accepts (the reply size may limit further)
  // Bit i: EngineId i is built in. Agents older than SET_ENGINE do not send it: decoded as ours only.
  uint8_t engines = 1u << static_cast<uint8_t>(EngineId::kTinyHil);
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct LoadBeginRequest {
  uint32_t total_bytes = 0;
  uint32_t crc32 = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct LoadChunkRequest {
  uint32_t offset = 0;
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);  // takes every remaining byte as data
};

struct LoadChunkResponse {
  uint32_t bytes_received = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct LoadEndResponse {
  uint32_t arena_used = 0;
  uint16_t operator_count = 0;
  uint8_t input_count = 0;
  uint8_t output_count = 0;
  uint32_t input_bytes[kMaxTensors] = {};
  uint32_t output_bytes[kMaxTensors] = {};
  void Encode(Writer& w) const;
  bool Decode(Reader& r);  // false when input_count + output_count > kMaxTensors
};

struct SetInputRequest {
  uint8_t index = 0;
  uint32_t offset = 0;
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct InvokeRequest {
  uint16_t warmup = 0;
  uint16_t iterations = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

// Most per-iteration figures one INVOKE reply can carry for a given max payload.
constexpr uint16_t MaxIterationsPerInvoke(uint32_t max_payload) {
  return max_payload < 3 ? 0 : static_cast<uint16_t>((max_payload - 3) / 8 > 0xFFFF ? 0xFFFF : (max_payload - 3) / 8);
}

struct InvokeResponse {
  CycleSource cycle_source = CycleSource::kNone;
  uint16_t count = 0;
  const uint8_t* cycles_le = nullptr;  // count little-endian u64 values (decode side)
  const uint64_t* cycles = nullptr;    // encode side
  uint64_t Cycles(uint16_t i) const;   // decode side accessor
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct GetOutputRequest {
  uint8_t index = 0;
  uint32_t offset = 0;
  uint32_t max_bytes = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct GetOutputResponse {
  uint32_t total_bytes = 0;
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct GetProfileRequest {
  uint16_t first = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct ProfileEntry {
  uint16_t opcode = 0;
  uint32_t calls = 0;
  uint64_t cycles = 0;
};
inline constexpr size_t kProfileEntryBytes = 14;

struct GetProfileResponse {
  uint16_t total = 0;
  uint16_t first = 0;
  uint16_t count = 0;
  const ProfileEntry* entries = nullptr;  // encode side
  const uint8_t* entries_le = nullptr;    // decode side
  ProfileEntry Entry(uint16_t i) const;   // decode side accessor
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct GetMemoryResponse {
  uint32_t arena_bytes = 0;
  uint32_t arena_used = 0;
  uint32_t stack_bytes = 0;
  uint32_t stack_used = 0;
  uint32_t static_bytes = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

// SET_KERNEL: which kernel variant runs (0 ref, 1 dsp, 2 mve, 3 auto = the best one built for the
// core; engine::KernelVariant). The response carries the variant in effect (never 3).
struct SetKernelRequest {
  uint8_t variant = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct SetKernelResponse {
  uint8_t variant = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

// SET_ENGINE: which engine the next LOAD uses (EngineId). Forgets the loaded model; the kernel
// variant goes back to auto for TFLM (its kernels are fixed when built) and to ref for ours. The
// response carries the engine and the kernel variant now in effect. RESET selects ours again.
struct SetEngineRequest {
  uint8_t engine = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct SetEngineResponse {
  uint8_t engine = 0;
  uint8_t kernel_variant = 0;
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

struct ErrorResponse {
  Status status = Status::kOk;
  uint8_t request_type = 0;
  char message[256] = {};
  void Encode(Writer& w) const;
  bool Decode(Reader& r);
};

}  // namespace hil::protocol
