#include "hil/link/agent_session.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "hil/protocol/crc32.h"
#include "hil/protocol/frame.h"
#include "hil/protocol/messages.h"

namespace hil::link {
namespace {

using protocol::MessageType;

// Replies before HELLO, and from agents with big payloads, fit in this.
constexpr size_t kMaxReplyPayload = 64 * 1024;

uint8_t T(MessageType t) { return static_cast<uint8_t>(t); }

std::string TypeName(uint8_t type) { return protocol::MessageTypeName(type); }

}  // namespace

std::string CycleUnit(uint8_t cycle_source) {
  const std::string full = protocol::CycleSourceName(static_cast<protocol::CycleSource>(cycle_source));
  const auto colon = full.find(':');
  return colon == std::string::npos ? full : full.substr(0, colon);
}

std::string CycleSourceLabel(uint8_t cycle_source) {
  const std::string full = protocol::CycleSourceName(static_cast<protocol::CycleSource>(cycle_source));
  const auto colon = full.find(':');
  return colon == std::string::npos ? full : full.substr(colon + 1);
}

AgentSession::AgentSession(Link& link, std::string name, SessionOptions options)
    : link_(link),
      name_(std::move(name)),
      options_(options),
      sequence_(options.first_sequence ? *options.first_sequence : static_cast<uint16_t>(std::random_device{}())) {
  rx_.resize(protocol::MaxFrameBytes(kMaxReplyPayload));
}

AgentSession::~AgentSession() = default;

std::unexpected<Error> AgentSession::Problem(Status code, const std::string& what) const {
  return Fail(code, name_ + ": " + what + " on " + std::string(link_.Describe()));
}

Result<std::vector<uint8_t>> AgentSession::Request(uint8_t type, std::span<const uint8_t> payload,
                                                   std::chrono::milliseconds attempt_timeout) {
  if (hello_ && payload.size() > info_.max_payload)
    return Problem(Status::kTooLarge, TypeName(type) + " payload of " + std::to_string(payload.size()) +
                                          " bytes exceeds the agent's max_payload " + std::to_string(info_.max_payload));
  const uint16_t seq = sequence_++;
  scratch_.resize(protocol::kHeaderBytes + payload.size() + protocol::kCrcBytes);
  frame_.resize(protocol::MaxFrameBytes(payload.size()));
  const size_t frame_bytes = protocol::EncodeFrame(type, seq, payload.data(), payload.size(), scratch_.data(),
                                                   scratch_.size(), frame_.data(), frame_.size());
  if (frame_bytes == 0) return Problem(Status::kInternal, "cannot encode " + TypeName(type));
  ++stats_.requests;

  protocol::FrameDecoder decoder(rx_.data(), rx_.size());
  const uint8_t expected = static_cast<uint8_t>(type | protocol::kResponseBit);
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) ++stats_.retransmissions;
    // A leading delimiter ends any partial frame the agent holds from damaged bytes.
    static constexpr std::byte kDelimiter[1] = {std::byte{0}};
    if (auto w = link_.Write(kDelimiter, Deadline::After(attempt_timeout)); !w) return Wrap(w.error(), name_);
    if (auto w = link_.Write(std::as_bytes(std::span(frame_.data(), frame_bytes)), Deadline::After(attempt_timeout)); !w)
      return Wrap(w.error(), name_ + ": sending " + TypeName(type));
    const Deadline deadline = Deadline::After(attempt_timeout);
    decoder.Clear();
    for (;;) {
      std::byte buf[1024];
      auto n = link_.Read(buf, deadline);
      if (!n) {
        if (n.error().code == Status::kTimeout) break;  // retransmit
        return Wrap(n.error(), name_ + ": waiting for the reply to " + TypeName(type));
      }
      for (size_t i = 0; i < *n; ++i) {
        const auto event = decoder.Push(static_cast<uint8_t>(buf[i]));
        if (event == protocol::FrameDecoder::Event::kError) {
          ++stats_.bad_frames;
          continue;
        }
        if (event != protocol::FrameDecoder::Event::kPacket) continue;
        const protocol::Header& h = decoder.header();
        if (h.sequence != seq || (h.type != expected && h.type != T(MessageType::kError))) {
          ++stats_.stale_responses;
          continue;
        }
        const uint8_t* p = decoder.payload();
        if (h.type == T(MessageType::kError)) {
          protocol::ErrorResponse err;
          protocol::Reader r(p, h.length);
          if (!err.Decode(r)) return Problem(Status::kBadFrame, "malformed ERROR reply to " + TypeName(type));
          return Fail(err.status, name_ + ": agent refused " + TypeName(type) + ": " + err.message + " (" +
                                      StatusName(err.status) + ")");
        }
        return std::vector<uint8_t>(p, p + h.length);
      }
    }
  }
  return Problem(Status::kTimeout, "no reply to " + TypeName(type) + " (seq " + std::to_string(seq) + ") after " +
                                       std::to_string(options_.max_attempts) + " attempts of " +
                                       std::to_string(attempt_timeout.count()) + " ms");
}

