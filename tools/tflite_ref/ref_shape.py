"""Reference kernels of the data-movement operators, for every type TFLite Micro runs them with: RESHAPE, SQUEEZE,
EXPAND_DIMS, CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, PAD, PADV2, MIRROR_PAD, BROADCAST_TO, SHAPE, FILL,
ZEROS_LIKE and CAST.

Written from TFLite Micro's kernels (tensorflow/lite/micro/kernels/<op>.cc) and numpy's definitions of the same
movements, not from the engine's C++:
- RESHAPE, SQUEEZE, EXPAND_DIMS: the elements in order, in the output tensor's shape (TFLite Micro reads neither
  a shape input nor ReshapeOptions).
- CONCATENATION / PACK / UNPACK / SPLIT / SPLIT_V: numpy concatenate / stack / split along the (possibly
  negative) axis; SPLIT's axis is input 0, SPLIT_V's input 2, and the outputs' shapes give the sizes. int8
  CONCATENATION inputs must be quantized exactly as the output (TFLite Micro does not requantize).
- PAD / PADV2: the border is the constant_values input when there is one, else the output zero point for int8
  and 0 for the other types (int16 zero points are ignored). Quantization is otherwise not looked at.
- MIRROR_PAD: numpy's "reflect" (REFLECT, mode 0: the edge is not repeated) and "symmetric" (SYMMETRIC, mode 1);
  without an options table TFLite Micro's params hold an unknown mode, which it runs as SYMMETRIC.
- BROADCAST_TO: numpy broadcast_to. SHAPE: the input's dims. FILL: the value input everywhere, as is (an int8
  value is not requantized). ZEROS_LIKE: a literal 0 (not the int8 zero point).
- CAST: C++ static_cast per element: integer -> narrower integer keeps the low bits; integer -> float32 rounds to
  nearest even; float32 -> integer truncates toward zero into int32 and then keeps the low bits, with NaN and
  values outside int32 (undefined in C++) mapped to INT32_MIN as x86 does; bool -> 0 / 1.

These supersede the int8-only RESHAPE, CONCATENATION and PAD kernels of tflite_ref.py (register() removes them).
"""
import numpy as np

INT32_MIN = -(1 << 31)


