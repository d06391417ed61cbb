// Little-endian field writer and reader over caller-owned buffers. Neither allocates; both latch a
// failure (overflow, short input) so a message encoder can write all fields and check ok() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hil::protocol {

class Writer {
 public:
  Writer(uint8_t* buffer, size_t capacity) : buf_(buffer), cap_(capacity) {}

  void U8(uint8_t v) { Put(&v, 1); }
  void U16(uint16_t v) { uint8_t b[2] = {uint8_t(v), uint8_t(v >> 8)}; Put(b, 2); }
  void U32(uint32_t v) {
    uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    Put(b, 4);
  }
  void U64(uint64_t v) { U32(uint32_t(v)); U32(uint32_t(v >> 32)); }
  void Bytes(const uint8_t* data, size_t size) { Put(data, size); }
  // A string of at most 255 bytes: u8 length + bytes. Longer strings are cut at 255.
  void Str(const char* s) {
    size_t n = 0;
    while (s && n < 255 && s[n] != '\0') ++n;
    U8(uint8_t(n));
    Put(reinterpret_cast<const uint8_t*>(s), n);
  }

  bool ok() const { return ok_; }
  size_t size() const { return size_; }
  size_t remaining() const { return cap_ - size_; }
  uint8_t* data() const { return buf_; }

 private:
  void Put(const uint8_t* p, size_t n) {
    if (!ok_ || n > cap_ - size_) { ok_ = false; return; }
    if (n) memcpy(buf_ + size_, p, n);
    size_ += n;
  }
  uint8_t* buf_;
  size_t cap_;
  size_t size_ = 0;
  bool ok_ = true;
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), size_(size) {}

  uint8_t U8() { uint8_t b[1] = {}; Get(b, 1); return b[0]; }
  uint16_t U16() { uint8_t b[2] = {}; Get(b, 2); return uint16_t(b[0] | (b[1] << 8)); }
  uint32_t U32() {
    uint8_t b[4] = {};
    Get(b, 4);
    return uint32_t(b[0]) | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
  }
  uint64_t U64() { uint64_t lo = U32(); uint64_t hi = U32(); return lo | (hi << 32); }
  // Returns a pointer into the input for `n` bytes, or null (and latches failure) when short.
  const uint8_t* Bytes(size_t n) {
    if (!ok_ || n > size_ - pos_) { ok_ = false; return nullptr; }
    const uint8_t* at = p_ + pos_;
    pos_ += n;
    return at;
  }
  // Copies a u8-length string into `out` (capacity `cap`, always NUL-terminated, cut to fit).
  void Str(char* out, size_t cap) {
    size_t n = U8();
    const uint8_t* s = Bytes(n);
    if (cap == 0) return;
    size_t k = (s && n < cap) ? n : (s ? cap - 1 : 0);
    if (k) memcpy(out, s, k);
    out[k] = '\0';
  }

  bool ok() const { return ok_; }
  size_t remaining() const { return size_ - pos_; }
  // True when everything was read and nothing is left over: a message with trailing bytes is malformed.
  bool done() const { return ok_ && pos_ == size_; }

 private:
  void Get(uint8_t* out, size_t n) {
    if (!ok_ || n > size_ - pos_) { ok_ = false; return; }
    memcpy(out, p_ + pos_, n);
    pos_ += n;
  }
  const uint8_t* p_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace hil::protocol