Result<AgentInfo> AgentSession::Hello() {
  auto reply = Request(T(MessageType::kHello), {}, options_.response_timeout);
  if (!reply) {
    if (reply.error().code == Status::kTimeout)
      return Fail(Status::kTimeout, name_ + ": no HELLO within " +
                                        std::to_string(options_.response_timeout.count() * options_.max_attempts) +
                                        " ms on " + std::string(link_.Describe()));
    return std::unexpected(reply.error());
  }
  protocol::HelloResponse h;
  protocol::Reader r(reply->data(), reply->size());
  if (!h.Decode(r)) return Problem(Status::kBadFrame, "malformed HELLO reply");
  if (h.protocol_version != protocol::kProtocolVersion)
    return Problem(Status::kBadState, "agent speaks protocol version " + std::to_string(h.protocol_version) +
                                          ", this hil speaks " + std::to_string(protocol::kProtocolVersion));
  if (h.max_payload < 16) return Problem(Status::kBadFrame, "agent max_payload " + std::to_string(h.max_payload) + " is too small");
  info_.protocol_version = h.protocol_version;
  info_.engine_version = h.engine_version;
  info_.clock_hz = h.clock_hz;
  info_.arena_bytes = h.arena_bytes;
  info_.max_payload = std::min<uint32_t>(h.max_payload, kMaxReplyPayload);
  info_.capabilities = h.capabilities;
  info_.cycle_source = static_cast<uint8_t>(h.cycle_source);
  info_.cycle_unit = CycleUnit(info_.cycle_source);
  info_.cycle_source_name = CycleSourceLabel(info_.cycle_source);
  info_.agent_name = h.agent_name;
  info_.board_id = h.board_id;
  info_.max_iterations = h.max_iterations;
  info_.engines = h.engines;
  hello_ = true;
  return info_;
}

Result<void> AgentSession::EnsureHello() {
  if (hello_) return {};
  auto h = Hello();
  if (!h) return std::unexpected(h.error());
  return {};
}

Result<LoadedModel> AgentSession::LoadModel(std::span<const uint8_t> blob) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  if (blob.size() > 0xFFFFFFFFu) return Problem(Status::kTooLarge, "model of " + std::to_string(blob.size()) + " bytes");
  std::vector<uint8_t> payload(info_.max_payload);
  {
    protocol::LoadBeginRequest req;
    req.total_bytes = static_cast<uint32_t>(blob.size());
    req.crc32 = protocol::Crc32(blob.data(), blob.size());
    protocol::Writer w(payload.data(), payload.size());
    req.Encode(w);
    auto reply = Request(T(MessageType::kLoadBegin), std::span(payload.data(), w.size()), options_.response_timeout);
    if (!reply) return std::unexpected(reply.error());
  }
  const size_t chunk = info_.max_payload - 4;
  for (size_t offset = 0; offset < blob.size(); offset += chunk) {
    const size_t n = std::min(chunk, blob.size() - offset);
    protocol::LoadChunkRequest req;
    req.offset = static_cast<uint32_t>(offset);
    req.data = blob.data() + offset;
    req.size = static_cast<uint32_t>(n);
    protocol::Writer w(payload.data(), payload.size());
    req.Encode(w);
    if (!w.ok()) return Problem(Status::kInternal, "cannot encode LOAD_CHUNK");
    auto reply = Request(T(MessageType::kLoadChunk), std::span(payload.data(), w.size()), options_.response_timeout);
    if (!reply) return std::unexpected(reply.error());
    protocol::LoadChunkResponse resp;
    protocol::Reader r(reply->data(), reply->size());
    if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed LOAD_CHUNK reply");
    if (resp.bytes_received != offset + n)
      return Problem(Status::kBadLength, "upload truncated: the agent holds " + std::to_string(resp.bytes_received) +
                                             " bytes after the chunk ending at " + std::to_string(offset + n));
  }
  auto reply = Request(T(MessageType::kLoadEnd), {}, options_.execute_timeout);
  if (!reply) return std::unexpected(reply.error());
  protocol::LoadEndResponse resp;
  protocol::Reader r(reply->data(), reply->size());
  if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed LOAD_END reply");
  LoadedModel m;
  m.arena_used = resp.arena_used;
  m.operator_count = resp.operator_count;
  m.input_bytes.assign(resp.input_bytes, resp.input_bytes + resp.input_count);
  m.output_bytes.assign(resp.output_bytes, resp.output_bytes + resp.output_count);
  return m;
}

