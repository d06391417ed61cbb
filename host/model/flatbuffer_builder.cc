#include "hil/model/flatbuffer_builder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace hil::model {
namespace {

constexpr size_t kMaxBufferBytes = 0x7fffffffu;  // offsets are 32-bit; signed offsets must fit too

}  // namespace

FlatBufferBuilder::FlatBufferBuilder() { buf_.resize(1024); }

void FlatBufferBuilder::Grow(size_t bytes) {
  if (size_ + bytes > kMaxBufferBytes) throw std::length_error("flatbuffer larger than 2 GiB");
  if (buf_.size() - size_ >= bytes) return;
  size_t capacity = std::max({buf_.size() * 2, size_ + bytes, size_t{1024}});
  std::vector<uint8_t> bigger(capacity);
  std::memcpy(bigger.data() + capacity - size_, buf_.data() + buf_.size() - size_, size_);
  buf_.swap(bigger);
}

void FlatBufferBuilder::Prep(size_t alignment, size_t additional_bytes) {
  max_align_ = std::max(max_align_, alignment);
  size_t pad = (alignment - ((size_ + additional_bytes) & (alignment - 1))) & (alignment - 1);
  PushZeros(pad);
}

void FlatBufferBuilder::PushZeros(size_t bytes) {
  Grow(bytes);
  size_ += bytes;
  std::memset(At(static_cast<uint32_t>(size_)), 0, bytes);
}

void FlatBufferBuilder::PushBytes(const void* data, size_t bytes) {
  Grow(bytes);
  size_ += bytes;
  if (bytes != 0) std::memcpy(At(static_cast<uint32_t>(size_)), data, bytes);
}

void FlatBufferBuilder::PushLe(uint64_t value, size_t bytes) {
  Grow(bytes);
  size_ += bytes;
  uint8_t* p = At(static_cast<uint32_t>(size_));
  for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

FlatOffset FlatBufferBuilder::CreateScalarVector(const void* data, size_t count, size_t elem_bytes, size_t alignment) {
  if (in_table_) throw std::logic_error("vector created inside a table");
  const size_t bytes = count * elem_bytes;
  Prep(std::max<size_t>(4, alignment), bytes);
  const auto* src = static_cast<const uint8_t*>(data);
  for (size_t i = count; i-- > 0;) {
    uint64_t bits = 0;
    const uint8_t* e = src + i * elem_bytes;
    // Read the host value and re-encode little-endian: the format is little-endian on every host.
    switch (elem_bytes) {
      case 1: {
        uint8_t v;
        std::memcpy(&v, e, 1);
        bits = v;
        break;
      }
      case 2: {
        uint16_t v;
        std::memcpy(&v, e, 2);
        bits = v;
        break;
      }
      case 4: {
        uint32_t v;
        std::memcpy(&v, e, 4);
        bits = v;
        break;
      }
      case 8: {
        uint64_t v;
        std::memcpy(&v, e, 8);
        bits = v;
        break;
      }
      default:
        throw std::logic_error("unsupported vector element size");
    }
    PushLe(bits, elem_bytes);
  }
  PushLe(count, 4);
  return FlatOffset{static_cast<uint32_t>(size_)};
}

FlatOffset FlatBufferBuilder::CreateByteVector(std::span<const uint8_t> bytes, size_t alignment) {
  if (in_table_) throw std::logic_error("vector created inside a table");
  if (alignment < 4 || (alignment & (alignment - 1)) != 0) throw std::logic_error("bad alignment");
  Prep(alignment, bytes.size());
  PushBytes(bytes.data(), bytes.size());
  PushLe(bytes.size(), 4);
  return FlatOffset{static_cast<uint32_t>(size_)};
}

FlatOffset FlatBufferBuilder::CreateOffsetVector(std::span<const FlatOffset> offsets) {
  if (in_table_) throw std::logic_error("vector created inside a table");
  Prep(4, offsets.size() * 4);
  for (size_t i = offsets.size(); i-- > 0;) {
    if (offsets[i].null()) throw std::logic_error("null offset in a vector");
    // The slot will sit at from_end size_ + 4; offsets point forward to the (earlier written) target.
    PushLe(size_ + 4 - offsets[i].from_end, 4);
  }
  PushLe(offsets.size(), 4);
  return FlatOffset{static_cast<uint32_t>(size_)};
}

FlatOffset FlatBufferBuilder::CreateString(std::string_view text) {
  if (in_table_) throw std::logic_error("string created inside a table");
  Prep(4, text.size() + 1);
  PushZeros(1);
  PushBytes(text.data(), text.size());
  PushLe(text.size(), 4);
  return FlatOffset{static_cast<uint32_t>(size_)};
}

void FlatBufferBuilder::StartTable() {
  if (in_table_) throw std::logic_error("nested StartTable");
  in_table_ = true;
  fields_.clear();
  table_start_ = static_cast<uint32_t>(size_);
}

void FlatBufferBuilder::CheckInTable(int field) const {
  if (!in_table_) throw std::logic_error("field added outside a table");
  if (field < 0 || field > 1000) throw std::logic_error("bad field id");
  for (const FieldLoc& f : fields_)
    if (f.field == field) throw std::logic_error("field added twice");
}

void FlatBufferBuilder::AddScalarField(int field, uint64_t bits, size_t bytes) {
  CheckInTable(field);
  Prep(bytes, 0);
  PushLe(bits, bytes);
  fields_.push_back({field, static_cast<uint32_t>(size_)});
}

void FlatBufferBuilder::AddBool(int field, bool value, bool default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, value ? 1 : 0, 1);
}
void FlatBufferBuilder::AddInt8(int field, int8_t value, int8_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, static_cast<uint8_t>(value), 1);
}
void FlatBufferBuilder::AddUint8(int field, uint8_t value, uint8_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, value, 1);
}
void FlatBufferBuilder::AddInt16(int field, int16_t value, int16_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, static_cast<uint16_t>(value), 2);
}
void FlatBufferBuilder::AddInt32(int field, int32_t value, int32_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, static_cast<uint32_t>(value), 4);
}
void FlatBufferBuilder::AddUint32(int field, uint32_t value, uint32_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, value, 4);
}
void FlatBufferBuilder::AddInt64(int field, int64_t value, int64_t default_value, bool force) {
  if (force || value != default_value) AddScalarField(field, static_cast<uint64_t>(value), 8);
}
void FlatBufferBuilder::AddFloat(int field, float value, float default_value, bool force) {
  if (force || std::bit_cast<uint32_t>(value) != std::bit_cast<uint32_t>(default_value))
    AddScalarField(field, std::bit_cast<uint32_t>(value), 4);
}

