#include "hil/protocol/cobs.h"

namespace hil::protocol {

size_t CobsEncode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity) {
  if (out_capacity < CobsMaxEncodedSize(size)) return 0;
  size_t code_at = 0;  // where the current block's code byte goes
  size_t o = 1;
  uint8_t code = 1;
  for (size_t i = 0; i < size; ++i) {
    if (in[i] == 0) {
      out[code_at] = code;
      code_at = o++;
      code = 1;
      continue;
    }
    out[o++] = in[i];
    if (++code == 0xFF) {
      // A full block of 254 data bytes carries no implied zero. Open a new block only if data follows,
      // so the encoding of a 254-byte packet is not followed by an empty block.
      out[code_at] = code;
      code = 1;
      if (i + 1 < size) code_at = o++;
      else return o;
    }
  }
  out[code_at] = code;
  return o;
}

long CobsDecode(const uint8_t* in, size_t size, uint8_t* out, size_t out_capacity) {
  size_t i = 0;
  size_t o = 0;
  while (i < size) {
    const uint8_t code = in[i++];
    if (code == 0) return -1;
    const size_t run = code - 1u;
    if (run > size - i) return -1;
    if (run > out_capacity - o) return -1;
    for (size_t k = 0; k < run; ++k) {
      const uint8_t b = in[i++];
      if (b == 0) return -1;
      out[o++] = b;
    }
    // Each block but a full one ends in an implied zero, except at the very end of the packet.
    if (code != 0xFF && i < size) {
      if (o >= out_capacity) return -1;
      out[o++] = 0;
    }
  }
  return static_cast<long>(o);
}

}  // namespace hil::protocol
