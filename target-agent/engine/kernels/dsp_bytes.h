// Byte-lane helpers of the Cortex-M DSP-extension kernels that write int8 outputs four at a time
// (add_s8_dsp.cc, average_pool2d_s8_dsp.cc). Only compiled when __ARM_FEATURE_DSP is defined.
#pragma once

#if defined(__ARM_FEATURE_DSP)

#include <cstdint>
#include <cstring>

namespace hil::agent::engine::dsp {

// Per signed byte lane: max(a, b) and min(a, b). SSUB8 sets the GE flag of each lane where a >= b and
// SEL picks by those flags; one asm statement each, because GCC 12 does not tie the flags of the ACLE
// intrinsics __ssub8 and __sel together.
inline uint32_t MaxBytes(uint32_t a, uint32_t b) {
  uint32_t r, t;
  __asm__("ssub8 %1, %2, %3\n\tsel %0, %2, %3" : "=r"(r), "=&r"(t) : "r"(a), "r"(b) : "cc");
  return r;
}
inline uint32_t MinBytes(uint32_t a, uint32_t b) {
  uint32_t r, t;
  __asm__("ssub8 %1, %2, %3\n\tsel %0, %3, %2" : "=r"(r), "=&r"(t) : "r"(a), "r"(b) : "cc");
  return r;
}

// `v` (an int8 value in an int32) in every byte lane.
inline uint32_t Bytes4(int32_t v) { return (static_cast<uint32_t>(v) & 0xFFu) * 0x01010101u; }

// w with its byte at bit kLsb replaced by v's low byte (BFI; GCC 12 does not make one from the
// equivalent masks and ORs).
template <int kLsb>
inline uint32_t InsertByte(uint32_t w, int32_t v) {
  __asm__("bfi %0, %1, %2, #8" : "+r"(w) : "r"(v), "i"(kLsb));
  return w;
}

// Four int8 values (the low bytes of four int32s) as one word, lane i = value i.
inline uint32_t Pack4(int32_t v0, int32_t v1, int32_t v2, int32_t v3) {
  return InsertByte<24>(InsertByte<16>(InsertByte<8>(static_cast<uint32_t>(v0), v1), v2), v3);
}

// Four values clamped to [lo, hi] (lanes of lo4 and hi4, lo <= hi) and stored to p (unaligned STR).
inline void StoreClamped4(int8_t* p, uint32_t w, uint32_t lo4, uint32_t hi4) {
  const uint32_t v = MinBytes(MaxBytes(w, lo4), hi4);
  std::memcpy(p, &v, 4);
}

}  // namespace hil::agent::engine::dsp

#endif  // __ARM_FEATURE_DSP
