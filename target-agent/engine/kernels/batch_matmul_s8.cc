#include "kernels/batch_matmul_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t BatchMatMulS8ScratchBytes(const BatchMatMulParams&) { return 0; }

Status BatchMatMulS8(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, void*, int8_t* output) {
  int8_t* out = output;
  for (int32_t b0 = 0; b0 < p.batch[0]; ++b0) {
    for (int32_t b1 = 0; b1 < p.batch[1]; ++b1) {
      for (int32_t b2 = 0; b2 < p.batch[2]; ++b2) {
        const int8_t* l = lhs + static_cast<size_t>(b0) * p.lhs_batch_stride[0] +
                          static_cast<size_t>(b1) * p.lhs_batch_stride[1] +
                          static_cast<size_t>(b2) * p.lhs_batch_stride[2];
        const int8_t* r = rhs + static_cast<size_t>(b0) * p.rhs_batch_stride[0] +
                          static_cast<size_t>(b1) * p.rhs_batch_stride[1] +
                          static_cast<size_t>(b2) * p.rhs_batch_stride[2];
        for (int32_t m = 0; m < p.rows; ++m) {
          for (int32_t n = 0; n < p.cols; ++n) {
            uint32_t acc = 0;  // wraps like the reference's int32 on any real target
            for (int32_t k = 0; k < p.depth; ++k) {
              const int32_t a = l[static_cast<size_t>(m) * p.lhs_row + static_cast<size_t>(k) * p.lhs_depth];
              const int32_t c = r[static_cast<size_t>(k) * p.rhs_depth + static_cast<size_t>(n) * p.rhs_col];
              acc += static_cast<uint32_t>((a + p.lhs_offset) * (c + p.rhs_offset));
            }
            const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), p.multiplier, p.shift),
                                      p.output_offset);
            *out++ = static_cast<int8_t>(Clamp(v, -128, 127));
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
