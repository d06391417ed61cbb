#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hil/protocol/cobs.h"
#include "hil/protocol/crc32.h"
#include "hil/protocol/frame.h"
#include "hil/protocol/messages.h"

namespace hil::protocol {
namespace {

std::vector<uint8_t> Encode(const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(CobsMaxEncodedSize(in.size()));
  size_t n = CobsEncode(in.data(), in.size(), out.data(), out.size());
  out.resize(n);
  return out;
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  const char* s = "123456789";
  EXPECT_EQ(Crc32(reinterpret_cast<const uint8_t*>(s), 9), 0xCBF43926u);
  EXPECT_EQ(Crc32(nullptr, 0), 0u);
}

TEST(Crc32, IsIncremental) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31 + 7);
  uint32_t whole = Crc32(data.data(), data.size());
  for (size_t cut : {0, 1, 500, 999, 1000}) {
    EXPECT_EQ(Crc32(data.data() + cut, data.size() - cut, Crc32(data.data(), cut)), whole) << cut;
  }
}

TEST(Cobs, KnownEncodings) {
  EXPECT_EQ(Encode({}), (std::vector<uint8_t>{0x01}));
  EXPECT_EQ(Encode({0x00}), (std::vector<uint8_t>{0x01, 0x01}));
  EXPECT_EQ(Encode({0x11, 0x22, 0x00, 0x33}), (std::vector<uint8_t>{0x03, 0x11, 0x22, 0x02, 0x33}));
  std::vector<uint8_t> ones(254, 0x01);
  std::vector<uint8_t> enc = Encode(ones);
  ASSERT_EQ(enc.size(), 255u);
  EXPECT_EQ(enc[0], 0xFF);
}

TEST(Cobs, RoundTripsEveryLengthAroundBlockBoundaries) {
  std::mt19937 rng(1);
  for (size_t len = 0; len < 800; ++len) {
    for (int zeros : {0, 1, 2}) {  // no zeros, some zeros, many zeros
      std::vector<uint8_t> in(len);
      for (auto& b : in) {
        int r = int(rng() % 256);
        b = zeros == 0 ? uint8_t(r | 1) : (zeros == 2 && r < 128 ? 0 : uint8_t(r));
      }
      std::vector<uint8_t> enc = Encode(in);
      ASSERT_GT(enc.size(), 0u);
      for (uint8_t b : enc) ASSERT_NE(b, 0) << "len " << len;
      std::vector<uint8_t> dec(len + 1);
      long n = CobsDecode(enc.data(), enc.size(), dec.data(), dec.size());
      ASSERT_EQ(n, long(len)) << "len " << len;
      dec.resize(n);
      ASSERT_EQ(dec, in) << "len " << len;
    }
  }
}

TEST(Cobs, RejectsMalformedInput) {
  uint8_t out[16];
  const uint8_t zero_inside[] = {0x03, 0x11, 0x00};
  EXPECT_EQ(CobsDecode(zero_inside, 3, out, sizeof out), -1);
  const uint8_t runs_past_end[] = {0x05, 0x11, 0x22};
  EXPECT_EQ(CobsDecode(runs_past_end, 3, out, sizeof out), -1);
  const uint8_t too_big[] = {0x04, 0x11, 0x22, 0x33};
  EXPECT_EQ(CobsDecode(too_big, 4, out, 2), -1);
  uint8_t small[2];
  const uint8_t in[] = {1, 2, 3};
  EXPECT_EQ(CobsEncode(in, 3, small, sizeof small), 0u);
}

struct Frame {
  std::vector<uint8_t> bytes;
};

Frame MakeFrame(uint8_t type, uint16_t seq, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> scratch(kHeaderBytes + payload.size() + kCrcBytes);
  Frame f;
  f.bytes.resize(MaxFrameBytes(payload.size()));
  size_t n = EncodeFrame(type, seq, payload.data(), payload.size(), scratch.data(), scratch.size(),
                         f.bytes.data(), f.bytes.size());
  EXPECT_GT(n, 0u);
  f.bytes.resize(n);
  return f;
}

