#pragma once

#include "kernels/common.h"

namespace hil::agent::engine {

// BATCH_MATMUL: out[b, m, n] = sum_k (lhs[b, m, k] + lhs_offset) * (rhs[b, k, n] + rhs_offset),
// requantized, + output_offset, clamped to the output type. Batch dimensions are the three leading
// dimensions of the operands extended to 5-D; an operand's stride is 0 along a dimension it
// broadcasts (size 1). Element (m, k) of one lhs matrix sits at m * lhs_row + k * lhs_depth (adj_x
// swaps the roles), element (k, n) of one rhs matrix at k * rhs_depth + n * rhs_col; the output is
// row-major [batch..., rows, cols].
struct BatchMatMulParams {
  int32_t batch[3];
  int32_t lhs_batch_stride[3], rhs_batch_stride[3];
  int32_t rows, cols, depth;
  int32_t lhs_row, lhs_depth, rhs_depth, rhs_col;
  int32_t lhs_offset, rhs_offset, output_offset;
  int32_t multiplier, shift;
};

size_t BatchMatMulS8ScratchBytes(const BatchMatMulParams& p);
// int8 operands and output; int32 accumulator (wrapping), 32-bit MultiplyByQuantizedMultiplier,
// clamp to [-128, 127]. Returns kOk.
Status BatchMatMulS8(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, void* scratch,
                     int8_t* output);

}  // namespace hil::agent::engine
