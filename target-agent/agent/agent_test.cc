// The command loop against framed requests, without a link: what the agent does with duplicates,
// broken uploads and requests in the wrong state. Loading real models end to end is tested on the
// host side (host/board), which can generate models.
#include "hil/agent/agent.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "hil/protocol/crc32.h"

namespace hil::agent::engine {
uint64_t PortCycles() {
  static uint64_t t = 0;
  return t += 10;
}
}  // namespace hil::agent::engine

namespace hil::agent {
namespace {

using protocol::MessageType;

constexpr uint32_t kMaxPayload = 256;

struct Reply {
  protocol::Header header;
  std::vector<uint8_t> payload;
};

class AgentTest : public ::testing::Test {
 protected:
  AgentTest() {
    port_.board_id = "test-board";
    port_.clock_hz = 48000000;
    port_.cycle_source = protocol::CycleSource::kDwtCyccnt;
    port_.write = [](const uint8_t* bytes, size_t size, void* ctx) {
      auto* self = static_cast<AgentTest*>(ctx);
      self->wire_.insert(self->wire_.end(), bytes, bytes + size);
    };
    port_.write_context = this;
    port_.static_bytes = 1234;
    Buffers b;
    b.model = model_;
    b.model_bytes = sizeof model_;
    b.arena = arena_;
    b.arena_bytes = sizeof arena_;
    b.rx = rx_;
    b.rx_bytes = sizeof rx_;
    b.tx = tx_;
    b.tx_bytes = sizeof tx_;
    b.scratch = scratch_;
    b.scratch_bytes = sizeof scratch_;
    b.response = response_;
    b.response_bytes = sizeof response_;
    b.max_payload = kMaxPayload;
    agent_ = std::make_unique<Agent>(port_, b);
  }

  std::vector<uint8_t> Frame(MessageType type, uint16_t seq, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> scratch(ScratchBytesFor(uint32_t(payload.size()) + 16));
    std::vector<uint8_t> out(RxBytesFor(uint32_t(payload.size()) + 16));
    size_t n = protocol::EncodeFrame(uint8_t(type), seq, payload.data(), payload.size(), scratch.data(),
                                     scratch.size(), out.data(), out.size());
    out.resize(n);
    return out;
  }

  // Sends one request and returns every reply frame it produced.
  std::vector<Reply> Send(const std::vector<uint8_t>& frame) {
    wire_.clear();
    for (uint8_t b : frame) agent_->Push(b);
    std::vector<Reply> replies;
    std::vector<uint8_t> buf(RxBytesFor(kMaxPayload));
    protocol::FrameDecoder d(buf.data(), buf.size());
    for (uint8_t b : wire_) {
      if (d.Push(b) == protocol::FrameDecoder::Event::kPacket) {
        replies.push_back({d.header(), std::vector<uint8_t>(d.payload(), d.payload() + d.header().length)});
      }
    }
    return replies;
  }

  Reply Request(MessageType type, const std::vector<uint8_t>& payload = {}) {
    auto replies = Send(Frame(type, ++seq_, payload));
    EXPECT_EQ(replies.size(), 1u);
    if (replies.empty()) return {};
    EXPECT_EQ(replies[0].header.sequence, seq_);
    return replies[0];
  }

  static protocol::ErrorResponse AsError(const Reply& r) {
    protocol::ErrorResponse e;
    protocol::Reader rd(r.payload.data(), r.payload.size());
    EXPECT_TRUE(e.Decode(rd));
    return e;
  }

  std::vector<uint8_t> LoadBegin(uint32_t total, uint32_t crc) {
    std::vector<uint8_t> p(8);
    protocol::Writer w(p.data(), p.size());
    protocol::LoadBeginRequest{total, crc}.Encode(w);
    return p;
  }

  std::vector<uint8_t> Chunk(uint32_t offset, const uint8_t* data, uint32_t size) {
    std::vector<uint8_t> p(4 + size);
    protocol::Writer w(p.data(), p.size());
    protocol::LoadChunkRequest c;
    c.offset = offset;
    c.data = data;
    c.size = size;
    c.Encode(w);
    return p;
  }

