// AVERAGE_POOL_2D with Helium/MVE: eight channels per vector (int8 widened to int16 lanes on load),
// summed over the window in chunks of rows of at most 256 taps (|sum| <= 32768 fits an int16 lane),
// each chunk widened into int32 sums of the even and odd channels. The reference's rounded division
// by the window size is a multiply by a reciprocal (average_pool2d_s8_fast.h, where the proof is), then
// the sign, the clamp, and both halves narrowed back in channel order; the last channels through tail
// predication, and a last group of at most four in int32 lanes (half the per-pixel work, which
// matters when there are only a few channels). Windows wider than 256 taps or holding more than 4088
// take the portable kernel.
#include "kernels/average_pool2d_s8.h"

#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "kernels/average_pool2d_s8_fast.h"

namespace hil::agent::engine {

namespace {

// avgpool_fast::Average per lane, clamped to [lo, hi].
inline int32x4_t Average(int32x4_t acc, int32_t half, uint32x4_t reciprocal, int32x4_t lo, int32x4_t hi) {
  const uint32x4_t u = vreinterpretq_u32_s32(vaddq_n_s32(vabsq_s32(acc), half));
  const int32x4_t q = vreinterpretq_s32_u32(vmulhq_u32(vshlq_n_u32(u, 1), reciprocal));
  const int32x4_t avg = vnegq_m_s32(q, q, vcmpltq_n_s32(acc, 0));
  return vminq_s32(vmaxq_s32(avg, lo), hi);
}

}  // namespace

size_t AveragePool2dS8MveScratchBytes(const PoolParams&) { return 0; }

Status AveragePool2dS8Mve(const PoolParams& p, const int8_t* input, void* scratch, int8_t* output) {
  if (p.filter_w > 256 || static_cast<int64_t>(p.filter_h) * p.filter_w > avgpool_fast::kMaxCount ||
      p.act_min > p.act_max)
    return AveragePool2dS8(p, input, scratch, output);
  const int32_t channels = p.channels;
  const size_t row_bytes = static_cast<size_t>(p.in_w) * channels;
  const int32x4_t lo = vdupq_n_s32(p.act_min), hi = vdupq_n_s32(p.act_max);
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
        const int32_t half = count / 2;
        const uint32x4_t reciprocal = vdupq_n_u32(avgpool_fast::Reciprocal(count));
        const int8_t* window = input_b + static_cast<size_t>(in_y0 + fy0) * row_bytes +
                               static_cast<size_t>(in_x0 + fx0) * channels;
        int8_t* out = output + ((static_cast<size_t>(b) * p.out_h + oy) * p.out_w + ox) * channels;
        int32_t c = 0;
        for (; channels - c > 4; c += 8) {
          const mve_pred16_t pred = vctp16q(static_cast<uint32_t>(channels - c));
          int32x4_t even = vdupq_n_s32(0), odd = vdupq_n_s32(0);  // channels c, c + 2, ... and c + 1, c + 3, ...
          for (int32_t r0 = 0; r0 < rows; r0 += chunk_rows) {
            const int32_t r1 = r0 + chunk_rows < rows ? r0 + chunk_rows : rows;
            int16x8_t acc = vdupq_n_s16(0);
            for (int32_t r = r0; r < r1; ++r) {
              const int8_t* in = window + static_cast<size_t>(r) * row_bytes + c;
              for (int32_t x = 0; x < cols; ++x) {
                acc = vaddq_s16(acc, vldrbq_z_s16(in, pred));
                in += channels;
              }
            }
            even = vaddq_s32(even, vmovlbq_s16(acc));
            odd = vaddq_s32(odd, vmovltq_s16(acc));
          }
          const int16x8_t lower = vmovnbq_s32(vdupq_n_s16(0), Average(even, half, reciprocal, lo, hi));
          vstrbq_p_s16(out + c, vmovntq_s32(lower, Average(odd, half, reciprocal, lo, hi)), pred);
        }
        if (c < channels) {  // the last one to four channels: int32 lanes, no chunks, one division
          const mve_pred16_t pred = vctp32q(static_cast<uint32_t>(channels - c));
          int32x4_t acc = vdupq_n_s32(0);
          for (int32_t r = 0; r < rows; ++r) {
            const int8_t* in = window + static_cast<size_t>(r) * row_bytes + c;
            for (int32_t x = 0; x < cols; ++x) {
              acc = vaddq_s32(acc, vldrbq_z_s32(in, pred));
              in += channels;
            }
          }
          vstrbq_p_s32(out + c, Average(acc, half, reciprocal, lo, hi), pred);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_MVE