TEST(Frame, RoundTripsThroughTheDecoder) {
  std::vector<uint8_t> payload = {0, 1, 2, 0, 0, 255, 7};
  Frame f = MakeFrame(0x05, 0xBEEF, payload);
  EXPECT_EQ(f.bytes.back(), 0);
  std::vector<uint8_t> buf(MaxFrameBytes(64));
  FrameDecoder d(buf.data(), buf.size());
  FrameDecoder::Event last = FrameDecoder::Event::kNone;
  for (size_t i = 0; i < f.bytes.size(); ++i) {
    last = d.Push(f.bytes[i]);
    if (i + 1 < f.bytes.size()) ASSERT_EQ(last, FrameDecoder::Event::kNone);
  }
  ASSERT_EQ(last, FrameDecoder::Event::kPacket);
  EXPECT_EQ(d.header().type, 0x05);
  EXPECT_EQ(d.header().sequence, 0xBEEF);
  EXPECT_EQ(d.header().length, payload.size());
  EXPECT_EQ(std::vector<uint8_t>(d.payload(), d.payload() + payload.size()), payload);
}

TEST(Frame, EveryFlippedBitIsDetected) {
  std::vector<uint8_t> payload(40);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint8_t(i * 13);
  Frame f = MakeFrame(0x03, 7, payload);
  std::vector<uint8_t> buf(MaxFrameBytes(64));
  for (size_t at = 0; at + 1 < f.bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = f.bytes;
      bad[at] ^= uint8_t(1 << bit);
      FrameDecoder d(buf.data(), buf.size());
      int packets = 0;
      for (uint8_t b : bad) packets += d.Push(b) == FrameDecoder::Event::kPacket;
      d.Push(0);
      EXPECT_EQ(packets, 0) << "byte " << at << " bit " << bit;
    }
  }
}

