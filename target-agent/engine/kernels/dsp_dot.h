// Building blocks of the Cortex-M DSP-extension kernels (*_s8_dsp.cc): int8 x int8 dot products on
// SMLAD (two 16x16 multiply-accumulates per instruction), as CMSIS-NN does. Only the accumulation
// differs from the portable kernels; sums wrap modulo 2^32 exactly as the portable uint32 sums do
// (SMLAD/SMLABB wrap and only set the sticky Q flag), so results are identical.
//
// The "q15 row" layout: input values plus the input offset as int16 (|x + offset| <= 255), and within
// each aligned group of four values the order k0 k2 k1 k3, so one 32-bit load gives the pair that
// SXTB16 extracts from four filter bytes (bytes 0 and 2; bytes 1 and 3 after a rotation by 8). Values
// past the last whole group of four stay in order. Only compiled when __ARM_FEATURE_DSP is defined.
#pragma once

#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include <cstdint>
#include <cstring>

namespace hil::agent::engine::dsp {

inline int32_t Load32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);  // LDR: unaligned word loads are allowed on ARMv7-M/v8-M
  return v;
}
// SXTB16 / SXTAB16 of the operand rotated right by 8 (bytes 1 and 3), in one instruction: GCC 12
// does not fold the rotation into the extend by itself.
inline int32_t Sxtb16Ror8(int32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
inline int32_t Sxtab16Ror8(int32_t a, int32_t v) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
  return r;
}
inline int32_t PairOf(int32_t offset) {
  const uint32_t h = static_cast<uint32_t>(offset) & 0xFFFFu;
  return static_cast<int32_t>(h | (h << 16));
}
// Position of value k of a row of `n` values in the q15 row layout.
inline int32_t Slot(int32_t k, int32_t n) {
  return k >= (n & ~3) ? k : ((k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1));
}

// Writes values [k, k + count) of a row of `n` values into `row` (q15 layout): src[i] + offset, or 0
// when src is null (padding: the portable kernels skip those taps, so they add nothing).
inline void FillRow(int16_t* row, int32_t n, int32_t k, const int8_t* src, int32_t count, int32_t offset) {
  const int32_t whole = n & ~3;
  int32_t i = 0;
  if ((k & 3) == 0) {
    int32_t* out = reinterpret_cast<int32_t*>(row + k);
    if (src == nullptr) {
      for (; i + 4 <= count && k + i + 4 <= whole; i += 4) {
        out[0] = 0;
        out[1] = 0;
        out += 2;
      }
    } else {
      const int32_t off2 = PairOf(offset);
      for (; i + 4 <= count && k + i + 4 <= whole; i += 4) {
        const int32_t w = Load32(src + i);
        out[0] = __sxtab16(off2, w);
        out[1] = Sxtab16Ror8(off2, w);
        out += 2;
      }
    }
  }
  for (; i < count; ++i) row[Slot(k + i, n)] = static_cast<int16_t>(src == nullptr ? 0 : src[i] + offset);
}

// acc0 += f0 . row, acc1 += f1 . row over n values (filters are plain int8 rows).
inline void Dot2(const int16_t* row, const int8_t* f0, const int8_t* f1, int32_t n, int32_t* acc0, int32_t* acc1) {
  int32_t a0 = *acc0, a1 = *acc1;
  const int32_t* x = reinterpret_cast<const int32_t*>(row);
  int32_t groups = n >> 2;
  while (groups-- > 0) {
    const int32_t x02 = x[0];
    const int32_t x13 = x[1];
    x += 2;
    const int32_t w0 = Load32(f0);
    const int32_t w1 = Load32(f1);
    f0 += 4;
    f1 += 4;
    a0 = __smlad(__sxtb16(w0), x02, a0);
    a1 = __smlad(__sxtb16(w1), x02, a1);
    a0 = __smlad(Sxtb16Ror8(w0), x13, a0);
    a1 = __smlad(Sxtb16Ror8(w1), x13, a1);
  }
  uint32_t u0 = static_cast<uint32_t>(a0), u1 = static_cast<uint32_t>(a1);
  for (int32_t k = n & ~3; k < n; ++k) {
    u0 += static_cast<uint32_t>(*f0++ * row[k]);
    u1 += static_cast<uint32_t>(*f1++ * row[k]);
  }
  *acc0 = static_cast<int32_t>(u0);
  *acc1 = static_cast<int32_t>(u1);
}

// ---- "pair rows": the q15 rows of two output pixels interleaved, for Dot2x2Pair ----
// Group g (values 4g..4g+3) is four words: pixel 0's (k0,k2), (k1,k3), then pixel 1's; values past the
// last whole group follow as halfword pairs (pixel 0's k, pixel 1's k). Two pixels' values for one
// group come in with one LDM, so the inner loop needs fewer registers and instructions.
inline int32_t PairSlot(int32_t k, int32_t n, int32_t which) {
  const int32_t whole = n & ~3;
  if (k >= whole) return 2 * whole + 2 * (k - whole) + which;
  return 2 * (k & ~3) + 4 * which + ((k & 1) << 1) + ((k >> 1) & 1);
}
inline size_t PairRowsHalfwords(int32_t n) { return static_cast<size_t>(2 * n + 1) & ~size_t{1}; }

