// AgentSession against the real agent command loop (hil_agent), run in-process on a thread over a
// socketpair, with and without FaultyLink damage. Every wait has a deadline: a test that would hang
// fails instead.
#include "hil/link/agent_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "hil/agent/agent.h"
#include "hil/core/random.h"
#include "hil/link/fd_link.h"
#include "hil/link/testing/faulty_link.h"
#include "hil/protocol/crc32.h"
#include "hil/protocol/frame.h"
#include "hil/protocol/messages.h"
#ifdef HIL_HAVE_MODEL
#include "hil/model/zoo.h"
#endif

namespace hil::link {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr uint32_t kMaxPayload = 512;

// Timestamp-GPIO edges of the in-process agent ('1' high, '0' low), in order.
std::string g_timestamp_edges;
std::mutex g_timestamp_mu;

// The agent on its own thread, fed from one end of a socketpair.
class InProcessAgent {
 public:
  explicit InProcessAgent(std::unique_ptr<Link> link, uint32_t max_payload = kMaxPayload, bool timestamp_gpio = false)
      : link_(std::move(link)),
        model_(1 << 20), arena_(1 << 20),
        rx_(agent::RxBytesFor(max_payload)), tx_(agent::RxBytesFor(max_payload)),
        scratch_(agent::ScratchBytesFor(max_payload)), response_(max_payload) {
    agent::Port port;
    port.agent_name = "in-process";
    port.board_id = "test#1";
    port.clock_hz = 1000000000u;
    port.cycle_source = protocol::CycleSource::kHostMonotonicNs;
    port.capabilities = protocol::kCapProfiling;
    if (timestamp_gpio) {
      port.capabilities |= protocol::kCapTimestampGpio;
      port.timestamp = [](bool high) {
        std::lock_guard<std::mutex> lock(g_timestamp_mu);
        g_timestamp_edges += high ? '1' : '0';
      };
    }
    port.write = [](const uint8_t* bytes, size_t size, void* ctx) {
      auto* self = static_cast<InProcessAgent*>(ctx);
      (void)self->link_->Write(std::as_bytes(std::span(bytes, size)), Deadline::After(2s));
    };
    port.write_context = this;
    agent::Buffers b;
    b.model = model_.data();
    b.model_bytes = model_.size();
    b.arena = arena_.data();
    b.arena_bytes = arena_.size();
    b.rx = rx_.data();
    b.rx_bytes = rx_.size();
    b.tx = tx_.data();
    b.tx_bytes = tx_.size();
    b.scratch = scratch_.data();
    b.scratch_bytes = scratch_.size();
    b.response = response_.data();
    b.response_bytes = response_.size();
    b.max_payload = max_payload;
    agent_ = std::make_unique<agent::Agent>(port, b);
    thread_ = std::thread([this] {
      std::byte buf[1024];
      while (!stop_) {
        auto n = link_->Read(buf, Deadline::After(20ms));
        if (!n) {
          if (n.error().code == Status::kTimeout) continue;
          break;
        }
        for (size_t i = 0; i < *n; ++i) agent_->Push(static_cast<uint8_t>(buf[i]));
      }
    });
  }
  ~InProcessAgent() {
    stop_ = true;
    thread_.join();
  }
  agent::Agent& agent() { return *agent_; }

