"""Single-operator test models of the activations for differential_test.py: RELU, RELU6, LOGISTIC and TANH beyond
int8 (int16, float32), LEAKY_RELU, PRELU, HARD_SWISH and ELU over every type TensorFlow Lite Micro runs them with.

Quantization parameters are seeded; the int16 LOGISTIC/TANH cases cover TFLite's power-of-two input scales (2^-12,
and 2^-11 for TANH, multiplied by 3 exactly), a power of two that takes the general path (2^-10), scales near 1,
and tiny scales (the rescale shift reaches 31).
"""
import numpy as np

import tflite_writer


def _q(name, shape, dtype, scale, zp):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [float(np.float32(scale))],
            "zero_points": [int(zp)]}


def _f(name, shape):
    return {"name": name, "shape": list(shape), "dtype": np.float32}


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 31])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def zp8():
        return int(rng.integers(-128, 128))

    def unary(label, op, tin, tout, options_type=None, options=()):
        ops = [{"op": op, "inputs": [0], "outputs": [1], "options_type": options_type, "options": list(options)}]
        cases.append((label, tflite_writer.build_model([tin, tout], ops, [0], [1])))

    shape = [1, 3, 5, 20]
    n = [1, 300]

    # ---- RELU / RELU6: int16 and float32 ----
    unary("relu:int16,requant", "RELU", _q("in", shape, np.int16, scale(1e-4, 1e-3), 0),
          _q("out", shape, np.int16, scale(1e-4, 1e-3), 0))
    s = scale(1e-4, 1e-3)
    unary("relu:int16,same-scale", "RELU", _q("in", shape, np.int16, s, 0), _q("out", shape, np.int16, s, 0))
    s = scale(2e-4, 4e-4)
    unary("relu6:int16", "RELU6", _q("in", shape, np.int16, s, 0), _q("out", shape, np.int16, s, 0))
    s = scale(1e-4, 3e-4)
    unary("relu6:int16,zp", "RELU6", _q("in", shape, np.int16, s, -1000), _q("out", shape, np.int16, s, -1000))
    unary("relu:float32", "RELU", _f("in", shape), _f("out", shape))
    unary("relu6:float32", "RELU6", _f("in", shape), _f("out", shape))

    # ---- LOGISTIC / TANH: int16 (output 2^-15) and float32 ----
    for op in ("LOGISTIC", "TANH"):
        name = op.lower()
        in_scales = [("pot-12", 2.0 ** -12), ("pot-10", 2.0 ** -10), ("general", scale(1e-4, 2e-3)),
                     ("near-1", scale(0.3, 2.0)), ("tiny", 1e-9)]
        if op == "TANH":
            in_scales.insert(1, ("pot-11", 2.0 ** -11))
        for tag, s in in_scales:
            unary("%s:int16,%s" % (name, tag), op, _q("in", n, np.int16, s, 0), _q("out", n, np.int16, 2.0 ** -15, 0))
        unary("%s:float32" % name, op, _f("in", n), _f("out", n))

    # ---- LEAKY_RELU: int8, int16 (zero points allowed), float32 ----
    for i, alpha in enumerate([0.2, -0.5, 1.7, 0.0]):
        unary("leaky_relu:int8,alpha=%g" % alpha, "LEAKY_RELU", _q("in", shape, np.int8, scale(0.01, 0.2), zp8()),
              _q("out", shape, np.int8, scale(0.01, 0.2), zp8()), "LeakyReluOptions", [(0, "f", alpha)])
    unary("leaky_relu:int16", "LEAKY_RELU", _q("in", shape, np.int16, scale(1e-4, 1e-3), 0),
          _q("out", shape, np.int16, scale(1e-4, 1e-3), 0), "LeakyReluOptions", [(0, "f", 0.3)])
    unary("leaky_relu:int16,zp,alpha<0", "LEAKY_RELU", _q("in", shape, np.int16, scale(1e-4, 1e-3), 1234),
          _q("out", shape, np.int16, scale(1e-4, 1e-3), -321), "LeakyReluOptions", [(0, "f", -0.25)])
    unary("leaky_relu:float32", "LEAKY_RELU", _f("in", shape), _f("out", shape), "LeakyReluOptions",
          [(0, "f", 0.1)])

    # ---- PRELU: alpha constant and broadcast, or a second input of the same shape ----
    def prelu(label, dtype, in_shape, alpha_shape, alpha_const, in_zp, out_zp):
        if dtype == np.float32:
            tin, tout = _f("in", in_shape), _f("out", in_shape)
            ta = _f("alpha", alpha_shape)
            if alpha_const:
                ta["data"] = rng.uniform(-1, 1, size=alpha_shape).astype(np.float32)
        else:
            lo, hi = (0.01, 0.2) if dtype == np.int8 else (1e-4, 1e-3)
            tin = _q("in", in_shape, dtype, scale(lo, hi), in_zp)
            tout = _q("out", in_shape, dtype, scale(lo, hi), out_zp)
            ta = _q("alpha", alpha_shape, np.int8, scale(0.002, 0.02), zp8())
            if alpha_const:
                ta["data"] = rng.integers(-128, 128, size=alpha_shape).astype(np.int8)
        ops = [{"op": "PRELU", "inputs": [0, 1], "outputs": [2]}]
        inputs = [0] if alpha_const else [0, 1]
        cases.append((label, tflite_writer.build_model([tin, ta, tout], ops, inputs, [2])))

    prelu("prelu:int8,alpha[C]", np.int8, [1, 4, 5, 6], [6], True, zp8(), zp8())
    prelu("prelu:int8,alpha[1,1,C]", np.int8, [1, 4, 5, 6], [1, 1, 6], True, zp8(), zp8())
    prelu("prelu:int8,alpha-input", np.int8, [2, 3, 7], [2, 3, 7], False, zp8(), zp8())
    prelu("prelu:int16,alpha[H,1,C]", np.int16, [1, 4, 5, 6], [4, 1, 6], True, 0, 0)
    prelu("prelu:int16,zp", np.int16, [1, 4, 5, 6], [6], True, 100, -200)
    prelu("prelu:float32,alpha[C]", np.float32, [1, 4, 5, 6], [6], True, 0, 0)

    # ---- HARD_SWISH int8 (output scale above input scale / 128), float32 ----
    for i, (lo_in, hi_in, lo_out, hi_out) in enumerate([(0.01, 0.1, 0.01, 0.1), (0.05, 0.3, 0.01, 0.05),
                                                         (0.001, 0.01, 0.02, 0.2), (0.1, 1.0, 0.002, 0.01)]):
        unary("hard_swish:int8,%d" % i, "HARD_SWISH", _q("in", shape, np.int8, scale(lo_in, hi_in), zp8()),
              _q("out", shape, np.int8, scale(lo_out, hi_out), zp8()))
    # Edge multipliers: an output scale just above s_in / 128 (output exponent 0, the largest int16 products),
    # one over 2^16 times s_in / 128 (the int16 RoundingDivideByPOT's mask narrows to -1: outputs zp +/- 1), and
    # a tiny input scale (the reluish right shift exceeds 15).
    s = scale(0.05, 0.2)
    unary("hard_swish:int8,exponent0", "HARD_SWISH", _q("in", shape, np.int8, s, -100),
          _q("out", shape, np.int8, s / 127.0, 120))
    s = scale(0.001, 0.01)
    unary("hard_swish:int8,shift>=16", "HARD_SWISH", _q("in", shape, np.int8, s, zp8()),
          _q("out", shape, np.int8, s * 600.0, zp8()))
    unary("hard_swish:int8,tiny-input", "HARD_SWISH", _q("in", shape, np.int8, 1e-7, zp8()),
          _q("out", shape, np.int8, 1e-7, zp8()))
    unary("hard_swish:float32", "HARD_SWISH", _f("in", shape), _f("out", shape))
    # CheckedLog2's tolerance: input scales within 1e-3 (in log2) of 2^-12 / 2^-11 take the exact path.
    unary("logistic:int16,near-pot", "LOGISTIC", _q("in", n, np.int16, 2.0 ** -12 * 1.0005, 0),
          _q("out", n, np.int16, 2.0 ** -15, 0))
    unary("tanh:int16,near-pot", "TANH", _q("in", n, np.int16, 2.0 ** -11 * 0.9996, 0),
          _q("out", n, np.int16, 2.0 ** -15 * 1.0002, 0))

    # ---- ELU int8 (table), float32 ----
    for i in range(3):
        unary("elu:int8,%d" % i, "ELU", _q("in", n, np.int8, scale(0.01, 0.2), zp8()),
              _q("out", n, np.int8, scale(0.005, 0.05), zp8()))
    unary("elu:float32", "ELU", _f("in", n), _f("out", n))
    return cases
