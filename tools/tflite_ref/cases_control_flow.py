"""Test models of control flow and resource variables.

op_cases(seed): models for differential_test.py (one Invoke each; engine, numpy reference and TFLite Micro's
hil-tflm-dump): IF (int8, int16 and float32 branches, the condition computed in the model since no bool inputs
are generated), WHILE (a counter with int8, float32 and pass-through loop variables) and an IF nested in a WHILE
body. hil-tflm-dump runs TFLM without resource variables and writes every operator's first output, so these
keep VAR_HANDLE and operators without outputs out of subgraph 0.

stateful_cases(seed): models whose state spans Invokes (CALL_ONCE + VAR_HANDLE / READ_VARIABLE /
ASSIGN_VARIABLE in subgraph 0, int8, int16, int32 and float32 variables, a variable first read at its zero
point, a handle passed into an IF branch) as [(label, model bytes, invokes)]: for a multi-Invoke comparison of
the engine, the reference (run with one state) and TFLM with resource variables.
"""
import numpy as np

import tflite_writer

R = tflite_writer.RESOURCE


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


OPTIONS = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions", "LESS": "LessOptions",
           "GREATER": "GreaterOptions", "IF": "IfOptions", "WHILE": "WhileOptions", "CALL_ONCE": "CallOnceOptions",
           "VAR_HANDLE": "VarHandleOptions", "READ_VARIABLE": "ReadVariableOptions",
           "ASSIGN_VARIABLE": "AssignVariableOptions"}


def _op(name, inputs, outputs, *fields):
    return {"op": name, "inputs": list(inputs), "outputs": list(outputs), "options_type": OPTIONS[name],
            "options": list(fields)}


