// The int16 logistic and tanh of TFLite (reference_integer_ops::Logistic / Tanh for int16, also used
// by the integer LSTM's gates and cell): a 256-entry table of sigmoid(i/24) in unsigned Q0.16 with
// linear interpolation between entries; tanh(x) = 2 sigmoid(2x) - 1 reads the same table.
//
// Contract of the element functions: the argument v is the real input x scaled by 3 * 2^12 = 12288,
// v = round(x * 12288) (so a Q3.12 value q, as the LSTM's gate pre-activations, is v = 3q; see
// SigmoidS16Input for the rescale of an int16 tensor). Any int32 v is accepted: |v| >= 255 * 2^9
// (sigmoid) or 255 * 2^8 (tanh) saturates. The result is Q0.15 (scale 2^-15, zero point 0):
// LogisticS16Value in [0, 32767], TanhS16Value in [-32767, 32767]. Pure functions: any thread.
//
// The table is computed at compile time from its definition (no libm, so host and target agree):
// entry i is sigmoid at x_i = i/24 in Q0.16, raised by half the error that linear interpolation
// makes at the middle of the segment [x_i, x_(i+1)], rounded half up:
//   T[i] = round(65536 * (s(x_i) + (s(x_i + 1/48) - (s(x_i) + s(x_(i+1))) / 2) / 2)),  i < 255,
// and the last entry, only the upper end of segment 254, is 0xFFFF. This reproduces all 256 values
// of TFLite's sigmoid_table_uint16 (kernels_test checks entries and their sum); every value sits at
// least 0.004 away from a rounding boundary, so the series below (relative error ~1e-16) is ample.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

namespace sigmoid_s16 {

struct Table {
  uint16_t v[256];
};

// e^x for 0 <= x <= 11: the Taylor series has only positive terms there, so it sums without
// cancellation.
constexpr double ExpNonNegative(double x) {
  double sum = 1.0;
  double term = 1.0;
  for (int k = 1; k < 80; ++k) {
    term = term * x / k;
    sum += term;
    if (term < sum * 1e-18) break;
  }
  return sum;
}

// 65536 * sigmoid(x) for x >= 0.
constexpr double SigmoidQ16(double x) {
  const double e = ExpNonNegative(x);
  return 65536.0 * e / (1.0 + e);
}

constexpr Table MakeTable() {
  Table t{};
  constexpr double kStep = 1.0 / 24.0;
  for (int i = 0; i < 255; ++i) {
    const double x = i * kStep;
    const double at = SigmoidQ16(x);
    const double mid = SigmoidQ16(x + kStep / 2);
    const double next = SigmoidQ16(x + kStep);
    const double biased = at + (mid - (at + next) / 2) / 2;
    t.v[i] = static_cast<uint16_t>(biased + 0.5);
  }
  t.v[255] = 0xFFFF;
  return t;
}

}  // namespace sigmoid_s16

// sigmoid(i/24) in Q0.16, i = 0..255 (TFLite's sigmoid_table_uint16). In flash on the target.
inline constexpr sigmoid_s16::Table kSigmoidTableU16 = sigmoid_s16::MakeTable();

// sigmoid(v / 12288) in Q0.15.
inline int16_t LogisticS16Value(int32_t v) {
  const uint32_t a = v >= 0 ? static_cast<uint32_t>(v) : 0u - static_cast<uint32_t>(v);
  const uint32_t hi = a >> 9;
  uint32_t r;
  if (hi >= 255) {
    r = 0x7FFFu << 10;
  } else {
    const uint32_t lo = kSigmoidTableU16.v[hi];
    const uint32_t up = kSigmoidTableU16.v[hi + 1];
    r = (lo << 9) + (a & 0x1FFu) * (up - lo);
  }
  // sigmoid(-x) = 1 - sigmoid(x); rounds the Q0.25 value to Q0.15.
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
  return static_cast<int16_t>(r >> 10);
}

// tanh(v / 12288) in Q0.15: 2 sigmoid(2x) - 1, so the index takes one bit less of v.
inline int16_t TanhS16Value(int32_t v) {
  const uint32_t a = v >= 0 ? static_cast<uint32_t>(v) : 0u - static_cast<uint32_t>(v);
  const uint32_t hi = a >> 8;
  uint32_t r;
  if (hi >= 255) {
    r = 0xFFFFu << 8;
  } else {
    const uint32_t lo = kSigmoidTableU16.v[hi];
    const uint32_t up = kSigmoidTableU16.v[hi + 1];
    r = (lo << 8) + (a & 0xFFu) * (up - lo);
  }
  // Signed from here: the negative branch goes below zero and the shift floors it.
  const int32_t s = static_cast<int32_t>(r);
  const int32_t t = v >= 0 ? s - (1 << 23) + (1 << 7) : -s + (1 << 23) + (1 << 7) - 1;
  return static_cast<int16_t>(t >> 8);
}

// The rescale of an int16 input q (zero point 0) to v, as TFLite's int16 LOGISTIC and TANH do it:
// v = (q * multiplier + 2^(shift-1)) >> shift (no rounding term when shift is 0). Valid for
// 0 <= multiplier <= 32767 and 0 <= shift <= 31 (then it cannot overflow); the LSTM's power-of-two
// cases are multiplier 3 << k with shift 0 (v = q * 3 * 2^k, k <= 14), or multiplier 3 with shift k.
inline int32_t SigmoidS16Input(int32_t q, int32_t multiplier, int shift) {
  const int32_t round = shift > 0 ? (INT32_C(1) << (shift - 1)) : 0;
  return (q * multiplier + round) >> shift;
}

}  // namespace hil::agent::engine
