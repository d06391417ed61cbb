"""Reference kernels of the activations: RELU, RELU6, LOGISTIC and TANH for int16 and float32 (int8 stays with
tflite_ref.py's kernels), LEAKY_RELU (int8, int16, float32), PRELU (int8, int16 with int8 alpha, float32),
HARD_SWISH (int8, float32) and ELU (int8, float32).

Written from TFLite Micro's definitions (activations_common.cc, logistic_common.cc, tanh.cc, leaky_relu_common.cc,
prelu_common.cc, hard_swish_common.cc, elu.cc and the reference_ops / reference_integer_ops headers they call):
- RELU int16: zero points 0; MultiplyByQuantizedMultiplier(q, s_in / s_out (float quotient)), clamped to
  [0, 32767]. RELU6: a clamp of the raw input to [zp_in, round(6 / s_in) + zp_in] (no rescale, any zero point).
- LOGISTIC / TANH int16: the input becomes v = x * 3 * 2^12, exactly (q * 3 * 2^k) when the input scale is 2^-12
  (TANH: also 2^-11) by TFLite's float log2 test, else (q * m + 2^(n-1)) >> n with m = s_in * 12288 doubled n
  times until it passes 16383.5 and truncated. sigmoid(v / 12288) comes from a 256-entry Q0.16 table of
  sigmoid(i / 24) with linear interpolation over the 9 low bits of |v| (TANH: 2 sigmoid(2x) - 1, 8 bits), and
  the result is rounded to Q0.15. The table is computed here from its definition (each entry is sigmoid at i/24
  plus half the midpoint interpolation error, rounded; the last entry is 0xFFFF): that reproduces TFLite's
  sigmoid_table_uint16 exactly.
- LEAKY_RELU: identity multiplier s_in / s_out, alpha multiplier s_in * alpha / s_out, both formed in float32; a
  negative alpha multiplier is applied as its magnitude and the product negated; zp_out added, clamped.
- PRELU: a >= 0: MBQM(a, s_in / s_out), else MBQM(a * (alpha - zp_alpha), s_in * s_alpha / s_out) (double
  arithmetic), alpha broadcast numpy-style; zp_out added, clamped.
- HARD_SWISH int8: TFLite's int16 fixed point, wraparound of the int16 steps included (see hard_swish()).
- ELU int8: a 256-entry table built in float32 as TFLite Micro builds it (exp from the C library via ctypes, so
  the table is the one TFLite builds on this machine).
- float32 paths: element-wise float32 arithmetic with the C library's single-precision exp/tanh/expm1 (ctypes),
  in TFLite's order of operations.
"""
import ctypes
import ctypes.util
import math

import numpy as np

_LIBM = ctypes.CDLL(ctypes.util.find_library("m"))
for _name in ("expf", "logf", "tanhf", "expm1f", "sinf", "cosf", "sqrtf"):
    getattr(_LIBM, _name).restype = ctypes.c_float
    getattr(_LIBM, _name).argtypes = [ctypes.c_float]

F32 = np.float32


def libm(name, x):
    """The C library's single-precision function applied to every element of float32 array x."""
    f = getattr(_LIBM, name)
    flat = np.asarray(x, dtype=np.float32).reshape(-1)
    return np.array([f(float(v)) for v in flat], dtype=np.float32).reshape(np.shape(x))


def round_away_f32(x):
    """std::round on float32 values (halves away from zero), as float32."""
    x = np.asarray(x, dtype=np.float64)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.float32)


def checked_log2(x):
    """TFLite's CheckedLog2 in float32: (rounded log2, whether within 1e-3 of it)."""
    x_log2 = F32(_LIBM.logf(float(F32(x)))) * (F32(1.0) / F32(_LIBM.logf(2.0)))
    rounded = F32(round_away_f32(x_log2))
    return int(rounded), abs(float(F32(x_log2 - rounded))) < 1e-3


