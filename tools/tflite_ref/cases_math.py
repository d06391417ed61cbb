"""Single-operator test models of the unary math operators for differential_test.py: ABS (int8, int16 with and
without quantization, float32), RSQRT (int8 with input zero point -128, so no input is negative; float32),
L2_NORMALIZATION (int8, float32) and the float32-only EXP, LOG, SQRT, SIN, COS, NEG, FLOOR, CEIL, ROUND, SQUARE.
"""
import numpy as np

import tflite_writer


def _q(name, shape, dtype, scale, zp):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [float(np.float32(scale))],
            "zero_points": [int(zp)]}


def _f(name, shape):
    return {"name": name, "shape": list(shape), "dtype": np.float32}


OPTIONS = {"ABS": "AbsOptions", "EXP": "ExpOptions", "NEG": "NegOptions", "SQUARE": "SquareOptions",
           "COS": "CosOptions", "L2_NORMALIZATION": "L2NormOptions"}


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 101])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def zp8():
        return int(rng.integers(-128, 128))

    def unary(label, op, tin, tout):
        ot = OPTIONS.get(op)
        options = [(0, "b", 0)] if op == "L2_NORMALIZATION" else []
        ops = [{"op": op, "inputs": [0], "outputs": [1], "options_type": ot, "options": options}]
        cases.append((label, tflite_writer.build_model([tin, tout], ops, [0], [1])))

    shape = [2, 5, 30]
    s = scale(0.01, 0.2)
    unary("abs:int8,same-scale", "ABS", _q("in", shape, np.int8, s, zp8()), _q("out", shape, np.int8, s, zp8()))
    unary("abs:int8,rescale", "ABS", _q("in", shape, np.int8, scale(0.01, 0.2), zp8()),
          _q("out", shape, np.int8, scale(0.01, 0.2), zp8()))
    s = scale(1e-4, 1e-3)
    unary("abs:int16,same-scale", "ABS", _q("in", shape, np.int16, s, 0), _q("out", shape, np.int16, s, 0))
    unary("abs:int16,rescale", "ABS", _q("in", shape, np.int16, scale(1e-4, 1e-3), 0),
          _q("out", shape, np.int16, scale(1e-4, 1e-3), 0))
    unary("abs:int16,unquantized", "ABS", {"name": "in", "shape": shape, "dtype": np.int16},
          {"name": "out", "shape": shape, "dtype": np.int16})
    unary("abs:float32", "ABS", _f("in", shape), _f("out", shape))

    for i, (lo, hi, olo, ohi) in enumerate([(0.01, 0.1, 0.02, 0.2), (0.001, 0.01, 0.1, 1.0), (0.1, 1.0, 0.005, 0.05)]):
        unary("rsqrt:int8,%d" % i, "RSQRT", _q("in", shape, np.int8, scale(lo, hi), -128),
              _q("out", shape, np.int8, scale(olo, ohi), zp8()))
    unary("rsqrt:float32", "RSQRT", _f("in", shape), _f("out", shape))

    for sh in ([1, 64], [2, 3, 4, 10], [4, 1]):
        tag = "x".join(map(str, sh))
        unary("l2_normalization:int8,%s" % tag, "L2_NORMALIZATION", _q("in", sh, np.int8, scale(0.01, 0.2), zp8()),
              _q("out", sh, np.int8, 1.0 / 128, 0))
    unary("l2_normalization:float32", "L2_NORMALIZATION", _f("in", [3, 20]), _f("out", [3, 20]))

    for op in ("EXP", "LOG", "SQRT", "SIN", "COS", "NEG", "FLOOR", "CEIL", "ROUND", "SQUARE"):
        unary("%s:float32" % op.lower(), op, _f("in", shape), _f("out", shape))
    return cases
