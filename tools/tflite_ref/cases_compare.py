"""Test models of the comparison family for differential_test.py: EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
GREATER_EQUAL (int8 with its rescaling of both inputs, int32, float32, bool) and SELECT_V2 (int8, int16, float32),
with broadcasting. The differential test generates no bool inputs, so bool operands come from a comparison
earlier in the model.
"""
import numpy as np

import tflite_writer

COMPARISONS = ["EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"]
OPTIONS = {"EQUAL": "EqualOptions", "NOT_EQUAL": "NotEqualOptions", "LESS": "LessOptions",
           "LESS_EQUAL": "LessEqualOptions", "GREATER": "GreaterOptions", "GREATER_EQUAL": "GreaterEqualOptions",
           "SELECT_V2": "SelectV2Options"}


def _q(name, shape, dtype, scale, zp, data=None):
    t = {"name": name, "shape": list(shape), "dtype": dtype, "scales": [float(np.float32(scale))],
         "zero_points": [int(zp)]}
    if data is not None:
        t["data"] = np.asarray(data, dtype=dtype).reshape(shape)
    return t


def _raw(name, shape, dtype, data=None):
    t = {"name": name, "shape": list(shape), "dtype": dtype}
    if data is not None:
        t["data"] = np.asarray(data, dtype=dtype).reshape(shape)
    return t


def _op(name, inputs, outputs):
    return {"op": name, "inputs": inputs, "outputs": outputs, "options_type": OPTIONS[name], "options": []}


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 17])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def zp():
        return int(rng.integers(-128, 128))

    def model(label, tensors, ops, outputs):
        inputs = sorted({i for o in ops for i in o["inputs"] if tensors[i].get("data") is None} -
                        {t for o in ops for t in o["outputs"]})
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, outputs)))

    s4 = [1, 3, 4, 5]
    for i, op in enumerate(COMPARISONS):
        low = op.lower()
        # int8: one shared quantization (EQUAL then holds often on the extreme inputs), then two different ones
        sc, z = scale(0.01, 0.5), zp()
        model("%s:int8,same-quant" % low, [_q("a", s4, np.int8, sc, z), _q("b", s4, np.int8, sc, z),
                                           _raw("out", s4, np.bool_)], [_op(op, [0, 1], [2])], [2])
        shapes = [([2, 1, 5], [3, 1]), ([4, 6], [6]), ([1, 4, 1], [2, 1, 3])][i % 3]
        out_shape = list(np.broadcast_shapes(tuple(shapes[0]), tuple(shapes[1])))
        if i % 2:
            b = _q("c", shapes[1], np.int8, scale(0.01, 0.9), zp(), rng.integers(-128, 128, size=shapes[1]))
        else:
            b = _q("b", shapes[1], np.int8, scale(0.01, 0.9), zp())
        model("%s:int8,two-quant,broadcast" % low, [_q("a", shapes[0], np.int8, scale(0.01, 0.9), zp()), b,
                                                    _raw("out", out_shape, np.bool_)], [_op(op, [0, 1], [2])], [2])
        model("%s:float32,broadcast" % low, [_raw("a", [2, 3, 4], np.float32), _raw("b", [3, 1], np.float32),
                                             _raw("out", [2, 3, 4], np.bool_)], [_op(op, [0, 1], [2])], [2])
        model("%s:int32" % low, [_raw("a", [4, 5], np.int32), _raw("b", [4, 5], np.int32),
                                 _raw("out", [4, 5], np.bool_)], [_op(op, [0, 1], [2])], [2])
    # bool EQUAL / NOT_EQUAL on the outputs of two int8 comparisons (the second against a constant row)
    for op in ("EQUAL", "NOT_EQUAL"):
        sc = scale(0.01, 0.5)
        model("%s:bool,after-compare" % op.lower(),
              [_q("a", [2, 8], np.int8, sc, zp()), _q("b", [2, 8], np.int8, scale(0.01, 0.5), zp()),
               _q("c", [8], np.int8, sc, zp(), rng.integers(-128, 128, size=8)), _raw("lt", [2, 8], np.bool_),
               _raw("ge", [2, 8], np.bool_), _raw("out", [2, 8], np.bool_)],
              [_op("LESS", [0, 1], [3]), _op("GREATER_EQUAL", [0, 2], [4]), _op(op, [3, 4], [5])], [5])

    # SELECT_V2: the condition from a comparison; int8 (one quantization for x, y and output), int16 with a
    # three-way broadcast, float32 with a constant y
    sc, z = scale(0.01, 0.2), zp()
    model("select_v2:int8", [_q("a", s4, np.int8, sc, z), _q("b", s4, np.int8, sc, z), _raw("cond", s4, np.bool_),
                             _q("out", s4, np.int8, sc, z)],
          [_op("GREATER", [0, 1], [2]), _op("SELECT_V2", [2, 0, 1], [3])], [3])
    sc16 = scale(1e-4, 1e-3)
    model("select_v2:int16,broadcast", [_raw("f", [3, 1, 4], np.float32), _raw("zero", [1], np.float32, [0.5]),
                                        _raw("cond", [3, 1, 4], np.bool_), _q("x", [5, 1], np.int16, sc16, 0),
                                        _q("y", [1], np.int16, sc16, 0), _q("out", [3, 5, 4], np.int16, sc16, 0)],
          [_op("LESS", [0, 1], [2]), _op("SELECT_V2", [2, 3, 4], [5])], [5])
    model("select_v2:float32,const-y", [_raw("i", [2, 6], np.int32), _raw("k", [6], np.int32, [0, 1, 2, 3, 1, 2]),
                                        _raw("cond", [2, 6], np.bool_), _raw("x", [2, 6], np.float32),
                                        _raw("y", [6], np.float32, [-1.5, 0.0, 2.25, 1e30, -0.0, 7.0]),
                                        _raw("out", [2, 6], np.float32)],
          [_op("EQUAL", [0, 1], [2]), _op("SELECT_V2", [2, 3, 4], [5])], [5])
    return cases
