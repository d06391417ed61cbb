#include "kernels/fully_connected_per_channel_s8.h"

#include "kernels/quant.h"

namespace hil::agent::engine {

size_t FullyConnectedPerChannelS8ScratchBytes(const FullyConnectedParams&) { return 0; }

Status FullyConnectedPerChannelS8(const FullyConnectedParams& p, const QuantParams& q, const int8_t* input,
                                  const int8_t* filter, const int32_t* bias, void*, int8_t* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* in = input + static_cast<size_t>(b) * p.accum_depth;
    for (int32_t oc = 0; oc < p.out_depth; ++oc) {
      const int8_t* f = filter + static_cast<size_t>(oc) * p.accum_depth;
      uint32_t acc = 0;  // wraps like the reference's int32 on any real target
      for (int32_t d = 0; d < p.accum_depth; ++d) acc += static_cast<uint32_t>(f[d] * (in[d] + p.input_offset));
      if (bias != nullptr) acc += static_cast<uint32_t>(bias[oc]);
      const int32_t v = WrapAdd(MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), q.multiplier[oc], q.shift[oc]),
                                p.output_offset);
      output[static_cast<size_t>(b) * p.out_depth + oc] = static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
    }
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine
