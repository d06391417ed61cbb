"""Reference kernels of the reductions: MEAN, SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX, ARG_MIN, CUMSUM.

Written from TFLite Micro's reference definitions (reduce_common.cc with reference_ops::QuantizedMeanOrSum,
arg_min_max.h, cumsum.cc with reference_ops::CumSum for int8) in numpy terms:
- MEAN / SUM (int8, int16): the int32 (wrapping) sum of raw values per output element, minus zp_in * N, then
  MultiplyByQuantizedMultiplier with M = QuantizeMultiplier(s_in / s_out) (double); MEAN first folds 1/N into
  M in integers: k = min(floor(log2 N), 32, 31 + shift), M = (M << k) // N, shift -= k. Plus zp_out, clamped.
- REDUCE_MAX / REDUCE_MIN (int8 with equal in/out quantization, float32): raw max / min; float outputs start at
  -FLT_MAX / FLT_MAX and ignore NaN.
- ARG_MAX / ARG_MIN (int8, float32 -> int32): first index of the extreme value with a plain strict comparison
  (TFLite Micro's GreaterFn / LessFn): a later NaN never wins, a NaN at index 0 is never replaced.
- CUMSUM (int8): y = (q - zp_in) * 2^20 scaled by 0.5 (MBQM_smaller), running int32 sum that starts at the
  scaled value of -zp_in (as TFLite Micro does), MBQM_smaller by 2 s_in / (2^20 s_out), plus zp_out, clamped.
"""
import numpy as np

FLT_MAX = float(np.finfo(np.float32).max)


def register(ref):
    def inputs(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def mbqm32(x, m, s):
        """MultiplyByQuantizedMultiplier on int32 values, the left shift wrapping as int32 arithmetic does."""
        x = ref.wrap32(np.asarray(x, dtype=np.int64) << max(s, 0))
        return ref.rdbpot(ref.srdhm(x, m), max(-s, 0))

    def mbqm_smaller(x, m, s):
        return ref.rdbpot(ref.srdhm(x, m), -s)

    def axes_of(model, op, rank):
        t = model.tensors[op.inputs[1]]
        if t.type != 2 or t.data is None:
            fail(op, "the axis must be a constant int32 tensor")
        out = []
        for a in t.data.reshape(-1).tolist():
            a = a + rank if a < 0 else a
            if not 0 <= a < rank:
                fail(op, "axis %d out of range for rank %d" % (a, rank))
            if a not in out:
                out.append(a)
        return out if rank > 0 else []

    def type_range(t):
        info = np.iinfo(ref.TYPE_NP[t])
        return int(info.min), int(info.max)

    def k_mean_sum(model, op, values, mean):
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type not in (9, 7) or to.type != ti.type:
            fail(op, "int8 or int16 input and output only")
        axes = axes_of(model, op, len(ti.shape))
        n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        total = ref.wrap32(x.astype(np.int64).sum(axis=tuple(axes)) if axes else x.astype(np.int64))
        shifted = ref.wrap32(total - ti.zero_point * n)
        m, s = ref.quantize_multiplier(float(ti.scale) / float(to.scale))
        if mean:
            k = min(n.bit_length() - 1, 32, 31 + s)
            m, s = (m << k) // n, s - k
        lo, hi = type_range(to.type)
        return np.clip(ref.wrap32(mbqm32(shifted, m, s) + to.zero_point), lo, hi)

    def k_min_max(model, op, values, is_max):
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type not in (9, 0) or to.type != ti.type:
            fail(op, "int8 or float32 input and output only")
        if ti.type == 9 and (np.float32(ti.scale) != np.float32(to.scale) or ti.zero_point != to.zero_point):
            fail(op, "int8 input and output must be quantized alike")
        axes = tuple(axes_of(model, op, len(ti.shape)))
        if ti.type == 9:
            return x.max(axis=axes) if is_max else x.min(axis=axes)
        start = -FLT_MAX if is_max else FLT_MAX
        xx = np.where(np.isnan(x), start, x).astype(np.float64)
        r = np.maximum(xx.max(axis=axes), start) if is_max else np.minimum(xx.min(axis=axes), start)
        return r.astype(np.float32)

    def k_arg(model, op, values, is_max):
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        at = model.tensors[op.inputs[1]]
        if ti.type not in (9, 0) or to.type != 2 or at.type != 2:
            fail(op, "int8 or float32 input, int32 axis and output only")
        a = int(at.data.reshape(-1)[0])
        a = a + x.ndim if a < 0 else a
        if ti.type == 9:
            return (np.argmax(x, axis=a) if is_max else np.argmin(x, axis=a)).astype(np.int32)
        # TFLite Micro compares with a plain > / <: a NaN at index 0 is never replaced (result 0), a later NaN
        # never wins; otherwise the first index of the extreme of the numbers.
        first_nan = np.isnan(np.take(x, [0], axis=a))
        filled = np.where(np.isnan(x), -np.inf if is_max else np.inf, x)
        ext = filled.max(axis=a, keepdims=True) if is_max else filled.min(axis=a, keepdims=True)
        idx = np.argmax(x == ext, axis=a)
        return np.where(np.squeeze(first_nan, axis=a), 0, idx).astype(np.int32)

    def k_cumsum(model, op, values):
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type != 9 or to.type != 9:
            fail(op, "int8 only")
        a = int(model.tensors[op.inputs[1]].data.reshape(-1)[0])
        a = a + x.ndim if a < 0 else a
        exclusive = bool(op.opt.scalar(0, "B")) if op.opt else False
        reverse = bool(op.opt.scalar(1, "B")) if op.opt else False
        twice = 2.0 * float(ti.scale)
        m_in, s_in = ref.quantize_multiplier(float(ti.scale) / twice)
        m_out, s_out = ref.quantize_multiplier(twice / ((1 << 20) * float(to.scale)))
        if s_in > 0 or s_out > 0:
            fail(op, "multipliers must be below 1")
        y = mbqm_smaller((x.astype(np.int64) - ti.zero_point) << 20, m_in, s_in)
        start = int(mbqm_smaller(np.int64(-ti.zero_point) << 20, m_in, s_in))
        if reverse:
            y = np.flip(y, axis=a)
        run = np.cumsum(y, axis=a)
        if exclusive:
            run = run - y
        run = ref.wrap32(run + start)
        if reverse:
            run = np.flip(run, axis=a)
        return np.clip(ref.wrap32(mbqm_smaller(run, m_out, s_out) + to.zero_point), -128, 127).astype(np.int8)

    return {
        "MEAN": lambda m, o, v: k_mean_sum(m, o, v, True),
        "SUM": lambda m, o, v: k_mean_sum(m, o, v, False),
        "REDUCE_MAX": lambda m, o, v: k_min_max(m, o, v, True),
        "REDUCE_MIN": lambda m, o, v: k_min_max(m, o, v, False),
        "ARG_MAX": lambda m, o, v: k_arg(m, o, v, True),
        "ARG_MIN": lambda m, o, v: k_arg(m, o, v, False),
        "CUMSUM": k_cumsum,
    }
