"""Reference kernels of SOFTMAX beyond int8 -> int8 (which stays with tflite_ref.py): int8 -> int16, int16 -> int16
and float32; and LOG_SOFTMAX (int8, float32).

Written from TFLite Micro's definitions (softmax_common.cc, log_softmax.cc, reference_ops::Softmax / SoftmaxInt16 /
LogSoftmaxQuantized and the LUT and fixed-point helpers of kernels/internal/common.h):
- int8 -> int16: the int8 arithmetic (beta * s_in * 2^26 multiplier, gemmlowp exp on Q5.26, Q12 sum, reciprocal)
  with the final RoundingDivideByPOT taken for 16 output bits and -32768 added; output scale 1/65536.
- int16 -> int16: two 513-entry tables built in float32 (exp on [-10, 0], 1/(1+x) on [0, 1], each entry the
  sample rounded and lowered by half the rounding error of the interpolated midpoint); per row the exponentials
  exp(MBQM(d, s_in * beta / (10/65535))) in Q0.15, their sum normalised to [1, 2) for the reciprocal table, and
  each exponential scaled by it with rounding.
- LOG_SOFTMAX int8: output scale 16/256, zero point 127; log of the Q12 sum of exponentials by gemmlowp's
  log_x_for_x_greater_than_or_equal_to_1 (Q5.26), inputs at or below a reverse-scaled threshold give -128.
- float32: exp and log of the C library (ctypes) in float32, with the row sums accumulated in order.
"""
import numpy as np

import ref_activations as act

F32 = np.float32