  Port port_;
  uint8_t model_[4096];
  uint8_t arena_[4096];
  uint8_t rx_[RxBytesFor(kMaxPayload)];
  uint8_t tx_[RxBytesFor(kMaxPayload)];
  uint8_t scratch_[ScratchBytesFor(kMaxPayload)];
  uint8_t response_[kMaxPayload];
  std::vector<uint8_t> wire_;
  std::unique_ptr<Agent> agent_;
  uint16_t seq_ = 100;
};

TEST_F(AgentTest, HelloDescribesTheAgent) {
  Reply r = Request(MessageType::kHello);
  ASSERT_EQ(r.header.type, uint8_t(MessageType::kHello) | protocol::kResponseBit);
  protocol::HelloResponse h;
  protocol::Reader rd(r.payload.data(), r.payload.size());
  ASSERT_TRUE(h.Decode(rd));
  EXPECT_EQ(h.protocol_version, protocol::kProtocolVersion);
  EXPECT_EQ(h.engine_version, engine::kEngineVersion);
  EXPECT_EQ(h.clock_hz, 48000000u);
  EXPECT_EQ(h.arena_bytes, sizeof arena_);
  EXPECT_EQ(h.max_payload, kMaxPayload);
  EXPECT_EQ(h.cycle_source, protocol::CycleSource::kDwtCyccnt);
  EXPECT_STREQ(h.board_id, "test-board");
  EXPECT_EQ(h.max_iterations, kMaxIterations);
}

TEST_F(AgentTest, RepeatedSequenceIsAnsweredFromCacheNotRunAgain) {
  std::vector<uint8_t> data(100, 0x5A);
  Request(MessageType::kLoadBegin, LoadBegin(200, 0));
  auto chunk = Frame(MessageType::kLoadChunk, ++seq_, Chunk(0, data.data(), 100));
  auto first = Send(chunk);
  ASSERT_EQ(first.size(), 1u);
  const uint32_t executed = agent_->requests_executed();
  auto again = Send(chunk);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(agent_->requests_executed(), executed);
  EXPECT_EQ(agent_->duplicates_answered(), 1u);
  EXPECT_EQ(again[0].payload, first[0].payload);
  EXPECT_EQ(again[0].header.sequence, first[0].header.sequence);
  // The same sequence with another type is a new request.
  auto other = Send(Frame(MessageType::kHello, seq_, {}));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(agent_->requests_executed(), executed + 1);
}

TEST_F(AgentTest, CorruptFramesAreDroppedSilently) {
  auto f = Frame(MessageType::kHello, 5, {});
  f[3] ^= 0x40;
  EXPECT_TRUE(Send(f).empty());
  EXPECT_EQ(agent_->frames_dropped(), 1u);
  EXPECT_EQ(agent_->requests_executed(), 0u);
}

TEST_F(AgentTest, CrcMismatchOfTheWholeBlobIsAnError) {
  std::vector<uint8_t> data(64, 7);
  uint32_t crc = protocol::Crc32(data.data(), data.size());
  Request(MessageType::kLoadBegin, LoadBegin(64, crc ^ 1));
  Request(MessageType::kLoadChunk, Chunk(0, data.data(), 64));
  Reply r = Request(MessageType::kLoadEnd);
  ASSERT_EQ(r.header.type, uint8_t(MessageType::kError));
  auto e = AsError(r);
  EXPECT_EQ(e.status, Status::kCrcMismatch);
  EXPECT_NE(strstr(e.message, "CRC"), nullptr) << e.message;
}

TEST_F(AgentTest, TruncatedUploadIsAnError) {
  std::vector<uint8_t> data(64, 7);
  Request(MessageType::kLoadBegin, LoadBegin(128, protocol::Crc32(data.data(), 64)));
  Request(MessageType::kLoadChunk, Chunk(0, data.data(), 64));
  auto e = AsError(Request(MessageType::kLoadEnd));
  EXPECT_EQ(e.status, Status::kBadLength);
  EXPECT_NE(strstr(e.message, "64 of 128"), nullptr) << e.message;
}

TEST_F(AgentTest, MissingChunkAndOverrunAreRefused) {
  std::vector<uint8_t> data(64, 7);
  Request(MessageType::kLoadBegin, LoadBegin(100, 0));
  EXPECT_EQ(AsError(Request(MessageType::kLoadChunk, Chunk(32, data.data(), 8))).status, Status::kOutOfRange);
  Request(MessageType::kLoadChunk, Chunk(0, data.data(), 64));
  EXPECT_EQ(AsError(Request(MessageType::kLoadChunk, Chunk(64, data.data(), 64))).status, Status::kOutOfRange);
}

TEST_F(AgentTest, ModelLargerThanTheBufferStatesTheShortfall) {
  auto e = AsError(Request(MessageType::kLoadBegin, LoadBegin(5000, 0)));
  EXPECT_EQ(e.status, Status::kTooLarge);
  EXPECT_NE(strstr(e.message, "by 904 bytes"), nullptr) << e.message;
}

TEST_F(AgentTest, GarbageModelIsRejectedByTheVerifier) {
  std::vector<uint8_t> data(200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 37 + 11);
  Request(MessageType::kLoadBegin, LoadBegin(200, protocol::Crc32(data.data(), 200)));
  Request(MessageType::kLoadChunk, Chunk(0, data.data(), 200));
  auto e = AsError(Request(MessageType::kLoadEnd));
  EXPECT_EQ(e.status, Status::kModelInvalid) << e.message;
  // Nothing is loaded afterwards.
  EXPECT_EQ(AsError(Request(MessageType::kInvoke, {0, 0, 1, 0})).status, Status::kBadState);
}

TEST_F(AgentTest, SetKernelSelectsAutoAndRefusesVariantsNotBuilt) {
  // The host build has no DSP or MVE kernels: auto resolves to ref, dsp is refused with the core.
  Reply r = Request(MessageType::kSetKernel, {3});
  EXPECT_EQ(r.header.type, uint8_t(MessageType::kSetKernel) | protocol::kResponseBit);
  ASSERT_EQ(r.payload.size(), 1u);
  EXPECT_EQ(r.payload[0], 0);
  auto e = AsError(Request(MessageType::kSetKernel, {1}));
  EXPECT_EQ(e.status, Status::kNotFound);
  EXPECT_STREQ(e.message, "kernel variant dsp is not built for this core (host)");
  EXPECT_EQ(e.request_type, uint8_t(MessageType::kSetKernel));
  EXPECT_EQ(AsError(Request(MessageType::kSetKernel, {9})).status, Status::kBadArgument);
  EXPECT_EQ(AsError(Request(MessageType::kSetKernel, {})).status, Status::kBadLength);
  EXPECT_EQ(Request(MessageType::kSetKernel, {0}).payload, std::vector<uint8_t>{0});
}

TEST_F(AgentTest, RequestsBeforeLoadAndUnknownTypesAreErrors) {
  EXPECT_EQ(AsError(Request(MessageType::kSetInput, {0, 0, 0, 0, 0, 1})).status, Status::kBadState);
  EXPECT_EQ(AsError(Request(MessageType::kGetOutput, {0, 0, 0, 0, 0, 16, 0, 0, 0})).status, Status::kBadState);
  EXPECT_EQ(AsError(Request(MessageType::kLoadEnd)).status, Status::kBadState);
  EXPECT_EQ(AsError(Request(MessageType(0x3C))).status, Status::kUnknownMessage);
  EXPECT_EQ(AsError(Request(MessageType::kInvoke, {1})).status, Status::kBadLength);
}

TEST_F(AgentTest, MemoryReportsPortFigures) {
  Reply r = Request(MessageType::kGetMemory);
  protocol::GetMemoryResponse m;
  protocol::Reader rd(r.payload.data(), r.payload.size());
  ASSERT_TRUE(m.Decode(rd));
  EXPECT_EQ(m.arena_bytes, sizeof arena_);
  EXPECT_EQ(m.arena_used, 0u);
  EXPECT_EQ(m.static_bytes, 1234u);
}

// A stand-in second engine: "loads" any blob whose first byte is 'E', one int8 input and one output
// of 4 bytes, and Invoke adds 1 to each byte.
class EchoEngine final : public InferenceEngine {
 public:
  const char* name() const override { return "echo"; }
  Status Load(const uint8_t* model, size_t, uint8_t* arena, size_t) override {
    if (model[0] != 'E') {
      snprintf(error_, sizeof error_, "not an echo model");
      return Status::kModelInvalid;
    }
    arena_ = arena;
    loaded_ = true;
    ++loads;
    return Status::kOk;
  }
  void Reset() override { loaded_ = false; }
  bool loaded() const override { return loaded_; }
  const char* ErrorDetail() const override { return error_; }
  int input_count() const override { return 1; }
  int output_count() const override { return 1; }
  engine::TensorView input(int) const override { return View(arena_); }
  engine::TensorView output(int) const override { return View(arena_ + 4); }
  size_t arena_used() const override { return 8; }
  void ResetVariables() override {}
  Status Invoke(engine::OpProfile*) override {
    for (int i = 0; i < 4; ++i) arena_[4 + i] = static_cast<uint8_t>(arena_[i] + 1);
    return Status::kOk;
  }
  int operator_count() const override { return 1; }
  uint16_t opcode(int) const override { return 0; }
  Status SetKernelVariant(engine::KernelVariant v) override {
    return v == engine::KernelVariant::kAuto || v == engine::KernelVariant::kDsp ? Status::kOk : Status::kNotFound;
  }
  engine::KernelVariant kernel_variant_in_effect() const override { return engine::KernelVariant::kDsp; }
  int loads = 0;

