#include "hil/protocol/messages.h"

namespace hil::protocol {

const char* MessageTypeName(uint8_t type) {
  if (type == static_cast<uint8_t>(MessageType::kError)) return "ERROR";
  switch (static_cast<MessageType>(type & 0x7F)) {
    case MessageType::kHello: return "HELLO";
    case MessageType::kLoadBegin: return "LOAD_BEGIN";
    case MessageType::kLoadChunk: return "LOAD_CHUNK";
    case MessageType::kLoadEnd: return "LOAD_END";
    case MessageType::kSetInput: return "SET_INPUT";
    case MessageType::kInvoke: return "INVOKE";
    case MessageType::kGetOutput: return "GET_OUTPUT";
    case MessageType::kGetProfile: return "GET_PROFILE";
    case MessageType::kGetMemory: return "GET_MEMORY";
    case MessageType::kReset: return "RESET";
    case MessageType::kSetKernel: return "SET_KERNEL";
    case MessageType::kSetEngine: return "SET_ENGINE";
    default: return "UNKNOWN";
  }
}

const char* EngineName(EngineId engine) {
  switch (engine) {
    case EngineId::kTinyHil: return "tinyhil";
    case EngineId::kTflm: return "tflm";
  }
  return "unknown";
}

const char* CycleSourceName(CycleSource source) {
  switch (source) {
    case CycleSource::kDwtCyccnt: return "cycles:dwt";
    case CycleSource::kSysTick: return "cycles:systick";
    case CycleSource::kQemuIcount: return "instructions:qemu-icount";
    case CycleSource::kHostMonotonicNs: return "ns:host-monotonic";
    case CycleSource::kNone: break;
  }
  return "none";
}

void HelloResponse::Encode(Writer& w) const {
  w.U16(protocol_version);
  w.U32(engine_version);
  w.U32(clock_hz);
  w.U32(arena_bytes);
  w.U32(max_payload);
  w.U32(capabilities);
  w.U8(static_cast<uint8_t>(cycle_source));
  w.Str(agent_name);
  w.Str(board_id);
  w.U16(max_iterations);
  w.U8(engines);
}

bool HelloResponse::Decode(Reader& r) {
  protocol_version = r.U16();
  engine_version = r.U32();
  clock_hz = r.U32();
  arena_bytes = r.U32();
  max_payload = r.U32();
  capabilities = r.U32();
  cycle_source = static_cast<CycleSource>(r.U8());
  r.Str(agent_name, sizeof agent_name);
  r.Str(board_id, sizeof board_id);
  max_iterations = r.U16();
  engines = 1u << static_cast<uint8_t>(EngineId::kTinyHil);
  if (r.remaining() > 0) engines = r.U8();
  return r.done();
}

void LoadBeginRequest::Encode(Writer& w) const { w.U32(total_bytes); w.U32(crc32); }
bool LoadBeginRequest::Decode(Reader& r) { total_bytes = r.U32(); crc32 = r.U32(); return r.done(); }

void LoadChunkRequest::Encode(Writer& w) const { w.U32(offset); w.Bytes(data, size); }
bool LoadChunkRequest::Decode(Reader& r) {
  offset = r.U32();
  size = static_cast<uint32_t>(r.remaining());
  data = r.Bytes(size);
  return r.done();
}

void LoadChunkResponse::Encode(Writer& w) const { w.U32(bytes_received); }
bool LoadChunkResponse::Decode(Reader& r) { bytes_received = r.U32(); return r.done(); }

void LoadEndResponse::Encode(Writer& w) const {
  w.U32(arena_used);
  w.U16(operator_count);
  w.U8(input_count);
  w.U8(output_count);
  for (int i = 0; i < input_count && i < kMaxTensors; ++i) w.U32(input_bytes[i]);
  for (int i = 0; i < output_count && i < kMaxTensors; ++i) w.U32(output_bytes[i]);
}

bool LoadEndResponse::Decode(Reader& r) {
  arena_used = r.U32();
  operator_count = r.U16();
  input_count = r.U8();
  output_count = r.U8();
  if (input_count > kMaxTensors || output_count > kMaxTensors) return false;
  for (int i = 0; i < input_count; ++i) input_bytes[i] = r.U32();
  for (int i = 0; i < output_count; ++i) output_bytes[i] = r.U32();
  return r.done();
}

void SetInputRequest::Encode(Writer& w) const { w.U8(index); w.U32(offset); w.Bytes(data, size); }
bool SetInputRequest::Decode(Reader& r) {
  index = r.U8();
  offset = r.U32();
  size = static_cast<uint32_t>(r.remaining());
  data = r.Bytes(size);
  return r.done();
}

void InvokeRequest::Encode(Writer& w) const { w.U16(warmup); w.U16(iterations); }
bool InvokeRequest::Decode(Reader& r) { warmup = r.U16(); iterations = r.U16(); return r.done(); }

uint64_t InvokeResponse::Cycles(uint16_t i) const {
  if (i >= count || cycles_le == nullptr) return 0;
  Reader r(cycles_le + 8u * i, 8);
  return r.U64();
}

void InvokeResponse::Encode(Writer& w) const {
  w.U8(static_cast<uint8_t>(cycle_source));
  w.U16(count);
  for (uint16_t i = 0; i < count; ++i) w.U64(cycles[i]);
}

bool InvokeResponse::Decode(Reader& r) {
  cycle_source = static_cast<CycleSource>(r.U8());
  count = r.U16();
  cycles_le = r.Bytes(8u * count);
  cycles = nullptr;
  return r.done();
}

void GetOutputRequest::Encode(Writer& w) const { w.U8(index); w.U32(offset); w.U32(max_bytes); }
bool GetOutputRequest::Decode(Reader& r) {
  index = r.U8();
  offset = r.U32();
  max_bytes = r.U32();
  return r.done();
}

void GetOutputResponse::Encode(Writer& w) const { w.U32(total_bytes); w.Bytes(data, size); }
bool GetOutputResponse::Decode(Reader& r) {
  total_bytes = r.U32();
  size = static_cast<uint32_t>(r.remaining());
  data = r.Bytes(size);
  return r.done();
}

void GetProfileRequest::Encode(Writer& w) const { w.U16(first); }
bool GetProfileRequest::Decode(Reader& r) { first = r.U16(); return r.done(); }

ProfileEntry GetProfileResponse::Entry(uint16_t i) const {
  ProfileEntry e;
  if (i >= count || entries_le == nullptr) return e;
  Reader r(entries_le + kProfileEntryBytes * i, kProfileEntryBytes);
  e.opcode = r.U16();
  e.calls = r.U32();
  e.cycles = r.U64();
  return e;
}

void GetProfileResponse::Encode(Writer& w) const {
  w.U16(total);
  w.U16(first);
  w.U16(count);
  for (uint16_t i = 0; i < count; ++i) {
    w.U16(entries[i].opcode);
    w.U32(entries[i].calls);
    w.U64(entries[i].cycles);
  }
}

bool GetProfileResponse::Decode(Reader& r) {
  total = r.U16();
  first = r.U16();
  count = r.U16();
  entries_le = r.Bytes(kProfileEntryBytes * count);
  entries = nullptr;
  return r.done() && uint32_t(first) + count <= total;
}

void GetMemoryResponse::Encode(Writer& w) const {
  w.U32(arena_bytes);
  w.U32(arena_used);
  w.U32(stack_bytes);
  w.U32(stack_used);
  w.U32(static_bytes);
}

bool GetMemoryResponse::Decode(Reader& r) {
  arena_bytes = r.U32();
  arena_used = r.U32();
  stack_bytes = r.U32();
  stack_used = r.U32();
  static_bytes = r.U32();
  return r.done();
}

void SetKernelRequest::Encode(Writer& w) const { w.U8(variant); }
bool SetKernelRequest::Decode(Reader& r) { variant = r.U8(); return r.done(); }

void SetKernelResponse::Encode(Writer& w) const { w.U8(variant); }
bool SetKernelResponse::Decode(Reader& r) { variant = r.U8(); return r.done(); }

void SetEngineRequest::Encode(Writer& w) const { w.U8(engine); }
bool SetEngineRequest::Decode(Reader& r) { engine = r.U8(); return r.done(); }

void SetEngineResponse::Encode(Writer& w) const { w.U8(engine); w.U8(kernel_variant); }
bool SetEngineResponse::Decode(Reader& r) {
  engine = r.U8();
  kernel_variant = r.U8();
  return r.done();
}

void ErrorResponse::Encode(Writer& w) const {
  w.U16(static_cast<uint16_t>(status));
  w.U8(request_type);
  w.Str(message);
}

bool ErrorResponse::Decode(Reader& r) {
  status = static_cast<Status>(r.U16());
  request_type = r.U8();
  r.Str(message, sizeof message);
  return r.done();
}

}  // namespace hil::protocol
