"""Single-operator test models of the stateful sequence operators (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM) for
differential_test.py: every supported type combination (SVDF with int8 or int16 time weights and state; LSTM with
int8 activations and int32 biases or int16 activations and int64 biases), ranks, batch sizes, time-major and
batch-major sequences, cell clipping and cell-state scales on both sides of 2^-12 (and one that is not a power of
two). Quantization parameters are drawn from a seeded generator, scaled so that the gates do not all saturate."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_writer  # noqa: E402

TANH = 4


def _f32(x):
    return float(np.float32(x))


def _act(name, shape, scale, zp, dtype=np.int8, variable=False):
    t = {"name": name, "shape": list(shape), "dtype": dtype, "scales": [_f32(scale)], "zero_points": [int(zp)]}
    if variable:
        t["variable"] = True
    return t


def _const(name, arr, scale, zp=0):
    return {"name": name, "shape": list(arr.shape), "dtype": arr.dtype, "data": arr, "scales": [_f32(scale)],
            "zero_points": [int(zp)]}


def _svdf(rng, batches, n_in, units, rank, memory, time_type, state_zp=None, weight_zp=0):
    filters = units * rank
    s_in, zp_in = _f32(rng.uniform(0.01, 0.05)), int(rng.integers(-20, 20))
    s_wf = _f32(rng.uniform(0.002, 0.01))
    t_info = np.iinfo(time_type)
    s_wt = _f32(1.0 / t_info.max * rng.uniform(0.5, 1.0))
    # |feature| ~ s_in * s_wf * 128 * 64 * sqrt(n_in) / 2: the state's range covers a few of those
    feat = s_in * s_wf * 128 * 64 * np.sqrt(n_in) / 2
    s_state = _f32(feat * 3 / t_info.max)
    if state_zp is None:
        state_zp = int(rng.integers(-10, 10)) if time_type == np.int8 else 0
    s_bias = _f32(np.float32(s_state) * np.float32(s_wt))
    out_real = feat * np.sqrt(memory * rank) * 0.5
    s_out, zp_out = _f32(out_real * 2 / 127), int(rng.integers(-30, 30))
    wf = rng.integers(-127, 128, size=(filters, n_in)).astype(np.int8)
    wt = rng.integers(t_info.min + 1, t_info.max + 1, size=(filters, memory)).astype(time_type)
    bias = rng.integers(-40000, 40000, size=(units,)).astype(np.int32)
    tensors = [_act("in", [batches, n_in], s_in, zp_in), _const("w_feature", wf, s_wf, weight_zp),
               _const("w_time", wt, s_wt, -weight_zp),
               _const("bias", bias, s_bias),
               _act("state", [batches, memory * filters], s_state, state_zp, time_type, variable=True),
               _act("out", [batches, units], s_out, zp_out)]
    ops = [{"op": "SVDF", "inputs": [0, 1, 2, 3, 4], "outputs": [5], "options_type": "SVDFOptions",
            "options": [(0, "i", rank), (1, "b", 0)]}]
    return tflite_writer.build_model(tensors, ops, [0], [5])


def _lstm(rng, batches, steps, n_in, units, wide, time_major, cell_scale, cell_clip=0.0, hidden_zp=None,
          input_zp=None):
    act_type = np.int16 if wide else np.int8
    bias_type = np.int64 if wide else np.int32
    amax = np.iinfo(act_type).max
    s_in = _f32(rng.uniform(0.8, 1.5) / amax)
    zp_in = input_zp if input_zp is not None else (0 if wide else int(rng.integers(-20, 20)))
    s_h = _f32(1.0 / amax)
    if hidden_zp is None:
        hidden_zp = 0 if wide else int(rng.integers(-30, 30))
    shape_in = [steps, batches, n_in] if time_major else [batches, steps, n_in]
    shape_out = [steps, batches, units] if time_major else [batches, steps, units]
    tensors = [_act("in", shape_in, s_in, zp_in, act_type)]
    weights, biases = [], []
    for kind, depth in (("in", n_in), ("rec", units)):
        for g in ("input", "forget", "cell", "output"):
            s_w = _f32(rng.uniform(1.0, 3.0) / 127)
            w = rng.integers(-127, 128, size=(units, depth)).astype(np.int8)
            weights.append(_const("w_%s_%s" % (kind, g), w, s_w))
    for g in range(4):
        s_b = _f32(np.float32(s_in) * np.float32(weights[g]["scales"][0]))
        b = np.round(rng.uniform(-1.0, 1.0, size=(units,)) / s_b).astype(bias_type)
        biases.append(_const("bias_%d" % g, b, s_b))
    tensors += weights                                                    # tensors 1..8
    tensors += biases                                                     # 9..12
    tensors.append(_act("hidden", [batches, units], s_h, hidden_zp, act_type, variable=True))   # 13
    tensors.append(_act("cell", [batches, units], cell_scale, 0, np.int16, variable=True))     # 14
    tensors.append(_act("out", shape_out, s_h, hidden_zp, act_type))    # 15
    inputs = [0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, 9, 10, 11, 12, -1, -1, 13, 14, -1, -1, -1, -1]
    ops = [{"op": "UNIDIRECTIONAL_SEQUENCE_LSTM", "inputs": inputs, "outputs": [15],
            "options_type": "UnidirectionalSequenceLSTMOptions",
            "options": [(0, "b", TANH), (1, "f", float(cell_clip)), (2, "f", 0.0), (3, "B", 1 if time_major else 0)]}]
    return tflite_writer.build_model(tensors, ops, [0], [15])


# TensorFlow Lite Micro's own LSTM test (kernels/testdata/lstm_test_data.cc, 2 batches x 3 steps x 2 inputs x 2
# units, cell clip 6, batch-major): its float weights quantized as its test quantizes them, with its scales. Gate
# order input, forget, cell, output. Values: (input-to-gate weights, recurrent weights, bias) per gate.
TFLM_2X3X2X2 = {
    "s8": dict(
        act_type=np.int8, bias_type=np.int32, input=(0.00784313725490196, 0), hidden=(0.004705882165580988, -21),
        gates=[([64, 64, 127, 127], [64, 64, 127, 127], [-810, -1619], 0.15748031496062992, 0.0012351397251814111),
               ([-64, -64, -127, -127], [-64, -64, -127, -127], [810, 1619], 0.15748031496062992,
                0.0012351397251814111),
               ([127] * 4, [127] * 4, [0, 0], 0.007874015748031496, 6.175698625907056e-5),
               ([127] * 4, [127] * 4, [0, 0], 0.007874015748031496, 6.175698625907056e-5)]),
    "s16": dict(
        act_type=np.int16, bias_type=np.int64, input=(3.0518044e-5, 0), hidden=(2.1362956633198035e-05, 0),
        gates=[([64, 64, 127, 127], [64, 64, 127, 127], [-208074, -416147], 0.15748031496062992,
                4.8059911474468205e-06),
               ([-64, -64, -127, -127], [-64, -64, -127, -127], [208074, 416147], 0.15748031496062992,
                4.8059911474468205e-06),
               ([127] * 4, [127] * 4, [0, 0], 0.007874015748031496, 2.40299557372341e-07),
               ([127] * 4, [127] * 4, [0, 0], 0.007874015748031496, 2.40299557372341e-07)]),
}


def _lstm_tflm_test(kind):
    d = TFLM_2X3X2X2[kind]
    tensors = [_act("in", [2, 3, 2], d["input"][0], d["input"][1], d["act_type"])]
    for which in (0, 1):   # input-to-gate, then recurrent weights
        for g, gate in enumerate(d["gates"]):
            tensors.append(_const("w%d_%d" % (which, g), np.array(gate[which], np.int8).reshape(2, 2), gate[3]))
    for g, gate in enumerate(d["gates"]):
        tensors.append(_const("bias_%d" % g, np.array(gate[2], d["bias_type"]), gate[4]))
    tensors.append(_act("hidden", [2, 2], d["hidden"][0], d["hidden"][1], d["act_type"], variable=True))
    tensors.append(_act("cell", [2, 2], 0.00024414062, 0, np.int16, variable=True))
    tensors.append(_act("out", [2, 3, 2], d["hidden"][0], d["hidden"][1], d["act_type"]))
    inputs = [0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, 9, 10, 11, 12, -1, -1, 13, 14, -1, -1, -1, -1]
    ops = [{"op": "UNIDIRECTIONAL_SEQUENCE_LSTM", "inputs": inputs, "outputs": [15],
            "options_type": "UnidirectionalSequenceLSTMOptions",
            "options": [(0, "b", TANH), (1, "f", 6.0), (2, "f", 3.0), (3, "B", 0), (4, "B", 1)]}]
    return tflite_writer.build_model(tensors, ops, [0], [15])


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 44])
    cases = [
        ("svdf:s8,rank1", _svdf(rng, 1, 16, 8, 1, 4, np.int8)),
        # the weights' zero points are ignored (TFLite Micro never reads them)
        ("svdf:s8,rank2,batch2,weight-zp", _svdf(rng, 2, 6, 3, 2, 5, np.int8, weight_zp=3)),
        ("svdf:s8,memory1", _svdf(rng, 1, 10, 4, 1, 1, np.int8)),
        ("svdf:s16-time,rank1", _svdf(rng, 1, 16, 8, 1, 4, np.int16)),
        ("svdf:s16-time,rank3,batch3,state-zp", _svdf(rng, 3, 5, 2, 3, 6, np.int16, state_zp=7)),
    ]
    lstm = [
        ("lstm:s8,batch-major", dict(batches=2, steps=3, n_in=4, units=3, wide=False, time_major=False,
                                     cell_scale=2.0 ** -11)),
        ("lstm:s8,time-major,clip", dict(batches=3, steps=2, n_in=3, units=4, wide=False, time_major=True,
                                         cell_scale=2.0 ** -12, cell_clip=3.0)),
        ("lstm:s8,cell-2^-15", dict(batches=1, steps=4, n_in=5, units=2, wide=False, time_major=False,
                                    cell_scale=2.0 ** -15)),
        ("lstm:s8,cell-non-pot,clip", dict(batches=2, steps=2, n_in=3, units=3, wide=False, time_major=True,
                                           cell_scale=0.0003, cell_clip=5.5)),
        ("lstm:s8,cell-2^-8", dict(batches=1, steps=3, n_in=2, units=5, wide=False, time_major=False,
                                   cell_scale=2.0 ** -8)),
        ("lstm:s16,batch-major,clip", dict(batches=2, steps=3, n_in=4, units=3, wide=True, time_major=False,
                                           cell_scale=2.0 ** -11, cell_clip=8.0)),
        ("lstm:s16,time-major", dict(batches=2, steps=3, n_in=3, units=2, wide=True, time_major=True,
                                     cell_scale=2.0 ** -12)),
        ("lstm:s16,zero-points,cell-2^-14", dict(batches=1, steps=2, n_in=6, units=4, wide=True, time_major=False,
                                                 cell_scale=2.0 ** -14, hidden_zp=-300, input_zp=250)),
    ]
    # Weights are symmetric: TFLite Micro's LSTM asserts zero points of 0 (and the engine refuses others).
    for label, kw in lstm:
        cases.append((label, _lstm(rng, **kw)))
    cases.append(("lstm:s8,tflm-test-2x3x2x2", _lstm_tflm_test("s8")))
    cases.append(("lstm:s16,tflm-test-2x3x2x2", _lstm_tflm_test("s16")))
    return cases