 private:
  std::unique_ptr<Link> link_;
  std::vector<uint8_t> model_, arena_, rx_, tx_, scratch_, response_;
  std::unique_ptr<agent::Agent> agent_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Rig {
  std::unique_ptr<Link> host;
  std::unique_ptr<InProcessAgent> agent;
};

Rig MakeRig(uint32_t max_payload = kMaxPayload, bool timestamp_gpio = false) {
  auto pair = MakeSocketPair();
  EXPECT_TRUE(pair);
  Rig rig;
  rig.host = std::move(pair->first);
  rig.agent = std::make_unique<InProcessAgent>(std::move(pair->second), max_payload, timestamp_gpio);
  return rig;
}

SessionOptions FastOptions() {
  SessionOptions o;
  o.response_timeout = 100ms;
  o.execute_timeout = 2s;
  o.max_attempts = 10;
  return o;
}

std::vector<uint8_t> TestModel() {
#ifdef HIL_HAVE_MODEL
  auto blob = model::GenerateModel("fc:300,units=40", 7);  // bigger than one chunk
  EXPECT_TRUE(blob) << blob.error();
  return blob ? *blob : std::vector<uint8_t>{};
#else
  ADD_FAILURE() << "hil_model is not built; the session tests need it to generate a model";
  return {};
#endif
}

TEST(AgentSession, HelloReportsTheAgent) {
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  auto info = s.Hello();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->protocol_version, 1);
  EXPECT_EQ(info->max_payload, kMaxPayload);
  EXPECT_EQ(info->board_id, "test#1");
  EXPECT_EQ(info->cycle_unit, "ns");
  EXPECT_EQ(info->cycle_source_name, "host-monotonic");
  EXPECT_EQ(s.stats().retransmissions, 0u);
}

TEST(AgentSession, NoAgentIsAClearTimeoutNotAHang) {
  auto pair = MakeSocketPair();
  ASSERT_TRUE(pair);
  SessionOptions o;
  o.response_timeout = 50ms;
  o.max_attempts = 4;
  AgentSession s(*pair->first, "board test#1", o);
  const auto start = std::chrono::steady_clock::now();
  auto info = s.Hello();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, Status::kTimeout);
  EXPECT_EQ(info.error().message, "board test#1: no HELLO within 200 ms on socketpair:a");
  EXPECT_LT(took, 1s);
  EXPECT_EQ(s.stats().retransmissions, 3u);
}

TEST(AgentSession, GarbageModelUploadsCompletelyThenFailsVerification) {
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  const std::vector<uint8_t> blob = RandomInputBytes(5, 0, 3000);
  auto m = s.LoadModel(blob);
  ASSERT_FALSE(m);
  // Not kCrcMismatch: every chunk arrived intact, and the engine's verifier rejected the bytes.
  EXPECT_EQ(m.error().code, Status::kModelInvalid) << m.error().message;
  EXPECT_THAT(m.error().message, HasSubstr("board test#1: agent refused LOAD_END"));
}

TEST(AgentSession, ErrorRepliesCarryTheAgentStatus) {
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  auto inv = s.Invoke(0, 1);
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().code, Status::kBadState);
  EXPECT_THAT(inv.error().message, HasSubstr("agent refused INVOKE"));
}

struct RunOutcome {
  LoadedModel model;
  InvokeResult invoke;
  std::vector<uint8_t> output;
  std::vector<OpProfileEntry> profile;
  MemoryInfo memory;
};

Result<RunOutcome> FullRun(AgentSession& s, const std::vector<uint8_t>& blob, int iterations) {
  RunOutcome r;
  auto m = s.LoadModel(blob);
  if (!m) return std::unexpected(m.error());
  r.model = *m;
  const auto input = RandomInputBytes(1, 0, m->input_bytes.at(0));
  if (auto x = s.SetInput(0, input); !x) return std::unexpected(x.error());
  auto inv = s.Invoke(2, iterations);
  if (!inv) return std::unexpected(inv.error());
  r.invoke = *inv;
  auto out = s.GetOutput(0);
  if (!out) return std::unexpected(out.error());
  r.output = *out;
  auto prof = s.GetProfile();
  if (!prof) return std::unexpected(prof.error());
  r.profile = *prof;
  auto mem = s.GetMemory();
  if (!mem) return std::unexpected(mem.error());
  r.memory = *mem;
  return r;
}

TEST(AgentSession, TimestampGpioFramesEachInvokeOnce) {
  {
    std::lock_guard<std::mutex> lock(g_timestamp_mu);
    g_timestamp_edges.clear();
  }
  Rig rig = MakeRig(kMaxPayload, /*timestamp_gpio=*/true);
  AgentSession s(*rig.host, "board test#1", FastOptions());
  auto info = s.Hello();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->capabilities & protocol::kCapTimestampGpio);
  // Refused before any inference: the pin does not move.
  ASSERT_FALSE(s.Invoke(0, 1));
  auto m = s.LoadModel(TestModel());
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_TRUE(s.SetInput(0, RandomInputBytes(1, 0, m->input_bytes.at(0))));
  ASSERT_TRUE(s.Invoke(3, 2));
  ASSERT_TRUE(s.Invoke(0, 5));
  std::lock_guard<std::mutex> lock(g_timestamp_mu);
  EXPECT_EQ(g_timestamp_edges, "1010");  // one high window per INVOKE, whatever its warmup and count
}