def register(ref):
    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def ins(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def w16(v):
        return ((np.asarray(v, dtype=np.int64) + 32768) & 0xFFFF) - 32768

    def rows(x):
        return x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)

    def beta_multiplier(beta, scale, op):
        real = min(float(beta) * float(scale) * (1 << 26), (1 << 31) - 1.0)
        if not real > 1.0:
            fail(op, "beta * input scale * 2^26 must exceed 1")
        m, s = ref.quantize_multiplier(real)
        return m, s, -ref.calculate_input_radius(5, s)

    # ---- int8 -> int16 ----
    def softmax_8_16(x, ti, to, beta, op):
        if to.zero_point != -32768 or abs(F32(to.scale) - F32(1.0 / 65536)) > F32(0.001) * F32(1.0 / 65536):
            fail(op, "int16 output must be scale 1/65536, zero point -32768")
        m, s, diff_min = beta_multiplier(beta, ti.scale, op)
        r = rows(x.astype(np.int64))
        d = r - r.max(axis=1, keepdims=True)
        use = d >= diff_min
        e = ref.exp_on_negative_values(ref.srdhm(d << s, m), 5)
        total = ref.wrap32(np.where(use, ref.sat_mul_pot(e, -12), 0).sum(axis=1))
        h = ref.clz32(total)
        nbou = 12 - h
        recip = ref.one_over_one_plus_x_for_x_in_0_1(ref.wrap32(((total & 0xFFFFFFFF) << h) - (1 << 31)))
        out = ref.rdbpot(ref.srdhm(recip[:, None], e), (nbou + 31 - 16)[:, None]) - 32768
        return np.where(use, np.clip(out, -32768, 32767), -32768).astype(np.int16)

    # ---- int16 -> int16 ----
    def lut_populate(in_scale, in_zp, out_scale, out_zp, fn):
        in_min = F32(in_scale) * F32(-32768 - in_zp)
        in_max = F32(in_scale) * F32(32767 - in_zp)
        out_min = F32(out_scale) * F32(-32768 - out_zp)
        out_max = F32(out_scale) * F32(32767 - out_zp)
        step = F32((in_max - in_min) / F32(512))
        half = F32(step / F32(2))
        inv = F32(F32(65536) / F32(out_max - out_min))
        lut = []
        for i in range(512):
            val = fn(F32(in_min + F32(i) * step))
            mid = fn(F32(F32(in_min + F32(i) * step) + half))
            nxt = fn(F32(in_min + F32(i + 1) * step))
            sample = act.round_away_f32(F32(val * inv))
            interp = act.round_away_f32(F32(F32(F32(nxt * inv) + act.round_away_f32(F32(val * inv))) / F32(2)))
            bias = act.round_away_f32(F32(F32(interp - act.round_away_f32(F32(mid * inv))) / F32(2)))
            lut.append(int(min(max(float(F32(sample - bias)), -32768.0), 32767.0)))
        lut.append(int(min(max(float(act.round_away_f32(F32(fn(in_max) * inv))), -32768.0), 32767.0)))
        return np.array(lut, dtype=np.int64)

    def expf(v):
        return F32(act._LIBM.expf(float(v)))

    def recipf(v):
        return F32(F32(1) / F32(F32(1) + v))

    luts = {}

    def lut_lookup(v, lut):
        idx = 256 + (v >> 7)
        off = v & 127
        slope = w16(lut[idx + 1] - lut[idx])
        return w16(lut[idx] + ((slope * off + 64) >> 7))

    def softmax_16(x, ti, to, beta, op):
        if ti.zero_point != 0 or to.zero_point != 0:
            fail(op, "int16 zero points must be 0")
        if abs(F32(to.scale) - F32(1.0 / 32768)) > F32(0.001) * F32(1.0 / 32768):
            fail(op, "int16 output must be scale 1/32768")
        if not luts:
            rng = 65535
            luts["exp"] = lut_populate(F32(10.0) / F32(rng), 32767, F32(2.0) / F32(rng), 0, expf)
            luts["recip"] = lut_populate(F32(1.0) / F32(rng), -32768, F32(2.0) / F32(rng), 0, recipf)
        m, s = ref.quantize_multiplier(float(ti.scale) * float(beta) / (10.0 / 65535.0))
        r = rows(x.astype(np.int64))
        d = r - r.max(axis=1, keepdims=True)
        e = lut_lookup(np.clip(ref.mbqm(d, m, s) + 32767, -32768, 32767), luts["exp"])
        total = e.sum(axis=1)
        h = ref.clz32(total)
        shifted = ((total << (h - 1)) + (1 << 13)) >> 14
        recip = lut_lookup(np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767), luts["recip"])
        right = (31 - h)[:, None]
        out = (e * recip[:, None] + (np.int64(1) << (right - 1))) >> right
        return np.clip(out, 0, 32767).astype(np.int16)

    # ---- float32 ----
    def softmax_f32(x, beta, log):
        r = rows(x.astype(np.float32))
        out = np.empty_like(r)
        for i in range(r.shape[0]):
            mx = F32(-3.4028234663852886e38)
            for v in r[i]:
                mx = v if mx < v else mx
            total = F32(0)
            if log:
                for v in r[i]:
                    total = F32(total + act.libm("expf", F32(v - mx)))
                log_sum = act.libm("logf", total)
                out[i] = ((r[i] - mx).astype(np.float32) - log_sum).astype(np.float32)
            else:
                e = act.libm("expf", ((r[i] - mx).astype(np.float32) * F32(beta)).astype(np.float32))
                for v in e:
                    total = F32(total + v)
                out[i] = (e / total).astype(np.float32)
        return out

    def softmax(model, op, values):
        x = ins(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        beta = F32(op.opt.scalar(0, "f", 0.0) if op.opt else 0.0)
        if ti.type == 0 and to.type == 0:
            return softmax_f32(x, beta, False).reshape(to.shape)
        if ti.type == 9 and to.type == 7:
            return softmax_8_16(x, ti, to, beta, op).reshape(to.shape)
        if ti.type == 7 and to.type == 7:
            return softmax_16(x, ti, to, beta, op).reshape(to.shape)
        return base_softmax(model, op, values)

    # ---- LOG_SOFTMAX ----
    def i32(v):
        return int(ref.wrap32(v))

    def sat_pot_param(x, e):
        if e == 0:
            return x
        thr = (1 << (31 - e)) - 1
        return 2 ** 31 - 1 if x > thr else (-(2 ** 31) if x < -thr else x << e)

    def mul(a, b):
        return int(ref.srdhm(a, b))

    def sat32(v):
        return max(-(2 ** 31), min(2 ** 31 - 1, v))

    def log_x_ge_1(x, in_bits, out_bits):
        """gemmlowp-style log(x) for x (in_bits integer bits) >= 1, result with out_bits integer bits."""
        acc = out_bits + 1
        log_2, sqrt_sqrt_half, sqrt_half, quarter = 1488522236, 1805811301, 1518500250, 536870912
        alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
        shifted_quarter = int(ref.rdbpot(quarter, acc))
        za_h1 = int(ref.clz32(x))
        r_a = sat_pot_param(mul(sat_pot_param(x, za_h1 - 1), sqrt_half), 1)
        za_adj = sat32(sat_pot_param(in_bits - za_h1, 31 - acc) + shifted_quarter)
        zb = mul(x, sqrt_half)
        zb_h = int(ref.clz32(zb)) - 1
        r_b = sat_pot_param(x, zb_h)
        zb_adj = sat32(sat_pot_param(in_bits - zb_h, 31 - acc) - shifted_quarter)
        r = min(r_a, r_b)
        z_adj = max(za_adj, zb_adj)
        p = int(ref.rounding_half_sum(r, sqrt_sqrt_half))
        q = i32(2 * i32(r - sqrt_sqrt_half))
        sq = mul(q, q)
        num = i32(mul(q, r) + mul(mul(q, sq), alpha_n))
        den = i32(mul(p, i32(i32(alpha_i + q) + mul(alpha_d, sq))) + mul(alpha_f, q))
        recip = int(ref.one_over_one_plus_x_for_x_in_0_1(den))
        total = i32(mul(z_adj, log_2) + mul(int(ref.rdbpot(num, acc)), recip))
        return int(ref.sat_mul_pot(total, acc - out_bits))

    def log_softmax(model, op, values):
        x = ins(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type == 0 and to.type == 0:
            return softmax_f32(x, F32(1), True).reshape(to.shape)
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 or float32 expected")
        if F32(to.scale) != F32(16.0 / 256) or to.zero_point != 127:
            fail(op, "output must be scale 16/256, zero point 127")
        m, s, diff_min = beta_multiplier(1.0, ti.scale, op)
        rm, rs = ref.quantize_multiplier((1 << (31 - s)) / float(m))
        r = rows(x.astype(np.int64))
        out = np.empty(r.shape, dtype=np.int8)
        for i in range(r.shape[0]):
            d = r[i] - r[i].max()
            scaled = ref.mbqm(d, m, s)
            e = ref.exp_on_negative_values(scaled, 5)
            total = i32(int(np.where(d >= diff_min, ref.sat_mul_pot(e, -12), 0).sum()))
            log_sum = log_x_ge_1(total, 12, 5)
            adjusted = max(diff_min - 1, int(ref.mbqm(i32(log_sum - 2 ** 31), rm, rs)))
            v = np.clip(ref.rdbpot(scaled - log_sum, 31 - 5 - 4) + 127, -128, 127)
            out[i] = np.where(d > adjusted, v, -128)
        return out.reshape(to.shape)

    base_softmax = ref.KERNELS["SOFTMAX"]
    ref.KERNELS["SOFTMAX"] = softmax

    # tflite_ref.float_model_of checks SOFTMAX on the int8 grid only.
    base_float_model_of = ref.float_model_of

    def float_model_of(model, op, values):
        if op.name == "SOFTMAX" and model.tensors[op.outputs[0]].type != 9:
            return None
        return base_float_model_of(model, op, values)
    ref.float_model_of = float_model_of

    return {"LOG_SOFTMAX": log_softmax}
