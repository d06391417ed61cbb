// A FlatBuffers binary writer, written from the format description (no libflatbuffers).
//
// The buffer is built back to front, as the format's forward-only offsets suggest: children are
// written before the parents that point at them. An object's handle (FlatOffset) is its distance from
// the end of the buffer, which stays valid while more bytes are prepended. Alignment is likewise
// reckoned from the end; Finish() pads the front so the total size is a multiple of the largest
// alignment used, which makes every end-relative alignment an absolute one.
//
// Layout written (all little-endian):
//   file:    uoffset32 root, [4-byte file identifier], ... objects ...
//   table:   soffset32 (table position - vtable position), then fields; the vtable (shared by tables
//            with identical layouts, so the soffset may be negative) is
//            uint16 vtable_bytes, uint16 table_bytes, uint16 field_offset[n] (0 = absent -> default)
//   vector:  uint32 count, then elements (offset elements are uoffset32 relative to their own slot)
//   string:  uint32 length, bytes, NUL
//   union:   a uint8 type field and an offset field, set separately by the caller.
//
// Not thread-safe; one builder makes one buffer. Misuse (nested tables, offsets added outside a table,
// a 2 GiB buffer) throws std::logic_error / std::length_error: the module's public functions catch it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hil::model {

// Handle of an object already written: its distance in bytes from the end of the buffer.
struct FlatOffset {
  uint32_t from_end = 0;
  bool null() const { return from_end == 0; }
};

class FlatBufferBuilder {
 public:
  FlatBufferBuilder();

  // Scalars vectors (int8..int64, uint8..uint64, float, double, bool as uint8).
  template <typename T>
  FlatOffset CreateVector(std::span<const T> values) {
    static_assert(std::is_arithmetic_v<T>, "scalar vectors only");
    return CreateScalarVector(values.data(), values.size(), sizeof(T), sizeof(T));
  }
  template <typename T>
  FlatOffset CreateVector(const std::vector<T>& values) {
    return CreateVector(std::span<const T>(values));
  }
  // A byte vector whose first element sits at a multiple of `alignment` (a power of two, >= 4) in the
  // finished buffer, e.g. 16 for TFLite's Buffer.data (force_align: 16).
  FlatOffset CreateByteVector(std::span<const uint8_t> bytes, size_t alignment = 4);
  // A vector of offsets to tables or strings.
  FlatOffset CreateOffsetVector(std::span<const FlatOffset> offsets);
  FlatOffset CreateString(std::string_view text);

  // Tables: StartTable(), any number of Add*() with distinct field ids, EndTable().
  // Scalars equal to their schema default are omitted unless force is set (a reader then sees the default).
  void StartTable();
  void AddBool(int field, bool value, bool default_value, bool force = false);
  void AddInt8(int field, int8_t value, int8_t default_value, bool force = false);
  void AddUint8(int field, uint8_t value, uint8_t default_value, bool force = false);
  void AddInt16(int field, int16_t value, int16_t default_value, bool force = false);
  void AddInt32(int field, int32_t value, int32_t default_value, bool force = false);
  void AddUint32(int field, uint32_t value, uint32_t default_value, bool force = false);
  void AddInt64(int field, int64_t value, int64_t default_value, bool force = false);
  void AddFloat(int field, float value, float default_value, bool force = false);
  // Offset fields; a null offset is omitted.
  void AddOffset(int field, FlatOffset target);
  FlatOffset EndTable();

  // Writes the root offset (and the 4-character identifier if not empty) and returns the finished
  // buffer. The builder is spent afterwards.
  std::vector<uint8_t> Finish(FlatOffset root, std::string_view file_identifier);

  size_t size() const { return size_; }

 private:
  FlatOffset CreateScalarVector(const void* data, size_t count, size_t elem_bytes, size_t alignment);

  void Prep(size_t alignment, size_t additional_bytes);  // pad so that after `additional_bytes` we are aligned
  void Grow(size_t bytes);
  void PushBytes(const void* data, size_t bytes);  // prepends little-endian-encoded bytes as given
  void PushLe(uint64_t value, size_t bytes);
  void PushZeros(size_t bytes);
  uint8_t* At(uint32_t from_end) { return buf_.data() + buf_.size() - from_end; }
  void AddScalarField(int field, uint64_t bits, size_t bytes);
  void CheckInTable(int field) const;

  std::vector<uint8_t> buf_;  // data occupies the last size_ bytes
  size_t size_ = 0;
  size_t max_align_ = 1;
  bool in_table_ = false;
  uint32_t table_start_ = 0;
  struct FieldLoc {
    int field;
    uint32_t from_end;
  };
  std::vector<FieldLoc> fields_;
  std::vector<uint32_t> vtables_;  // from_end of every vtable written, for sharing identical ones
  bool finished_ = false;
};

}  // namespace hil::model