TEST(AgentSession, FullSequenceSplitsInvokeAndChunksEverything) {
  const auto blob = TestModel();
  ASSERT_FALSE(blob.empty());
  ASSERT_GT(blob.size(), kMaxPayload);  // the upload really is chunked
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  auto r = FullRun(s, blob, 300);  // > 256 per INVOKE: two requests
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->invoke.cycles.size(), 300u);
  EXPECT_EQ(r->model.input_bytes.at(0), 300u);
  EXPECT_EQ(r->output.size(), r->model.output_bytes.at(0));
  ASSERT_FALSE(r->profile.empty());
  // 63 figures fit a 512-byte reply: 300 = 4 x 63 + 48, and the profile covers the last INVOKE.
  EXPECT_EQ(r->profile[0].calls, 48u);
  EXPECT_GT(r->memory.arena_used, 0u);
  EXPECT_EQ(s.stats().retransmissions, 0u);
}

TEST(AgentSession, RecoversFromCorruptionDropsAndDuplicatesWithIdenticalResults) {
  const auto blob = TestModel();
  ASSERT_FALSE(blob.empty());
  RunOutcome clean;
  {
    Rig rig = MakeRig();
    AgentSession s(*rig.host, "board test#1", FastOptions());
    auto r = FullRun(s, blob, 20);
    ASSERT_TRUE(r) << r.error().message;
    clean = *r;
  }
  uint64_t total_faults = 0, total_retransmissions = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Rig rig = MakeRig();
    testing::FaultyLink faulty(*rig.host, {.seed = seed, .drop = 0.0002, .corrupt = 0.0002, .duplicate = 0.0002});
    SessionOptions o = FastOptions();
    o.response_timeout = 50ms;
    o.execute_timeout = 300ms;  // a small model: a lost INVOKE reply need not cost seconds
    AgentSession s(faulty, "board test#1", o);
    const auto start = std::chrono::steady_clock::now();
    auto r = FullRun(s, blob, 20);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
    ASSERT_TRUE(r) << "seed " << seed << ": " << r.error().message << " (agent executed " << rig.agent->agent().requests_executed() << ", duplicates " << rig.agent->agent().duplicates_answered() << ", dropped " << rig.agent->agent().frames_dropped() << "; host requests " << s.stats().requests << ", bad frames " << s.stats().bad_frames << ", stale " << s.stats().stale_responses << ")";
    EXPECT_EQ(r->output, clean.output) << "seed " << seed;  // the model and input arrived intact
    EXPECT_EQ(r->invoke.cycles.size(), 20u);
    EXPECT_EQ(rig.agent->agent().frames_dropped() > 0 || s.stats().bad_frames > 0 || s.stats().retransmissions > 0,
              faulty.dropped() + faulty.corrupted() + faulty.duplicated() > 0);
    total_faults += faulty.dropped() + faulty.corrupted() + faulty.duplicated();
    total_retransmissions += s.stats().retransmissions;
  }
  EXPECT_GT(total_faults, 10u);
  EXPECT_GT(total_retransmissions, 0u);
}

TEST(AgentSession, HeavyDamageFailsClearlyWithinItsDeadlines) {
  const auto blob = TestModel();
  ASSERT_FALSE(blob.empty());
  Rig rig = MakeRig();
  testing::FaultyLink faulty(*rig.host, {.seed = 9, .drop = 0.2, .corrupt = 0.05});
  SessionOptions o = FastOptions();
  o.response_timeout = 30ms;
  o.max_attempts = 4;
  AgentSession s(faulty, "board test#1", o);
  const auto start = std::chrono::steady_clock::now();
  auto m = s.LoadModel(blob);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Status::kTimeout);
  EXPECT_THAT(m.error().message, ::testing::MatchesRegex("board test#1: no (HELLO|reply to [A-Z_]+ \\(seq [0-9]+\\) after 4 attempts).*faulty:socketpair:a.*"));
}

