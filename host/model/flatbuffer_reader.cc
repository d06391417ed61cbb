#include "hil/model/flatbuffer_reader.h"

#include <string>

namespace hil::model {

FlatTable::FlatTable(std::span<const uint8_t> buf, uint32_t table_pos) : buf_(buf), pos_(table_pos) {
  if (pos_ % 4 != 0) throw FlatError("table at " + std::to_string(pos_) + " is not 4-aligned");
  const int64_t vt = static_cast<int64_t>(pos_) - Load<int32_t>(pos_);
  if (vt < 0 || vt % 2 != 0) throw FlatError("bad vtable offset for table at " + std::to_string(pos_));
  vtable_ = static_cast<uint32_t>(vt);
  vtable_bytes_ = Load<uint16_t>(vtable_);
  if (vtable_bytes_ < 4 || vtable_bytes_ % 2 != 0) throw FlatError("bad vtable size");
  Check(vtable_, vtable_bytes_);
  const uint16_t table_bytes = Load<uint16_t>(vtable_ + 2);
  if (table_bytes < 4) throw FlatError("bad table size");
  Check(pos_, table_bytes);
  for (uint32_t e = 4; e < vtable_bytes_; e += 2) {
    const uint16_t off = Load<uint16_t>(vtable_ + e);
    if (off != 0 && (off < 4 || off >= table_bytes)) throw FlatError("field offset outside its table");
  }
}

void FlatTable::Check(uint64_t at, uint64_t bytes) const {
  if (at > buf_.size() || bytes > buf_.size() - at)
    throw FlatError("read of " + std::to_string(bytes) + " bytes at " + std::to_string(at) + " is outside the " +
                    std::to_string(buf_.size()) + "-byte buffer");
}

uint32_t FlatTable::FieldPos(int field) const {
  const uint32_t entry = 4 + 2 * static_cast<uint32_t>(field);
  if (field < 0 || entry + 2 > vtable_bytes_) return 0;
  const uint16_t off = Load<uint16_t>(vtable_ + entry);
  return off == 0 ? 0 : pos_ + off;
}

uint32_t FlatTable::Deref(uint32_t at) const {
  const uint64_t target = static_cast<uint64_t>(at) + Load<uint32_t>(at);
  Check(target, 4);
  return static_cast<uint32_t>(target);
}

std::optional<FlatTable> FlatTable::Table(int field) const {
  const uint32_t at = FieldPos(field);
  if (at == 0) return std::nullopt;
  return FlatTable(buf_, Deref(at));
}

std::pair<uint32_t, uint32_t> FlatTable::VectorAt(int field, size_t elem_bytes) const {
  const uint32_t at = FieldPos(field);
  if (at == 0) return {0, 0};
  const uint32_t vec = Deref(at);
  const uint32_t count = Load<uint32_t>(vec);
  Check(vec + 4ull, static_cast<uint64_t>(count) * elem_bytes);
  return {vec + 4, count};
}

std::optional<std::string> FlatTable::OptString(int field) const {
  auto [data, count] = VectorAt(field, 1);
  if (data == 0) return std::nullopt;
  Check(data, count + 1ull);
  if (buf_[data + count] != 0) throw FlatError("string without its NUL terminator");
  return std::string(reinterpret_cast<const char*>(buf_.data() + data), count);
}

std::string FlatTable::String(int field) const { return OptString(field).value_or(std::string()); }

std::optional<std::span<const uint8_t>> FlatTable::Bytes(int field) const {
  auto [data, count] = VectorAt(field, 1);
  if (data == 0) return std::nullopt;
  return buf_.subspan(data, count);
}

std::vector<FlatTable> FlatTable::TableVector(int field) const {
  auto [data, count] = VectorAt(field, 4);
  std::vector<FlatTable> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) out.emplace_back(buf_, Deref(data + 4 * i));
  return out;
}

std::vector<std::string> FlatTable::StringVector(int field) const {
  auto [data, count] = VectorAt(field, 4);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t s = Deref(data + 4 * i);
    const uint32_t len = Load<uint32_t>(s);
    Check(s + 4ull, len + 1ull);
    out.emplace_back(reinterpret_cast<const char*>(buf_.data() + s + 4), len);
  }
  return out;
}

FlatTable RootTable(std::span<const uint8_t> buf) {
  if (buf.size() < 8) throw FlatError("buffer of " + std::to_string(buf.size()) + " bytes is too short");
  uint32_t root;
  std::memcpy(&root, buf.data(), 4);
  if (root >= buf.size()) throw FlatError("root offset outside the buffer");
  return FlatTable(buf, root);
}

std::string_view FileIdentifier(std::span<const uint8_t> buf) {
  if (buf.size() < 8) return {};
  return std::string_view(reinterpret_cast<const char*>(buf.data() + 4), 4);
}

}  // namespace hil::model