void FlatBufferBuilder::AddOffset(int field, FlatOffset target) {
  if (target.null()) return;
  CheckInTable(field);
  Prep(4, 0);
  PushLe(size_ + 4 - target.from_end, 4);
  fields_.push_back({field, static_cast<uint32_t>(size_)});
}

FlatOffset FlatBufferBuilder::EndTable() {
  if (!in_table_) throw std::logic_error("EndTable without StartTable");
  Prep(4, 0);
  PushLe(0, 4);  // soffset to the vtable, patched below
  const uint32_t table_off = static_cast<uint32_t>(size_);

  int field_count = 0;
  for (const FieldLoc& f : fields_) field_count = std::max(field_count, f.field + 1);
  std::vector<uint16_t> vtable(2 + field_count, 0);
  const uint32_t table_bytes = table_off - table_start_;
  if (table_bytes > 0xffff || vtable.size() * 2 > 0xffff) throw std::length_error("table too large");
  vtable[0] = static_cast<uint16_t>(vtable.size() * 2);
  vtable[1] = static_cast<uint16_t>(table_bytes);
  for (const FieldLoc& f : fields_) vtable[2 + f.field] = static_cast<uint16_t>(table_off - f.from_end);

  // Share an identical vtable written earlier (it then lies after the table: a negative soffset), as
  // flatc-built files do; otherwise write this one just before the table (a positive soffset).
  uint32_t vtable_off = 0;
  for (uint32_t earlier : vtables_) {
    const uint8_t* p = At(earlier);
    bool same = true;
    for (size_t i = 0; i < vtable.size() && same; ++i)
      same = p[2 * i] == static_cast<uint8_t>(vtable[i]) && p[2 * i + 1] == static_cast<uint8_t>(vtable[i] >> 8);
    if (same) {
      vtable_off = earlier;
      break;
    }
  }
  if (vtable_off == 0) {
    Prep(2, vtable.size() * 2);
    for (size_t i = vtable.size(); i-- > 0;) PushLe(vtable[i], 2);
    vtable_off = static_cast<uint32_t>(size_);
    vtables_.push_back(vtable_off);
  }
  const int32_t soffset = static_cast<int32_t>(static_cast<int64_t>(vtable_off) - static_cast<int64_t>(table_off));
  uint8_t* p = At(table_off);
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(static_cast<uint32_t>(soffset) >> (8 * i));

  in_table_ = false;
  fields_.clear();
  return FlatOffset{table_off};
}

std::vector<uint8_t> FlatBufferBuilder::Finish(FlatOffset root, std::string_view file_identifier) {
  if (finished_) throw std::logic_error("Finish called twice");
  if (in_table_) throw std::logic_error("Finish inside a table");
  if (!file_identifier.empty() && file_identifier.size() != 4)
    throw std::logic_error("file identifier must have 4 characters");
  Prep(std::max<size_t>(max_align_, 4), 4 + file_identifier.size());
  PushBytes(file_identifier.data(), file_identifier.size());
  PushLe(size_ + 4 - root.from_end, 4);
  finished_ = true;
  return std::vector<uint8_t>(buf_.end() - static_cast<std::ptrdiff_t>(size_), buf_.end());
}

}  // namespace hil::model