 private:
  static engine::TensorView View(uint8_t* data) {
    engine::TensorView v;
    v.rank = 1;
    v.dims[0] = 4;
    v.bytes = 4;
    v.data = data;
    return v;
  }
  uint8_t* arena_ = nullptr;
  bool loaded_ = false;
  char error_[40] = {};
};

TEST_F(AgentTest, SetEngineSwitchesEnginesAndRefusesOnesNotBuilt) {
  // Without a second engine: HELLO has ours only, SET_ENGINE tflm is refused by name.
  protocol::HelloResponse h;
  Reply hello = Request(MessageType::kHello);
  protocol::Reader rd(hello.payload.data(), hello.payload.size());
  ASSERT_TRUE(h.Decode(rd));
  EXPECT_EQ(h.engines, 1u);
  auto e = AsError(Request(MessageType::kSetEngine, {1}));
  EXPECT_EQ(e.status, Status::kNotFound);
  EXPECT_STREQ(e.message, "engine tflm is not built into this agent");
  EXPECT_EQ(AsError(Request(MessageType::kSetEngine, {7})).status, Status::kBadArgument);
  EXPECT_EQ(AsError(Request(MessageType::kSetEngine, {})).status, Status::kBadLength);

  // With one: HELLO says so; SET_ENGINE answers with the variant in effect; the next LOAD and INVOKE
  // run on it; RESET goes back to ours.
  EchoEngine echo;
  port_.tflm = &echo;
  Buffers b;
  b.model = model_, b.model_bytes = sizeof model_, b.arena = arena_, b.arena_bytes = sizeof arena_;
  b.rx = rx_, b.rx_bytes = sizeof rx_, b.tx = tx_, b.tx_bytes = sizeof tx_;
  b.scratch = scratch_, b.scratch_bytes = sizeof scratch_, b.response = response_, b.response_bytes = sizeof response_;
  b.max_payload = kMaxPayload;
  agent_ = std::make_unique<Agent>(port_, b);
  hello = Request(MessageType::kHello);
  protocol::Reader rd2(hello.payload.data(), hello.payload.size());
  ASSERT_TRUE(h.Decode(rd2));
  EXPECT_EQ(h.engines, 3u);
  Reply set = Request(MessageType::kSetEngine, {1});
  ASSERT_EQ(set.header.type, uint8_t(MessageType::kSetEngine) | protocol::kResponseBit);
  EXPECT_EQ(set.payload, (std::vector<uint8_t>{1, uint8_t(engine::KernelVariant::kDsp)}));

  std::vector<uint8_t> blob(32, 0);
  blob[0] = 'E';
  Request(MessageType::kLoadBegin, LoadBegin(32, protocol::Crc32(blob.data(), 32)));
  Request(MessageType::kLoadChunk, Chunk(0, blob.data(), 32));
  Reply loaded = Request(MessageType::kLoadEnd);
  ASSERT_EQ(loaded.header.type, uint8_t(MessageType::kLoadEnd) | protocol::kResponseBit);
  EXPECT_EQ(echo.loads, 1);
  Request(MessageType::kSetInput, {0, 0, 0, 0, 0, 10, 20, 30, 40});
  Reply inv = Request(MessageType::kInvoke, {0, 0, 1, 0});
  ASSERT_EQ(inv.header.type, uint8_t(MessageType::kInvoke) | protocol::kResponseBit);
  Reply out = Request(MessageType::kGetOutput, {0, 0, 0, 0, 0, 64, 0, 0, 0});
  ASSERT_EQ(out.header.type, uint8_t(MessageType::kGetOutput) | protocol::kResponseBit);
  EXPECT_EQ(std::vector<uint8_t>(out.payload.end() - 4, out.payload.end()), (std::vector<uint8_t>{11, 21, 31, 41}));
  // SET_KERNEL goes to the engine in effect: this one has dsp only.
  EXPECT_EQ(AsError(Request(MessageType::kSetKernel, {0})).status, Status::kNotFound);

  // Our engine refuses the same blob (not a TFLite model): the switch back is real.
  Request(MessageType::kSetEngine, {0});
  Request(MessageType::kLoadBegin, LoadBegin(32, protocol::Crc32(blob.data(), 32)));
  Request(MessageType::kLoadChunk, Chunk(0, blob.data(), 32));
  EXPECT_EQ(AsError(Request(MessageType::kLoadEnd)).status, Status::kModelInvalid);
  EXPECT_EQ(echo.loads, 1);
  // RESET: ours again, even after choosing the other.
  Request(MessageType::kSetEngine, {1});
  Request(MessageType::kReset);
  Request(MessageType::kLoadBegin, LoadBegin(32, protocol::Crc32(blob.data(), 32)));
  Request(MessageType::kLoadChunk, Chunk(0, blob.data(), 32));
  EXPECT_EQ(AsError(Request(MessageType::kLoadEnd)).status, Status::kModelInvalid);
  EXPECT_EQ(echo.loads, 1);
}

TEST_F(AgentTest, ResetAnswersThenDropsState) {
  std::vector<uint8_t> data(64, 7);
  Request(MessageType::kLoadBegin, LoadBegin(64, protocol::Crc32(data.data(), 64)));
  Reply r = Request(MessageType::kReset);
  EXPECT_EQ(r.header.type, uint8_t(MessageType::kReset) | protocol::kResponseBit);
  EXPECT_EQ(AsError(Request(MessageType::kLoadChunk, Chunk(0, data.data(), 64))).status, Status::kBadState);
}

}  // namespace
}  // namespace hil::agent

