// CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, init and final xor 0xFFFFFFFF), the check
// value of every packet and of a whole uploaded model. No table in RAM: a 16-entry nibble table in
// flash keeps it small on the target and fast enough for frames.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::protocol {

// CRC of `size` bytes at `data`. To checksum in pieces, pass the previous result as `crc`:
// Crc32(b, nb, Crc32(a, na)) == Crc32(a+b, na+nb).
uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace hil::protocol