Result<void> AgentSession::SetInput(int index, std::span<const uint8_t> bytes) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  if (index < 0 || index > 255) return Problem(Status::kBadArgument, "input index " + std::to_string(index));
  std::vector<uint8_t> payload(info_.max_payload);
  const size_t chunk = info_.max_payload - 5;
  size_t offset = 0;
  do {
    const size_t n = std::min(chunk, bytes.size() - offset);
    protocol::SetInputRequest req;
    req.index = static_cast<uint8_t>(index);
    req.offset = static_cast<uint32_t>(offset);
    req.data = bytes.data() + offset;
    req.size = static_cast<uint32_t>(n);
    protocol::Writer w(payload.data(), payload.size());
    req.Encode(w);
    auto reply = Request(T(MessageType::kSetInput), std::span(payload.data(), w.size()), options_.response_timeout);
    if (!reply) return std::unexpected(reply.error());
    offset += n;
  } while (offset < bytes.size());
  return {};
}

Result<InvokeResult> AgentSession::Invoke(int warmup, int iterations) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  if (warmup < 0 || warmup > 0xFFFF || iterations < 1)
    return Problem(Status::kBadArgument, "INVOKE warmup " + std::to_string(warmup) + ", iterations " + std::to_string(iterations));
  const int per_reply = std::min<int>(protocol::MaxIterationsPerInvoke(info_.max_payload), info_.max_iterations);
  if (per_reply < 1) return Problem(Status::kBadState, "agent max_payload too small for INVOKE");
  InvokeResult result;
  int done = 0;
  bool first = true;
  while (done < iterations) {
    protocol::InvokeRequest req;
    req.warmup = first ? static_cast<uint16_t>(warmup) : 0;
    req.iterations = static_cast<uint16_t>(std::min(per_reply, iterations - done));
    uint8_t buf[8];
    protocol::Writer w(buf, sizeof buf);
    req.Encode(w);
    auto reply = Request(T(MessageType::kInvoke), std::span(buf, w.size()), options_.execute_timeout);
    if (!reply) return std::unexpected(reply.error());
    protocol::InvokeResponse resp;
    protocol::Reader r(reply->data(), reply->size());
    if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed INVOKE reply");
    if (resp.count != req.iterations)
      return Problem(Status::kBadLength, "INVOKE of " + std::to_string(req.iterations) + " iterations returned " +
                                             std::to_string(resp.count) + " figures");
    result.cycle_source = static_cast<uint8_t>(resp.cycle_source);
    for (uint16_t i = 0; i < resp.count; ++i) result.cycles.push_back(resp.Cycles(i));
    done += req.iterations;
    first = false;
  }
  return result;
}

Result<std::vector<uint8_t>> AgentSession::GetOutput(int index) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  if (index < 0 || index > 255) return Problem(Status::kBadArgument, "output index " + std::to_string(index));
  std::vector<uint8_t> out;
  const uint32_t max_bytes = info_.max_payload - 4;
  for (;;) {
    protocol::GetOutputRequest req;
    req.index = static_cast<uint8_t>(index);
    req.offset = static_cast<uint32_t>(out.size());
    req.max_bytes = max_bytes;
    uint8_t buf[16];
    protocol::Writer w(buf, sizeof buf);
    req.Encode(w);
    auto reply = Request(T(MessageType::kGetOutput), std::span(buf, w.size()), options_.response_timeout);
    if (!reply) return std::unexpected(reply.error());
    protocol::GetOutputResponse resp;
    protocol::Reader r(reply->data(), reply->size());
    if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed GET_OUTPUT reply");
    if (resp.size > max_bytes || out.size() + resp.size > resp.total_bytes)
      return Problem(Status::kBadLength, "GET_OUTPUT " + std::to_string(index) + " returned more bytes than asked or than the output has");
    out.insert(out.end(), resp.data, resp.data + resp.size);
    if (out.size() == resp.total_bytes) break;
    if (resp.size == 0)
      return Problem(Status::kBadLength, "GET_OUTPUT " + std::to_string(index) + " stalled at byte " + std::to_string(out.size()) +
                                             " of " + std::to_string(resp.total_bytes));
  }
  return out;
}

