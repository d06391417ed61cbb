// Bounds-checked, in-place reader for the FlatBuffers binary format. Every accessor checks the
// offsets it follows against the blob; an out-of-range offset, a malformed vtable or a vector that
// runs past the end yields an invalid (empty) handle instead of a read. No allocation.
//
// Layout facts used (FlatBuffers binary format): the blob starts with a uoffset_t (u32) to the root
// table; a table starts with an soffset_t (s32) that is subtracted from the table's position to find
// its vtable; a vtable is u16 vtable_bytes, u16 table_bytes, then one u16 per field (offset from the
// table start, 0 = absent); offset-typed fields hold a u32 relative to the field's own position; a
// vector is a u32 element count followed by the elements; a string is a vector of bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hil::agent::engine::fb {

inline uint32_t LoadU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline uint16_t LoadU16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline int32_t LoadI32(const uint8_t* p) { return static_cast<int32_t>(LoadU32(p)); }
inline uint64_t LoadU64(const uint8_t* p) {
  return static_cast<uint64_t>(LoadU32(p)) | (static_cast<uint64_t>(LoadU32(p + 4)) << 32);
}
inline float LoadF32(const uint8_t* p) {
  const uint32_t bits = LoadU32(p);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The whole blob. Positions are byte offsets from its start.
struct Blob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  // True when [pos, pos + bytes) lies inside the blob (no overflow).
  bool Has(uint64_t pos, uint64_t bytes) const { return pos <= size && bytes <= size - pos; }
};

// A vector of fixed-size elements. valid() false when absent or malformed.
class Vector {
 public:
  Vector() = default;
  Vector(const Blob* blob, uint32_t pos, uint32_t count, uint32_t elem_bytes)
      : blob_(blob), pos_(pos), count_(count), elem_bytes_(elem_bytes) {}
  bool valid() const { return blob_ != nullptr; }
  uint32_t size() const { return count_; }
  uint32_t elem_pos(uint32_t i) const { return pos_ + i * elem_bytes_; }  // caller checks i < size()
  const uint8_t* elem(uint32_t i) const { return blob_->data + elem_pos(i); }
  int32_t I32(uint32_t i) const { return LoadI32(elem(i)); }
  uint32_t U32(uint32_t i) const { return LoadU32(elem(i)); }
  float F32(uint32_t i) const { return LoadF32(elem(i)); }
  int64_t I64(uint32_t i) const { return static_cast<int64_t>(LoadU64(elem(i))); }
  uint8_t U8(uint32_t i) const { return *elem(i); }
  uint32_t data_pos() const { return pos_; }
  const uint8_t* data() const { return blob_->data + pos_; }

 private:
  const Blob* blob_ = nullptr;
  uint32_t pos_ = 0;
  uint32_t count_ = 0;
  uint32_t elem_bytes_ = 0;
};

class Table {
 public:
  Table() = default;
  // Verifies the table header and its vtable; invalid on any inconsistency.
  static Table At(const Blob* blob, uint64_t pos);
  bool valid() const { return blob_ != nullptr; }

  // Whether field `id` is present (and fits `bytes` inside the table's inline part). A present
  // field that does not fit makes `*bad` true.
  bool FieldPos(int id, uint32_t bytes, uint32_t* pos, bool* bad) const;

  // Scalars: default when absent; *bad set when present but malformed.
  uint8_t U8(int id, uint8_t def, bool* bad) const;
  int8_t I8(int id, int8_t def, bool* bad) const { return static_cast<int8_t>(U8(id, static_cast<uint8_t>(def), bad)); }
  int32_t I32(int id, int32_t def, bool* bad) const;
  uint32_t U32(int id, uint32_t def, bool* bad) const { return static_cast<uint32_t>(I32(id, static_cast<int32_t>(def), bad)); }
  uint64_t U64(int id, uint64_t def, bool* bad) const;
  float F32(int id, float def, bool* bad) const;

  // Offset fields. Absent: invalid handle, *bad untouched. Present but malformed: invalid, *bad set.
  Table SubTable(int id, bool* bad) const;
  Vector Vec(int id, uint32_t elem_bytes, bool* bad) const;
  // Element i of a vector of tables.
  static Table TableElem(const Blob* blob, const Vector& v, uint32_t i);

 private:
  bool Follow(int id, uint32_t* target, bool* bad) const;
  const Blob* blob_ = nullptr;
  uint32_t pos_ = 0;
  uint32_t vtable_ = 0;
  uint16_t vtable_bytes_ = 0;
  uint16_t table_bytes_ = 0;
};

// A vector starting at absolute position `pos` (its u32 count), checked against the blob.
Vector VectorAt(const Blob* blob, uint64_t pos, uint32_t elem_bytes);

}  // namespace hil::agent::engine::fb
