#include "kernels/batch_matmul_s16.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t BatchMatMulS16ScratchBytes(const BatchMatMulParams&) { return 0; }

Status BatchMatMulS16(const BatchMatMulParams& p, const int16_t* lhs, const int16_t* rhs, void*, int16_t* output) {
  int16_t* out = output;
  for (int32_t b0 = 0; b0 < p.batch[0]; ++b0) {
    for (int32_t b1 = 0; b1 < p.batch[1]; ++b1) {
      for (int32_t b2 = 0; b2 < p.batch[2]; ++b2) {
        const int16_t* l = lhs + static_cast<size_t>(b0) * p.lhs_batch_stride[0] +
                           static_cast<size_t>(b1) * p.lhs_batch_stride[1] +
                           static_cast<size_t>(b2) * p.lhs_batch_stride[2];
        const int16_t* r = rhs + static_cast<size_t>(b0) * p.rhs_batch_stride[0] +
                           static_cast<size_t>(b1) * p.rhs_batch_stride[1] +
                           static_cast<size_t>(b2) * p.rhs_batch_stride[2];
        for (int32_t m = 0; m < p.rows; ++m) {
          for (int32_t n = 0; n < p.cols; ++n) {
            uint64_t acc = 0;  // int64 arithmetic that wraps instead of overflowing
            for (int32_t k = 0; k < p.depth; ++k) {
              const int64_t a = l[static_cast<size_t>(m) * p.lhs_row + static_cast<size_t>(k) * p.lhs_depth];
              const int64_t c = r[static_cast<size_t>(k) * p.rhs_depth + static_cast<size_t>(n) * p.rhs_col];
              acc += static_cast<uint64_t>((a + p.lhs_offset) * (c + p.rhs_offset));
            }
            const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier64(static_cast<int64_t>(acc), p.multiplier, p.shift),
                                      p.output_offset);
            *out++ = static_cast<int16_t>(Clamp(v, -32768, 32767));
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