def register(ref):
    for name in ("RESHAPE", "CONCATENATION", "PAD"):
        ref.KERNELS.pop(name, None)

    F32, I32, U8, I64, BOOL, I16, I8 = 0, 2, 3, 4, 6, 7, 9

    def fail(op, what):
        raise ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def inputs(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def tin(model, op, i):
        return model.tensors[op.inputs[i]]

    def tout(model, op, i=0):
        return model.tensors[op.outputs[i]]

    def need_types(model, op, allowed, *tensors):
        for t in tensors:
            if t.type not in allowed:
                fail(op, "%s is not a type TFLite Micro runs here" % ref.TYPE_NAME[t.type])

    def opt_i32(op, field, default=0):
        return op.opt.scalar(field, "i", default) if op.opt else default

    def axis_of(op, axis, rank):
        a = axis + rank if axis < 0 else axis
        if not 0 <= a < rank:
            fail(op, "axis %d out of range for rank %d" % (axis, rank))
        return a

    def same_type(op, ti, to):
        if ti.type != to.type:
            fail(op, "input %s, output %s" % (ref.TYPE_NAME[ti.type], ref.TYPE_NAME[to.type]))

    # ---- reshapes ----
    def k_reshape(model, op, values):
        x = inputs(model, op, values)[0]
        ti, to = tin(model, op, 0), tout(model, op)
        same_type(op, ti, to)
        if x.size != int(np.prod(to.shape)):
            fail(op, "element counts differ")
        return np.ascontiguousarray(x).reshape(to.shape).copy()

    def k_expand_dims(model, op, values):
        x, axis = inputs(model, op, values)[:2]
        need_types(model, op, (I8, I16, F32), tin(model, op, 0))
        a = int(np.asarray(axis).reshape(-1)[0])
        return np.expand_dims(x, axis_of(op, a, x.ndim + 1))

    # ---- joining and splitting ----
    def k_concatenation(model, op, values):
        xs = inputs(model, op, values)
        to = tout(model, op)
        need_types(model, op, (F32, I8, I16, I32, I64, BOOL), to)
        if op.opt and op.opt.scalar(1, "b") != 0:
            fail(op, "a fused activation")
        for t in op.inputs:
            ti = model.tensors[t]
            same_type(op, ti, to)
            if ti.type == I8 and (np.float32(ti.scale) != np.float32(to.scale) or ti.zero_point != to.zero_point):
                fail(op, "int8 input %d is quantized unlike the output" % t)
            if ti.type == I16 and (ti.zero_point != 0 or to.zero_point != 0):
                fail(op, "int16 zero points must be 0")
        return np.concatenate(xs, axis=axis_of(op, opt_i32(op, 0), len(to.shape)))

    def k_pack(model, op, values):
        xs = inputs(model, op, values)
        to = tout(model, op)
        need_types(model, op, (F32, I8, I16, I32, I64), to, *[model.tensors[t] for t in op.inputs])
        if opt_i32(op, 0) != len(xs):
            fail(op, "values_count is not the number of inputs")
        return np.stack(xs, axis=axis_of(op, opt_i32(op, 1), len(to.shape)))

    def k_unpack(model, op, values):
        x = inputs(model, op, values)[0]
        need_types(model, op, (F32, I8, I16, I32), tin(model, op, 0))
        if opt_i32(op, 0) != len(op.outputs):
            fail(op, "num is not the number of outputs")
        a = axis_of(op, opt_i32(op, 1), x.ndim)
        return [np.take(x, i, axis=a) for i in range(x.shape[a])]

    def split_by_outputs(model, op, x, a):
        sizes = [model.tensors[t].shape[a] for t in op.outputs]
        if sum(sizes) != x.shape[a]:
            fail(op, "output sizes do not add up")
        return np.split(x, np.cumsum(sizes)[:-1], axis=a)

    def k_split(model, op, values):
        axis, x = inputs(model, op, values)[:2]
        need_types(model, op, (F32, I8, I16, I32), tin(model, op, 1))
        a = axis_of(op, int(np.asarray(axis).reshape(-1)[0]), x.ndim)
        return np.split(x, len(op.outputs), axis=a)

    def k_split_v(model, op, values):
        x, _, axis = inputs(model, op, values)[:3]
        need_types(model, op, (F32, I8, I16, I32), tin(model, op, 0))
        return split_by_outputs(model, op, x, axis_of(op, int(np.asarray(axis).reshape(-1)[0]), x.ndim))

    # ---- padding ----
    def k_pad(model, op, values):
        ins = inputs(model, op, values)
        x, pads = ins[0], ins[1]
        ti, to = tin(model, op, 0), tout(model, op)
        same_type(op, ti, to)
        need_types(model, op, (I8, I16, I32, F32), ti)
        p = np.asarray(pads, dtype=np.int64).reshape(-1, 2)
        if (p < 0).any():
            fail(op, "negative padding")
        if len(ins) > 2 and ins[2] is not None:
            tv = tin(model, op, 2)
            if ti.type == I8 and (np.float32(tv.scale) != np.float32(to.scale) or tv.zero_point != to.zero_point):
                fail(op, "the int8 constant value is quantized unlike the output")
            fill = np.asarray(ins[2]).reshape(-1)[0]
        else:
            fill = to.zero_point if ti.type == I8 else 0
        return np.pad(x, [tuple(r) for r in p], mode="constant", constant_values=fill).astype(x.dtype)

    def k_mirror_pad(model, op, values):
        x, pads = inputs(model, op, values)[:2]
        need_types(model, op, (I8, F32), tin(model, op, 0))
        mode = op.opt.scalar(0, "b") if op.opt else -1
        reflect = mode == 0
        p = np.asarray(pads, dtype=np.int64).reshape(-1, 2)
        for n, (b, a) in zip(x.shape, p):
            if b < 0 or a < 0 or max(b, a) > n - (1 if reflect else 0):
                fail(op, "padding too large for the mode")
        return np.pad(x, [tuple(r) for r in p], mode="reflect" if reflect else "symmetric")

    # ---- shapes and constants ----
    def k_broadcast_to(model, op, values):
        x = inputs(model, op, values)[0]
        to = tout(model, op)
        same_type(op, tin(model, op, 0), to)
        return np.broadcast_to(x, to.shape).copy()

    def k_shape(model, op, values):
        ti, to = tin(model, op, 0), tout(model, op)
        need_types(model, op, (I32, I64), to)
        return np.array(ti.shape, dtype=ref.TYPE_NP[to.type])

    def k_fill(model, op, values):
        dims, value = inputs(model, op, values)[:2]
        to = tout(model, op)
        need_types(model, op, (F32, I32, I8), to, tin(model, op, 1))
        if [int(d) for d in np.asarray(dims).reshape(-1)] != list(to.shape):
            fail(op, "dims are not the output's")
        return np.full(to.shape, np.asarray(value).reshape(-1)[0], dtype=ref.TYPE_NP[to.type])

    def k_zeros_like(model, op, values):
        ti = tin(model, op, 0)
        need_types(model, op, (I64, I32, I8, F32), ti)
        return np.zeros(ti.shape, dtype=ref.TYPE_NP[ti.type])

    def k_cast(model, op, values):
        x = inputs(model, op, values)[0]
        ti, to = tin(model, op, 0), tout(model, op)
        need_types(model, op, (I8, I16, I32, F32, BOOL), ti)
        need_types(model, op, (I8, I16, I32, F32), to)
        if ti.type == BOOL:
            v = (np.asarray(x) != 0).astype(np.int64)
        elif ti.type == F32:
            f = np.asarray(x, dtype=np.float64)   # exact: every float32 is a float64
            ok = (f >= -2.0 ** 31) & (f < 2.0 ** 31)   # false for NaN
            v = np.where(ok, np.trunc(np.where(ok, f, 0.0)), INT32_MIN).astype(np.int64)
            if to.type == F32:
                return np.asarray(x, dtype=np.float32).copy()
        else:
            v = np.asarray(x).astype(np.int64)
        if to.type == F32:
            return v.astype(np.float32)   # int64 -> float32: round to nearest even, exact below 2^24
        bits = np.dtype(ref.TYPE_NP[to.type]).itemsize * 8
        u = v & ((1 << bits) - 1)            # the low bits, two's complement
        return np.where(u >= 1 << (bits - 1), u - (1 << bits), u).astype(ref.TYPE_NP[to.type])

    return {
        "RESHAPE": k_reshape, "SQUEEZE": k_reshape, "EXPAND_DIMS": k_expand_dims,
        "CONCATENATION": k_concatenation, "PACK": k_pack, "UNPACK": k_unpack, "SPLIT": k_split,
        "SPLIT_V": k_split_v, "PAD": k_pad, "PADV2": k_pad, "MIRROR_PAD": k_mirror_pad,
        "BROADCAST_TO": k_broadcast_to, "SHAPE": k_shape, "FILL": k_fill, "ZEROS_LIKE": k_zeros_like,
        "CAST": k_cast,
    }
