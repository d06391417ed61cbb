"""Reference kernels of the stateful sequence operators, SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM (integer paths of
TensorFlow Lite Micro's reference kernels: svdf_common.cc, lstm_eval.h / lstm_eval.cc / lstm_eval_common.cc and the
integer FullyConnected, MulElementwise, int16 Logistic and Tanh they call), written from that arithmetic in numpy,
batch-vectorised, independently of the engine's C++.

Their state tensors are variables: each kernel reads the state from `values` and writes the new state back there,
so tflite_ref.run(model, inputs, state) carries it from one run to the next.
"""
import math

import numpy as np

ref = None   # the tflite_ref module, set by register()

# ----------------------------------------------------------------------------------------------------------
# Integer helpers (int64 arrays holding the C values)
# ----------------------------------------------------------------------------------------------------------


def _wrap(x, bits):
    x = np.asarray(x, dtype=np.int64)
    half = np.int64(1) << (bits - 1)
    return ((x + half) & ((np.int64(1) << bits) - 1)) - half


def _mbqm32(x, mult, shift):
    """MultiplyByQuantizedMultiplier for an int32 x (the left shift wraps in 32 bits as in C)."""
    left, right = max(shift, 0), max(-shift, 0)
    return ref.rdbpot(ref.srdhm(_wrap(np.asarray(x, dtype=np.int64) << left, 32), mult), right)


def _mbqm64(x, mult, shift):
    """MultiplyByQuantizedMultiplier for an int64 accumulator: the multiplier cut to 15 bits, rounding half up."""
    reduced = (mult + (1 << 15)) >> 16 if mult < 0x7FFF0000 else 0x7FFF
    total = 15 - shift
    return _wrap((np.asarray(x, dtype=np.int64) * reduced + (np.int64(1) << (total - 1))) >> total, 32)


def _f32(x):
    return np.float32(x)


def _qm(real):
    return ref.quantize_multiplier(float(real))


# sigmoid(i/24) in Q0.16 as TFLite tabulates it: each entry lifted by half the linear-interpolation error at the
# middle of its segment, rounded half up; the last entry is 0xFFFF. 256 entries summing to 15670629.
def _sigmoid_table():
    s = lambda x: 1.0 / (1.0 + math.exp(-x))  # noqa: E731
    t = []
    for i in range(255):
        a, m, b = s(i / 24), s(i / 24 + 1 / 48), s((i + 1) / 24)
        t.append(math.floor(65536 * (a + (m - (a + b) / 2) / 2) + 0.5))
    t.append(0xFFFF)
    if sum(t) != 15670629:
        raise RuntimeError("ref_recurrent: the int16 sigmoid table does not reproduce TFLite's")
    return np.array(t, dtype=np.int64)


_TABLE = _sigmoid_table()


def _logistic16(v):
    """int16 logistic of v = 3 * 2^12 * x (Q0.15 result)."""
    v = np.asarray(v, dtype=np.int64)
    a = np.abs(v)
    hi = a >> 9
    idx = np.minimum(hi, 254)
    lo, up = _TABLE[idx], _TABLE[idx + 1]
    r = np.where(hi >= 255, 0x7FFF << 10, (lo << 9) + (a & 0x1FF) * (up - lo))
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    return _wrap(r >> 10, 16)


def _tanh16(v):
    """int16 tanh of v = 3 * 2^12 * x, as 2 sigmoid(2x) - 1 (Q0.15 result)."""
    v = np.asarray(v, dtype=np.int64)
    a = np.abs(v)
    hi = a >> 8
    idx = np.minimum(hi, 254)
    lo, up = _TABLE[idx], _TABLE[idx + 1]
    r = np.where(hi >= 255, 0xFFFF << 8, (lo << 8) + (a & 0xFF) * (up - lo))
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return _wrap(r >> 8, 16)


def _err(op, msg):
    return ref.ModelError("op %d %s: %s" % (op.index, op.name, msg))


# ----------------------------------------------------------------------------------------------------------
# SVDF
# ----------------------------------------------------------------------------------------------------------


