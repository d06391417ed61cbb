// Consistent Overhead Byte Stuffing: removes every 0x00 from a packet so 0x00 can delimit frames.
// Encoded size is at most size + size/254 + 1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hil::protocol {

constexpr size_t CobsMaxEncodedSize(size_t size) { return size + size / 254 + 1; }

// Encodes `size` bytes of `in` into `out` (capacity `out_capacity`), without the trailing delimiter.
// Returns the encoded size, or 0 when `out` is too small. `in` and `out` must not overlap.
size_t CobsEncode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity);

// Decodes `size` encoded bytes (no delimiter) into `out`. Returns the decoded size, or -1 when the
// input is not valid COBS (a 0x00 inside it, a code byte pointing past the end) or `out` is too small.
// Decoding in place (`out == in`) is allowed.
long CobsDecode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity);

}  // namespace hil::protocol
