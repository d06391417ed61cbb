"""Reference kernels of the element-wise arithmetic family (the engine's ops/elementwise.cc): ADD and MUL for
int16, int32 and float32 (tflite_ref.py's own kernels keep int8), SUB, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM
and ADD_N. Written from TensorFlow Lite Micro's reference kernels (add.cc, sub_common.cc, mul_common.cc, div.cc,
squared_difference.cc, maximum_minimum.cc, add_n.cc and reference/*.h), vectorised in numpy on int64 arrays.

Details that decide the last bit, as TFLite Micro has them:
- ADD's rescale multipliers are computed in double, SUB's in float32 (twice_max, the ratios and the output ratio),
  DIV's s1 / (s2 * s_out) in float32; SQUARED_DIFFERENCE multiplies 2^(2L) by the output scale in float32.
- int16 ADD / SUB use the general path with left shift 15 (never the power-of-two path); zero points may be
  non-zero. int16 MUL and SQUARED_DIFFERENCE need zero points 0.
- int8 ADD_N starts its sum from the rescaled input offset (-zp), not from 0.
- float32 ADD, SUB, MUL and DIV clamp with min(max(x, lo), hi), so without an activation +-inf become +-FLT_MAX;
  SQUARED_DIFFERENCE does not clamp. int32 ADD ignores the fused activation; int32 SUB, MUL and DIV apply it.
- int8 DIV: a zero point divisor is an error (TFLite Micro leaves it undefined); the reference raises.
"""
import numpy as np

F32_MAX = float(np.finfo(np.float32).max)
I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1
INT8, INT16, INT32, INT64, FLOAT32 = 9, 7, 2, 4, 0


