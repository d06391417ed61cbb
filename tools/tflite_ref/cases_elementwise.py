"""Single-operator (and a few two-operator) test models of the element-wise arithmetic family for
differential_test.py: ADD / MUL beyond int8, SUB, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, ADD_N, over every type
TensorFlow Lite Micro runs them with, with and without broadcasting and with each fused activation.

Inputs the differential test generates: int8 / int16 (uniform, near the zero point, extremes), float32 (normal, and
far out of range), int32 (0..3). Where an operator needs other values (a divisor that is never zero, int32 values
that overflow) they come from a constant operand or from an earlier operator in the model.
"""
import numpy as np

import tflite_writer

OPTIONS = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions", "DIV": "DivOptions",
           "SQUARED_DIFFERENCE": "SquaredDifferenceOptions", "MAXIMUM": "MaximumMinimumOptions",
           "MINIMUM": "MaximumMinimumOptions", "ADD_N": "AddNOptions"}
HAS_ACT = ("ADD", "SUB", "MUL", "DIV")


def _q(name, shape, dtype, scale, zp):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [float(np.float32(scale))],
            "zero_points": [int(zp)]}


def _raw(name, shape, dtype, data=None):
    t = {"name": name, "shape": list(shape), "dtype": dtype}
    if data is not None:
        t["data"] = np.asarray(data, dtype=dtype).reshape(shape)
    return t


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 16])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def s8(name, shape, lo=0.01, hi=0.2, zp=None):
        return _q(name, shape, np.int8, scale(lo, hi), int(rng.integers(-128, 128)) if zp is None else zp)

    def s16(name, shape, lo=2e-4, hi=2e-3, zp=0):
        return _q(name, shape, np.int16, scale(lo, hi), zp)

    def model(label, tensors, ops, inputs, outputs):
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, outputs)))

    def binary(label, op, a, b, out, act=0):
        """Two inputs (a constant one when it has data) and one output."""
        tensors = [a, b, out]
        inputs = [i for i, t in enumerate(tensors[:2]) if t.get("data") is None]
        options = [(0, "b", act)] if op in HAS_ACT else []
        model(label, tensors, [{"op": op, "inputs": [0, 1], "outputs": [2], "options_type": OPTIONS[op],
                                "options": options}], inputs, [2])

    s4 = [1, 4, 5, 6]
    # ---- ADD: int16 (the general path, left shift 15), int32, float32 ----
    binary("add:int16,2in", "ADD", s16("a", s4), s16("b", s4), s16("out", s4, 5e-4, 3e-3))
    binary("add:int16,broadcast-const,relu", "ADD", s16("a", s4),
           dict(s16("c", [6]), data=rng.integers(-32768, 32768, size=6).astype(np.int16)),
           s16("out", s4, 5e-4, 3e-3), act=1)
    binary("add:int16,broadcast,relu_n1_to_1", "ADD", s16("a", [2, 1, 3, 4], 1e-4, 5e-4),
           s16("b", [5, 1, 4], 1e-4, 5e-4), s16("out", [2, 5, 3, 4], 1e-4, 1e-3), act=2)
    binary("add:int16,zero-points,broadcast", "ADD", s16("a", [3, 7], zp=300), s16("b", [1, 7], zp=-1200),
           s16("out", [3, 7], 1e-3, 4e-3, zp=25))
    binary("add:int32", "ADD", _raw("a", [2, 3, 8], np.int32),
           _raw("c", [8], np.int32, [2**31 - 1, -2**31, 2**30, -7, 0, 1, 123456789, -2]), _raw("out", [2, 3, 8], np.int32),
           act=1)   # TFLite Micro ignores the fused activation of int32 ADD
    binary("add:float32,relu6", "ADD", _raw("a", s4, np.float32), _raw("b", s4, np.float32), _raw("out", s4, np.float32),
           act=3)
    binary("add:float32,broadcast", "ADD", _raw("a", [3, 1, 5], np.float32), _raw("b", [4, 1], np.float32),
           _raw("out", [3, 4, 5], np.float32))

    # ---- SUB: int8, int16, int32, float32 ----
    binary("sub:int8,2in", "SUB", s8("a", s4), s8("b", s4), s8("out", s4, 0.02, 0.4))
    binary("sub:int8,broadcast-const,relu", "SUB", s8("a", s4),
           dict(s8("c", [1, 1, 1, 6]), data=rng.integers(-128, 128, size=6).astype(np.int8)), s8("out", s4, 0.02, 0.4),
           act=1)
    binary("sub:int8,broadcast,relu6", "SUB", s8("a", [4, 1, 6], 0.01, 0.05), s8("b", [1, 3, 1], 0.01, 0.05),
           s8("out", [4, 3, 6], 0.02, 0.06), act=3)
    # The scales of TFLite Micro's seanet sub0 model: float and double multipliers differ in their last bits there.
    binary("sub:int16,broadcast-row", "SUB", _q("a", [1, 4, 20, 16], np.int16, 0.0009693715837784111, 0),
           _q("b", [16], np.int16, 8.709842404641677e-06, 0), _q("out", [1, 4, 20, 16], np.int16, 0.0005941494018770754, 0))
    binary("sub:int16,2in,relu_n1_to_1", "SUB", s16("a", s4), s16("b", s4), s16("out", s4, 5e-4, 3e-3), act=2)
    binary("sub:int32,relu", "SUB", _raw("a", [3, 8], np.int32),
           _raw("c", [8], np.int32, [-2**31, 2**31 - 1, 5, -5, 1, 2, 3, 0]), _raw("out", [3, 8], np.int32), act=1)
    binary("sub:float32,relu_n1_to_1", "SUB", _raw("a", s4, np.float32), _raw("b", [6], np.float32),
           _raw("out", s4, np.float32), act=2)

    # ---- MUL: int16 (zero points 0), int32, float32 ----
    binary("mul:int16,2in", "MUL", s16("a", s4, 1e-3, 1e-2), s16("b", s4, 1e-3, 1e-2), s16("out", s4, 5e-3, 5e-2))
    binary("mul:int16,broadcast,relu", "MUL", s16("a", [2, 3, 4]), s16("b", [3, 1]), s16("out", [2, 3, 4], 1e-7, 1e-6),
           act=1)
    binary("mul:int16,left-shift", "MUL", s16("a", [40]), s16("b", [40]), s16("out", [40], 1e-9, 4e-9))
    binary("mul:int32,relu6", "MUL", _raw("a", [2, 8], np.int32),
           _raw("c", [8], np.int32, [2**30, -2**30, 3, -1, 0, 2**31 - 1, 7, 2]), _raw("out", [2, 8], np.int32), act=3)
    binary("mul:float32,broadcast", "MUL", _raw("a", [2, 3, 4], np.float32), _raw("b", [1, 4], np.float32),
           _raw("out", [2, 3, 4], np.float32))

    # ---- DIV: int8 (a divisor that never sits at its zero point), int32, float32 ----
    # s1 / (s2 * s_out) >= 64 keeps TFLite Micro's rescale within the 31-bit shift its (debug) build asserts.
    zp_d = 5
    divisor = rng.integers(-128, 128, size=24)
    divisor[divisor == zp_d] = zp_d + 1
    binary("div:int8,const-divisor", "DIV", _q("a", [2, 24], np.int8, 0.1, -3),
           dict(_q("c", [24], np.int8, 0.02, zp_d), data=divisor.astype(np.int8)), _q("out", [2, 24], np.int8, 0.05, 4))
    binary("div:int8,scalar-divisor,relu", "DIV", _q("a", [3, 5, 2], np.int8, 0.2, 10),
           dict(_q("c", [1], np.int8, 0.01, -100), data=np.array([-20], np.int8)), _q("out", [3, 5, 2], np.int8, 0.2, -60),
           act=1)
    binary("div:float32,relu6", "DIV", _raw("a", s4, np.float32), _raw("b", s4, np.float32), _raw("out", s4, np.float32),
           act=3)
    # int32: large (wrapped) dividends from a MUL, divisors of both signs. Not INT32_MIN / -1, which traps in
    # TFLite Micro on x86 (the engine wraps it to INT32_MIN; ops/elementwise_test.cc checks that).
    model("div:int32,after-mul", [_raw("x", [3, 6], np.int32),
                                  _raw("big", [6], np.int32, [2**30, -2**30, 2**31 - 1, -2**31, 12345, -99]),
                                  _raw("prod", [3, 6], np.int32),
                                  _raw("d", [6], np.int32, [7, -3, -1, -4, 10, -2]), _raw("out", [3, 6], np.int32)],
          [{"op": "MUL", "inputs": [0, 1], "outputs": [2], "options_type": "MulOptions", "options": [(0, "b", 0)]},
           {"op": "DIV", "inputs": [2, 3], "outputs": [4], "options_type": "DivOptions", "options": [(0, "b", 0)]}],
          [0], [4])

    # ---- SQUARED_DIFFERENCE: int8 (left shift 7), int16 (0), int32, float32 ----
    binary("squared_difference:int8,2in", "SQUARED_DIFFERENCE", s8("a", s4, 0.01, 0.05), s8("b", s4, 0.01, 0.05),
           s8("out", s4, 0.01, 0.1))
    binary("squared_difference:int8,broadcast", "SQUARED_DIFFERENCE", s8("a", [2, 3, 4]), s8("b", [1, 4]),
           s8("out", [2, 3, 4], 0.05, 0.5))
    binary("squared_difference:int16,2in", "SQUARED_DIFFERENCE", s16("a", s4), s16("b", s4),
           s16("out", s4, 1e-4, 1e-3))
    binary("squared_difference:int16,broadcast,large-multiplier", "SQUARED_DIFFERENCE", s16("a", [5, 4]),
           s16("b", [4]), s16("out", [5, 4], 1e-8, 1e-7))
    binary("squared_difference:float32", "SQUARED_DIFFERENCE", _raw("a", s4, np.float32), _raw("b", [5, 1], np.float32),
           _raw("out", s4, np.float32))
    binary("squared_difference:int32", "SQUARED_DIFFERENCE", _raw("a", [2, 6], np.int32),
           _raw("c", [6], np.int32, [2**16, -2**31, 46341, -46341, 3, 0]), _raw("out", [2, 6], np.int32))

    # ---- MAXIMUM / MINIMUM: raw values (one quantization for inputs and output, as converters write) ----
    for op in ("MAXIMUM", "MINIMUM"):
        low = op.lower()
        sc, zp = scale(0.01, 0.1), int(rng.integers(-128, 128))
        binary("%s:int8,2in" % low, op, _q("a", s4, np.int8, sc, zp), _q("b", s4, np.int8, sc, zp),
               _q("out", s4, np.int8, sc, zp))
        binary("%s:int8,broadcast-const" % low, op, _q("a", s4, np.int8, sc, zp),
               dict(_q("c", [6], np.int8, sc, zp), data=rng.integers(-128, 128, size=6).astype(np.int8)),
               _q("out", s4, np.int8, sc, zp))
        sc = scale(1e-4, 1e-3)
        binary("%s:int16,broadcast" % low, op, _q("a", [3, 1, 4], np.int16, sc, 0), _q("b", [5, 1], np.int16, sc, 0),
               _q("out", [3, 5, 4], np.int16, sc, 0))
        binary("%s:int32" % low, op, _raw("a", [2, 4], np.int32), _raw("c", [4], np.int32, [-5, 2, 3, 2**31 - 1]),
               _raw("out", [2, 4], np.int32))
        binary("%s:float32,broadcast" % low, op, _raw("a", [2, 5], np.float32), _raw("b", [1], np.float32),
               _raw("out", [2, 5], np.float32))

    # ---- ADD_N: int8 (one quantization for the inputs; the sum starts at the rescaled -zp), float32 ----
    sc, zp = scale(0.01, 0.1), int(rng.integers(-100, 100))
    ins = [_q("x%d" % i, [2, 3, 5], np.int8, sc, zp) for i in range(3)]
    model("add_n:int8,3in", ins + [_q("out", [2, 3, 5], np.int8, scale(0.05, 0.3), int(rng.integers(-128, 128)))],
          [{"op": "ADD_N", "inputs": [0, 1, 2], "outputs": [3], "options_type": "AddNOptions", "options": []}],
          [0, 1, 2], [3])
    ins = [_raw("x%d" % i, [4, 6], np.float32) for i in range(4)]
    model("add_n:float32,4in", ins + [_raw("out", [4, 6], np.float32)],
          [{"op": "ADD_N", "inputs": [0, 1, 2, 3], "outputs": [4], "options_type": "AddNOptions", "options": []}],
          [0, 1, 2, 3], [4])
    return cases
