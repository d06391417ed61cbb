"""Single-operator test models of the data-movement operators for differential_test.py: RESHAPE, SQUEEZE,
EXPAND_DIMS, CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, PAD, PADV2, MIRROR_PAD, BROADCAST_TO, SHAPE, FILL,
ZEROS_LIKE and CAST, each with the types TFLite Micro runs it with and its option variants (negative axes, a
shape given three ways, constant and computed pad values, both mirror modes, ...).

The differential test generates int8, int16, float32 and small int32 inputs; bool and int64 operands come from
constant tensors (a model must still have an input: those models also carry a small RESHAPE of an int8 input).
Every case was run through TFLite Micro itself (hil-tflm-dump) with identical outputs."""
import numpy as np

import tflite_writer


def _act(name, shape, dtype, scale=None, zp=0):
    t = {"name": name, "shape": list(shape), "dtype": dtype}
    if scale is not None:
        t["scales"], t["zero_points"] = [scale], [zp]
    return t


def _const(name, arr, scale=None, zp=0):
    t = {"name": name, "shape": list(arr.shape), "dtype": arr.dtype, "data": arr}
    if scale is not None:
        t["scales"], t["zero_points"] = [scale], [zp]
    return t


def _scale(rng, lo=0.005, hi=0.2):
    return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 2202])
    cases = []

    def quant(dtype):
        """(scale, zero point) as converters write them: int16 symmetric, others none."""
        if dtype == np.int8:
            return _scale(rng), int(rng.integers(-128, 128))
        if dtype == np.int16:
            return _scale(rng, 5e-5, 1e-3), 0
        return None, 0

    def act(name, shape, dtype, q=None):
        s, z = quant(dtype) if q is None else q
        return _act(name, shape, dtype, s, z)

    def model(label, tensors, ops, inputs, outputs):
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, outputs)))

    def single(label, op, tensors, inputs, outputs, op_inputs, options_type=None, options=()):
        model(label, tensors, [{"op": op, "inputs": op_inputs, "outputs": outputs, "options_type": options_type,
                                "options": list(options)}], inputs, outputs)

    def on_constants(label, op, tensors, op_inputs, outputs, options_type=None, options=()):
        """The operator on constant operands, beside a RESHAPE of an int8 model input (a model needs one)."""
        n = len(tensors)
        tensors = tensors + [_act("x", [2, 3], np.int8, 0.1, 0), _act("x6", [6], np.int8, 0.1, 0)]
        model(label, tensors, [
            {"op": "RESHAPE", "inputs": [n], "outputs": [n + 1]},
            {"op": op, "inputs": op_inputs, "outputs": outputs, "options_type": options_type,
             "options": list(options)}], [n], [n + 1] + outputs)

    i32 = lambda *v: np.array(v, dtype=np.int32)  # noqa: E731
    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731
    S8, S16, F32, S32 = np.int8, np.int16, np.float32, np.int32

    # ---- RESHAPE: the shape as a second input, in ReshapeOptions, or only in the output ----
    q = quant(S8)
    single("reshape:s8,shape-input", "RESHAPE", [act("in", [1, 4, 6, 2], S8, q), _const("shape", i32(6, 8)),
                                                   act("out", [6, 8], S8, q)], [0], [2], [0, 1])
    q = quant(S16)
    single("reshape:s16,options", "RESHAPE", [act("in", [2, 3, 4], S16, q), act("out", [4, 6], S16, q)], [0], [1],
           [0], "ReshapeOptions", [(0, "vec:i", [4, 6])])
    single("reshape:f32,output-only", "RESHAPE", [act("in", [3, 5], F32), act("out", [15], F32)], [0], [1], [0])
    single("reshape:s32", "RESHAPE", [act("in", [2, 6], S32), act("out", [3, 2, 2], S32)], [0], [1], [0])
    on_constants("reshape:bool,const", "RESHAPE", [_const("b", np.array([[1, 0, 1], [0, 0, 1]], np.bool_)),
                                                  _act("out", [6], np.bool_)], [0], [1])
    on_constants("reshape:s64,const", "RESHAPE", [_const("b", i64(1, -2, 3, -(1 << 40))),
                                                 _act("out", [2, 2], np.int64)], [0], [1])

    # ---- SQUEEZE, EXPAND_DIMS ----
    q = quant(S8)
    single("squeeze:s8,all-ones", "SQUEEZE", [act("in", [1, 5, 1, 3], S8, q), act("out", [5, 3], S8, q)], [0], [1],
           [0])
    q = quant(S16)
    single("squeeze:s16,dims=-2", "SQUEEZE", [act("in", [1, 4, 1, 2], S16, q), act("out", [1, 4, 2], S16, q)], [0],
           [1], [0], "SqueezeOptions", [(0, "vec:i", [-2])])
    single("squeeze:f32,dims=0", "SQUEEZE", [act("in", [1, 1, 7], F32), act("out", [1, 7], F32)], [0], [1], [0],
           "SqueezeOptions", [(0, "vec:i", [0])])
    for dtype, name, shape, axis, out in [(S8, "s8", [3, 4], -1, [3, 4, 1]), (S16, "s16", [5, 2], 0, [1, 5, 2]),
                                          (F32, "f32", [2, 3], -2, [2, 1, 3])]:
        q = quant(dtype)
        single("expand_dims:%s,axis=%d" % (name, axis), "EXPAND_DIMS",
               [act("in", shape, dtype, q), _const("axis", i32(axis)), act("out", out, dtype, q)], [0], [2], [0, 1])

    # ---- CONCATENATION: int8 inputs quantized as the output; int16 scales free, zero points 0 ----
    q = quant(S8)
    single("concatenation:s8,3in,axis=-1,const", "CONCATENATION",
           [act("a", [2, 3, 2], S8, q), _const("b", rng.integers(-128, 128, size=(2, 3, 3)).astype(S8), *q),
            act("c", [2, 3, 1], S8, q), act("out", [2, 3, 6], S8, q)], [0, 2], [3], [0, 1, 2],
           "ConcatenationOptions", [(0, "i", -1), (1, "b", 0)])
    single("concatenation:s16,axis=0", "CONCATENATION",
           [act("a", [1, 4], S16), act("b", [3, 4], S16), act("out", [4, 4], S16)], [0, 1], [2], [0, 1],
           "ConcatenationOptions", [(0, "i", 0)])
    single("concatenation:f32,axis=1", "CONCATENATION",
           [act("a", [2, 2, 3], F32), act("b", [2, 1, 3], F32), act("out", [2, 3, 3], F32)], [0, 1], [2], [0, 1],
           "ConcatenationOptions", [(0, "i", 1)])
    single("concatenation:s32,axis=2", "CONCATENATION",
           [act("a", [2, 2, 1], S32), act("b", [2, 2, 2], S32), act("out", [2, 2, 3], S32)], [0, 1], [2], [0, 1],
           "ConcatenationOptions", [(0, "i", 2)])
    on_constants("concatenation:bool,const", "CONCATENATION",
                 [_const("a", np.array([[True], [False]])), _const("b", np.array([[False, True], [True, True]])),
                  _act("out", [2, 3], np.bool_)], [0, 1], [2], "ConcatenationOptions", [(0, "i", 1)])
    on_constants("concatenation:s64,const", "CONCATENATION",
                 [_const("a", i64(1 << 40, -1)), _const("b", i64(7)), _act("out", [3], np.int64)], [0, 1], [2],
                 "ConcatenationOptions", [(0, "i", 0)])

    # ---- PACK, UNPACK ----
    for dtype, name, shape, axis in [(S8, "s8", [3, 4], 0), (S16, "s16", [2, 3], -1), (F32, "f32", [4, 2], 1),
                                     (S32, "s32", [5], 0)]:
        q, n = quant(dtype), 3
        out = list(shape)
        out.insert(axis if axis >= 0 else len(shape) + 1 + axis, n)
        single("pack:%s,axis=%d" % (name, axis), "PACK",
               [act("x%d" % i, shape, dtype, q) for i in range(n)] + [act("out", out, dtype, q)], list(range(n)), [n],
               list(range(n)), "PackOptions", [(0, "i", n), (1, "i", axis)])
    for dtype, name, shape, axis in [(S8, "s8", [3, 4], 1), (S16, "s16", [2, 3, 2], -1), (F32, "f32", [3, 2], 0),
                                     (S32, "s32", [2, 2], -2)]:
        q = quant(dtype)
        a = axis if axis >= 0 else len(shape) + axis
        n = shape[a]
        out = shape[:a] + shape[a + 1:]
        single("unpack:%s,axis=%d" % (name, axis), "UNPACK",
               [act("in", shape, dtype, q)] + [act("y%d" % i, out, dtype, q) for i in range(n)], [0],
               list(range(1, n + 1)), [0], "UnpackOptions", [(0, "i", n), (1, "i", axis)])

    # ---- SPLIT (axis is input 0), SPLIT_V (sizes from the outputs; size_splits may hold one -1) ----
    for dtype, name, shape, axis, n in [(S8, "s8", [2, 6], -1, 3), (S16, "s16", [4, 3], 0, 2),
                                        (F32, "f32", [2, 4, 2], 1, 2), (S32, "s32", [6], 0, 3)]:
        q = quant(dtype)
        a = axis if axis >= 0 else len(shape) + axis
        out = list(shape)
        out[a] //= n
        single("split:%s,axis=%d,n=%d" % (name, axis, n), "SPLIT",
               [_const("axis", i32(axis)), act("in", shape, dtype, q)] + [act("y%d" % i, out, dtype, q)
                                                                          for i in range(n)],
               [1], list(range(2, n + 2)), [0, 1], "SplitOptions", [(0, "i", n)])
    for dtype, name, shape, axis, sizes, given in [(S8, "s8", [8, 2], 0, [2, 1, 5], [2, -1, 5]),
                                                   (S16, "s16", [2, 5, 3], -2, [3, 2], [3, 2]),
                                                   (F32, "f32", [3, 4], 1, [1, 3], [-1, 3])]:
        q = quant(dtype)
        a = axis if axis >= 0 else len(shape) + axis
        outs = []
        for k, sz in enumerate(sizes):
            o = list(shape)
            o[a] = sz
            outs.append(act("y%d" % k, o, dtype, q))
        n = len(sizes)
        single("split_v:%s,axis=%d,sizes=%s" % (name, axis, ",".join(map(str, given))), "SPLIT_V",
               [act("in", shape, dtype, q), _const("sizes", np.array(given, np.int32)), _const("axis", i32(axis))]
               + outs, [0], list(range(3, n + 3)), [0, 1, 2], "SplitVOptions", [(0, "i", n)])

    # ---- PAD, PADV2 ----
    def pad_case(label, op, dtype, shape, pads, value=None, value_input=False):
        q = quant(dtype)
        pads = np.array(pads, dtype=np.int32)
        out = [n + int(b) + int(a) for n, (b, a) in zip(shape, pads)]
        t = [act("in", shape, dtype, q), _const("pads", pads)]
        op_in, model_in = [0, 1], [0]
        if value is not None:
            if value_input:
                t.append(act("value", [], dtype, q))
                model_in.append(2)
            else:
                t.append(_const("value", np.array(value, dtype=dtype), *((q[0], q[1]) if q[0] is not None else
                                                                         (None, 0))))
            op_in.append(2)
        t.append(act("out", out, dtype, q))
        single(label, op, t, model_in, [len(t) - 1], op_in, None, ())

    pad_case("pad:s8,image-style", "PAD", S8, [1, 5, 4, 3], [[0, 0], [1, 2], [2, 0], [0, 0]])
    pad_case("pad:s8,batch-and-channels", "PAD", S8, [2, 3, 3, 2], [[1, 0], [0, 1], [1, 1], [2, 1]])
    pad_case("pad:s16", "PAD", S16, [1, 4, 5, 2], [[0, 0], [2, 1], [0, 3], [0, 0]])
    pad_case("pad:f32,2d", "PAD", F32, [3, 4], [[1, 1], [0, 2]])
    pad_case("pad:s32,1d", "PAD", S32, [5], [[3, 1]])
    pad_case("pad:s8,5d", "PAD", S8, [2, 1, 3, 2, 2], [[1, 0], [0, 1], [1, 0], [0, 0], [1, 1]])
    pad_case("padv2:s8,const", "PADV2", S8, [1, 3, 3, 2], [[0, 0], [1, 1], [1, 1], [0, 0]], value=-77)
    pad_case("padv2:s16,const", "PADV2", S16, [2, 5], [[1, 0], [2, 2]], value=-1234)
    pad_case("padv2:f32,const", "PADV2", F32, [2, 3, 2], [[0, 1], [1, 0], [0, 2]], value=-2.5)
    pad_case("padv2:s32,const", "PADV2", S32, [4], [[2, 2]], value=-70000)
    pad_case("padv2:s8,value-input", "PADV2", S8, [2, 4], [[1, 1], [0, 2]], value=0, value_input=True)
    pad_case("padv2:f32,value-input", "PADV2", F32, [3, 2], [[0, 1], [1, 1]], value=0, value_input=True)

    # ---- MIRROR_PAD: REFLECT (0), SYMMETRIC (1), no options (TFLite Micro: SYMMETRIC); int32 / int64 pads ----
    for label, dtype, shape, pads, ptype, mode in [
            ("mirror_pad:s8,reflect", S8, [1, 5, 4, 3], [[0, 0], [2, 4], [3, 1], [0, 0]], np.int32, 0),
            ("mirror_pad:s8,symmetric", S8, [2, 3, 4], [[1, 2], [3, 0], [0, 4]], np.int32, 1),
            ("mirror_pad:s8,no-options", S8, [4, 3], [[2, 1], [1, 3]], np.int32, None),
            ("mirror_pad:f32,reflect,int64", F32, [3, 4], [[2, 2], [3, 0]], np.int64, 0),
            ("mirror_pad:f32,symmetric", F32, [2, 2, 3], [[2, 0], [1, 1], [0, 3]], np.int32, 1)]:
        q = quant(dtype)
        pads = np.array(pads, dtype=ptype)
        out = [n + int(b) + int(a) for n, (b, a) in zip(shape, pads)]
        single(label, "MIRROR_PAD", [act("in", shape, dtype, q), _const("pads", pads), act("out", out, dtype, q)],
               [0], [2], [0, 1], "MirrorPadOptions" if mode is not None else None,
               [(0, "b", mode)] if mode is not None else [])

    # ---- BROADCAST_TO ----
    for label, dtype, shape, out, stype in [("broadcast_to:s8,3x1->2x3x4", S8, [3, 1], [2, 3, 4], np.int32),
                                            ("broadcast_to:s16,4->3x4,int64", S16, [4], [3, 4], np.int64),
                                            ("broadcast_to:f32,2x1x3->2x5x3", F32, [2, 1, 3], [2, 5, 3], np.int32),
                                            ("broadcast_to:s32,1->2x2", S32, [1], [2, 2], np.int32)]:
        q = quant(dtype)
        single(label, "BROADCAST_TO", [act("in", shape, dtype, q), _const("shape", np.array(out, stype)),
                                       act("out", out, dtype, q)], [0], [2], [0, 1])
    on_constants("broadcast_to:bool,const", "BROADCAST_TO",
                 [_const("b", np.array([True, False])), _const("shape", i32(3, 2)), _act("out", [3, 2], np.bool_)],
                 [0, 1], [2])

    # ---- SHAPE (int32: TFLite Micro's only output type) ----
    single("shape:s8", "SHAPE", [act("in", [2, 3, 4, 5], S8), _act("out", [4], S32)], [0], [1], [0])
    single("shape:f32,options", "SHAPE", [act("in", [7, 1], F32), _act("out", [2], S32)], [0], [1], [0],
           "ShapeOptions", [(0, "b", 2)])

    # ---- FILL (value copied as is), ZEROS_LIKE (a literal 0) ----
    single("fill:s8,value-input", "FILL", [_const("dims", i32(2, 3)), act("value", [], S8), act("out", [2, 3], S8)],
           [1], [2], [0, 1])
    single("fill:f32,value-input,int64-dims", "FILL", [_const("dims", i64(4, 1, 2)), act("value", [], F32),
                                                       act("out", [4, 1, 2], F32)], [1], [2], [0, 1])
    on_constants("fill:s32,const", "FILL", [_const("dims", np.array([3], np.int16)), _const("value", np.array(-5, np.int32)),
                                            _act("out", [3], S32)], [0, 1], [2])
    for dtype, name in [(S8, "s8"), (F32, "f32"), (S32, "s32")]:
        q = quant(dtype)
        single("zeros_like:%s" % name, "ZEROS_LIKE", [act("in", [3, 4], dtype, q), act("out", [3, 4], dtype, q)],
               [0], [1], [0])
    on_constants("zeros_like:s64,const", "ZEROS_LIKE", [_const("a", i64(5, -6)), _act("out", [2], np.int64)], [0],
                 [1])

    # ---- CAST: value conversions (float inputs: normal, sigma 4, and x1000: int8 / int16 wrap) ----
    for src, dst in [(S8, F32), (S8, S16), (S8, S32), (S16, S8), (S16, S32), (S16, F32), (F32, S8), (F32, S16),
                     (F32, S32), (S32, F32), (S32, S8)]:
        n = {S8: "s8", S16: "s16", F32: "f32", S32: "s32"}
        single("cast:%s-%s" % (n[src], n[dst]), "CAST", [act("in", [4, 30], src), act("out", [4, 30], dst)], [0],
               [1], [0])
    # int32 values beyond small indices: int16 -> int32 -> int8 (wraps)
    model("cast:s16-s32-s8", [act("in", [60], S16), _act("mid", [60], S32), _act("out", [60], S8)],
          [{"op": "CAST", "inputs": [0], "outputs": [1]}, {"op": "CAST", "inputs": [1], "outputs": [2]}], [0], [2])
    on_constants("cast:bool-f32,const", "CAST", [_const("b", np.array([True, False, True])),
                                                 _act("out", [3], F32)], [0], [1])
    on_constants("cast:bool-s16,const", "CAST", [_const("b", np.array([[False, True]])), _act("out", [1, 2], S16)],
                 [0], [1])
    return cases