def sigmoid_table():
    """sigmoid(i/24) in Q0.16, each entry raised by half the interpolation error at its segment's middle."""
    def s(x):
        return 65536.0 / (1.0 + math.exp(-x))
    h = 1.0 / 24.0
    t = [int(math.floor(s(i * h) + (s(i * h + h / 2) - (s(i * h) + s(i * h + h)) / 2) / 2 + 0.5)) for i in range(255)]
    return np.array(t + [0xFFFF], dtype=np.int64)


SIGMOID_TABLE = sigmoid_table()


def logistic_q15(v):
    """sigmoid(v / 12288) in Q0.15 for int64 array v."""
    a = np.abs(v)
    hi = a >> 9
    idx = np.minimum(hi, 254)
    r = SIGMOID_TABLE[idx] * 512 + (a & 511) * (SIGMOID_TABLE[idx + 1] - SIGMOID_TABLE[idx])
    r = np.where(hi >= 255, 0x7FFF << 10, r)
    return np.where(v >= 0, (r + 512) >> 10, ((1 << 25) - r + 511) >> 10)


def tanh_q15(v):
    """tanh(v / 12288) = 2 sigmoid(2 v / 12288) - 1 in Q0.15 for int64 array v."""
    a = np.abs(v)
    hi = a >> 8
    idx = np.minimum(hi, 254)
    r = SIGMOID_TABLE[idx] * 256 + (a & 255) * (SIGMOID_TABLE[idx + 1] - SIGMOID_TABLE[idx])
    r = np.where(hi >= 255, 0xFFFF << 8, r)
    return np.where(v >= 0, (r - (1 << 23) + (1 << 7)) >> 8, (-r + (1 << 23) + (1 << 7) - 1) >> 8)


