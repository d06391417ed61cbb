"""Single-operator test models of SOFTMAX beyond int8 -> int8 (int8 -> int16, int16 -> int16, float32) and of
LOG_SOFTMAX (int8, float32) for differential_test.py, with the output quantizations TensorFlow Lite Micro requires.
"""
import numpy as np

import tflite_writer


def _q(name, shape, dtype, scale, zp):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [float(np.float32(scale))],
            "zero_points": [int(zp)]}


def _f(name, shape):
    return {"name": name, "shape": list(shape), "dtype": np.float32}


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 25])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def one(label, op, tin, tout, options_type, options):
        ops = [{"op": op, "inputs": [0], "outputs": [1], "options_type": options_type, "options": list(options)}]
        cases.append((label, tflite_writer.build_model([tin, tout], ops, [0], [1])))

    for shape, beta in [([2, 10], 1.0), ([3, 64], 1.0), ([1, 2, 3, 12], 0.5)]:
        tag = "x".join(map(str, shape))
        one("softmax:int8->int16,%s,beta=%g" % (tag, beta), "SOFTMAX",
            _q("in", shape, np.int8, scale(0.02, 0.5), int(rng.integers(-128, 128))),
            _q("out", shape, np.int16, 1.0 / 65536, -32768), "SoftmaxOptions", [(0, "f", beta)])
        one("softmax:int16,%s,beta=%g" % (tag, beta), "SOFTMAX", _q("in", shape, np.int16, scale(1e-4, 2e-3), 0),
            _q("out", shape, np.int16, 1.0 / 32768, 0), "SoftmaxOptions", [(0, "f", beta)])
        one("softmax:float32,%s,beta=%g" % (tag, beta), "SOFTMAX", _f("in", shape), _f("out", shape),
            "SoftmaxOptions", [(0, "f", beta)])
    # int16 with a large beta * scale (the exp table's input saturates) and with a small one.
    one("softmax:int16,steep", "SOFTMAX", _q("in", [4, 16], np.int16, 0.01, 0),
        _q("out", [4, 16], np.int16, 1.0 / 32768, 0), "SoftmaxOptions", [(0, "f", 2.0)])
    one("softmax:int16,flat", "SOFTMAX", _q("in", [4, 16], np.int16, 1e-6, 0),
        _q("out", [4, 16], np.int16, 1.0 / 32768, 0), "SoftmaxOptions", [(0, "f", 1.0)])

    for shape in ([2, 10], [1, 3, 40], [5, 1]):
        tag = "x".join(map(str, shape))
        one("log_softmax:int8,%s" % tag, "LOG_SOFTMAX",
            _q("in", shape, np.int8, scale(0.02, 0.3), int(rng.integers(-128, 128))),
            _q("out", shape, np.int8, 16.0 / 256, 127), "LogSoftmaxOptions", [])
    one("log_softmax:float32", "LOG_SOFTMAX", _f("in", [3, 17]), _f("out", [3, 17]), "LogSoftmaxOptions", [])
    return cases
