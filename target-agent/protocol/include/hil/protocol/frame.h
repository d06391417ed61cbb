// Packets and frames (docs/protocol.md): header (version, type, sequence, length) + payload +
// CRC-32, COBS-encoded and ended by one 0x00.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hil/common/status.h"
#include "hil/protocol/cobs.h"

namespace hil::protocol {

inline constexpr uint8_t kProtocolVersion = 1;
inline constexpr size_t kHeaderBytes = 8;
inline constexpr size_t kCrcBytes = 4;
inline constexpr uint8_t kResponseBit = 0x80;

// Bytes of a whole encoded frame (COBS overhead and delimiter included) for `payload_bytes`.
constexpr size_t MaxFrameBytes(size_t payload_bytes) {
  return CobsMaxEncodedSize(kHeaderBytes + payload_bytes + kCrcBytes) + 1;
}

struct Header {
  uint8_t version = kProtocolVersion;
  uint8_t type = 0;
  uint16_t sequence = 0;
  uint32_t length = 0;
};

// Builds the frame for one packet into `out`. `scratch` (capacity at least header + payload + CRC)
// holds the raw packet before encoding. Returns the frame's size including the delimiter, or 0 when a
// buffer is too small.
size_t EncodeFrame(uint8_t type, uint16_t sequence, const uint8_t* payload, size_t payload_bytes,
                   uint8_t* scratch, size_t scratch_capacity, uint8_t* out, size_t out_capacity);

// Checks and splits one decoded (un-COBSed) packet. Returns kOk, kBadFrame (shorter than a header
// and CRC, wrong version, length field disagrees with the size) or kCrcMismatch. On kOk, `payload`
// points into `packet`.
Status ParsePacket(const uint8_t* packet, size_t size, Header* header, const uint8_t** payload);

// Reassembles frames from a byte stream, one byte at a time. Owns no memory: the caller passes a
// buffer of at least MaxFrameBytes(max payload) bytes that lives as long as the decoder.
class FrameDecoder {
 public:
  enum class Event : uint8_t { kNone, kPacket, kError };

  FrameDecoder(uint8_t* buffer, size_t capacity) : buf_(buffer), cap_(capacity) {}

  // Feeds one byte. kPacket: a valid packet is available through header()/payload() until the next
  // Push. kError: a frame was dropped; error() says why (kBadFrame: not COBS, too long or malformed;
  // kCrcMismatch). Bytes of an over-long frame are discarded up to its delimiter.
  Event Push(uint8_t byte);

  const Header& header() const { return header_; }
  const uint8_t* payload() const { return payload_; }
  Status error() const { return error_; }
  void Clear() { size_ = 0; overflow_ = false; }

 private:
  uint8_t* buf_;
  size_t cap_;
  size_t size_ = 0;
  bool overflow_ = false;
  Header header_;
  const uint8_t* payload_ = nullptr;
  Status error_ = Status::kOk;
};

}  // namespace hil::protocol