// Writes values [k, k + count) of pixel `which` (0 or 1): src[i] + offset, or 0 where src is null.
inline void FillPair(int16_t* rows, int32_t n, int32_t which, int32_t k, const int8_t* src, int32_t count,
                     int32_t offset) {
  const int32_t whole = n & ~3;
  int32_t i = 0;
  if ((k & 3) == 0) {
    int32_t* out = reinterpret_cast<int32_t*>(rows) + k + 2 * which;  // group k/4 starts at word k
    if (src == nullptr) {
      for (; i + 4 <= count && k + i + 4 <= whole; i += 4) {
        out[0] = 0;
        out[1] = 0;
        out += 4;
      }
    } else {
      const int32_t off2 = PairOf(offset);
      for (; i + 4 <= count && k + i + 4 <= whole; i += 4) {
        const int32_t w = Load32(src + i);
        out[0] = __sxtab16(off2, w);
        out[1] = Sxtab16Ror8(off2, w);
        out += 4;
      }
    }
  }
  for (; i < count; ++i) rows[PairSlot(k + i, n, which)] = static_cast<int16_t>(src == nullptr ? 0 : src[i] + offset);
}

// acc[2*pixel + filter] += f . pixel row, for two pixels (pair rows) and two filters.
inline void Dot2x2Pair(const int16_t* rows, const int8_t* f0, const int8_t* f1, int32_t n, int32_t acc[4]) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  const int32_t* x = reinterpret_cast<const int32_t*>(rows);
  const int8_t* const f0_end = f0 + (n & ~3);
  while (f0 != f0_end) {
    const int32_t w0 = Load32(f0);
    const int32_t w1 = Load32(f1);
    f0 += 4;
    f1 += 4;
    const int32_t x02 = x[0], x13 = x[1], y02 = x[2], y13 = x[3];
    x += 4;
    const int32_t f0_02 = __sxtb16(w0), f1_02 = __sxtb16(w1);
    a00 = __smlad(f0_02, x02, a00);
    a01 = __smlad(f1_02, x02, a01);
    a10 = __smlad(f0_02, y02, a10);
    a11 = __smlad(f1_02, y02, a11);
    const int32_t f0_13 = Sxtb16Ror8(w0), f1_13 = Sxtb16Ror8(w1);
    a00 = __smlad(f0_13, x13, a00);
    a01 = __smlad(f1_13, x13, a01);
    a10 = __smlad(f0_13, y13, a10);
    a11 = __smlad(f1_13, y13, a11);
  }
  uint32_t u00 = static_cast<uint32_t>(a00), u01 = static_cast<uint32_t>(a01);
  uint32_t u10 = static_cast<uint32_t>(a10), u11 = static_cast<uint32_t>(a11);
  const int16_t* t = reinterpret_cast<const int16_t*>(x);
  for (int32_t k = n & ~3; k < n; ++k, t += 2) {
    const int32_t g0 = *f0++, g1 = *f1++;
    u00 += static_cast<uint32_t>(g0 * t[0]);
    u01 += static_cast<uint32_t>(g1 * t[0]);
    u10 += static_cast<uint32_t>(g0 * t[1]);
    u11 += static_cast<uint32_t>(g1 * t[1]);
  }
  acc[0] = static_cast<int32_t>(u00);
  acc[1] = static_cast<int32_t>(u01);
  acc[2] = static_cast<int32_t>(u10);
  acc[3] = static_cast<int32_t>(u11);
}

// acc[pixel] += f . pixel row, for two pixels (pair rows) and one filter.
inline void Dot1x2Pair(const int16_t* rows, const int8_t* f, int32_t n, int32_t acc[2]) {
  int32_t a0 = acc[0], a1 = acc[1];
  const int32_t* x = reinterpret_cast<const int32_t*>(rows);
  const int8_t* const f_end = f + (n & ~3);
  while (f != f_end) {
    const int32_t w = Load32(f);
    f += 4;
    const int32_t f02 = __sxtb16(w), f13 = Sxtb16Ror8(w);
    a0 = __smlad(f02, x[0], a0);
    a0 = __smlad(f13, x[1], a0);
    a1 = __smlad(f02, x[2], a1);
    a1 = __smlad(f13, x[3], a1);
    x += 4;
  }
  uint32_t u0 = static_cast<uint32_t>(a0), u1 = static_cast<uint32_t>(a1);
  const int16_t* t = reinterpret_cast<const int16_t*>(x);
  for (int32_t k = n & ~3; k < n; ++k, t += 2) {
    const int32_t g = *f++;
    u0 += static_cast<uint32_t>(g * t[0]);
    u1 += static_cast<uint32_t>(g * t[1]);
  }
  acc[0] = static_cast<int32_t>(u0);
  acc[1] = static_cast<int32_t>(u1);
}

// acc += f . row over n values.
inline int32_t Dot1(const int16_t* row, const int8_t* f, int32_t n, int32_t acc) {
  const int32_t* x = reinterpret_cast<const int32_t*>(row);
  int32_t groups = n >> 2;
  while (groups-- > 0) {
    const int32_t w = Load32(f);
    f += 4;
    acc = __smlad(__sxtb16(w), x[0], acc);
    acc = __smlad(Sxtb16Ror8(w), x[1], acc);
    x += 2;
  }
  uint32_t u = static_cast<uint32_t>(acc);
  for (int32_t k = n & ~3; k < n; ++k) u += static_cast<uint32_t>(*f++ * row[k]);
  return static_cast<int32_t>(u);
}

}  // namespace hil::agent::engine::dsp

#endif  // __ARM_FEATURE_DSP
