#include "hil/board/elf_file.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "hil/core/file.h"
#include "hil/core/sha256.h"

namespace hil::board {
namespace {

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kShtSymtab = 2;
constexpr uint32_t kShfWrite = 0x1;
constexpr uint32_t kShfAlloc = 0x2;

struct Bytes {
  const std::vector<uint8_t>& data;
  bool ok = true;
  uint32_t U32(size_t at) {
    if (at + 4 > data.size()) { ok = false; return 0; }
    return uint32_t(data[at]) | (uint32_t(data[at + 1]) << 8) | (uint32_t(data[at + 2]) << 16) | (uint32_t(data[at + 3]) << 24);
  }
  uint16_t U16(size_t at) {
    if (at + 2 > data.size()) { ok = false; return 0; }
    return uint16_t(data[at] | (data[at + 1] << 8));
  }
};

}  // namespace

Result<ElfInfo> ReadElf(const std::string& path) {
  auto read = ReadRegularFileBytes(path, uint64_t{256} << 20);
  if (!read) {
    if (read.error().code == Status::kNotFound) return Fail(Status::kNotFound, "firmware " + path + " not found");
    return Fail(read.error().code, "firmware " + read.error().message);
  }
  const std::vector<uint8_t> data = std::move(*read);
  auto bad = [&](const std::string& why) { return Fail(Status::kModelInvalid, "firmware " + path + ": " + why); };
  if (data.size() < 52 || memcmp(data.data(), "\x7f" "ELF", 4) != 0) return bad("not an ELF file");
  if (data[4] != 1 || data[5] != 1) return bad("not a 32-bit little-endian ELF file");
  Bytes b{data};
  ElfInfo info;
  info.entry = b.U32(24);
  const uint32_t phoff = b.U32(28), shoff = b.U32(32);
  const uint16_t phentsize = b.U16(42), phnum = b.U16(44), shentsize = b.U16(46), shnum = b.U16(48);
  if ((phnum && phentsize < 32) || (shnum && shentsize < 40)) return bad("bad header table entry sizes");
  for (uint32_t i = 0; i < phnum; ++i) {
    const size_t at = size_t(phoff) + size_t(i) * phentsize;
    if (b.U32(at) == kPtLoad) info.flash_bytes += b.U32(at + 16);  // p_filesz
  }
  for (uint32_t i = 0; i < shnum; ++i) {
    const size_t at = size_t(shoff) + size_t(i) * shentsize;
    const uint32_t type = b.U32(at + 4), flags = b.U32(at + 8);
    if ((flags & (kShfWrite | kShfAlloc)) == (kShfWrite | kShfAlloc)) info.static_ram_bytes += b.U32(at + 20);
    if (type != kShtSymtab) continue;
    const uint32_t sym_off = b.U32(at + 16), sym_size = b.U32(at + 20), link = b.U32(at + 24), entsize = b.U32(at + 36);
    if (link >= shnum || entsize < 16) return bad("bad symbol table");
    const size_t str_at = size_t(shoff) + size_t(link) * shentsize;
    const uint32_t str_off = b.U32(str_at + 16), str_size = b.U32(str_at + 20);
    if (size_t(str_off) + str_size > data.size() || size_t(sym_off) + sym_size > data.size()) return bad("symbol table out of bounds");
    for (uint32_t s = 0; s + entsize <= sym_size; s += entsize) {
      const uint32_t name = b.U32(sym_off + s), value = b.U32(sym_off + s + 4), size = b.U32(sym_off + s + 8);
      const uint16_t section = b.U16(sym_off + s + 14);
      if (name == 0 || name >= str_size || section == 0) continue;
      const char* start = reinterpret_cast<const char*>(data.data() + str_off + name);
      const size_t len = strnlen(start, str_size - name);
      info.symbols.emplace(std::string(start, len), value);
      info.symbol_sizes.emplace(std::string(start, len), size);
    }
  }
  if (!b.ok) return bad("header tables run past the end of the file");
  info.build_id = Sha256Hex(data);
  return info;
}

}  // namespace hil::board