Result<std::vector<OpProfileEntry>> AgentSession::GetProfile() {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  std::vector<OpProfileEntry> out;
  for (;;) {
    protocol::GetProfileRequest req;
    req.first = static_cast<uint16_t>(out.size());
    uint8_t buf[4];
    protocol::Writer w(buf, sizeof buf);
    req.Encode(w);
    auto reply = Request(T(MessageType::kGetProfile), std::span(buf, w.size()), options_.response_timeout);
    if (!reply) return std::unexpected(reply.error());
    protocol::GetProfileResponse resp;
    protocol::Reader r(reply->data(), reply->size());
    if (!resp.Decode(r) || resp.first != out.size()) return Problem(Status::kBadFrame, "malformed GET_PROFILE reply");
    for (uint16_t i = 0; i < resp.count; ++i) {
      const protocol::ProfileEntry e = resp.Entry(i);
      out.push_back({e.opcode, e.calls, e.cycles});
    }
    if (out.size() >= resp.total) break;
    if (resp.count == 0) return Problem(Status::kBadLength, "GET_PROFILE stalled at entry " + std::to_string(out.size()));
  }
  return out;
}

Result<MemoryInfo> AgentSession::GetMemory() {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  auto reply = Request(T(MessageType::kGetMemory), {}, options_.response_timeout);
  if (!reply) return std::unexpected(reply.error());
  protocol::GetMemoryResponse resp;
  protocol::Reader r(reply->data(), reply->size());
  if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed GET_MEMORY reply");
  return MemoryInfo{resp.arena_bytes, resp.arena_used, resp.stack_bytes, resp.stack_used, resp.static_bytes};
}

Result<uint8_t> AgentSession::SetKernel(uint8_t variant) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  // The agent re-plans a loaded model: quick, but give it the compute deadline.
  const uint8_t payload[1] = {variant};
  auto reply = Request(T(MessageType::kSetKernel), std::span(payload, 1), options_.execute_timeout);
  if (!reply) return std::unexpected(reply.error());
  protocol::SetKernelResponse resp;
  protocol::Reader r(reply->data(), reply->size());
  if (!resp.Decode(r)) return Problem(Status::kBadFrame, "malformed SET_KERNEL reply");
  return resp.variant;
}

Result<uint8_t> AgentSession::SetEngine(uint8_t engine) {
  if (auto h = EnsureHello(); !h) return std::unexpected(h.error());
  const auto name = [](int id) { return std::string(protocol::EngineName(static_cast<protocol::EngineId>(id))); };
  if (engine >= protocol::kEngineCount || !(info_.engines & (1u << engine))) {
    std::string has;
    for (int i = 0; i < protocol::kEngineCount; ++i)
      if (info_.engines & (1u << i)) has += (has.empty() ? "" : ", ") + name(i);
    return Problem(Status::kNotFound, "engine " + name(engine) + " is not built into the agent on " + info_.board_id +
                                          " (it has " + has + ")");
  }
  // An agent with ours only is not asked: nothing to switch (and agents from before SET_ENGINE
  // would not know the request). Its kernel variant is whatever SET_KERNEL chose.
  if (engine == static_cast<uint8_t>(protocol::EngineId::kTinyHil) && info_.engines == 1) return uint8_t{0};
  const uint8_t payload[1] = {engine};
  auto reply = Request(T(MessageType::kSetEngine), std::span(payload, 1), options_.response_timeout);
  if (!reply) return std::unexpected(reply.error());
  protocol::SetEngineResponse resp;
  protocol::Reader r(reply->data(), reply->size());
  if (!resp.Decode(r) || resp.engine != engine) return Problem(Status::kBadFrame, "malformed SET_ENGINE reply");
  return resp.kernel_variant;
}

Result<void> AgentSession::Reset() {
  auto reply = Request(T(MessageType::kReset), {}, options_.response_timeout);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

}  // namespace hil::link
