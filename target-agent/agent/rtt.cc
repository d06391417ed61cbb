#include "hil/agent/rtt.h"

#include <cstring>

namespace hil::agent {
namespace {
// The host sees buffer contents only after the offset that publishes them; keep the compiler (and a
// core with a write buffer) from reordering the two.
inline void Barrier() {
#if defined(__arm__)
  asm volatile("dmb" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}
}  // namespace

void RttInit(RttControlBlock* block, uint8_t* up, uint32_t up_bytes, uint8_t* down, uint32_t down_bytes) {
  memset(block, 0, sizeof *block);
  block->max_up_buffers = 1;
  block->max_down_buffers = 1;
  block->up = {"Terminal", up, up_bytes, 0, 0, 2};
  block->down = {"Terminal", down, down_bytes, 0, 0, 2};
  Barrier();
  // The ID goes in last and back to front, so a host scanning RAM never matches a block whose rings
  // are not set up yet.
  static const char kId[] = "SEGGER RTT";
  for (int i = static_cast<int>(sizeof kId) - 2; i >= 0; --i) {
    reinterpret_cast<volatile char*>(block->id)[i] = kId[i];
    Barrier();
  }
}

int RttRead(RttControlBlock* block) {
  RttRing& r = block->down;
  const uint32_t rd = r.read_offset;
  if (rd == r.write_offset) return -1;
  Barrier();
  const uint8_t byte = r.buffer[rd];
  Barrier();
  r.read_offset = rd + 1 == r.size ? 0 : rd + 1;
  return byte;
}

void RttWrite(RttControlBlock* block, const uint8_t* bytes, size_t size) {
  RttRing& r = block->up;
  size_t i = 0;
  while (i < size) {
    const uint32_t wr = r.write_offset;
    const uint32_t next = wr + 1 == r.size ? 0 : wr + 1;
    if (next == r.read_offset) continue;  // full: the probe drains it
    r.buffer[wr] = bytes[i++];
    Barrier();
    r.write_offset = next;
  }
}

}  // namespace hil::agent
