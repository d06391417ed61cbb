#include "kernels/fully_connected_s16.h"

#include "kernels/bias.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {

// Acc is uint32_t (TFLite's int32 accumulator, wrapping) or uint64_t (its int64 one); Bias int32_t or
// void (int64, see BiasAt). per_channel: q holds one multiplier per output channel and the weight zero
// point is not applied.
template <typename Acc, typename Bias>
void FullyConnectedS16T(const FullyConnectedParams& p, const QuantParams* q, const int16_t* input,
                        const int8_t* filter, const Bias* bias, int16_t* output) {
  const int32_t filter_offset = q == nullptr ? p.filter_offset : 0;
  for (int32_t b = 0; b < p.batches; ++b) {
    const int16_t* in = input + static_cast<size_t>(b) * p.accum_depth;
    for (int32_t oc = 0; oc < p.out_depth; ++oc) {
      const int8_t* f = filter + static_cast<size_t>(oc) * p.accum_depth;
      Acc acc = 0;
      for (int32_t d = 0; d < p.accum_depth; ++d)
        acc += static_cast<Acc>(static_cast<int64_t>(f[d] + filter_offset) * (in[d] + p.input_offset));
      if (bias != nullptr) acc += static_cast<Acc>(BiasAt(bias, oc));
      const int32_t m = q == nullptr ? p.multiplier : q->multiplier[oc];
      const int s = q == nullptr ? p.shift : q->shift[oc];
      int32_t v;
      if constexpr (sizeof(Acc) == 8) {
        v = MultiplyByQuantizedMultiplier64(static_cast<int64_t>(acc), m, s);
      } else {
        v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), m, s);
      }
      v = WrapAdd(v, p.output_offset);
      output[static_cast<size_t>(b) * p.out_depth + oc] = static_cast<int16_t>(Clamp(v, p.act_min, p.act_max));
    }
  }
}

}  // namespace

size_t FullyConnectedS16ScratchBytes(const FullyConnectedParams&) { return 0; }

Status FullyConnectedS16(const FullyConnectedParams& p, const int16_t* input, const int8_t* filter,
                         const void* bias, void*, int16_t* output) {
  FullyConnectedS16T<uint64_t>(p, nullptr, input, filter, bias, output);
  return Status::kOk;
}

Status FullyConnectedS16Bias32(const FullyConnectedParams& p, const int16_t* input, const int8_t* filter,
                               const int32_t* bias, void*, int16_t* output) {
  FullyConnectedS16T<uint32_t>(p, nullptr, input, filter, bias, output);
  return Status::kOk;
}

Status FullyConnectedPerChannelS16(const FullyConnectedParams& p, const QuantParams& q, const int16_t* input,
                                   const int8_t* filter, const void* bias, void*, int16_t* output) {
  FullyConnectedS16T<uint64_t>(p, &q, input, filter, bias, output);
  return Status::kOk;
}

Status FullyConnectedPerChannelS16Bias32(const FullyConnectedParams& p, const QuantParams& q, const int16_t* input,
                                         const int8_t* filter, const int32_t* bias, void*, int16_t* output) {
  FullyConnectedS16T<uint32_t>(p, &q, input, filter, bias, output);
  return Status::kOk;
}

}  // namespace hil::agent::engine