def k_svdf(model, op, values):
    if len(op.inputs) != 5 or op.opt is None:
        raise _err(op, "needs 5 inputs and options")
    x, wf, wt, bias = ref._inputs(model, op, values)[:4]
    ti, tf, tt, tb, ts = (model.tensors[t] for t in op.inputs)
    to = model.tensors[op.outputs[0]]
    if bias is None:
        raise _err(op, "integer SVDF needs a bias")
    if ti.type != 9 or tf.type != 9 or to.type != 9 or tb.type != 2 or tt.type not in (9, 7) or ts.type != tt.type:
        raise _err(op, "unsupported types")
    rank = op.opt.scalar(0, "i")
    batches, n_in = x.shape
    filters, memory = wt.shape
    units = filters // rank
    lo, hi = (-128, 127) if tt.type == 9 else (-32768, 32767)
    bits = 8 if tt.type == 9 else 16
    # scale arithmetic in float32, as the kernel's Prepare
    state_time = _f32(ts.scale) * _f32(tt.scale)
    if not abs(float(_f32(tb.scale)) - float(state_time)) < 1e-5:
        raise _err(op, "bias scale != state scale * time weights scale")
    m1, s1 = _qm(_f32(ti.scale) * _f32(tf.scale) / _f32(ts.scale))
    m2, s2 = _qm(state_time / _f32(to.scale))

    state = values[op.inputs[4]].astype(np.int64).reshape(batches, filters, memory)
    state = np.concatenate([state[:, :, 1:], np.zeros((batches, filters, 1), np.int64)], axis=2)   # one step older
    feat = _wrap((x.astype(np.int64) - ti.zero_point) @ wf.astype(np.int64).T, 32)     # [batches, filters]
    feat = np.clip(_mbqm32(feat, m1, s1), lo, hi)
    state[:, :, -1] = _wrap(feat + ts.zero_point, bits)                                 # no clamp after the zp
    values[op.inputs[4]] = state.reshape(ts.shape).astype(ref.TYPE_NP[ts.type])

    per_filter = ((state - ts.zero_point) * wt.astype(np.int64)[None, :, :]).sum(axis=2)   # [batches, filters]
    acc = _wrap(bias.astype(np.int64)[None, :] + per_filter.reshape(batches, units, rank).sum(axis=2), 32)
    out = _wrap(_mbqm32(acc, m2, s2) + to.zero_point, 32)
    return np.clip(out, -128, 127).astype(np.int8).reshape(to.shape)


# ----------------------------------------------------------------------------------------------------------
# UNIDIRECTIONAL_SEQUENCE_LSTM (no peephole, projection, layer norm or CIFG)
# ----------------------------------------------------------------------------------------------------------
GATES = ("input", "forget", "cell", "output")   # weights 1-4 and 5-8, biases 12-15 in this order


def _checked_log2_rounded(x):
    """TFLite's CheckedLog2 result: log(x) * (1 / log(2)) in float32, rounded half away from zero."""
    with np.errstate(all="ignore"):
        l2 = np.float32(np.log(np.float32(x))) * (np.float32(1.0) / np.float32(np.log(np.float32(2.0))))
    return int(ref.round_away(float(np.float32(l2))))


