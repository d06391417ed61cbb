#include "flatbuffer_reader.h"

namespace hil::agent::engine::fb {

Table Table::At(const Blob* blob, uint64_t pos) {
  Table t;
  if (blob == nullptr || !blob->Has(pos, 4)) return t;
  const int32_t soff = LoadI32(blob->data + pos);
  const int64_t vt = static_cast<int64_t>(pos) - static_cast<int64_t>(soff);
  if (vt < 0 || !blob->Has(static_cast<uint64_t>(vt), 4)) return t;
  const uint16_t vt_bytes = LoadU16(blob->data + vt);
  const uint16_t tb_bytes = LoadU16(blob->data + vt + 2);
  if (vt_bytes < 4 || (vt_bytes & 1) != 0 || !blob->Has(static_cast<uint64_t>(vt), vt_bytes)) return t;
  if (tb_bytes < 4 || !blob->Has(pos, tb_bytes)) return t;
  t.blob_ = blob;
  t.pos_ = static_cast<uint32_t>(pos);
  t.vtable_ = static_cast<uint32_t>(vt);
  t.vtable_bytes_ = vt_bytes;
  t.table_bytes_ = tb_bytes;
  return t;
}

bool Table::FieldPos(int id, uint32_t bytes, uint32_t* pos, bool* bad) const {
  if (!valid() || id < 0) return false;
  const uint32_t slot = 4u + 2u * static_cast<uint32_t>(id);
  if (slot + 2 > vtable_bytes_) return false;
  const uint16_t off = LoadU16(blob_->data + vtable_ + slot);
  if (off == 0) return false;
  if (off < 4 || static_cast<uint32_t>(off) + bytes > table_bytes_) {
    *bad = true;
    return false;
  }
  *pos = pos_ + off;
  return true;
}

uint8_t Table::U8(int id, uint8_t def, bool* bad) const {
  uint32_t p;
  return FieldPos(id, 1, &p, bad) ? blob_->data[p] : def;
}
int32_t Table::I32(int id, int32_t def, bool* bad) const {
  uint32_t p;
  return FieldPos(id, 4, &p, bad) ? LoadI32(blob_->data + p) : def;
}
uint64_t Table::U64(int id, uint64_t def, bool* bad) const {
  uint32_t p;
  return FieldPos(id, 8, &p, bad) ? LoadU64(blob_->data + p) : def;
}
float Table::F32(int id, float def, bool* bad) const {
  uint32_t p;
  return FieldPos(id, 4, &p, bad) ? LoadF32(blob_->data + p) : def;
}

bool Table::Follow(int id, uint32_t* target, bool* bad) const {
  uint32_t p;
  if (!FieldPos(id, 4, &p, bad)) return false;
  const uint64_t t = static_cast<uint64_t>(p) + LoadU32(blob_->data + p);
  if (!blob_->Has(t, 4)) {
    *bad = true;
    return false;
  }
  *target = static_cast<uint32_t>(t);
  return true;
}

Table Table::SubTable(int id, bool* bad) const {
  uint32_t t;
  if (!Follow(id, &t, bad)) return Table();
  Table sub = At(blob_, t);
  if (!sub.valid()) *bad = true;
  return sub;
}

Vector VectorAt(const Blob* blob, uint64_t pos, uint32_t elem_bytes) {
  if (blob == nullptr || !blob->Has(pos, 4)) return Vector();
  const uint32_t count = LoadU32(blob->data + pos);
  if (!blob->Has(pos + 4, static_cast<uint64_t>(count) * elem_bytes)) return Vector();
  return Vector(blob, static_cast<uint32_t>(pos + 4), count, elem_bytes);
}

Vector Table::Vec(int id, uint32_t elem_bytes, bool* bad) const {
  uint32_t t;
  if (!Follow(id, &t, bad)) return Vector();
  Vector v = VectorAt(blob_, t, elem_bytes);
  if (!v.valid()) *bad = true;
  return v;
}

Table Table::TableElem(const Blob* blob, const Vector& v, uint32_t i) {
  if (!v.valid() || i >= v.size()) return Table();
  const uint64_t p = v.elem_pos(i);
  return At(blob, p + LoadU32(blob->data + p));
}

}  // namespace hil::agent::engine::fb
