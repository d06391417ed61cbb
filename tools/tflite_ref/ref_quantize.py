"""Reference kernels of the type conversions QUANTIZE and DEQUANTIZE, for every type pair TFLite Micro runs.

Written from TFLite Micro's definitions (quantize_common.cc, dequantize_common.cc, reference_ops::AffineQuantize,
Requantize and Dequantize):
- QUANTIZE float32 -> int8 / int16: round(x / s_out) with the division in float32 and halves away from zero,
  plus zp_out, clamped. Where TFLite's float -> int32 conversion is undefined (|x / s| >= 2^31, inf, NaN: x86
  and Arm builds of TFLite Micro differ) the engine saturates (NaN -> the zero point); so does this reference.
- QUANTIZE between integer types (int8 -> int8/uint8/int16/int32, int16 -> int8/int16/int32, int32 -> int8/int16,
  uint8 -> int8): MultiplyByQuantizedMultiplier(q - zp_in, QuantizeMultiplier(s_in / s_out)) + zp_out, clamped
  to the output type, with int32 wraparound where TFLite's int32 arithmetic overflows.
- DEQUANTIZE int8 / int16 / uint8 -> float32: float32(double(s) * (q - zp)).
Only the first scale and zero point of a tensor are used (TFLite Micro's per-tensor parameters); an output of
QUANTIZE with several scales is refused.

These supersede the int8-only QUANTIZE / DEQUANTIZE kernels of tflite_ref.py (register() removes those, and
removes QUANTIZE from its float plausibility check, whose int8 output grid does not fit int16/int32 outputs or
float inputs): the cases of cases_quantize.py were compared with TFLite Micro itself (hil-tflm-dump).
"""
import numpy as np

REQUANTIZE_PAIRS = {(9, 9), (9, 3), (9, 7), (9, 2), (7, 9), (7, 7), (7, 2), (2, 9), (2, 7), (3, 9)}


def register(ref):
    for name in ("QUANTIZE", "DEQUANTIZE"):
        ref.KERNELS.pop(name, None)
    ref.UNVALIDATED_OPS.discard("QUANTIZE")
    ref.UNVALIDATED_OPS.discard("DEQUANTIZE")

    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def value(model, op, values):
        t = op.inputs[0]
        return values[t] if values.get(t) is not None else model.tensors[t].data

    def type_range(t):
        info = np.iinfo(ref.TYPE_NP[t])
        return int(info.min), int(info.max)

    def k_quantize(model, op, values):
        x = value(model, op, values)
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if len(to.scales) != 1 or not to.zero_points:
            fail(op, "the output needs exactly one scale and a zero point")
        lo, hi = type_range(to.type) if to.type in ref.TYPE_NP and to.type not in (0, 6) else (0, 0)
        if ti.type == 0 and to.type in (9, 7):
            q = (x.astype(np.float32) / np.float32(to.scale)).astype(np.float64)
            r = np.sign(q) * np.floor(np.abs(q) + 0.5)             # std::round of the float32 quotient
            r = np.where(np.isnan(r), 0.0, r)                     # NaN -> the zero point
            r = np.clip(r, -2.0 ** 40, 2.0 ** 40)                  # saturate before converting
            return np.clip(r.astype(np.int64) + to.zero_point, lo, hi)
        if (ti.type, to.type) not in REQUANTIZE_PAIRS:
            fail(op, "%s -> %s is not a TFLite Micro pair" % (ref.TYPE_NAME[ti.type], ref.TYPE_NAME[to.type]))
        m, s = ref.quantize_multiplier(float(ti.scale) / float(to.scale))
        v = ref.wrap32(x.astype(np.int64) - ti.zero_point)
        v = ref.wrap32(v << max(s, 0))                              # x * 2^left wraps in int32
        v = ref.rdbpot(ref.srdhm(v, m), max(-s, 0))
        return np.clip(ref.wrap32(v + to.zero_point), lo, hi)

    def k_dequantize(model, op, values):
        x = value(model, op, values)
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type not in (9, 7, 3) or to.type != 0:
            fail(op, "int8, int16 or uint8 -> float32 only")
        return (float(ti.scale) * (x.astype(np.float64) - ti.zero_point)).astype(np.float32)

    return {"QUANTIZE": k_quantize, "DEQUANTIZE": k_dequantize}