TEST(Frame, ReportsCrcMismatchAndBadVersion) {
  std::vector<uint8_t> raw = {1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  Header h;
  const uint8_t* p = nullptr;
  EXPECT_EQ(ParsePacket(raw.data(), raw.size(), &h, &p), Status::kCrcMismatch);
  uint32_t crc = Crc32(raw.data(), 8);
  raw[8] = uint8_t(crc);
  raw[9] = uint8_t(crc >> 8);
  raw[10] = uint8_t(crc >> 16);
  raw[11] = uint8_t(crc >> 24);
  EXPECT_EQ(ParsePacket(raw.data(), raw.size(), &h, &p), Status::kOk);
  raw[0] = 2;
  EXPECT_EQ(ParsePacket(raw.data(), raw.size(), &h, &p), Status::kBadFrame);
  EXPECT_EQ(ParsePacket(raw.data(), 5, &h, &p), Status::kBadFrame);
}

TEST(Frame, OverlongFrameIsDroppedAndTheNextOneDecodes) {
  std::vector<uint8_t> buf(MaxFrameBytes(16));
  FrameDecoder d(buf.data(), buf.size());
  for (int i = 0; i < 500; ++i) EXPECT_EQ(d.Push(0x42), FrameDecoder::Event::kNone);
  EXPECT_EQ(d.Push(0), FrameDecoder::Event::kError);
  EXPECT_EQ(d.error(), Status::kBadFrame);
  Frame f = MakeFrame(0x01, 1, {});
  FrameDecoder::Event e = FrameDecoder::Event::kNone;
  for (uint8_t b : f.bytes) e = d.Push(b);
  EXPECT_EQ(e, FrameDecoder::Event::kPacket);
}

TEST(Frame, ResynchronisesAfterGarbage) {
  std::vector<uint8_t> buf(MaxFrameBytes(64));
  FrameDecoder d(buf.data(), buf.size());
  std::vector<uint8_t> stream = {0x13, 0x77, 0x00, 0x00};
  Frame f = MakeFrame(0x09, 3, {1, 2, 3});
  stream.insert(stream.end(), f.bytes.begin(), f.bytes.end());
  int packets = 0, errors = 0;
  for (uint8_t b : stream) {
    auto e = d.Push(b);
    packets += e == FrameDecoder::Event::kPacket;
    errors += e == FrameDecoder::Event::kError;
  }
  EXPECT_EQ(packets, 1);
  EXPECT_EQ(errors, 1);
}

// `optional_tail`: the message's last byte may be missing (a field newer agents append).
template <typename M>
M RoundTrip(const M& m, size_t* size_out = nullptr, size_t optional_tail = 0) {
  static uint8_t buf[4096];
  Writer w(buf, sizeof buf);
  m.Encode(w);
  EXPECT_TRUE(w.ok());
  if (size_out) *size_out = w.size();
  M back;
  Reader r(buf, w.size());
  EXPECT_TRUE(back.Decode(r));
  // One byte short of the fields every sender writes must fail.
  if (w.size() > optional_tail) {
    M shorter;
    Reader rs(buf, w.size() - optional_tail - 1);
    EXPECT_FALSE(shorter.Decode(rs));
  }
  return back;
}

TEST(Messages, Hello) {
  HelloResponse m;
  m.protocol_version = 1;
  m.engine_version = 9;
  m.clock_hz = 25000000;
  m.arena_bytes = 131072;
  m.max_payload = 1024;
  m.capabilities = kCapProfiling | kCapStackPainting;
  m.cycle_source = CycleSource::kQemuIcount;
  strcpy(m.agent_name, "tinyhil-agent");
  strcpy(m.board_id, "mps2-an386");
  m.max_iterations = 256;
  m.engines = 3;  // ours and TFLM
  size_t size = 0;
  HelloResponse b = RoundTrip(m, &size, 1);
  EXPECT_EQ(b.engines, 3u);
  EXPECT_EQ(b.engine_version, 9u);
  EXPECT_EQ(b.clock_hz, 25000000u);
  EXPECT_EQ(b.arena_bytes, 131072u);
  EXPECT_EQ(b.max_payload, 1024u);
  EXPECT_EQ(b.capabilities, m.capabilities);
  EXPECT_EQ(b.cycle_source, CycleSource::kQemuIcount);
  EXPECT_STREQ(b.agent_name, "tinyhil-agent");
  EXPECT_STREQ(b.board_id, "mps2-an386");
  EXPECT_EQ(b.max_iterations, 256);
  // An agent from before SET_ENGINE ends at max_iterations: ours only.
  uint8_t buf[256];
  Writer w(buf, sizeof buf);
  m.Encode(w);
  HelloResponse old;
  Reader r(buf, w.size() - 1);
  ASSERT_TRUE(old.Decode(r));
  EXPECT_EQ(old.engines, 1u);
  EXPECT_EQ(old.max_iterations, 256);
}

TEST(Messages, SetEngine) {
  EXPECT_EQ(RoundTrip(SetEngineRequest{1}).engine, 1);
  SetEngineResponse resp{1, 2};
  SetEngineResponse back = RoundTrip(resp);
  EXPECT_EQ(back.engine, 1);
  EXPECT_EQ(back.kernel_variant, 2);
  EXPECT_STREQ(EngineName(EngineId::kTinyHil), "tinyhil");
  EXPECT_STREQ(EngineName(EngineId::kTflm), "tflm");
  EXPECT_STREQ(EngineName(static_cast<EngineId>(9)), "unknown");
  EXPECT_STREQ(MessageTypeName(uint8_t(MessageType::kSetEngine) | kResponseBit), "SET_ENGINE");
}

TEST(Messages, LoadBeginChunkEnd) {
  LoadBeginRequest lb{123456, 0xDEADBEEF};
  LoadBeginRequest lb2 = RoundTrip(lb);
  EXPECT_EQ(lb2.total_bytes, 123456u);
  EXPECT_EQ(lb2.crc32, 0xDEADBEEFu);

  uint8_t data[5] = {9, 8, 7, 0, 6};
  LoadChunkRequest c;
  c.offset = 4096;
  c.data = data;
  c.size = 5;
  uint8_t buf[64];
  Writer w(buf, sizeof buf);
  c.Encode(w);
  Reader r(buf, w.size());
  LoadChunkRequest c2;
  ASSERT_TRUE(c2.Decode(r));
  EXPECT_EQ(c2.offset, 4096u);
  ASSERT_EQ(c2.size, 5u);
  EXPECT_EQ(memcmp(c2.data, data, 5), 0);

  EXPECT_EQ(RoundTrip(LoadChunkResponse{777}).bytes_received, 777u);

  LoadEndResponse e;
  e.arena_used = 22000;
  e.operator_count = 13;
  e.input_count = 1;
  e.output_count = 2;
  e.input_bytes[0] = 490;
  e.output_bytes[0] = 12;
  e.output_bytes[1] = 4;
  LoadEndResponse e2 = RoundTrip(e);
  EXPECT_EQ(e2.arena_used, 22000u);
  EXPECT_EQ(e2.operator_count, 13);
  EXPECT_EQ(e2.input_bytes[0], 490u);
  EXPECT_EQ(e2.output_bytes[1], 4u);
}

TEST(Messages, SetInputInvokeOutput) {
  uint8_t data[3] = {1, 2, 3};
  SetInputRequest s;
  s.index = 1;
  s.offset = 10;
  s.data = data;
  s.size = 3;
  uint8_t buf[64];
  Writer w(buf, sizeof buf);
  s.Encode(w);
  Reader r(buf, w.size());
  SetInputRequest s2;
  ASSERT_TRUE(s2.Decode(r));
  EXPECT_EQ(s2.index, 1);
  EXPECT_EQ(s2.offset, 10u);
  EXPECT_EQ(s2.size, 3u);

  InvokeRequest inv{2, 10};
  InvokeRequest inv2 = RoundTrip(inv);
  EXPECT_EQ(inv2.warmup, 2);
  EXPECT_EQ(inv2.iterations, 10);

  uint64_t cycles[3] = {100, 0x1'0000'0001ull, 5};
  InvokeResponse ir;
  ir.cycle_source = CycleSource::kHostMonotonicNs;
  ir.count = 3;
  ir.cycles = cycles;
  InvokeResponse ir2 = RoundTrip(ir);
  ASSERT_EQ(ir2.count, 3);
  EXPECT_EQ(ir2.Cycles(1), 0x1'0000'0001ull);
  EXPECT_EQ(ir2.Cycles(2), 5u);
  EXPECT_EQ(ir2.cycle_source, CycleSource::kHostMonotonicNs);
  EXPECT_EQ(MaxIterationsPerInvoke(1024), 127);

  GetOutputRequest go{0, 100, 200};
  GetOutputRequest go2 = RoundTrip(go);
  EXPECT_EQ(go2.offset, 100u);
  EXPECT_EQ(go2.max_bytes, 200u);

  GetOutputResponse gr;
  gr.total_bytes = 12;
  gr.data = data;
  gr.size = 3;
  Writer w2(buf, sizeof buf);
  gr.Encode(w2);
  Reader r2(buf, w2.size());
  GetOutputResponse gr2;
  ASSERT_TRUE(gr2.Decode(r2));
  EXPECT_EQ(gr2.total_bytes, 12u);
  EXPECT_EQ(gr2.size, 3u);
  EXPECT_EQ(gr2.data[2], 3);
}

TEST(Messages, ProfileMemoryError) {
  EXPECT_EQ(RoundTrip(GetProfileRequest{5}).first, 5);
  ProfileEntry entries[2] = {{3, 10, 123456789012ull}, {25, 10, 42}};
  GetProfileResponse p;
  p.total = 12;
  p.first = 10;
  p.count = 2;
  p.entries = entries;
  GetProfileResponse p2 = RoundTrip(p);
  ASSERT_EQ(p2.count, 2);
  EXPECT_EQ(p2.Entry(0).opcode, 3);
  EXPECT_EQ(p2.Entry(0).cycles, 123456789012ull);
  EXPECT_EQ(p2.Entry(1).calls, 10u);
  // first + count beyond total is malformed.
  p.total = 11;
  uint8_t buf[128];
  Writer w(buf, sizeof buf);
  p.Encode(w);
  Reader r(buf, w.size());
  GetProfileResponse bad;
  EXPECT_FALSE(bad.Decode(r));

  GetMemoryResponse m{131072, 22780, 8192, 1500, 4000};
  GetMemoryResponse m2 = RoundTrip(m);
  EXPECT_EQ(m2.arena_used, 22780u);
  EXPECT_EQ(m2.stack_used, 1500u);
  EXPECT_EQ(m2.static_bytes, 4000u);

  ErrorResponse e;
  e.status = Status::kUnsupportedOperator;
  e.request_type = uint8_t(MessageType::kLoadEnd);
  strcpy(e.message, "unsupported operator GATHER (36) at operator 3");
  ErrorResponse e2 = RoundTrip(e);
  EXPECT_EQ(e2.status, Status::kUnsupportedOperator);
  EXPECT_STREQ(e2.message, e.message);
  EXPECT_STREQ(MessageTypeName(0x84), "LOAD_END");
  EXPECT_STREQ(MessageTypeName(0xFF), "ERROR");
}

TEST(Messages, SetKernel) {
  size_t size = 0;
  EXPECT_EQ(RoundTrip(SetKernelRequest{2}, &size).variant, 2);
  EXPECT_EQ(size, 1u);
  EXPECT_EQ(RoundTrip(SetKernelResponse{1}, &size).variant, 1);
  EXPECT_EQ(size, 1u);
  EXPECT_EQ(uint8_t(MessageType::kSetKernel), 0x0B);
  EXPECT_STREQ(MessageTypeName(0x0B), "SET_KERNEL");
  EXPECT_STREQ(MessageTypeName(0x8B), "SET_KERNEL");
  uint8_t two[2] = {1, 0};
  Reader r(two, 2);
  SetKernelRequest extra;
  EXPECT_FALSE(extra.Decode(r));  // trailing byte
}

TEST(Messages, TrailingBytesAreMalformed) {
  uint8_t buf[16] = {1, 0, 2, 0, 9};
  Reader r(buf, 5);
  InvokeRequest inv;
  EXPECT_FALSE(inv.Decode(r));
}

}  // namespace
}  // namespace hil::protocol
