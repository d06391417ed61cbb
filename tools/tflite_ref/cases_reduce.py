"""Single-operator test models of the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX, ARG_MIN, CUMSUM)
for differential_test.py: int8 and int16 where TFLite Micro runs them, several axes, negative and repeated
axes, keep_dims on and off, exclusive / reverse CUMSUM, and scale ratios on both sides of 1."""
import numpy as np

import tflite_writer


def _act(name, shape, scale, zp, dtype=np.int8):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [scale], "zero_points": [zp]}


def _plain(name, shape, dtype):
    return {"name": name, "shape": list(shape), "dtype": dtype}


def _axes(values, shape=None):
    a = np.array(values, dtype=np.int32)
    return {"name": "axis", "shape": list(a.shape) if shape is None else shape, "dtype": np.int32,
            "data": a.reshape(a.shape if shape is None else shape)}


def _scale(rng, lo, hi):
    return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))


def _reduced_shape(shape, axes, keep):
    rank = len(shape)
    r = {a + rank if a < 0 else a for a in axes}
    return [1 if i in r else d for i, d in enumerate(shape)] if keep else \
        [d for i, d in enumerate(shape) if i not in r]


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 40])
    cases = []

    def single(label, op, tensors, op_inputs, options_type=None, options=()):
        out = len(tensors) - 1
        ops = [{"op": op, "inputs": op_inputs, "outputs": [out], "options_type": options_type,
                "options": list(options)}]
        inputs = [i for i in op_inputs if i >= 0 and tensors[i].get("data") is None]
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, [out])))

    # MEAN / SUM: (label, shape, axes, keep_dims, dtype, output scale relative to the input's)
    for op in ("MEAN", "SUM"):
        for tag, shape, axes, keep, dtype, ratio in [
                ("s8,hw,keep", [1, 7, 5, 16], [1, 2], True, np.int8, (0.5, 2.0)),
                ("s8,last,neg", [2, 3, 10], [-1], False, np.int8, (0.3, 3.0)),
                ("s8,all", [2, 3, 4], [0, 1, 2], False, np.int8, (0.5, 1.5)),
                ("s8,repeat", [3, 4, 5], [1, -2, 0], True, np.int8, (0.2, 5.0)),
                ("s8,large-n", [1, 48, 40, 3], [1, 2], True, np.int8, (0.8, 1.2)),
                ("s8,scalar-axis", [4, 6, 3], None, False, np.int8, (0.5, 2.0)),
                ("s16,hw,keep", [1, 6, 5, 8], [1, 2], True, np.int16, (0.5, 2.0)),
                ("s16,first,neg", [4, 3, 5], [-3], False, np.int16, (0.3, 3.0)),
                ("s16,two", [3, 4, 5, 2], [0, 3], False, np.int16, (0.5, 2.0))]:
            int16 = dtype == np.int16
            s_in = _scale(rng, 1e-4, 1e-3) if int16 else _scale(rng, 0.01, 0.1)
            zp_in = 0 if int16 else int(rng.integers(-128, 128) if op == "MEAN" else rng.integers(-20, 21))
            if axes is None:   # a scalar (rank 0) axis tensor
                axis_t, axes = _axes([1], shape=[]), [1]
            else:
                axis_t = _axes(axes)
            n = int(np.prod([shape[a] for a in {a % len(shape) for a in axes}]))
            s_out = s_in * rng.uniform(*ratio) * (n ** 0.5 if op == "SUM" else 1.0)
            # int8: centre the output on the real value of a raw input mean of -0.5 (uniform random inputs),
            # so that few outputs saturate
            centre = (zp_in + 0.5) * s_in / s_out * (n if op == "SUM" else 1)
            zp_out = 0 if int16 else int(np.clip(round(centre) + rng.integers(-10, 11), -128, 127))
            out_shape = _reduced_shape(shape, axes, keep)
            single("%s:%s" % (op.lower(), tag), op,
                   [_act("in", shape, s_in, zp_in, dtype), axis_t, _act("out", out_shape, s_out, zp_out, dtype)],
                   [0, 1], "ReducerOptions", [(0, "B", 1 if keep else 0)])
    # int8 MEAN with equal input and output quantization (the common converter output)
    s, zp = _scale(rng, 0.01, 0.1), int(rng.integers(-128, 128))
    single("mean:s8,same-quant", "MEAN", [_act("in", [1, 9, 9, 8], s, zp), _axes([1, 2]),
                                          _act("out", [1, 8], s, zp)], [0, 1], "ReducerOptions", [(0, "B", 0)])
    # int16 MEAN with a non-zero zero point (TFLite Micro does not require 0 here)
    single("mean:s16,zp", "MEAN", [_act("in", [2, 8, 6], 3e-4, 1234, np.int16), _axes([1]),
                                   _act("out", [2, 6], 2e-4, -77, np.int16)], [0, 1], "ReducerOptions", [(0, "B", 0)])

    # REDUCE_MAX / REDUCE_MIN: int8 (same quantization in and out) and float32
    for op in ("REDUCE_MAX", "REDUCE_MIN"):
        for tag, shape, axes, keep, dtype in [("s8,hw", [1, 5, 6, 7], [1, 2], True, np.int8),
                                              ("s8,last", [3, 4, 9], [-1], False, np.int8),
                                              ("s8,outer", [6, 2, 5], [0, 2], False, np.int8),
                                              ("f32", [3, 4, 5], [0, -1], False, np.float32)]:
            out_shape = _reduced_shape(shape, axes, keep)
            if dtype == np.int8:
                s, zp = _scale(rng, 0.01, 0.1), int(rng.integers(-128, 128))
                t = [_act("in", shape, s, zp), _axes(axes), _act("out", out_shape, s, zp)]
            else:
                t = [_plain("in", shape, np.float32), _axes(axes), _plain("out", out_shape, np.float32)]
            single("%s:%s" % (op.lower(), tag), op, t, [0, 1], "ReducerOptions", [(0, "B", 1 if keep else 0)])

    # ARG_MAX / ARG_MIN -> int32 (inputs of only -128 and 127 give many ties: the first index must win)
    for op, opt in (("ARG_MAX", "ArgMaxOptions"), ("ARG_MIN", "ArgMinOptions")):
        for tag, shape, axis, dtype in [("s8,last", [2, 5, 7], -1, np.int8), ("s8,mid", [3, 6, 4], 1, np.int8),
                                        ("s8,first", [5, 8], 0, np.int8), ("f32", [4, 9], 1, np.float32)]:
            out_shape = [d for i, d in enumerate(shape) if i != axis % len(shape)]
            src = _act("in", shape, _scale(rng, 0.01, 0.1), int(rng.integers(-128, 128))) if dtype == np.int8 \
                else _plain("in", shape, np.float32)
            single("%s:%s" % (op.lower(), tag), op, [src, _axes([axis]), _plain("out", out_shape, np.int32)],
                   [0, 1], opt, [(0, "b", 2)])   # output_type INT32

    # CUMSUM int8: every exclusive / reverse combination, a non-zero input zero point (TFLite Micro starts the
    # running sum at the scaled value of -zp_in), short and long axes
    for tag, shape, axis, excl, rev in [("axis1", [2, 6, 5], 1, 0, 0), ("axis1,exclusive", [2, 6, 5], 1, 1, 0),
                                        ("axis1,reverse", [2, 6, 5], 1, 0, 1),
                                        ("axis1,exclusive,reverse", [2, 6, 5], 1, 1, 1),
                                        ("last,neg", [3, 40], -1, 0, 0), ("first", [7, 3, 2], 0, 1, 1)]:
        s_in = _scale(rng, 0.01, 0.1)
        s_out = s_in * shape[axis] * rng.uniform(0.2, 0.6)
        single("cumsum:%s" % tag, "CUMSUM",
               [_act("in", shape, s_in, int(rng.integers(-128, 128))), _axes([axis], shape=[]),
                _act("out", shape, s_out, int(rng.integers(-128, 128)))], [0, 1], "CumsumOptions",
               [(0, "B", excl), (1, "B", rev)])
    single("cumsum:zp0", "CUMSUM", [_act("in", [4, 10], 0.05, 0), _axes([1], shape=[]), _act("out", [4, 10], 0.2, 3)],
           [0, 1], "CumsumOptions", [(0, "B", 0), (1, "B", 0)])
    return cases