def register(ref):
    f32 = np.float32

    def tensors(model, op):
        return [model.tensors[t] for t in op.inputs[:2]] + [model.tensors[op.outputs[0]]]

    def act_of(op):
        return op.opt.scalar(0, "b") if op.opt else 0

    def check_types(model, op, allowed):
        ts = tensors(model, op)
        if len({t.type for t in ts}) != 1 or ts[2].type not in allowed:
            raise ref.ModelError("op %d %s: types %s are not supported" % (
                op.index, op.name, [ref.TYPE_NAME[t.type] for t in ts]))
        return ts

    def operands(model, op, values):
        a, b = ref._inputs(model, op, values)[:2]
        shape = model.tensors[op.outputs[0]].shape
        return (np.broadcast_to(np.asarray(a), shape).astype(np.int64 if a.dtype != np.float32 else np.float32),
                np.broadcast_to(np.asarray(b), shape).astype(np.int64 if b.dtype != np.float32 else np.float32))

    def mbqm_wrapping(x, m, shift):
        """MultiplyByQuantizedMultiplier with TFLite's int32 x * (1 << left_shift), which wraps."""
        left = max(shift, 0)
        return ref.rdbpot(ref.srdhm(ref.wrap32(np.asarray(x, dtype=np.int64) << left), m), max(-shift, 0))

    def qrange(t):
        return (-128, 127) if t.type == INT8 else (-32768, 32767)

    def clamp_float(x, lo, hi):
        x = np.where(x < f32(lo), f32(lo), x)
        return np.where(f32(hi) < x, f32(hi), x).astype(np.float32)

    def float_range(act):
        if act not in (0, 1, 2, 3):
            raise ref.ModelError("unsupported fused activation %d" % act)
        return {0: (-F32_MAX, F32_MAX), 1: (0.0, F32_MAX), 2: (-1.0, 1.0), 3: (0.0, 6.0)}[act]

    def int32_range(act):
        if act not in (0, 1, 2, 3):
            raise ref.ModelError("unsupported fused activation %d" % act)
        return {0: (I32_MIN, I32_MAX), 1: (0, I32_MAX), 2: (-1, 1), 3: (0, 6)}[act]

    def smaller_than_one(m, what, op):
        q, s = ref.quantize_multiplier(m)
        if not (0.0 < m < 1.0) or s > 0:
            raise ref.ModelError("op %d %s: %s multiplier %g is not below 1" % (op.index, op.name, what, m))
        return q, s

    # ---- ADD / SUB ----
    def add_sub(model, op, values, sub):
        ta, tb, to = check_types(model, op, (INT8, INT16, INT32, FLOAT32))
        a, b = operands(model, op, values)
        act = act_of(op)
        if to.type == FLOAT32:
            with np.errstate(all="ignore"):
                r = (a.astype(np.float32) - b.astype(np.float32)) if sub else (a.astype(np.float32) + b.astype(np.float32))
            return clamp_float(r.astype(np.float32), *float_range(act))
        if to.type == INT32:
            r = ref.wrap32(a - b if sub else a + b)
            lo, hi = int32_range(act) if sub else (I32_MIN, I32_MAX)
            return np.clip(r, lo, hi).astype(np.int32)
        left = 20 if to.type == INT8 else 15
        if sub:   # sub_common.cc: all in float32, then widened
            twice = f32(2) * max(f32(ta.scale), f32(tb.scale))
            m1 = float(f32(ta.scale) / twice)
            m2 = float(f32(tb.scale) / twice)
            mo = float(twice / (f32(1 << left) * f32(to.scale)))
        else:     # add.cc: in double
            twice = 2.0 * float(max(f32(ta.scale), f32(tb.scale)))
            m1 = float(ta.scale) / twice
            m2 = float(tb.scale) / twice
            mo = twice / ((1 << left) * float(to.scale))
        q1, q2, qo = (smaller_than_one(m1, "input 1", op), smaller_than_one(m2, "input 2", op),
                      smaller_than_one(mo, "output", op))
        x1 = ref.mbqm((a - ta.zero_point) << left, *q1)
        x2 = ref.mbqm((b - tb.zero_point) << left, *q2)
        raw = ref.mbqm(x1 - x2 if sub else x1 + x2, *qo) + to.zero_point
        lo, hi = ref.act_range(act, to.scale, to.zero_point, *qrange(to))
        return np.clip(raw, lo, hi).astype(ref.TYPE_NP[to.type])

    # ---- MUL ----
    def mul(model, op, values):
        ta, tb, to = check_types(model, op, (INT16, INT32, FLOAT32))
        a, b = operands(model, op, values)
        act = act_of(op)
        if to.type == FLOAT32:
            with np.errstate(all="ignore"):
                return clamp_float((a.astype(np.float32) * b.astype(np.float32)).astype(np.float32), *float_range(act))
        if to.type == INT32:
            return np.clip(ref.wrap32(a * b), *int32_range(act)).astype(np.int32)
        if ta.zero_point or tb.zero_point or to.zero_point:
            raise ref.ModelError("op %d MUL: int16 needs zero points 0" % op.index)
        m, s = ref.quantize_multiplier(float(ta.scale) * float(tb.scale) / float(to.scale))
        lo, hi = ref.act_range(act, to.scale, to.zero_point, -32768, 32767)
        return np.clip(mbqm_wrapping(a * b, m, s), lo, hi).astype(np.int16)

    # ---- DIV ----
    def div(model, op, values):
        ta, tb, to = check_types(model, op, (INT8, INT32, FLOAT32))
        a, b = operands(model, op, values)
        act = act_of(op)
        if to.type == FLOAT32:
            with np.errstate(all="ignore"):
                return clamp_float((a.astype(np.float32) / b.astype(np.float32)).astype(np.float32), *float_range(act))
        if to.type == INT32:
            if (b == 0).any():
                raise ref.ModelError("op %d DIV: division by zero" % op.index)
            q = np.abs(a) // np.abs(b) * np.sign(a) * np.sign(b)     # C division: toward zero
            return np.clip(ref.wrap32(q), *int32_range(act)).astype(np.int32)
        x = a - ta.zero_point
        y = b - tb.zero_point
        if (y == 0).any():
            raise ref.ModelError("op %d DIV: a divisor equals its zero point (division by zero)" % op.index)
        x = np.where(y < 0, -x, x)
        y = np.abs(y)
        m, shift = ref.quantize_multiplier(float(f32(ta.scale) / (f32(tb.scale) * f32(to.scale))))
        # GetReciprocal(y, 31 integer digits): normalise y to [1, 2) and take 1 / (1 + (y' - 1)) in Q0.31
        hp1 = ref.clz32(y)
        nbou = 31 - hp1
        shifted_minus_one = ref.wrap32(((y << hp1) & 0xFFFFFFFF) - (1 << 31))
        recip = ref.one_over_one_plus_x_for_x_in_0_1(shifted_minus_one)
        headroom = ref.clz32(np.where(x < 0, ~x, x)) - 1          # CountLeadingSignBits (31 for 0 and -1)
        quotient = ref.srdhm(x << headroom, recip)
        right = np.minimum(nbou + headroom - shift, 62)           # beyond 31 the true quotient rounds to 0
        if (right < 0).any():
            raise ref.ModelError("op %d DIV: rescale would shift left" % op.index)
        raw = ref.rdbpot(ref.srdhm(quotient, m), right) + to.zero_point
        lo, hi = ref.act_range(act, to.scale, to.zero_point)
        return np.clip(raw, lo, hi).astype(np.int8)

    # ---- SQUARED_DIFFERENCE ----
    def squared_difference(model, op, values):
        ta, tb, to = check_types(model, op, (INT8, INT16, INT32, FLOAT32))
        a, b = operands(model, op, values)
        if to.type == FLOAT32:
            with np.errstate(all="ignore"):
                d = (a.astype(np.float32) - b.astype(np.float32)).astype(np.float32)
                return (d * d).astype(np.float32)
        if to.type == INT32:
            d = ref.wrap32(a - b)
            return ref.wrap32(d * d).astype(np.int32)
        left = 7 if to.type == INT8 else 0
        if to.type == INT16 and (ta.zero_point or tb.zero_point or to.zero_point):
            raise ref.ModelError("op %d SQUARED_DIFFERENCE: int16 needs zero points 0" % op.index)
        twice = 2.0 * float(max(f32(ta.scale), f32(tb.scale)))
        q1 = ref.quantize_multiplier(float(ta.scale) / twice)
        q2 = ref.quantize_multiplier(float(tb.scale) / twice)
        mo = (twice * twice) / float(f32(1 << (2 * left)) * f32(to.scale))
        x1 = ref.mbqm((a - ta.zero_point) << left, *q1)
        x2 = ref.mbqm((b - tb.zero_point) << left, *q2)
        d = x1 - x2
        raw = mbqm_wrapping(d * d, *ref.quantize_multiplier(mo)) + to.zero_point
        return np.clip(raw, *qrange(to)).astype(ref.TYPE_NP[to.type])

    # ---- MAXIMUM / MINIMUM: raw values ----
    def max_min(model, op, values, maximum):
        check_types(model, op, (INT8, INT16, INT32, INT64, FLOAT32))
        a, b = ref._inputs(model, op, values)[:2]
        to = model.tensors[op.outputs[0]]
        a = np.broadcast_to(a, to.shape)
        b = np.broadcast_to(b, to.shape)
        return np.where(a > b if maximum else a < b, a, b).astype(ref.TYPE_NP[to.type])

    # ---- ADD_N ----
    def add_n(model, op, values):
        xs = ref._inputs(model, op, values)
        ts = [model.tensors[t] for t in op.inputs]
        to = model.tensors[op.outputs[0]]
        if len(xs) < 2 or any(t.type != to.type for t in ts) or to.type not in (INT8, FLOAT32):
            raise ref.ModelError("op %d ADD_N: needs >= 2 inputs, int8 or float32" % op.index)
        if to.type == FLOAT32:
            acc = np.zeros(to.shape, dtype=np.float32)
            with np.errstate(all="ignore"):
                for x in xs:
                    acc = (acc + x.astype(np.float32)).astype(np.float32)
            return acc
        t0 = ts[0]
        if any(f32(t.scale) != f32(t0.scale) or t.zero_point != t0.zero_point for t in ts):
            raise ref.ModelError("op %d ADD_N: int8 inputs of different quantization" % op.index)
        twice = 2.0 * float(t0.scale)
        qi = ref.quantize_multiplier(float(t0.scale) / twice)
        qo = smaller_than_one(twice / ((1 << 20) * float(to.scale)), "output", op)
        acc = ref.mbqm(np.full(to.shape, -t0.zero_point, dtype=np.int64) << 20, *qi)   # TFLite's x = input offset
        for x in xs:
            acc = ref.wrap32(acc + ref.mbqm((x.astype(np.int64) - t0.zero_point) << 20, *qi))
        return np.clip(ref.mbqm(acc, *qo) + to.zero_point, -128, 127).astype(np.int8)

    kernels = {
        "SUB": lambda m, o, v: add_sub(m, o, v, True),
        "DIV": div,
        "SQUARED_DIFFERENCE": squared_difference,
        "MAXIMUM": lambda m, o, v: max_min(m, o, v, True),
        "MINIMUM": lambda m, o, v: max_min(m, o, v, False),
        "ADD_N": add_n,
    }
    mine = {"ADD": lambda m, o, v: add_sub(m, o, v, False), "MUL": mul}
    for name, fn in mine.items():
        base = ref.KERNELS.get(name)
        if base is None:
            kernels[name] = fn
            continue
        # tflite_ref.py keeps its int8 ADD / MUL (validated against TFLite Micro's dumps); other types come here.
        ref.KERNELS[name] = (lambda base_fn, type_fn: lambda m, o, v: (
            base_fn if m.tensors[o.outputs[0]].type == INT8 else type_fn)(m, o, v))(base, fn)

    # tflite_ref's float plausibility check of MUL (an UNVALIDATED_OPS member) models int8 only.
    float_model_of = ref.float_model_of

    def float_model_of_int8_mul(model, op, values):
        if op.name == "MUL" and model.tensors[op.outputs[0]].type != INT8:
            return None
        return float_model_of(model, op, values)
    ref.float_model_of = float_model_of_int8_mul
    return kernels