#include "hil/agent/rtt.h"

namespace hil::agent {
namespace {

TEST(Rtt, ControlBlockLayoutIsTheOneProbesRead) {
  // The host reads the block as 32-bit words; these offsets are part of the protocol on a 32-bit
  // target. On a 64-bit host the pointers widen, so only the ID and counts are checked here.
  RttControlBlock b;
  uint8_t up[16], down[16];
  RttInit(&b, up, sizeof up, down, sizeof down);
  EXPECT_STREQ(b.id, "SEGGER RTT");
  EXPECT_EQ(offsetof(RttControlBlock, max_up_buffers), 16u);
  EXPECT_EQ(b.max_up_buffers, 1);
  EXPECT_EQ(b.max_down_buffers, 1);
}

TEST(Rtt, RingsWrapAndKeepOneByteFree) {
  RttControlBlock b;
  uint8_t up[8], down[8];
  RttInit(&b, up, sizeof up, down, sizeof down);
  EXPECT_EQ(RttRead(&b), -1);
  // Host side of the down ring: write 5 bytes three times, draining between, so offsets wrap.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) {
      uint32_t wr = b.down.write_offset;
      down[wr] = uint8_t(round * 10 + i);
      b.down.write_offset = (wr + 1) % 8;
    }
    for (int i = 0; i < 5; ++i) EXPECT_EQ(RttRead(&b), round * 10 + i);
    EXPECT_EQ(RttRead(&b), -1);
  }
  // Target side of the up ring: 7 bytes fit in 8 (one stays free).
  const uint8_t msg[7] = {1, 2, 3, 4, 5, 6, 7};
  RttWrite(&b, msg, 7);
  EXPECT_EQ((b.up.write_offset + 8 - b.up.read_offset) % 8, 7u);
}

}  // namespace
}  // namespace hil::agent
