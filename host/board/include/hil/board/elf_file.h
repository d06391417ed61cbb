// What the host needs from a firmware ELF file (32-bit little-endian, as arm-none-eabi-gcc writes):
// symbol addresses (the RTT control block) and the bytes that go to flash. Written by hand from the
// ELF specification: the few fields read here do not justify a libelf dependency.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "hil/core/error.h"

namespace hil::board {

struct ElfInfo {
  std::map<std::string, uint32_t> symbols;       // defined symbols with their values
  std::map<std::string, uint32_t> symbol_sizes;  // ... and their sizes (st_size: bytes of an object)
  uint64_t flash_bytes = 0;  // bytes of loadable segments stored in the image (code, constants, .data init)
  uint64_t static_ram_bytes = 0;  // memory size of writable loadable sections (.data + .bss + stack)
  uint32_t entry = 0;
  std::string build_id;  // sha256 of the file, hex
};

// Errors: kNotFound (no file), kModelInvalid (not a 32-bit little-endian ELF, or a table out of
// bounds), each naming the file.
Result<ElfInfo> ReadElf(const std::string& path);

}  // namespace hil::board