def register(ref):
    I16 = (-32768, 32767)

    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def ins(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def tensors(model, op):
        return [model.tensors[t] for t in op.inputs], model.tensors[op.outputs[0]]

    def type_range(t):
        info = np.iinfo(ref.TYPE_NP[t.type])
        return int(info.min), int(info.max)

    def multiplier(real, op):
        if not (0.0 <= real < 2.0 ** 30):
            fail(op, "multiplier %g out of range" % real)
        return ref.quantize_multiplier(real)

    # ---- float32 element-wise ----
    def relu_f32(x, six):
        x = x.astype(np.float32)
        y = np.where(x < F32(0), F32(0), x)
        return np.where(x > F32(6), F32(6), y) if six else y

    def logistic_f32(x):
        x = x.astype(np.float32)
        mid = (F32(1) / (F32(1) + libm("expf", -x))).astype(np.float32)
        return np.where(x > F32(16.619047164916992188), F32(1), np.where(x < F32(-9), libm("expf", x), mid))

    # ---- RELU / RELU6 ----
    def relu(model, op, values, six):
        x = ins(model, op, values)[0]
        (ti,), to = tensors(model, op)
        if ti.type == 0:
            return relu_f32(x, six)
        if ti.type != 7 or to.type != 7:
            fail(op, "int16 or float32 expected")
        lo, hi = I16
        if six:
            six_q = int(round_away_f32(F32(6.0) / F32(ti.scale))) + ti.zero_point
            return np.clip(x.astype(np.int64), ti.zero_point, min(max(six_q, lo), hi)).astype(np.int16)
        if ti.zero_point != 0 or to.zero_point != 0:
            fail(op, "int16 zero points must be 0")
        m, s = multiplier(float(F32(ti.scale) / F32(to.scale)), op)
        return np.clip(ref.mbqm(x.astype(np.int64), m, s), max(lo, to.zero_point), hi).astype(np.int16)

    # ---- LOGISTIC / TANH ----
    def sigmoid(model, op, values, logistic):
        x = ins(model, op, values)[0]
        (ti,), to = tensors(model, op)
        if ti.type == 0:
            return logistic_f32(x) if logistic else libm("tanhf", x)
        if ti.type != 7 or to.type != 7:
            fail(op, "int16 or float32 expected")
        if ti.zero_point != 0 or to.zero_point != 0:
            fail(op, "int16 zero points must be 0")
        out_log2, out_pot = checked_log2(to.scale)
        if not out_pot or out_log2 != -15:
            fail(op, "output scale must be 2^-15")
        in_log2, pot = checked_log2(ti.scale)
        k = 12 + in_log2
        q = x.astype(np.int64)
        if pot and (k == 0 or (not logistic and k == 1)):
            v = q * (3 << k)
        else:
            m, n = float(ti.scale) * 4096.0 * 3.0, 0
            while m <= 32767.0 / 2.0 and n <= 30:
                m, n = m * 2.0, n + 1
            if m >= 32768.0:
                fail(op, "input scale too large")
            v = (q * int(m) + ((1 << (n - 1)) if n > 0 else 0)) >> n
        return (logistic_q15(v) if logistic else tanh_q15(v)).astype(np.int16)

    # ---- LEAKY_RELU ----
    def leaky_relu(model, op, values):
        x = ins(model, op, values)[0]
        (ti,), to = tensors(model, op)
        alpha = F32(op.opt.scalar(0, "f", 0.0) if op.opt else 0.0)
        if ti.type == 0:
            x = x.astype(np.float32)
            return np.where(x > F32(0), x, (x * alpha).astype(np.float32))
        if ti.type not in (9, 7) or to.type != ti.type:
            fail(op, "int8, int16 or float32 expected")
        alpha_real = F32(F32(ti.scale) * alpha) / F32(to.scale)
        ma, sa = multiplier(abs(float(alpha_real)), op)
        mi, si = multiplier(float(F32(ti.scale) / F32(to.scale)), op)
        a = x.astype(np.int64) - ti.zero_point
        neg = ref.mbqm(a, ma, sa)
        if alpha_real < 0:
            neg = -neg
        out = to.zero_point + np.where(a >= 0, ref.mbqm(a, mi, si), neg)
        return np.clip(out, *type_range(to)).astype(ref.TYPE_NP[to.type])

    # ---- PRELU ----
    def prelu(model, op, values):
        x, alpha = ins(model, op, values)[:2]
        (ti, ta), to = tensors(model, op)
        shape = tuple(to.shape)
        if ti.type == 0:
            xb = np.broadcast_to(x.astype(np.float32), shape)
            ab = np.broadcast_to(alpha.astype(np.float32), shape)
            return np.where(xb >= F32(0), xb, (xb * ab).astype(np.float32))
        if ti.type not in (9, 7) or to.type != ti.type or ta.type != 9:
            fail(op, "int8/int16 input and output with an int8 alpha expected")
        m1, s1 = multiplier(float(ti.scale) / float(to.scale), op)
        m2, s2 = multiplier(float(ti.scale) * float(ta.scale) / float(to.scale), op)
        a = np.broadcast_to(x.astype(np.int64) - ti.zero_point, shape)
        w = np.broadcast_to(alpha.astype(np.int64) - ta.zero_point, shape)
        out = np.where(a >= 0, ref.mbqm(a, m1, s1), ref.mbqm(a * w, m2, s2)) + to.zero_point
        return np.clip(out, *type_range(to)).astype(ref.TYPE_NP[to.type])

    # ---- HARD_SWISH ----
    def w16(v):
        return ((np.asarray(v, dtype=np.int64) + 32768) & 0xFFFF) - 32768

    def trunc_div_2_15(v):
        return np.where(v >= 0, v >> 15, -((-v) >> 15))

    def srdhm16(a, b):   # gemmlowp SaturatingRoundingDoublingHighMul<int16>
        ab = a * b
        r = w16(trunc_div_2_15(ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14))))
        return np.where((a == -32768) & (b == -32768), 32767, r)

    def dhm16(a, b):     # TFLite's SaturatingDoublingHighMul: no rounding nudge
        r = w16(trunc_div_2_15(a * b))
        return np.where((a == -32768) & (b == -32768), 32767, r)

    def rdbp16(x, e):    # gemmlowp RoundingDivideByPOT<int16>: the mask narrows to int16 (-1 for e >= 16)
        mask = int(w16((1 << e) - 1))
        rem = w16(x & mask)
        thr = w16((mask >> 1) + (x < 0))
        return w16((x >> e) + (rem > thr))

    def down_q15(m):
        return 32767 if m >= (1 << 31) - 1 - (1 << 15) else (m + (1 << 15)) >> 16

    def hard_swish(model, op, values):
        x = ins(model, op, values)[0]
        (ti,), to = tensors(model, op)
        if ti.type == 0:
            x = x.astype(np.float32)
            r = np.minimum(np.maximum(x + F32(3), F32(0)), F32(6)).astype(np.float32)
            r = np.where(np.isnan(x), F32(0), r)   # std::max(0, NaN) is 0
            return ((x * r).astype(np.float32) / F32(6)).astype(np.float32)
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 or float32 expected")
        hires = F32(1.0 / 128.0) * F32(ti.scale)
        mo, eo = multiplier(float(F32(hires / F32(to.scale))), op)
        if eo > 0:
            fail(op, "output multiplier exponent above 0")
        mr, er = multiplier(float(F32(hires / F32(3.0 / 32768.0))), op)
        mo, mr = down_q15(mo), down_q15(mr)
        h = w16((x.astype(np.int64) - ti.zero_point) * 128)
        pre = srdhm16(h, mo)
        r = h
        if er > 0:
            r = np.clip(r * (1 << (er - 1)), -32768, 32767)
        r = srdhm16(r, mr)
        if er > 0:
            r = np.clip(r * 2, -32768, 32767)
        if er < 0:
            r = rdbp16(r, -er)
        r = w16((r + (1 << 15)) >> 1)
        out = w16(rdbp16(dhm16(r, pre), -eo) + to.zero_point)
        return np.clip(out, -128, 127).astype(np.int8)

    # ---- ELU ----
    def elu(model, op, values):
        x = ins(model, op, values)[0]
        (ti,), to = tensors(model, op)
        if ti.type == 0:
            x = x.astype(np.float32)
            return np.where(x < F32(0), libm("expm1f", x), x)
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 or float32 expected")
        q = np.arange(-128, 128, dtype=np.int64)
        deq = (F32(ti.scale) * (q - ti.zero_point).astype(np.float32)).astype(np.float32)
        t = np.where(deq < F32(0), (libm("expf", deq) - F32(1)).astype(np.float32), deq)
        rescaled = round_away_f32((t * (F32(1) / F32(to.scale))).astype(np.float32))
        shifted = (rescaled + F32(to.zero_point)).astype(np.float64)
        table = np.clip(np.where(np.isnan(shifted), -128, np.trunc(np.clip(shifted, -1e9, 1e9))), -128, 127)
        return table[x.astype(np.int64) + 128].astype(np.int8)

    # Int8 RELU, RELU6, LOGISTIC and TANH stay with tflite_ref.py's kernels; the other types come here.
    def routed(name, mine):
        base = ref.KERNELS[name]

        def kernel(model, op, values):
            if model.tensors[op.inputs[0]].type == 9:
                return base(model, op, values)
            return mine(model, op, values)
        ref.KERNELS[name] = kernel

    routed("RELU", lambda m, o, v: relu(m, o, v, False))
    routed("RELU6", lambda m, o, v: relu(m, o, v, True))
    routed("LOGISTIC", lambda m, o, v: sigmoid(m, o, v, True))
    routed("TANH", lambda m, o, v: sigmoid(m, o, v, False))

    # tflite_ref.float_model_of checks these on the int8 grid only; int16 and float32 outputs are not its.
    base_float_model_of = ref.float_model_of

    def float_model_of(model, op, values):
        if op.name in ("RELU", "RELU6", "LOGISTIC", "TANH") and model.tensors[op.outputs[0]].type != 9:
            return None
        return base_float_model_of(model, op, values)
    ref.float_model_of = float_model_of

    return {"LEAKY_RELU": leaky_relu, "PRELU": prelu, "HARD_SWISH": hard_swish, "ELU": elu}
