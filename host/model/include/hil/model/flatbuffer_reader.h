// A bounds-checked FlatBuffers reader, the twin of FlatBufferBuilder. Used to read .tflite files
// (ours and others') on the host. Every offset, length and vtable entry is checked against the buffer;
// a malformed buffer throws FlatError, which the module's public functions turn into an error value.
// A FlatTable is a view: the buffer must outlive it.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hil::model {

struct FlatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FlatTable {
 public:
  FlatTable(std::span<const uint8_t> buf, uint32_t table_pos);

  // Absolute position of the field's value, or 0 when the vtable has no entry for it.
  uint32_t FieldPos(int field) const;
  bool Has(int field) const { return FieldPos(field) != 0; }
  uint32_t position() const { return pos_; }

  template <typename T>
  T Scalar(int field, T default_value) const {
    uint32_t at = FieldPos(field);
    if (at == 0) return default_value;
    return Load<T>(at);
  }
  std::optional<FlatTable> Table(int field) const;
  std::string String(int field) const;  // empty when absent
  std::optional<std::string> OptString(int field) const;
  // A vector of scalars; std::nullopt when the field is absent (an empty vector is a present field).
  template <typename T>
  std::optional<std::vector<T>> Vector(int field) const {
    auto [data, count] = VectorAt(field, sizeof(T));
    if (data == 0) return std::nullopt;
    std::vector<T> out(count);
    for (uint32_t i = 0; i < count; ++i) out[i] = Load<T>(data + i * static_cast<uint32_t>(sizeof(T)));
    return out;
  }
  std::optional<std::span<const uint8_t>> Bytes(int field) const;
  std::vector<FlatTable> TableVector(int field) const;
  std::vector<std::string> StringVector(int field) const;

  template <typename T>
  T Load(uint32_t at) const {
    Check(at, sizeof(T));
    T value;
    std::memcpy(&value, buf_.data() + at, sizeof(T));  // little-endian hosts only (x86-64, AArch64)
    return value;
  }

 private:
  void Check(uint64_t at, uint64_t bytes) const;
  uint32_t Deref(uint32_t at) const;                                           // follows the uoffset stored at `at`
  std::pair<uint32_t, uint32_t> VectorAt(int field, size_t elem_bytes) const;  // (data pos, count)

  std::span<const uint8_t> buf_;
  uint32_t pos_ = 0;
  uint32_t vtable_ = 0;
  uint16_t vtable_bytes_ = 0;
};

// The root table of a finished buffer; throws FlatError when it is malformed.
FlatTable RootTable(std::span<const uint8_t> buf);
// The 4-character identifier after the root offset (may be garbage when the buffer has none).
std::string_view FileIdentifier(std::span<const uint8_t> buf);

}  // namespace hil::model