def _sg(tensors, ops, inputs, outputs):
    return {"tensors": tensors, "ops": ops, "inputs": inputs, "outputs": outputs}


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 118])
    cases = []

    def scale(lo=0.01, hi=0.2):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def zp():
        return int(rng.integers(-100, 100))

    # IF on int8: the condition is s < 2 (or s > 1) for an int32 input s in 0..3, so the inputs take both
    # branches; then adds a broadcast constant, else subtracts another (quantization as a converter writes it).
    for label, cmp in (("if:int8,less", "LESS"), ("if:int8,greater", "GREATER")):
        sx, zx, so, zo = scale(), zp(), scale(0.02, 0.3), zp()
        sc, zc = scale(), zp()
        c = rng.integers(-128, 128, size=[3]).astype(np.int8)
        main = [_raw("s", [1], np.int32), _raw("two", [1], np.int32, [2 if cmp == "LESS" else 1]),
                _raw("cond", [1], np.bool_), _q("x", [2, 3], np.int8, sx, zx), _q("y", [2, 3], np.int8, so, zo)]
        branch = []
        for op in ("ADD", "SUB"):
            branch.append(_sg([_q("a", [2, 3], np.int8, sx, zx), _q("c", [3], np.int8, sc, zc, c),
                               _q("r", [2, 3], np.int8, so, zo)], [_op(op, [0, 1], [2], (0, "b", 0))], [0], [2]))
        ops = [_op(cmp, [0, 1], [2]), _op("IF", [2, 3], [4], (0, "i", 1), (1, "i", 2))]
        cases.append((label, tflite_writer.build_model(main, ops, [0, 3], [4], branch)))

    # IF on int16 (zero points 0) with two outputs, one of them a branch input passed through; and float32.
    s16 = scale(1e-4, 1e-3)
    main = [_raw("s", [1], np.int32), _raw("two", [1], np.int32, [2]), _raw("cond", [1], np.bool_),
            _q("x", [4], np.int16, s16, 0), _q("y", [4], np.int16, s16 * 2, 0), _q("z", [4], np.int16, s16, 0)]
    then_sg = _sg([_q("a", [4], np.int16, s16, 0), _q("r", [4], np.int16, s16 * 2, 0)],
                  [_op("ADD", [0, 0], [1], (0, "b", 0))], [0], [1, 0])
    else_sg = _sg([_q("a", [4], np.int16, s16, 0), _q("r", [4], np.int16, s16 * 2, 0)],
                  [_op("SUB", [0, 0], [1], (0, "b", 0))], [0], [1, 0])
    cases.append(("if:int16,two-outputs", tflite_writer.build_model(
        main, [_op("LESS", [0, 1], [2]), _op("IF", [2, 3], [4, 5], (0, "i", 1), (1, "i", 2))], [0, 3], [4, 5],
        [then_sg, else_sg])))
    main = [_raw("s", [1], np.int32), _raw("two", [1], np.int32, [2]), _raw("cond", [1], np.bool_),
            _raw("x", [5], np.float32), _raw("y", [5], np.float32)]
    half = np.array([0.5], np.float32)
    then_sg = _sg([_raw("a", [5], np.float32), _raw("h", [1], np.float32, half), _raw("r", [5], np.float32)],
                  [_op("MUL", [0, 1], [2], (0, "b", 0))], [0], [2])
    else_sg = _sg([_raw("a", [5], np.float32), _raw("h", [1], np.float32, half), _raw("r", [5], np.float32)],
                  [_op("ADD", [0, 1], [2], (0, "b", 1))], [0], [2])
    cases.append(("if:float32,relu-branch", tflite_writer.build_model(
        main, [_op("LESS", [0, 1], [2]), _op("IF", [2, 3], [4], (0, "i", 1), (1, "i", 2))], [0, 3], [4],
        [then_sg, else_sg])))

    # WHILE: i (int32, 0..3 from the input) counts to 6; acc (int8) += a constant each time (saturating), f
    # (float32) = f * 0.5 + 1, k (int16) passes through (the body's output is its input).
    sa, za, s16 = scale(0.02, 0.1), zp(), scale(1e-4, 1e-3)
    inc = rng.integers(-20, 21, size=[3]).astype(np.int8)

    def loop_vars():
        return [_raw("i", [1], np.int32), _q("acc", [3], np.int8, sa, za), _raw("f", [2], np.float32),
                _q("k", [2], np.int16, s16, 0)]

    main = loop_vars() + [_raw("i_out", [1], np.int32), _q("acc_out", [3], np.int8, sa, za),
                          _raw("f_out", [2], np.float32), _q("k_out", [2], np.int16, s16, 0)]
    cond = _sg(loop_vars() + [_raw("six", [1], np.int32, [6]), _raw("go", [1], np.bool_)],
               [_op("LESS", [0, 4], [5])], [0, 1, 2, 3], [5])
    body = _sg(loop_vars() + [_raw("one", [1], np.int32, [1]), _q("inc", [3], np.int8, sa, za, inc),
                              _raw("half", [1], np.float32, [0.5]), _raw("onef", [1], np.float32, [1.0]),
                              _raw("i2", [1], np.int32), _q("acc2", [3], np.int8, sa, za),
                              _raw("fh", [2], np.float32), _raw("f2", [2], np.float32)],
               [_op("ADD", [0, 4], [8], (0, "b", 0)), _op("ADD", [1, 5], [9], (0, "b", 0)),
                _op("MUL", [2, 6], [10], (0, "b", 0)), _op("ADD", [10, 7], [11], (0, "b", 0))],
               [0, 1, 2, 3], [8, 9, 11, 3])
    cases.append(("while:counter,int8,float32,pass-through", tflite_writer.build_model(
        main, [_op("WHILE", [0, 1, 2, 3], [4, 5, 6, 7], (0, "i", 1), (1, "i", 2))], [0, 1, 2, 3], [4, 5, 6, 7],
        [cond, body])))

    # WHILE whose body holds an IF (a call two levels deep): i counts to 5; the body doubles x (int32) while
    # i < 3 and adds 7 afterwards.
    def xs():
        return [_raw("i", [1], np.int32), _raw("x", [4], np.int32)]

    main = xs() + [_raw("i_out", [1], np.int32), _raw("x_out", [4], np.int32)]
    cond = _sg(xs() + [_raw("five", [1], np.int32, [5]), _raw("go", [1], np.bool_)], [_op("LESS", [0, 2], [3])],
               [0, 1], [3])
    body = _sg(xs() + [_raw("one", [1], np.int32, [1]), _raw("three", [1], np.int32, [3]),
                       _raw("small", [1], np.bool_), _raw("i2", [1], np.int32), _raw("x2", [4], np.int32)],
               [_op("LESS", [0, 3], [4]), _op("ADD", [0, 2], [5], (0, "b", 0)),
                _op("IF", [4, 1], [6], (0, "i", 3), (1, "i", 4))], [0, 1], [5, 6])
    double = _sg([_raw("a", [4], np.int32), _raw("r", [4], np.int32)], [_op("ADD", [0, 0], [1], (0, "b", 0))],
                 [0], [1])
    plus7 = _sg([_raw("a", [4], np.int32), _raw("seven", [1], np.int32, [7]), _raw("r", [4], np.int32)],
                [_op("ADD", [0, 1], [2], (0, "b", 0))], [0], [2])
    cases.append(("while:nested-if,int32", tflite_writer.build_model(
        main, [_op("WHILE", [0, 1], [2, 3], (0, "i", 1), (1, "i", 2))], [0, 1], [2, 3], [cond, body, double, plus7])))
    return cases