// A truncated upload (the host stopped sending chunks) and a whole-blob CRC that does not match are
// both refused at LOAD_END with the agent's status, and the session names the request.
TEST(AgentSession, TruncatedUploadAndBadBlobCrcAreRefused) {
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  ASSERT_TRUE(s.Hello());
  const std::vector<uint8_t> blob = RandomInputBytes(8, 0, 1000);
  const auto type = [](protocol::MessageType t) { return static_cast<uint8_t>(t); };
  uint8_t payload[600];
  {
    protocol::Writer w(payload, sizeof payload);
    protocol::LoadBeginRequest{1000, protocol::Crc32(blob.data(), blob.size())}.Encode(w);
    ASSERT_TRUE(s.Request(type(protocol::MessageType::kLoadBegin), std::span(payload, w.size()), 1s));
    protocol::Writer cw(payload, sizeof payload);
    protocol::LoadChunkRequest{0, blob.data(), 400}.Encode(cw);
    ASSERT_TRUE(s.Request(type(protocol::MessageType::kLoadChunk), std::span(payload, cw.size()), 1s));
    auto end = s.Request(type(protocol::MessageType::kLoadEnd), {}, 1s);
    ASSERT_FALSE(end);
    EXPECT_NE(end.error().code, Status::kTimeout);
    EXPECT_THAT(end.error().message, HasSubstr("board test#1: agent refused LOAD_END"));
  }
  {
    protocol::Writer w(payload, sizeof payload);
    protocol::LoadBeginRequest{400, 0x12345678}.Encode(w);
    ASSERT_TRUE(s.Request(type(protocol::MessageType::kLoadBegin), std::span(payload, w.size()), 1s));
    protocol::Writer cw(payload, sizeof payload);
    protocol::LoadChunkRequest{0, blob.data(), 400}.Encode(cw);
    ASSERT_TRUE(s.Request(type(protocol::MessageType::kLoadChunk), std::span(payload, cw.size()), 1s));
    auto end = s.Request(type(protocol::MessageType::kLoadEnd), {}, 1s);
    ASSERT_FALSE(end);
    EXPECT_EQ(end.error().code, Status::kCrcMismatch) << end.error().message;
  }
}

// Duplicate suppression in the real agent: the same LOAD_CHUNK frame sent twice is executed once and
// answered twice with the same reply.
TEST(AgentSession, AgentAnswersARepeatedSequenceFromItsCache) {
  Rig rig = MakeRig();
  AgentSession s(*rig.host, "board test#1", FastOptions());
  ASSERT_TRUE(s.Hello());
  const std::vector<uint8_t> blob(100, 0x5A);
  uint8_t payload[128];
  protocol::Writer w(payload, sizeof payload);
  protocol::LoadBeginRequest begin{static_cast<uint32_t>(blob.size()), protocol::Crc32(blob.data(), blob.size())};
  begin.Encode(w);
  ASSERT_TRUE(s.Request(static_cast<uint8_t>(protocol::MessageType::kLoadBegin), std::span(payload, w.size()), 1s));
  const uint32_t executed_before = rig.agent->agent().requests_executed();

  protocol::Writer cw(payload, sizeof payload);
  protocol::LoadChunkRequest chunk{0, blob.data(), 60};
  chunk.Encode(cw);
  uint8_t scratch[256], frame[300];
  const size_t n = protocol::EncodeFrame(static_cast<uint8_t>(protocol::MessageType::kLoadChunk), 777, payload, cw.size(),
                                         scratch, sizeof scratch, frame, sizeof frame);
  ASSERT_GT(n, 0u);
  ASSERT_TRUE(rig.host->Write(std::as_bytes(std::span(frame, n)), Deadline::After(1s)));
  ASSERT_TRUE(rig.host->Write(std::as_bytes(std::span(frame, n)), Deadline::After(1s)));

  std::vector<uint8_t> rx(protocol::MaxFrameBytes(kMaxPayload));
  protocol::FrameDecoder decoder(rx.data(), rx.size());
  std::vector<uint32_t> received;
  const Deadline deadline = Deadline::After(2s);
  while (received.size() < 2 && !deadline.Expired()) {
    std::byte buf[256];
    auto got = rig.host->Read(buf, deadline);
    ASSERT_TRUE(got) << got.error().message;
    for (size_t i = 0; i < *got; ++i) {
      if (decoder.Push(static_cast<uint8_t>(buf[i])) != protocol::FrameDecoder::Event::kPacket) continue;
      ASSERT_EQ(decoder.header().sequence, 777);
      ASSERT_EQ(decoder.header().type, 0x83);
      protocol::LoadChunkResponse resp;
      protocol::Reader r(decoder.payload(), decoder.header().length);
      ASSERT_TRUE(resp.Decode(r));
      received.push_back(resp.bytes_received);
    }
  }
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0], 60u);
  EXPECT_EQ(received[1], 60u);  // not 120, and not an out-of-order error: the chunk ran once
  EXPECT_EQ(rig.agent->agent().requests_executed(), executed_before + 1);
  EXPECT_EQ(rig.agent->agent().duplicates_answered(), 1u);
}

}  // namespace
}  // namespace hil::link
