#include "kernels/svdf_s8.h"

#include <limits>

#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// T: the state and time-weight type (int8 or int16).
template <typename T>
Status SvdfImpl(const SvdfParams& p, const int8_t* input, const int8_t* weights_feature, const T* weights_time,
                const int32_t* bias, T* state, int8_t* output) {
  const size_t memory = static_cast<size_t>(p.memory);
  const size_t row = static_cast<size_t>(p.filters) * memory;  // one batch's state
  // The reference shifts the whole buffer left by one element; the slot that receives the next row's
  // first element is each row's last, which is overwritten below, so per-row shifts are the same.
  const size_t total = static_cast<size_t>(p.batches) * row;
  for (size_t i = 1; i < total; ++i) state[i - 1] = state[i];

  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* in = input + static_cast<size_t>(b) * p.input_size;
    T* st = state + static_cast<size_t>(b) * row;
    for (int32_t f = 0; f < p.filters; ++f) {
      const int8_t* w = weights_feature + static_cast<size_t>(f) * p.input_size;
      uint32_t dot = 0;  // int32 in the reference, wrapping
      for (int32_t i = 0; i < p.input_size; ++i)
        dot += static_cast<uint32_t>(w[i] * (in[i] - p.input_zero_point));
      const int32_t v = Clamp(MultiplyByQuantizedMultiplier(static_cast<int32_t>(dot), p.feature_multiplier,
                                                            p.feature_shift),
                              kMin, kMax);
      // The zero point is added after the clamp and the sum is stored without another clamp
      // (truncated to T, as the reference's implicit conversion does).
      st[static_cast<size_t>(f) * memory + memory - 1] = static_cast<T>(WrapAdd(p.state_zero_point, v));
    }
  }

  for (int32_t b = 0; b < p.batches; ++b) {
    const T* st = state + static_cast<size_t>(b) * row;
    for (int32_t u = 0; u < p.units; ++u) {
      uint32_t acc = static_cast<uint32_t>(bias[u]);
      for (int32_t r = 0; r < p.rank; ++r) {
        const size_t f = static_cast<size_t>(u) * p.rank + r;
        const T* wt = weights_time + f * memory;
        const T* s = st + f * memory;
        for (size_t m = 0; m < memory; ++m)
          acc += static_cast<uint32_t>(static_cast<int64_t>(wt[m]) * (static_cast<int32_t>(s[m]) - p.state_zero_point));
      }
      const int32_t y =
          WrapAdd(MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), p.output_multiplier, p.output_shift),
                  p.output_zero_point);
      output[static_cast<size_t>(b) * p.units + u] = static_cast<int8_t>(Clamp(y, -128, 127));
    }
  }
  return Status::kOk;
}

}  // namespace

size_t SvdfS8ScratchBytes(const SvdfParams&) { return 0; }

Status SvdfS8(const SvdfParams& p, const int8_t* input, const int8_t* weights_feature, const int8_t* weights_time,
              const int32_t* bias, int8_t* state, void*, int8_t* output) {
  return SvdfImpl<int8_t>(p, input, weights_feature, weights_time, bias, state, output);
}

Status SvdfS8S16(const SvdfParams& p, const int8_t* input, const int8_t* weights_feature,
                 const int16_t* weights_time, const int32_t* bias, int16_t* state, void*, int8_t* output) {
  return SvdfImpl<int16_t>(p, input, weights_feature, weights_time, bias, state, output);
}

}  // namespace hil::agent::engine