def k_lstm(model, op, values):
    ins = op.inputs
    if len(ins) != 24 or len(op.outputs) != 1:
        raise _err(op, "needs 24 inputs and 1 output")
    o = op.opt
    act = o.scalar(0, "b") if o else 0
    cell_clip = o.scalar(1, "f", 0.0) if o else 0.0
    time_major = bool(o.scalar(3, "B")) if o else False
    if act != 4:
        raise _err(op, "cell gate activation must be TANH")
    if any(ins[i] >= 0 for i in (9, 10, 11, 16, 17, 20, 21, 22, 23)) or any(
            ins[i] < 0 for i in list(range(0, 9)) + [12, 13, 14, 15, 18, 19]):
        raise _err(op, "only the standard LSTM is supported")
    t = model.tensors
    ti, th, tc = t[ins[0]], t[ins[18]], t[ins[19]]
    wide = ti.type == 7
    if ti.type not in (9, 7) or th.type != ti.type or t[op.outputs[0]].type != ti.type or tc.type != 7:
        raise _err(op, "unsupported activation/state types")
    if any(t[ins[i]].type != 9 for i in range(1, 9)) or any(t[ins[i]].type != (4 if wide else 2)
                                                           for i in range(12, 16)):
        raise _err(op, "unsupported weight/bias types")
    if any(len(t[ins[i]].scales) > 1 for i in range(1, 9)):
        raise _err(op, "per-channel weights")
    if any(t[ins[i]].zero_point != 0 for i in range(1, 9)):
        raise _err(op, "asymmetric weights (TFLite Micro asserts a zero point of 0)")

    x = values[ins[0]].astype(np.int64)
    if time_major:
        x = x.transpose(1, 0, 2)          # -> [batch, time, input]
    batches, steps, _ = x.shape
    units = th.shape[1]
    hidden = values[ins[18]].astype(np.int64).reshape(batches, units)
    cell = values[ins[19]].astype(np.int64).reshape(batches, units)
    hmin, hmax = (-32768, 32767) if wide else (-128, 127)

    q12 = float(np.float32(2.0 ** -12))
    gates = []
    for g in range(4):
        tw_in, tw_rec = t[ins[1 + g]], t[ins[5 + g]]
        gates.append(dict(
            w_in=tw_in.data.astype(np.int64), w_rec=tw_rec.data.astype(np.int64),
            bias=t[ins[12 + g]].data.astype(np.int64),
            m_in=_qm(float(_f32(ti.scale) * _f32(tw_in.scale)) / q12),
            m_rec=_qm(float(_f32(th.scale) * _f32(tw_rec.scale)) / q12)))
        if wide and (gates[-1]["m_in"][1] > 7 or gates[-1]["m_rec"][1] > 7):
            raise _err(op, "16x8 gate rescale shift above 7")
    s15, s_c = float(np.float32(2.0 ** -15)), float(tc.scale)
    m_forget = _qm(s15 * s_c / s_c)
    m_update = _qm(s15 * s15 / s_c)
    m_hidden = _qm(s15 * s15 / float(th.scale))
    clip_q = None
    if cell_clip > 0:
        clip_q = math.trunc(min(max(float(cell_clip) / s_c, -32768.0), 32767.0))
    k = 12 + _checked_log2_rounded(tc.scale)
    if k > 14 or k < -31:
        raise _err(op, "cell scale out of range")

    def fc(v, w, b, m):
        acc = v @ w.T
        if b is not None:
            acc = acc + b[None, :]
        scaled = _mbqm64(acc, *m) if wide else _mbqm32(_wrap(acc, 32), *m)
        return np.clip(scaled, -32768, 32767)

    out = np.zeros((batches, steps, units), np.int64)
    for s in range(steps):
        xs = x[:, s, :] - ti.zero_point
        hs = hidden - th.zero_point
        pre = [np.clip(fc(xs, gd["w_in"], gd["bias"], gd["m_in"]) + fc(hs, gd["w_rec"], None, gd["m_rec"]),
                       -32768, 32767) for gd in gates]
        i_g, f_g, g_g, o_g = _logistic16(3 * pre[0]), _logistic16(3 * pre[1]), _tanh16(3 * pre[2]), \
            _logistic16(3 * pre[3])
        kept = np.clip(_mbqm32(f_g * cell, *m_forget), -32768, 32767)
        added = np.clip(_mbqm32(i_g * g_g, *m_update), -32768, 32767)
        cell = np.clip(kept + added, -32768, 32767)
        if clip_q is not None:
            cell = np.clip(cell, -clip_q, clip_q)
        v = cell * (3 << k) if k >= 0 else (3 * cell + (1 << (-k - 1))) >> (-k)
        hidden = np.clip(th.zero_point + _mbqm32(_tanh16(v) * o_g, *m_hidden), hmin, hmax)
        out[:, s, :] = hidden
    values[ins[18]] = hidden.reshape(th.shape).astype(ref.TYPE_NP[th.type])
    values[ins[19]] = cell.reshape(tc.shape).astype(np.int16)
    if time_major:
        out = out.transpose(1, 0, 2)
    return out.astype(ref.TYPE_NP[ti.type])


def register(tflite_ref):
    global ref
    ref = tflite_ref
    return {"SVDF": k_svdf, "UNIDIRECTIONAL_SEQUENCE_LSTM": k_lstm}
