"""Reference kernels of the unary math operators: ABS (int8, int16, float32), RSQRT (int8, float32),
L2_NORMALIZATION (int8, float32) and the float32-only EXP, LOG, SQRT, SIN, COS, NEG, FLOOR, CEIL, ROUND, SQUARE.

Written from TFLite Micro's definitions (elementwise.cc, l2norm.cc, exp.cc, floor.cc, ceil.cc, round.cc, neg.cc,
reference_integer_ops::L2Normalization and GetInvSqrtQuantizedMultiplierExp of kernels/internal/common.h):
- ABS: a = |q - zp_in|; equal (float) scales: clamp(a + zp_out); else clamp(MBQM(a, s_in / s_out) + zp_out), the
  quotient in float32. int16 with quantization: zero points 0. int16 without: the C++ abs narrowed to int16.
- RSQRT int8: a = q - zp_in (< 0 is an error), a == 0 gives 127, else t = MBQM(1, invsqrt(a), shift + 20) and
  clamp(MBQM(t, 1 / (sqrt(s_in) * s_out), shift - 20) + zp_out), sqrt and product in float32.
- L2_NORMALIZATION int8: per row, S = sum (q - zp)^2, (M, e) = invsqrt(S), out = clamp(MBQM(q - zp, M, e + 7)).
  invsqrt is the Newton-Raphson of GetInvSqrtQuantizedMultiplierExp in Q3.28 (five iterations from 1).
- float32: the C library's expf/logf/sinf/cosf (ctypes), IEEE float32 arithmetic for the rest; ROUND is TFLite's
  RoundToNearest (through floor, so -0.4 rounds to +0).
"""
import functools

import numpy as np

import ref_activations as act

F32 = np.float32


def register(ref):
    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def ins(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def i32(v):
        return int(ref.wrap32(v))

    def mul(a, b):
        return int(ref.srdhm(a, b))

    @functools.lru_cache(maxsize=None)
    def inv_sqrt(x):
        """GetInvSqrtQuantizedMultiplierExp(x, reverse_shift=-1): (Q31 multiplier, left shift)."""
        if x <= 1:
            return 2 ** 31 - 1, 0
        shift = 11
        while x >= 1 << 29:
            x //= 4
            shift += 1
        pairs = (int(ref.clz32(x)) - 1) // 2 - 1
        shift -= pairs
        x <<= 2 * pairs
        half = int(ref.rdbpot(x >> 1, 1))
        y = 1 << 28
        for _ in range(5):
            y3 = int(ref.sat_mul_pot(mul(mul(y, y), y), 6))
            y = int(ref.sat_mul_pot(i32(mul(3 << 27, y) - mul(half, y3)), 3))
        y = mul(y, 1518500250)
        if shift < 0:
            y, shift = i32(y << -shift), 0
        return y, -shift

    def float_op(fn):
        def kernel(model, op, values):
            x = ins(model, op, values)[0]
            ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
            if ti.type != 0 or to.type != 0:
                fail(op, "float32 only")
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):   # NaN / inf as C's
                return fn(x.astype(np.float32)).astype(np.float32).reshape(to.shape)
        return kernel

    def round_to_nearest(x):
        fl = np.floor(x)
        diff = (x - fl).astype(np.float32)
        even = np.mod(np.where(np.abs(fl) < 2.0 ** 24, fl, 0), 2) == 0
        return np.where((diff < F32(0.5)) | ((diff == F32(0.5)) & even), fl, (fl + F32(1)).astype(np.float32))

    def abs_(model, op, values):
        x = ins(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type == 0:
            return np.abs(x.astype(np.float32))
        if ti.type not in (9, 7) or to.type != ti.type:
            fail(op, "int8, int16 or float32 expected")
        lo, hi = (-128, 127) if ti.type == 9 else (-32768, 32767)
        if ti.type == 7 and not (ti.scales and ti.zero_points):
            return ((np.abs(x.astype(np.int64)) + 32768) % 65536 - 32768).astype(np.int16)
        if ti.type == 7 and (ti.zero_point != 0 or to.zero_point != 0):
            fail(op, "int16 zero points must be 0")
        a = np.abs(x.astype(np.int64) - ti.zero_point)
        if F32(ti.scale) != F32(to.scale):
            m, s = ref.quantize_multiplier(float(F32(ti.scale) / F32(to.scale)))
            a = ref.mbqm(a, m, s)
        return np.clip(a + to.zero_point, lo, hi).astype(ref.TYPE_NP[ti.type])

    def rsqrt(model, op, values):
        x = ins(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type == 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                return (F32(1) / np.sqrt(x.astype(np.float32))).astype(np.float32)
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 or float32 expected")
        real = 1.0 / float(F32(np.sqrt(F32(ti.scale))) * F32(to.scale))
        m, s = ref.quantize_multiplier(real)
        out = []
        memo = {}   # per distinct input value
        for q in x.reshape(-1).astype(np.int64):
            a = int(q) - ti.zero_point
            if a < 0:
                fail(op, "input below the zero point (negative real value)")
            if a == 0:
                out.append(127)
                continue
            if a not in memo:
                im, ish = inv_sqrt(a)
                t = int(ref.mbqm(1, im, ish + 20))
                memo[a] = int(np.clip(int(ref.mbqm(t, m, s - 20)) + to.zero_point, -128, 127))
            out.append(memo[a])
        return np.array(out, dtype=np.int8).reshape(to.shape)

    def l2norm(model, op, values):
        x = ins(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if op.opt and op.opt.scalar(0, "b") != 0:
            fail(op, "fused activation must be NONE")
        r = x.reshape(-1, x.shape[-1])
        if ti.type == 0:
            r = r.astype(np.float32)
            out = np.empty_like(r)
            for i in range(r.shape[0]):
                sq = F32(0)
                for v in r[i]:
                    sq = F32(sq + F32(v * v))
                norm = F32(np.sqrt(sq))
                norm = norm if not norm < F32(1e-6) else F32(1e-6)
                out[i] = (r[i] / norm).astype(np.float32)
            return out.reshape(to.shape)
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 or float32 expected")
        a = r.astype(np.int64) - ti.zero_point
        out = np.empty(r.shape, dtype=np.int8)
        for i in range(r.shape[0]):
            m, s = inv_sqrt(i32(int((a[i] * a[i]).sum())))
            out[i] = np.clip(ref.mbqm(a[i], m, s + 7), -128, 127)
        return out.reshape(to.shape)

    return {
        "ABS": abs_,
        "RSQRT": rsqrt,
        "L2_NORMALIZATION": l2norm,
        "EXP": float_op(lambda x: act.libm("expf", x)),
        "LOG": float_op(lambda x: act.libm("logf", x)),
        "SQRT": float_op(np.sqrt),
        "SIN": float_op(lambda x: act.libm("sinf", x)),
        "COS": float_op(lambda x: act.libm("cosf", x)),
        "NEG": float_op(np.negative),
        "FLOOR": float_op(np.floor),
        "CEIL": float_op(np.ceil),
        "ROUND": float_op(round_to_nearest),
        "SQUARE": float_op(lambda x: x * x),
    }
