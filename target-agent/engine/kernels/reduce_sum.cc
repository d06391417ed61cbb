#include "kernels/reduce_sum.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

template <typename T>
Status ReduceSum(const ReduceSumParams& p, const T* input, void* scratch, T* output, int32_t qmin, int32_t qmax) {
  uint32_t* acc = static_cast<uint32_t*>(scratch);  // unsigned: the reference's int32 sums wrap
  for (int32_t i = 0; i < p.shape.out_count; ++i) acc[i] = 0;
  ForEachReduced(p.shape, [&](int32_t in, int32_t out) { acc[out] += static_cast<uint32_t>(input[in]); });
  // sum - zp * N, formed in int64 by the reference and narrowed to int32: the same bits modulo 2^32.
  const uint32_t offset = static_cast<uint32_t>(p.input_zero_point) * static_cast<uint32_t>(p.reduced_count);
  for (int32_t i = 0; i < p.shape.out_count; ++i) {
    const int32_t shifted = static_cast<int32_t>(acc[i] - offset);
    const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(shifted, p.multiplier, p.shift), p.output_zero_point);
    output[i] = static_cast<T>(Clamp(v, qmin, qmax));
  }
  return Status::kOk;
}

}  // namespace

size_t ReduceSumScratchBytes(const ReduceSumParams& p) {
  return static_cast<size_t>(p.shape.out_count) * sizeof(int32_t);
}

Status ReduceSumS8(const ReduceSumParams& p, const int8_t* input, void* scratch, int8_t* output) {
  return ReduceSum<int8_t>(p, input, scratch, output, -128, 127);
}

Status ReduceSumS16(const ReduceSumParams& p, const int16_t* input, void* scratch, int16_t* output) {
  return ReduceSum<int16_t>(p, input, scratch, output, -32768, 32767);
}

}  // namespace hil::agent::engine
