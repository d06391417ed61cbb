// TFLite's int16 lookup tables with linear interpolation (LUTPopulate<int16_t> / LUTLookup): 513
// entries over the int16 input range, 512 segments of 128 input steps plus the end point.
#pragma once

#include <cstdint>

namespace hil::agent::engine {

constexpr int kLutS16Entries = 513;

// TFLite's LUTPopulateInt16<float>: all arithmetic in float, as TFLite does it (so the table is the one
// TFLite builds with the same libm). Entry i samples transform at input_min + i * step (step = 1/512
// of the input range), lowered by half the rounding error of linear interpolation at the segment's
// middle; entry 512 samples the input maximum. Values in the output quantisation, clamped to int16.
void PopulateLutS16(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                    float (*transform)(float), int16_t* lut);

// LUTLookup: segment 256 + (v >> 7), interpolated by the low 7 bits with rounding; the int16
// arithmetic (slope, sum) wraps as TFLite's.
inline int16_t LutLookupS16(int16_t v, const int16_t* lut) {
  const uint16_t index = static_cast<uint16_t>(256 + (v >> 7));
  const int16_t offset = static_cast<int16_t>(v & 0x7f);
  const int16_t base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

}  // namespace hil::agent::engine
