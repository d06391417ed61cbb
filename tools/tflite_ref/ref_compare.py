"""Reference kernels of the comparison family (the engine's ops/compare.cc): EQUAL, NOT_EQUAL, LESS, LESS_EQUAL,
GREATER, GREATER_EQUAL and SELECT_V2, from TensorFlow Lite Micro's comparisons.cc / select.cc and
reference/comparisons.h, select.h.

int8 comparisons rescale both sides first ("WithScaling"): v = MultiplyByQuantizedMultiplierSmallerThanOneExp(
(q - zp) * 2^8, QuantizeMultiplier(scale)) per input (each scale must be below 1), then compare the int32 values.
int32, int64, float32 (and bool for EQUAL / NOT_EQUAL) compare raw; TFLite Micro has no int16 comparison. The
output is bool. SELECT_V2 picks x where the bool condition holds, else y, all three broadcast to the output; it
runs int8, int16 and float32.
"""
import operator

import numpy as np

INT8, INT16, INT32, INT64, FLOAT32, BOOL = 9, 7, 2, 4, 0, 6
COMPARISONS = {"EQUAL": operator.eq, "NOT_EQUAL": operator.ne, "LESS": operator.lt, "LESS_EQUAL": operator.le,
               "GREATER": operator.gt, "GREATER_EQUAL": operator.ge}


def register(ref):
    def compare(model, op, values, fn):
        a, b = ref._inputs(model, op, values)[:2]
        ta, tb = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]]
        to = model.tensors[op.outputs[0]]
        allowed = (INT8, INT32, INT64, FLOAT32) + ((BOOL,) if op.name in ("EQUAL", "NOT_EQUAL") else ())
        if ta.type != tb.type or ta.type not in allowed or to.type != BOOL:
            raise ref.ModelError("op %d %s: %s, %s -> %s is not supported" % (
                op.index, op.name, ref.TYPE_NAME[ta.type], ref.TYPE_NAME[tb.type], ref.TYPE_NAME[to.type]))
        a = np.broadcast_to(a, to.shape)
        b = np.broadcast_to(b, to.shape)
        if ta.type == INT8:
            def rescaled(x, t):
                if not 0.0 < t.scale < 1.0:
                    raise ref.ModelError("op %d %s: int8 scale %g is not below 1" % (op.index, op.name, t.scale))
                m, s = ref.quantize_multiplier(float(t.scale))
                if s > 0:
                    raise ref.ModelError("op %d %s: scale rounds up to 1" % (op.index, op.name))
                return ref.mbqm((x.astype(np.int64) - t.zero_point) << 8, m, s)
            a, b = rescaled(a, ta), rescaled(b, tb)
        return fn(a, b).astype(np.bool_)

    def select_v2(model, op, values):
        cond, x, y = ref._inputs(model, op, values)[:3]
        tc, tx, ty = (model.tensors[t] for t in op.inputs[:3])
        to = model.tensors[op.outputs[0]]
        if tc.type != BOOL or tx.type != ty.type or to.type != tx.type or tx.type not in (INT8, INT16, FLOAT32):
            raise ref.ModelError("op %d SELECT_V2: unsupported types" % op.index)
        return np.where(np.broadcast_to(cond, to.shape), np.broadcast_to(x, to.shape),
                        np.broadcast_to(y, to.shape)).astype(ref.TYPE_NP[to.type])

    kernels = {name: (lambda f: lambda m, o, v: compare(m, o, v, f))(fn) for name, fn in COMPARISONS.items()}
    kernels["SELECT_V2"] = select_v2
    return kernels