def stateful_cases(seed=1):
    """[(label, model bytes, invokes)]: models with state across Invokes (see the module's docstring)."""
    rng = np.random.default_rng([seed, 129])
    cases = []

    def names(name, container=None):
        fields = [(1, "str", name)]
        if container is not None:
            fields.insert(0, (0, "str", container))
        return fields

    # CALL_ONCE(init) + acc = acc + x, as TensorFlow's streaming models keep state, per value type. The output is
    # the new state; the init subgraph assigns a constant.
    for dtype, label, quant in ((np.int8, "int8", (0.05, -3)), (np.int16, "int16", (0.002, 0)),
                                (np.int32, "int32", None), (np.float32, "float32", None)):
        def t(name, data=None):
            if quant is None:
                return _raw(name, [2, 3], dtype, data)
            return _q(name, [2, 3], dtype, quant[0], quant[1], data)
        init_value = (rng.integers(-50, 50, size=[2, 3]) if dtype != np.float32 else rng.normal(0, 2, [2, 3]))
        main = [t("x"), _raw("h", [], R), t("state"), t("y")]
        ops = [_op("CALL_ONCE", [], [], (0, "i", 1)), _op("VAR_HANDLE", [], [1], *names("acc")),
               _op("READ_VARIABLE", [1], [2]), _op("ADD", [2, 0], [3], (0, "b", 0)),
               _op("ASSIGN_VARIABLE", [1, 3], [])]
        init = _sg([_raw("h", [], R), t("v", init_value.astype(dtype))],
                   [_op("VAR_HANDLE", [], [0], *names("acc")), _op("ASSIGN_VARIABLE", [0, 1], [])], [], [])
        cases.append(("callonce:state," + label, tflite_writer.build_model(main, ops, [0], [3], [init]), 4))

    # A variable without an init subgraph starts at the zero point of its first assigned tensor: READ first,
    # then ASSIGN the input (int8, zero point -7); two handles (one without a container) share it.
    main = [_q("x", [5], np.int8, 0.1, -7), _raw("h1", [], R), _raw("h2", [], R), _q("prev", [5], np.int8, 0.1, -7)]
    ops = [_op("VAR_HANDLE", [], [1], *names("last", "box")), _op("VAR_HANDLE", [], [2], *names("last")),
           _op("READ_VARIABLE", [1], [3]), _op("ASSIGN_VARIABLE", [2, 0], [])]
    cases.append(("resource:zero-point-fill,shared-name", tflite_writer.build_model(main, ops, [0], [3]), 3))

    # A handle passed into an IF branch (its id is data there): then reads the variable, adds x, assigns it back;
    # else returns x. The condition alternates with the input s.
    main = [_raw("s", [1], np.int32), _raw("x", [3], np.int32), _raw("two", [1], np.int32, [2]),
            _raw("cond", [1], np.bool_), _raw("h", [], R), _raw("y", [3], np.int32)]
    ops = [_op("CALL_ONCE", [], [], (0, "i", 3)), _op("VAR_HANDLE", [], [4], *names("sum")),
           _op("LESS", [0, 2], [3]), _op("IF", [3, 4, 1], [5], (0, "i", 1), (1, "i", 2))]
    then_sg = _sg([_raw("h", [], R), _raw("x", [3], np.int32), _raw("v", [3], np.int32), _raw("r", [3], np.int32)],
                  [_op("READ_VARIABLE", [0], [2]), _op("ADD", [2, 1], [3], (0, "b", 0)),
                   _op("ASSIGN_VARIABLE", [0, 3], [])], [0, 1], [3])
    else_sg = _sg([_raw("h", [], R), _raw("x", [3], np.int32)], [], [0, 1], [1])
    init = _sg([_raw("h", [], R), _raw("v", [3], np.int32, [10, -20, 30])],
               [_op("VAR_HANDLE", [], [0], *names("sum")), _op("ASSIGN_VARIABLE", [0, 1], [])], [], [])
    cases.append(("resource:handle-into-if", tflite_writer.build_model(main, ops, [0, 1], [5],
                                                                       [then_sg, else_sg, init]), 6))
    return cases
