#include "hil/protocol/frame.h"

#include <cstring>

#include "hil/protocol/bytes.h"
#include "hil/protocol/crc32.h"

namespace hil::protocol {

size_t EncodeFrame(uint8_t type, uint16_t sequence, const uint8_t* payload, size_t payload_bytes,
                   uint8_t* scratch, size_t scratch_capacity, uint8_t* out, size_t out_capacity) {
  const size_t packet_bytes = kHeaderBytes + payload_bytes + kCrcBytes;
  if (payload_bytes > 0xFFFFFFFFu || scratch_capacity < packet_bytes) return 0;
  Writer w(scratch, scratch_capacity);
  w.U8(kProtocolVersion);
  w.U8(type);
  w.U16(sequence);
  w.U32(static_cast<uint32_t>(payload_bytes));
  w.Bytes(payload, payload_bytes);
  w.U32(Crc32(scratch, kHeaderBytes + payload_bytes));
  if (!w.ok() || out_capacity < 1) return 0;
  const size_t n = CobsEncode(scratch, packet_bytes, out, out_capacity - 1);
  if (n == 0) return 0;
  out[n] = 0;
  return n + 1;
}

Status ParsePacket(const uint8_t* packet, size_t size, Header* header, const uint8_t** payload) {
  if (size < kHeaderBytes + kCrcBytes) return Status::kBadFrame;
  Reader r(packet, size);
  Header h;
  h.version = r.U8();
  h.type = r.U8();
  h.sequence = r.U16();
  h.length = r.U32();
  if (h.version != kProtocolVersion) return Status::kBadFrame;
  if (h.length != size - kHeaderBytes - kCrcBytes) return Status::kBadFrame;
  Reader crc_reader(packet + size - kCrcBytes, kCrcBytes);
  if (crc_reader.U32() != Crc32(packet, size - kCrcBytes)) return Status::kCrcMismatch;
  *header = h;
  *payload = packet + kHeaderBytes;
  return Status::kOk;
}

FrameDecoder::Event FrameDecoder::Push(uint8_t byte) {
  if (byte != 0) {
    if (size_ < cap_) buf_[size_++] = byte;
    else overflow_ = true;
    return Event::kNone;
  }
  const size_t encoded = size_;
  const bool overflow = overflow_;
  size_ = 0;
  overflow_ = false;
  if (encoded == 0) return Event::kNone;  // back-to-back delimiters: idle line, not an error
  if (overflow) {
    error_ = Status::kBadFrame;
    return Event::kError;
  }
  const long n = CobsDecode(buf_, encoded, buf_, cap_);
  if (n < 0) {
    error_ = Status::kBadFrame;
    return Event::kError;
  }
  error_ = ParsePacket(buf_, static_cast<size_t>(n), &header_, &payload_);
  return error_ == Status::kOk ? Event::kPacket : Event::kError;
}

}  // namespace hil::protocol
