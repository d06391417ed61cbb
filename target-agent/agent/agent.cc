#include "hil/agent/agent.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "hil/protocol/crc32.h"

namespace hil::agent {

using protocol::MessageType;
using protocol::Reader;
using protocol::Writer;

Agent::Agent(const Port& port, const Buffers& buffers)
    : port_(port), buf_(buffers), decoder_(buffers.rx, buffers.rx_bytes) {
  engines_[static_cast<int>(protocol::EngineId::kTinyHil)] = &tinyhil_;
  engines_[static_cast<int>(protocol::EngineId::kTflm)] = port.tflm;
}

void Agent::Push(uint8_t byte) {
  switch (decoder_.Push(byte)) {
    case protocol::FrameDecoder::Event::kPacket:
      Handle(decoder_.header(), decoder_.payload());
      break;
    case protocol::FrameDecoder::Event::kError:
      ++dropped_;  // the host retransmits; answering a frame we cannot trust could confuse it
      break;
    case protocol::FrameDecoder::Event::kNone:
      break;
  }
}

Status Agent::Fail(Status status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(error_, sizeof error_, format, args);
  va_end(args);
  return status;
}

void Agent::Send(uint8_t type, uint16_t sequence, const uint8_t* payload, size_t size) {
  size_t n = protocol::EncodeFrame(type, sequence, payload, size, buf_.scratch, buf_.scratch_bytes,
                                   buf_.tx, buf_.tx_bytes);
  if (n == 0) {
    // Only a response larger than the buffers can get here; report that instead.
    protocol::ErrorResponse e;
    e.status = Status::kInternal;
    e.request_type = type & 0x7F;
    snprintf(e.message, sizeof e.message, "response of %u bytes does not fit the agent's buffers",
             static_cast<unsigned>(size));
    uint8_t small[300];
    Writer w(small, sizeof small);
    e.Encode(w);
    n = protocol::EncodeFrame(static_cast<uint8_t>(MessageType::kError), sequence, small, w.size(),
                              buf_.scratch, buf_.scratch_bytes, buf_.tx, buf_.tx_bytes);
  }
  last_frame_bytes_ = n;
  if (n && port_.write) port_.write(buf_.tx, n, port_.write_context);
}

void Agent::Handle(const protocol::Header& header, const uint8_t* payload) {
  if (have_last_ && header.sequence == last_sequence_ && header.type == last_type_) {
    // A retransmission: our answer was lost or late. Answer again, do not run it twice.
    ++duplicates_;
    if (last_frame_bytes_ && port_.write) port_.write(buf_.tx, last_frame_bytes_, port_.write_context);
    return;
  }
  ++executed_;
  error_[0] = '\0';
  Reader r(payload, header.length);
  Writer w(buf_.response, buf_.max_payload < buf_.response_bytes ? buf_.max_payload : buf_.response_bytes);
  Status status = Status::kOk;
  bool reset_after = false;
  switch (static_cast<MessageType>(header.type)) {
    case MessageType::kHello:
      status = r.done() ? Hello(w) : Fail(Status::kBadLength, "HELLO takes no payload");
      break;
    case MessageType::kLoadBegin: status = LoadBegin(r); break;
    case MessageType::kLoadChunk: status = LoadChunk(r, w); break;
    case MessageType::kLoadEnd:
      status = r.done() ? LoadEnd(w) : Fail(Status::kBadLength, "LOAD_END takes no payload");
      break;
    case MessageType::kSetInput: status = SetInput(r); break;
    case MessageType::kInvoke: status = Invoke(r, w); break;
    case MessageType::kGetOutput: status = GetOutput(r, w); break;
    case MessageType::kGetProfile: status = GetProfile(r, w); break;
    case MessageType::kGetMemory:
      status = r.done() ? GetMemory(w) : Fail(Status::kBadLength, "GET_MEMORY takes no payload");
      break;
    case MessageType::kSetKernel: status = SetKernel(r, w); break;
    case MessageType::kSetEngine: status = SetEngine(r, w); break;
    case MessageType::kReset:
      reset_after = true;
      break;
    default:
      status = Fail(Status::kUnknownMessage, "unknown message type 0x%02x", header.type);
      break;
  }
  if (status == Status::kOk && !w.ok()) {
    status = Fail(Status::kInternal, "%s response does not fit %u bytes",
                  protocol::MessageTypeName(header.type), static_cast<unsigned>(buf_.max_payload));
  }
  have_last_ = true;
  last_sequence_ = header.sequence;
  last_type_ = header.type;
  if (status == Status::kOk) {
    Send(header.type | protocol::kResponseBit, header.sequence, buf_.response, w.size());
  } else {
    protocol::ErrorResponse e;
    e.status = status;
    e.request_type = header.type;
    strncpy(e.message, error_[0] ? error_ : StatusName(status), sizeof e.message - 1);
    Writer ew(buf_.response, buf_.response_bytes);
    e.Encode(ew);
    Send(static_cast<uint8_t>(MessageType::kError), header.sequence, buf_.response, ew.size());
  }
  if (reset_after) {
    DropModel();  // RESET drops all state: our engine again, with its reference kernels
    engine_ = &tinyhil_;
    (void)engine_->SetKernelVariant(engine::KernelVariant::kRef);
    if (port_.reset) port_.reset();
  }
}

Status Agent::Hello(Writer& w) {
  protocol::HelloResponse h;
  h.protocol_version = protocol::kProtocolVersion;
  h.engine_version = engine::kEngineVersion;
  h.clock_hz = port_.clock_hz;
  h.arena_bytes = static_cast<uint32_t>(buf_.arena_bytes);
  h.max_payload = buf_.max_payload;
  h.capabilities = port_.capabilities;
  h.cycle_source = port_.cycle_source;
  strncpy(h.agent_name, port_.agent_name, protocol::kMaxNameBytes);
  strncpy(h.board_id, port_.board_id, protocol::kMaxNameBytes);
  h.max_iterations = kMaxIterations;
  h.engines = 0;
  for (int i = 0; i < protocol::kEngineCount; ++i) {
    if (engines_[i] != nullptr) h.engines |= static_cast<uint8_t>(1u << i);
  }
  h.Encode(w);
  return Status::kOk;
}

Status Agent::LoadBegin(Reader& r) {
  protocol::LoadBeginRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed LOAD_BEGIN");
  engine_->Reset();
  loading_ = false;
  if (req.total_bytes == 0) return Fail(Status::kBadArgument, "model of 0 bytes");
  if (req.total_bytes > buf_.model_bytes) {
    return Fail(Status::kTooLarge, "model of %lu bytes exceeds the model buffer of %lu bytes by %lu bytes",
                static_cast<unsigned long>(req.total_bytes), static_cast<unsigned long>(buf_.model_bytes),
                static_cast<unsigned long>(req.total_bytes - buf_.model_bytes));
  }
  loading_ = true;
  load_total_ = req.total_bytes;
  load_crc_ = req.crc32;
  load_received_ = 0;
  return Status::kOk;
}

Status Agent::LoadChunk(Reader& r, Writer& w) {
  protocol::LoadChunkRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed LOAD_CHUNK");
  if (!loading_) return Fail(Status::kBadState, "LOAD_CHUNK without LOAD_BEGIN");
  // Chunks arrive in order; a chunk that starts past what we have means one went missing.
  if (req.offset > load_received_) {
    return Fail(Status::kOutOfRange, "chunk at offset %lu but only %lu bytes received",
                static_cast<unsigned long>(req.offset), static_cast<unsigned long>(load_received_));
  }
  if (req.size > load_total_ || req.offset > load_total_ - req.size) {
    return Fail(Status::kOutOfRange, "chunk [%lu, +%lu) past the announced %lu bytes",
                static_cast<unsigned long>(req.offset), static_cast<unsigned long>(req.size),
                static_cast<unsigned long>(load_total_));
  }
  memcpy(buf_.model + req.offset, req.data, req.size);
  if (req.offset + req.size > load_received_) load_received_ = req.offset + req.size;
  protocol::LoadChunkResponse resp{load_received_};
  resp.Encode(w);
  return Status::kOk;
}

Status Agent::LoadEnd(Writer& w) {
  if (!loading_) return Fail(Status::kBadState, "LOAD_END without LOAD_BEGIN");
  loading_ = false;
  if (load_received_ != load_total_) {
    return Fail(Status::kBadLength, "upload truncated: %lu of %lu bytes received",
                static_cast<unsigned long>(load_received_), static_cast<unsigned long>(load_total_));
  }
  const uint32_t crc = protocol::Crc32(buf_.model, load_total_);
  if (crc != load_crc_) {
    return Fail(Status::kCrcMismatch, "model CRC-32 is %08lx, announced %08lx",
                static_cast<unsigned long>(crc), static_cast<unsigned long>(load_crc_));
  }
  Status s = engine_->Load(buf_.model, load_total_, buf_.arena, buf_.arena_bytes);
  if (s != Status::kOk) return Fail(s, "%s", engine_->ErrorDetail()[0] ? engine_->ErrorDetail() : StatusName(s));
  if (engine_->input_count() + engine_->output_count() > protocol::kMaxTensors) {
    engine_->Reset();
    return Fail(Status::kTooLarge, "model has more than %d inputs and outputs", protocol::kMaxTensors);
  }
  // Room for the input copies after the blob, 8-byte aligned.
  size_t inputs = 0;
  for (int i = 0; i < engine_->input_count(); ++i) inputs += engine_->input(i).bytes;
  const size_t at = (static_cast<size_t>(load_total_) + 7u) & ~size_t{7};
  if (at > buf_.model_bytes || inputs > buf_.model_bytes - at) {
    const size_t need = at + inputs;
    engine_->Reset();
    return Fail(Status::kTooLarge, "model of %lu bytes plus its %lu input bytes exceed the model buffer of %lu bytes by %lu bytes",
                static_cast<unsigned long>(load_total_), static_cast<unsigned long>(inputs),
                static_cast<unsigned long>(buf_.model_bytes), static_cast<unsigned long>(need - buf_.model_bytes));
  }
  staged_inputs_ = buf_.model + at;
  memset(staged_inputs_, 0, inputs);
  protocol::LoadEndResponse resp;
  resp.arena_used = static_cast<uint32_t>(engine_->arena_used());
  resp.operator_count = static_cast<uint16_t>(engine_->operator_count());
  resp.input_count = static_cast<uint8_t>(engine_->input_count());
  resp.output_count = static_cast<uint8_t>(engine_->output_count());
  for (int i = 0; i < resp.input_count; ++i) resp.input_bytes[i] = static_cast<uint32_t>(engine_->input(i).bytes);
  for (int i = 0; i < resp.output_count; ++i) resp.output_bytes[i] = static_cast<uint32_t>(engine_->output(i).bytes);
  resp.Encode(w);
  profile_.Clear();
  return Status::kOk;
}

Status Agent::SetInput(Reader& r) {
  protocol::SetInputRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed SET_INPUT");
  if (!engine_->loaded()) return Fail(Status::kBadState, "SET_INPUT before a model is loaded");
  if (req.index >= engine_->input_count()) {
    return Fail(Status::kOutOfRange, "input %u does not exist (model has %d)", req.index, engine_->input_count());
  }
  engine::TensorView t = engine_->input(req.index);
  if (req.size > t.bytes || req.offset > t.bytes - req.size) {
    return Fail(Status::kOutOfRange, "input %u bytes [%lu, +%lu) past its %lu bytes", req.index,
                static_cast<unsigned long>(req.offset), static_cast<unsigned long>(req.size),
                static_cast<unsigned long>(t.bytes));
  }
  size_t before = 0;
  for (int i = 0; i < req.index; ++i) before += engine_->input(i).bytes;
  memcpy(staged_inputs_ + before + req.offset, req.data, req.size);
  memcpy(t.data + req.offset, req.data, req.size);
  return Status::kOk;
}

void Agent::RestoreInputs() {
  // Every run computes the same thing, as the host reference does (a freshly loaded model): a
  // stateful model's variables (LSTM, SVDF state) start over, outside the measured window.
  engine_->ResetVariables();
  size_t at = 0;
  for (int i = 0; i < engine_->input_count(); ++i) {
    engine::TensorView t = engine_->input(i);
    memcpy(t.data, staged_inputs_ + at, t.bytes);
    at += t.bytes;
  }
}

Status Agent::Invoke(Reader& r, Writer& w) {
  protocol::InvokeRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed INVOKE");
  if (!engine_->loaded()) return Fail(Status::kBadState, "INVOKE before a model is loaded");
  uint16_t limit = protocol::MaxIterationsPerInvoke(buf_.max_payload);
  if (limit > kMaxIterations) limit = kMaxIterations;
  if (req.iterations == 0 || req.iterations > limit) {
    return Fail(Status::kOutOfRange, "iterations %u outside 1..%u", req.iterations, limit);
  }
  for (uint16_t i = 0; i < req.warmup; ++i) {
    RestoreInputs();
    Status s = engine_->Invoke(nullptr);
    if (s != Status::kOk) return Fail(s, "%s", engine_->ErrorDetail());
  }
  profile_.Clear();
  if (port_.timestamp) port_.timestamp(true);
  for (uint16_t i = 0; i < req.iterations; ++i) {
    RestoreInputs();
    if (port_.align_counter) port_.align_counter();
    const uint64_t start = engine::PortCycles();
    Status s = engine_->Invoke(&profile_);
    const uint64_t end = engine::PortCycles();
    if (s != Status::kOk) {
      if (port_.timestamp) port_.timestamp(false);
      return Fail(s, "%s", engine_->ErrorDetail());
    }
    cycles_[i] = end - start;
  }
  if (port_.timestamp) port_.timestamp(false);
  protocol::InvokeResponse resp;
  resp.cycle_source = port_.cycle_source;
  resp.count = req.iterations;
  resp.cycles = cycles_;
  resp.Encode(w);
  return Status::kOk;
}

Status Agent::GetOutput(Reader& r, Writer& w) {
  protocol::GetOutputRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed GET_OUTPUT");
  if (!engine_->loaded()) return Fail(Status::kBadState, "GET_OUTPUT before a model is loaded");
  if (req.index >= engine_->output_count()) {
    return Fail(Status::kOutOfRange, "output %u does not exist (model has %d)", req.index, engine_->output_count());
  }
  engine::TensorView t = engine_->output(req.index);
  if (req.offset > t.bytes) return Fail(Status::kOutOfRange, "offset %lu past output of %lu bytes",
                                        static_cast<unsigned long>(req.offset), static_cast<unsigned long>(t.bytes));
  size_t n = t.bytes - req.offset;
  const size_t room = w.remaining() - 4;
  if (n > req.max_bytes) n = req.max_bytes;
  if (n > room) n = room;
  protocol::GetOutputResponse resp;
  resp.total_bytes = static_cast<uint32_t>(t.bytes);
  resp.data = t.data + req.offset;
  resp.size = static_cast<uint32_t>(n);
  resp.Encode(w);
  return Status::kOk;
}

Status Agent::GetProfile(Reader& r, Writer& w) {
  protocol::GetProfileRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed GET_PROFILE");
  if (!engine_->loaded()) return Fail(Status::kBadState, "GET_PROFILE before a model is loaded");
  const int total = engine_->operator_count();
  if (req.first > total) return Fail(Status::kOutOfRange, "operator %u past the model's %d", req.first, total);
  size_t fit = (w.remaining() - 6) / protocol::kProfileEntryBytes;
  size_t count = static_cast<size_t>(total - req.first);
  if (count > fit) count = fit;
  w.U16(static_cast<uint16_t>(total));
  w.U16(req.first);
  w.U16(static_cast<uint16_t>(count));
  for (size_t i = 0; i < count; ++i) {
    const int op = req.first + static_cast<int>(i);
    w.U16(engine_->opcode(op));
    w.U32(profile_.calls[op]);
    w.U64(profile_.cycles[op]);
  }
  return Status::kOk;
}

// The engine re-plans a loaded model for the new variant; inputs are restored from the staged copy
// before every run, so the host need not send them again.
Status Agent::SetKernel(Reader& r, Writer& w) {
  protocol::SetKernelRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed SET_KERNEL");
  const Status s = engine_->SetKernelVariant(static_cast<engine::KernelVariant>(req.variant));
  if (s != Status::kOk) return Fail(s, "%s", engine_->ErrorDetail()[0] ? engine_->ErrorDetail() : StatusName(s));
  protocol::SetKernelResponse resp;
  resp.variant = static_cast<uint8_t>(engine_->kernel_variant_in_effect());
  resp.Encode(w);
  profile_.Clear();
  return Status::kOk;
}

Status Agent::GetMemory(Writer& w) {
  protocol::GetMemoryResponse m;
  m.arena_bytes = static_cast<uint32_t>(buf_.arena_bytes);
  m.arena_used = engine_->loaded() ? static_cast<uint32_t>(engine_->arena_used()) : 0;
  m.stack_bytes = port_.stack_bytes ? port_.stack_bytes() : 0;
  m.stack_used = port_.stack_used ? port_.stack_used() : 0;
  m.static_bytes = port_.static_bytes;
  m.Encode(w);
  return Status::kOk;
}

void Agent::DropModel() {
  engine_->Reset();
  loading_ = false;
  load_received_ = 0;
  profile_.Clear();
}

Status Agent::SetEngine(Reader& r, Writer& w) {
  protocol::SetEngineRequest req;
  if (!req.Decode(r)) return Fail(Status::kBadLength, "malformed SET_ENGINE");
  if (req.engine >= protocol::kEngineCount) return Fail(Status::kBadArgument, "engine %u does not exist", req.engine);
  const auto id = static_cast<protocol::EngineId>(req.engine);
  if (engines_[req.engine] == nullptr) {
    return Fail(Status::kNotFound, "engine %s is not built into this agent", protocol::EngineName(id));
  }
  DropModel();
  engine_ = engines_[req.engine];
  // Ours starts from its reference kernels, as after RESET; TFLM's are fixed when it is built.
  (void)engine_->SetKernelVariant(id == protocol::EngineId::kTinyHil ? engine::KernelVariant::kRef
                                                                     : engine::KernelVariant::kAuto);
  protocol::SetEngineResponse resp;
  resp.engine = req.engine;
  resp.kernel_variant = static_cast<uint8_t>(engine_->kernel_variant_in_effect());
  resp.Encode(w);
  return Status::kOk;
}

}  // namespace hil::agent
