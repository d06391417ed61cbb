// AVERAGE_POOL_2D with the Cortex-M DSP extension: eight (then four) channels at a time, summed over
// the window with SXTAB16 into registers of int16 lane pairs (channels 0 and 2, 1 and 3) from one word
// load per four channels per tap. Up to 256 taps of int8 values fit an int16 lane (|sum| <= 32768),
// so the window is summed in chunks of rows of at most 256 taps, each added to int32 sums. The average is the reference's own
// expression (SDIV truncates as C's division does); results lie inside int8, so four are packed into a
// word and clamped with SSUB8/SEL. Windows wider than 256 taps take the portable kernel.
#include "kernels/average_pool2d_s8.h"

#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include "kernels/dsp_bytes.h"
#include "kernels/dsp_dot.h"

namespace hil::agent::engine {

namespace {

inline int32_t Average(int32_t acc, int32_t count) {
  const int32_t half = count / 2;
  return (acc > 0 ? acc + half : acc - half) / count;
}

// Sums over a window of `rows` x `cols` taps (`first` is the top-left tap's first channel; taps `step`
// bytes apart in a row, rows `row_bytes` apart) of 4 * kWords channels: sums[k] for channel k. The
// int16 lanes take `chunk_rows` rows at a time (at most 256 taps) before they are added to the sums.
template <int kWords>
inline void SumWindow(const int8_t* first, int32_t rows, int32_t cols, size_t row_bytes, int32_t step,
                      int32_t chunk_rows, int32_t sums[4 * kWords]) {
  for (int k = 0; k < 4 * kWords; ++k) sums[k] = 0;
  for (int32_t r0 = 0; r0 < rows; r0 += chunk_rows) {
    const int32_t r1 = r0 + chunk_rows < rows ? r0 + chunk_rows : rows;
    int32_t pairs[2 * kWords] = {};  // per word: int16 lanes of channels 0 and 2, then 1 and 3
    for (int32_t r = r0; r < r1; ++r) {
      const int8_t* in = first + static_cast<size_t>(r) * row_bytes;
      const int8_t* const end = in + static_cast<size_t>(cols) * step;
      for (; in != end; in += step) {
        for (int w = 0; w < kWords; ++w) {
          const int32_t v = dsp::Load32(in + 4 * w);
          pairs[2 * w] = __sxtab16(pairs[2 * w], v);
          pairs[2 * w + 1] = dsp::Sxtab16Ror8(pairs[2 * w + 1], v);
        }
      }
    }
    for (int w = 0; w < kWords; ++w) {
      sums[4 * w] += static_cast<int16_t>(pairs[2 * w]);
      sums[4 * w + 2] += pairs[2 * w] >> 16;
      sums[4 * w + 1] += static_cast<int16_t>(pairs[2 * w + 1]);
      sums[4 * w + 3] += pairs[2 * w + 1] >> 16;
    }
  }
}

// The averages of four channel sums, clamped, stored as one word.
inline void StoreAverages4(int8_t* out, const int32_t sums[4], int32_t count, uint32_t lo4, uint32_t hi4) {
  dsp::StoreClamped4(out,
                     dsp::Pack4(Average(sums[0], count), Average(sums[1], count), Average(sums[2], count),
                                Average(sums[3], count)),
                     lo4, hi4);
}

}  // namespace

size_t AveragePool2dS8DspScratchBytes(const PoolParams&) { return 0; }

Status AveragePool2dS8Dsp(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output) {
  // Windows of more than 2^16 taps go to the reference kernel, whose sums wrap without overflowing.
  if (p.filter_w > 256 || static_cast<int64_t>(p.filter_h) * p.filter_w > (1 << 16) || p.act_min < -128 ||
      p.act_max > 127 || p.act_min > p.act_max)
    return AveragePool2dS8(p, input, scratch, output);
  const int32_t channels = p.channels;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * channels;
  const uint32_t lo4 = dsp::Bytes4(p.act_min), hi4 = dsp::Bytes4(p.act_max);
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* input_b = input + static_cast<size_t>(b) * p.in_h * row_bytes;
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_h;
      const int32_t fy0 = in_y0 < 0 ? -in_y0 : 0;
      const int32_t fy1 = p.filter_h < p.in_h - in_y0 ? p.filter_h : p.in_h - in_y0;
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int32_t in_x0 = ox * p.stride_w - p.pad_w;
        const int32_t fx0 = in_x0 < 0 ? -in_x0 : 0;
        const int32_t fx1 = p.filter_w < p.in_w - in_x0 ? p.filter_w : p.in_w - in_x0;
        if (fy1 <= fy0 || fx1 <= fx0) return Status::kKernelFailed;  // no input in the window
        const int32_t rows = fy1 - fy0, cols = fx1 - fx0, count = rows * cols;
        const int32_t chunk_rows = 256 / cols;  // rows per int16 chunk
        const int8_t* window = input_b + static_cast<size_t>(in_y0 + fy0) * row_bytes +
                               static_cast<size_t>(in_x0 + fx0) * channels;
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * channels;
        int32_t c = 0;
        for (; c + 8 <= channels; c += 8) {
          int32_t sums[8];
          SumWindow<2>(window + c, rows, cols, row_bytes, channels, chunk_rows, sums);
          StoreAverages4(out + c, sums, count, lo4, hi4);
          StoreAverages4(out + c + 4, sums + 4, count, lo4, hi4);
        }
        if (c + 4 <= channels) {
          int32_t sums[4];
          SumWindow<1>(window + c, rows, cols, row_bytes, channels, chunk_rows, sums);
          StoreAverages4(out + c, sums, count, lo4, hi4);
          c += 4;
        }
        for (; c < channels; ++c) {
          int32_t acc = 0;
          for (int32_t r = 0; r < rows; ++r) {
            const int8_t* in = window + static_cast<size_t>(r) * row_bytes + c;
            for (int32_t x = 0; x < cols; ++x) acc += in[static_cast<size_t>(x) * channels];
          }
          out[c] = static_cast<int8_t>(Clamp(Average(acc, count), p.act_min, p.act_max));
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_DSP
