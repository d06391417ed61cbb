// FULLY_CONNECTED with the Cortex-M DSP extension: the input row as int16 (offset added) in scratch,
// two output rows per pass with SMLAD. Requantisation: the portable kernel's results
// (MultiplyByQuantizedMultiplierFast). A non-zero filter offset (not produced by TFLite's int8
// converter) takes the portable kernel.
#include "kernels/fully_connected_s8.h"

#if defined(__ARM_FEATURE_DSP)

#include "kernels/dsp_dot.h"
#include "kernels/quant.h"

namespace hil::agent::engine {

namespace {
inline int8_t Requantize(const FullyConnectedParams& p, const int32_t* bias, int32_t oc, int32_t acc) {
  uint32_t a = static_cast<uint32_t>(acc);
  if (bias != nullptr) a += static_cast<uint32_t>(bias[oc]);
  const int32_t v = WrapAdd(MultiplyByQuantizedMultiplierFast(static_cast<int32_t>(a), p.multiplier, p.shift), p.output_offset);
  return static_cast<int8_t>(Clamp(v, p.act_min, p.act_max));
}
}  // namespace

size_t FullyConnectedS8DspScratchBytes(const FullyConnectedParams& p) {
  if (p.filter_offset != 0) return 0;
  return static_cast<size_t>((p.accum_depth + 1) & ~1) * sizeof(int16_t);
}

Status FullyConnectedS8Dsp(const FullyConnectedParams& p, const int8_t* input, const int8_t* filter,
                           const int32_t* bias, void* scratch, int8_t* output) {
  if (p.filter_offset != 0 || scratch == nullptr) return FullyConnectedS8(p, input, filter, bias, scratch, output);
  const int32_t n = p.accum_depth;
  int16_t* row = static_cast<int16_t*>(scratch);
  for (int32_t b = 0; b < p.batches; ++b) {
    dsp::FillRow(row, n, 0, input + static_cast<size_t>(b) * n, n, p.input_offset);
    int8_t* out = output + static_cast<size_t>(b) * p.out_depth;
    int32_t oc = 0;
    for (; oc + 1 < p.out_depth; oc += 2) {
      const int8_t* f0 = filter + static_cast<size_t>(oc) * n;
      int32_t a0 = 0, a1 = 0;
      dsp::Dot2(row, f0, f0 + n, n, &a0, &a1);
      out[oc] = Requantize(p, bias, oc, a0);
      out[oc + 1] = Requantize(p, bias, oc + 1, a1);
    }
    if (oc < p.out_depth) out[oc] = Requantize(p, bias, oc, dsp::Dot1(row, filter + static_cast<size_t>(oc) * n, n, 0));
  }
  return Status::kOk;
}

}  // namespace hil::agent::engine

#endif  // __ARM_FEATURE_DSP
