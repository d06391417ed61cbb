#!/usr/bin/python3
"""An independent golden reference for int8 .tflite models: TensorFlow Lite's reference int8 arithmetic in numpy.

Written from the TFLite schema (schema.fbs field ids) and the reference kernels' published arithmetic
(QuantizeMultiplier, SaturatingRoundingDoublingHighMul, RoundingDivideByPOT, the gemmlowp fixed-point exp and
reciprocal used by int8 SOFTMAX, ...), not from our C++ engine, so that the two can be compared on any input.

Usage:
  tflite_ref.py run MODEL.tflite --input INPUT.bin --dump-dir DIR   # opNNN_<OP>_t<tensor>.bin + final_output.bin
  tflite_ref.py validate SHARED_DIR                                  # every op vs SHARED_DIR/reference, must be 100%
  tflite_ref.py selftest                                             # known values of the integer primitives

Needs Debian's python3-numpy; run it with /usr/bin/python3.

Validated against TFLite Micro's own outputs (SHARED_DIR/reference) for CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, AVERAGE_POOL_2D, ADD, RESHAPE and SOFTMAX. The other kernels (MAX_POOL_2D, MUL, QUANTIZE,
DEQUANTIZE, LOGISTIC, TANH, CONCATENATION, PAD, RELU, RELU6) follow the same reference arithmetic but no
TFLite-produced vector checks them yet: see UNVALIDATED_OPS.

Two parameter details that one reference input cannot tell apart, taken from the TFLite Micro sources: per-tensor
FULLY_CONNECTED multiplies input and filter scales in float32 before widening to double (conv and per-channel FC
multiply in double), and int8 TANH uses 4 input integer bits, like LOGISTIC.
"""
import argparse
import math
import os
import struct
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_ids  # noqa: E402

try:
    import numpy as np
except ImportError:  # the tests must fail loudly, never skip
    sys.exit("tflite_ref: numpy is missing: install the Debian package python3-numpy "
             "(apt-get install -y python3-numpy) and run with /usr/bin/python3")

# ----------------------------------------------------------------------------------------------------------
# FlatBuffer reader (bounds-checked; only what a .tflite needs)
# ----------------------------------------------------------------------------------------------------------


class ModelError(Exception):
    pass


class Table:
    """A FlatBuffer table at absolute offset `pos` of `buf`."""

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        _check(buf, pos, 4, "table")
        soff = struct.unpack_from("<i", buf, pos)[0]
        self.vt = pos - soff
        _check(buf, self.vt, 4, "vtable")
        self.vt_size, self.tbl_size = struct.unpack_from("<HH", buf, self.vt)
        if self.vt_size < 4 or self.vt_size % 2:
            raise ModelError("vtable at %d has bad size %d" % (self.vt, self.vt_size))
        _check(buf, self.vt, self.vt_size, "vtable")
        _check(buf, pos, self.tbl_size, "table body")

    def _field(self, fid):
        o = 4 + 2 * fid
        if o + 2 > self.vt_size:
            return 0
        off = struct.unpack_from("<H", self.buf, self.vt + o)[0]
        if off and off >= self.tbl_size:
            raise ModelError("field %d of table at %d lies outside the table" % (fid, self.pos))
        return off

    def scalar(self, fid, fmt, default=0):
        off = self._field(fid)
        if not off:
            return default
        _check(self.buf, self.pos + off, struct.calcsize(fmt), "scalar")
        return struct.unpack_from("<" + fmt, self.buf, self.pos + off)[0]

    def _indirect(self, fid):
        off = self._field(fid)
        if not off:
            return None
        p = self.pos + off
        _check(self.buf, p, 4, "offset")
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, fid):
        p = self._indirect(fid)
        return None if p is None else Table(self.buf, p)

    def _vector(self, fid, elem_size):
        p = self._indirect(fid)
        if p is None:
            return None
        _check(self.buf, p, 4, "vector length")
        n = struct.unpack_from("<I", self.buf, p)[0]
        _check(self.buf, p + 4, n * elem_size, "vector")
        return p + 4, n

    def vector(self, fid, fmt):
        v = self._vector(fid, struct.calcsize(fmt))
        if v is None:
            return None
        p, n = v
        return list(struct.unpack_from("<%d%s" % (n, fmt), self.buf, p))

    def bytes(self, fid):
        v = self._vector(fid, 1)
        if v is None:
            return None
        p, n = v
        return bytes(self.buf[p:p + n])

    def string(self, fid):
        b = self.bytes(fid)
        return None if b is None else b.decode("utf-8", "replace")

    def tables(self, fid):
        v = self._vector(fid, 4)
        if v is None:
            return []
        p, n = v
        out = []
        for i in range(n):
            q = p + 4 * i
            out.append(Table(self.buf, q + struct.unpack_from("<I", self.buf, q)[0]))
        return out


def _check(buf, pos, size, what):
    if pos < 0 or size < 0 or pos + size > len(buf):
        raise ModelError("%s at %d (+%d bytes) lies outside the %d-byte model" % (what, pos, size, len(buf)))


# TFLite schema enums
TYPE_NP = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16, 9: np.int8,
           13: np.int32}   # 13 RESOURCE: a resource variable's id (an int32, as TFLite Micro stores it)
TYPE_NAME = {0: "float32", 2: "int32", 3: "uint8", 4: "int64", 6: "bool", 7: "int16", 9: "int8", 13: "resource"}
OP_NAMES = schema_ids.OP_NAMES
UNVALIDATED_OPS = {"MAX_POOL_2D", "MUL", "QUANTIZE", "DEQUANTIZE", "LOGISTIC", "TANH", "CONCATENATION",
                   "PAD", "RELU", "RELU6"}
PAD_SAME, PAD_VALID = 0, 1
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6 = 0, 1, 2, 3


class Tensor:
    pass


class Op:
    pass


class Subgraph:
    """One subgraph: tensors (with constant data), operators and their options, inputs and outputs. `root` is the
    Model; `index` its position in the model (0 is the model itself)."""


def _read_subgraph(sg, k, buffers, codes, codes_custom, root):
    g = Subgraph()
    g.index, g.root = k, root
    where = "" if k == 0 else " of subgraph %d" % k
    g.tensors = []
    for i, t in enumerate(sg.tables(0)):
        x = Tensor()
        x.index = i
        x.shape = t.vector(0, "i") or []
        x.type = t.scalar(1, "b")
        if x.type not in TYPE_NP:
            raise ModelError("tensor %d%s has unsupported type %d" % (i, where, x.type))
        bi = t.scalar(2, "I")
        if bi >= len(buffers):
            raise ModelError("tensor %d%s names buffer %d of %d" % (i, where, bi, len(buffers)))
        x.name = t.string(3) or ""
        x.is_variable = bool(t.scalar(5, "B"))
        q = t.table(4)
        x.scales = (q.vector(2, "f") if q else None) or []
        x.zero_points = (q.vector(3, "q") if q else None) or []
        x.quant_dim = q.scalar(6, "i") if q else 0
        x.scale = x.scales[0] if x.scales else 0.0
        x.zero_point = int(x.zero_points[0]) if x.zero_points else 0
        data = buffers[bi]
        x.data = None
        if data:
            dt = np.dtype(TYPE_NP[x.type]).newbyteorder("<")
            n = int(np.prod(x.shape)) if x.shape else 1
            if len(data) != n * dt.itemsize:
                raise ModelError("tensor %d%s: buffer has %d bytes, shape %s needs %d"
                                 % (i, where, len(data), x.shape, n * dt.itemsize))
            x.data = np.frombuffer(data, dtype=dt).reshape(x.shape).astype(TYPE_NP[x.type])
        g.tensors.append(x)
    nt = len(g.tensors)
    g.inputs = sg.vector(1, "i") or []
    g.outputs = sg.vector(2, "i") or []
    g.ops = []
    for n, o in enumerate(sg.tables(3)):
        op = Op()
        op.index = n
        op.subgraph = k
        ci = o.scalar(0, "I")
        if ci >= len(codes):
            raise ModelError("operator %d%s names opcode %d of %d" % (n, where, ci, len(codes)))
        op.code = codes[ci]
        op.name = OP_NAMES.get(op.code, "BUILTIN_%d" % op.code)
        op.custom = codes_custom[ci]
        op.inputs = o.vector(1, "i") or []
        op.outputs = o.vector(2, "i") or []
        for t in op.inputs + op.outputs:
            if t < -1 or t >= nt:
                raise ModelError("operator %d%s names tensor %d of %d" % (n, where, t, nt))
        op.options_type = o.scalar(3, "B")
        op.opt = o.table(4)
        g.ops.append(op)
    for t in g.inputs + g.outputs:
        if t < 0 or t >= nt:
            raise ModelError("subgraph%s names tensor %d of %d" % (where, t, nt))
    return g


class Model:
    """A .tflite model: subgraph 0's tensors (with constant data), operators and their options as attributes;
    every subgraph (the bodies of IF, WHILE and CALL_ONCE after the first) in `subgraphs`."""

    def __init__(self, blob):
        buf = memoryview(blob)
        if len(buf) < 8:
            raise ModelError("model is %d bytes, too short" % len(buf))
        root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
        self.version = root.scalar(0, "I")
        codes, codes_custom = [], []
        for oc in root.tables(1):       # OperatorCode
            dep = oc.scalar(0, "b")      # deprecated_builtin_code
            code = oc.scalar(3, "i")     # builtin_code
            codes.append(max(dep, code))
            codes_custom.append(oc.string(1))
        subgraphs = root.tables(2)
        if not subgraphs:
            raise ModelError("model has no subgraph")   # the first one runs; others are control-flow bodies
        buffers = []
        for b in root.tables(4):        # Buffer: data(0) or offset(1)/size(2) for large models
            data = b.bytes(0)
            off, size = b.scalar(1, "Q"), b.scalar(2, "Q")
            if (not data) and off > 1:
                _check(buf, off, size, "external buffer")
                data = bytes(buf[off:off + size])
            buffers.append(data or b"")
        self.subgraphs = [_read_subgraph(sg, k, buffers, codes, codes_custom, self) for k, sg in enumerate(subgraphs)]
        first = self.subgraphs[0]
        self.index, self.root = 0, self
        self.tensors, self.inputs, self.outputs, self.ops = first.tensors, first.inputs, first.outputs, first.ops
        self.subgraphs[0] = self


# ----------------------------------------------------------------------------------------------------------
# Reference integer arithmetic on int64 arrays holding int32 values
# ----------------------------------------------------------------------------------------------------------
I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def round_away(x):
    """TfLiteRound / std::round: halves away from zero."""
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def quantize_multiplier(m):
    """QuantizeMultiplier (double rounding build): m = q * 2^shift, q in [0.5, 1) as Q31."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    q_fixed = int(round_away(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift, q_fixed = 0, 0
    return q_fixed, shift


def trunc_div_pot(v, n):
    """C integer division of int64 v by 2^n (toward zero)."""
    return np.where(v >= 0, v >> n, -((-v) >> n))


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul for int32 values (in int64 arrays)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    overflow = (a == b) & (a == I32_MIN)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    r = trunc_div_pot(ab + nudge, 31)
    return np.where(overflow, I32_MAX, r).astype(np.int64)


def rdbpot(x, e):
    """RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(e, dtype=np.int64)
    mask = (np.int64(1) << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (x < 0)
    return (x >> e) + (rem > thr)


def mbqm(x, mult, shift):
    """MultiplyByQuantizedMultiplier (double rounding): per-element or broadcast mult/shift."""
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rdbpot(srdhm(np.asarray(x, dtype=np.int64) * (np.int64(1) << left), mult), right)


def sat_mul_pot(x, e):
    """gemmlowp SaturatingRoundingMultiplyByPOT<e> for int32."""
    x = np.asarray(x, dtype=np.int64)
    if e == 0:
        return x
    if e < 0:
        return rdbpot(x, -e)
    thr = (1 << (31 - e)) - 1
    return np.where(x > thr, I32_MAX, np.where(x < -thr, I32_MIN, x << e))


def wrap32(x):
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


# gemmlowp fixed point: values are raw int32 (int64 arrays); integer bits are tracked by the caller.
def fx_mul(a, b):
    return srdhm(a, b)


def exp_on_interval_between_negative_one_quarter_and_0_excl(a):   # F0 -> F0
    constant_term = 1895147668          # exp(-1/8)
    constant_1_over_3 = 715827883
    x = a + (1 << 28)                    # a + 1/8
    x2 = fx_mul(x, x)
    x3 = fx_mul(x2, x)
    x4 = fx_mul(x2, x2)
    x4_over_4 = sat_mul_pot(x4, -2)
    poly = sat_mul_pot(fx_mul(x4_over_4 + x3, constant_1_over_3) + x2, -1)
    return constant_term + fx_mul(constant_term, x + poly)


def exp_on_negative_values(a, int_bits):
    """gemmlowp exp_on_negative_values: F<int_bits> (a <= 0) -> F0."""
    frac = 31 - int_bits
    one_quarter = 1 << (frac - 2)
    mask = one_quarter - 1
    a_mod_q_minus_q = (a & mask) - one_quarter
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(sat_mul_pot(a_mod_q_minus_q, int_bits))
    remainder = a_mod_q_minus_q - a
    for exponent, mult in ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
                           (2, 39332535), (3, 720401), (4, 242)):
        if int_bits > exponent:
            bit = 1 << (frac + exponent)
            result = np.where((remainder & bit) != 0, fx_mul(result, mult), result)
    if int_bits > 5:
        clamp = -(1 << (36 - int_bits))
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, I32_MAX, result)


def rounding_half_sum(a, b):
    s = np.asarray(a, dtype=np.int64) + b
    sign = np.where(s >= 0, 1, -1)
    return trunc_div_pot(s + sign, 1)


def _newton_reciprocal(a):   # F0 a in [0,1] -> F2 approx 1/((1+a)/2)
    half_den = rounding_half_sum(a, I32_MAX)
    x = 1515870810 + fx_mul(half_den, -1010580540)
    for _ in range(3):
        hdx = fx_mul(half_den, x)
        one_minus = (1 << 29) - hdx
        x = x + sat_mul_pot(fx_mul(x, one_minus), 2)
    return x


def one_over_one_plus_x_for_x_in_0_1(a):   # F0 -> F0
    return sat_mul_pot(_newton_reciprocal(a), 1)   # ExactMulByPot<-1> (F2 -> F1), Rescale<0>


def one_minus_x_over_one_plus_x_for_x_in_0_1(a):   # F0 -> F0
    return sat_mul_pot(_newton_reciprocal(a) - (1 << 29), 2)


def clz32(v):
    """Count of leading zero bits of the uint32 view."""
    v = np.asarray(v, dtype=np.int64) & 0xFFFFFFFF
    out = np.full(v.shape, 32, dtype=np.int64)
    for bit in range(32):
        out = np.where((v >> bit) != 0, 31 - bit, out)
    return out


def calculate_input_radius(int_bits, left_shift, total_signed_bits=31):
    max_input_rescaled = 1.0 * ((1 << int_bits) - 1) * (1 << (total_signed_bits - int_bits)) / (1 << left_shift)
    return int(math.floor(max_input_rescaled))


def act_range(act, scale, zp, qmin=-128, qmax=127):
    """CalculateActivationRangeQuantized: float division and std::round as TFLite does."""
    def q(f):
        return zp + int(round_away(float(np.float32(f) / np.float32(scale))))
    if act == ACT_NONE:
        return qmin, qmax
    if act == ACT_RELU:
        return max(qmin, q(0.0)), qmax
    if act == ACT_RELU6:
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if act == ACT_RELU_N1_TO_1:
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    raise ModelError("unsupported fused activation %d" % act)


def padding(pad, in_size, k, stride, dil=1):
    eff = (k - 1) * dil + 1
    if pad == PAD_SAME:
        out = (in_size + stride - 1) // stride
    elif pad == PAD_VALID:
        out = (in_size - eff + stride) // stride
    else:
        raise ModelError("unknown padding %d" % pad)
    total = max((out - 1) * stride + eff - in_size, 0)
    return out, total // 2


def windows(x, kh, kw, sh, sw, dh, dw, oh, ow, ph, pw, fill):
    """x [N,H,W,C] -> patches [N,OH,OW,KH,KW,C]; out-of-range positions hold `fill`."""
    n, h, w, c = x.shape
    need_h = (oh - 1) * sh + (kh - 1) * dh + 1
    need_w = (ow - 1) * sw + (kw - 1) * dw + 1
    xp = np.full((n, max(need_h, ph + h), max(need_w, pw + w), c), fill, dtype=x.dtype)
    xp[:, ph:ph + h, pw:pw + w, :] = x
    idx_h = (np.arange(oh) * sh)[:, None] + np.arange(kh)[None, :] * dh   # [OH,KH]
    idx_w = (np.arange(ow) * sw)[:, None] + np.arange(kw)[None, :] * dw   # [OW,KW]
    return xp[:, idx_h[:, None, :, None], idx_w[None, :, None, :], :]    # [N,OH,OW,KH,KW,C]


def per_channel_multipliers(in_scale, w_scales, out_scale, channels):
    if len(w_scales) not in (1, channels):
        raise ModelError("filter has %d scales for %d channels" % (len(w_scales), channels))
    mult, shift = [], []
    for i in range(channels):
        s = w_scales[i] if len(w_scales) > 1 else w_scales[0]
        m, sh = quantize_multiplier(float(in_scale) * float(s) / float(out_scale))
        mult.append(m)
        shift.append(sh)
    return np.array(mult, dtype=np.int64), np.array(shift, dtype=np.int64)


def requant_out(acc, mult, shift, out_zp, lo, hi):
    return np.clip(mbqm(acc, mult, shift) + out_zp, lo, hi).astype(np.int8)


# ----------------------------------------------------------------------------------------------------------
# Kernels: each takes (model, op, values) and returns the output array
# ----------------------------------------------------------------------------------------------------------


def _inputs(model, op, values):
    return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
            for t in op.inputs]


def _require_int8(model, op, *tensor_ids):
    for t in tensor_ids:
        if model.tensors[t].type != 9:
            raise ModelError("op %d %s: tensor %d is %s; only int8 is supported"
                             % (op.index, op.name, t, TYPE_NAME[model.tensors[t].type]))


def k_conv2d(model, op, values):
    x, w, b = (_inputs(model, op, values) + [None])[:3]
    ti, tw, to = (model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]])
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    o = op.opt
    pad, sw, sh, act = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "b")
    dw, dh = o.scalar(4, "i", 1), o.scalar(5, "i", 1)
    n, h, wd, c = x.shape
    oc, kh, kw, kc = w.shape
    if kc != c:   # grouped convolution is not supported
        raise ModelError("op %d CONV_2D: filter depth %d != input depth %d" % (op.index, kc, c))
    oh, ph = padding(pad, h, kh, sh, dh)
    ow, pw = padding(pad, wd, kw, sw, dw)
    xi = x.astype(np.int64) - ti.zero_point          # input + input_offset; padding contributes 0
    patches = windows(xi, kh, kw, sh, sw, dh, dw, oh, ow, ph, pw, 0)
    # exact in float64: |products| < 2^15 and far fewer than 2^38 terms
    acc = patches.reshape(n * oh * ow, kh * kw * c).astype(np.float64) @ \
        (w.astype(np.int64) - tw.zero_point).reshape(oc, -1).T.astype(np.float64)
    acc = acc.astype(np.int64).reshape(n, oh, ow, oc)
    if b is not None:
        acc = acc + b.astype(np.int64)
    acc = wrap32(acc)
    mult, shift = per_channel_multipliers(ti.scale, tw.scales, to.scale, oc)
    lo, hi = act_range(act, to.scale, to.zero_point)
    return requant_out(acc, mult, shift, to.zero_point, lo, hi)


def k_depthwise(model, op, values):
    x, w, b = (_inputs(model, op, values) + [None])[:3]
    ti, tw, to = (model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]])
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    o = op.opt
    pad, sw, sh, dm, act = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "i"), o.scalar(4, "b")
    dw, dh = o.scalar(5, "i", 1), o.scalar(6, "i", 1)
    n, h, wd, c = x.shape
    _, kh, kw, oc = w.shape
    if dm == 0:
        dm = oc // c
    if oc != c * dm:
        raise ModelError("op %d DEPTHWISE_CONV_2D: %d output channels != %d x %d" % (op.index, oc, c, dm))
    oh, ph = padding(pad, h, kh, sh, dh)
    ow, pw = padding(pad, wd, kw, sw, dw)
    xi = x.astype(np.int64) - ti.zero_point
    patches = windows(xi, kh, kw, sh, sw, dh, dw, oh, ow, ph, pw, 0)   # [N,OH,OW,KH,KW,C]
    wf = (w.astype(np.int64) - tw.zero_point).reshape(kh, kw, c, dm)
    acc = np.einsum("nhwijc,ijcm->nhwcm", patches, wf).reshape(n, oh, ow, oc)
    if b is not None:
        acc = acc + b.astype(np.int64)
    acc = wrap32(acc)
    mult, shift = per_channel_multipliers(ti.scale, tw.scales, to.scale, oc)
    lo, hi = act_range(act, to.scale, to.zero_point)
    return requant_out(acc, mult, shift, to.zero_point, lo, hi)


def k_fully_connected(model, op, values):
    x, w, b = (_inputs(model, op, values) + [None])[:3]
    ti, tw, to = (model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]])
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    act = op.opt.scalar(0, "b") if op.opt else 0
    if op.opt and op.opt.scalar(1, "b") != 0:
        raise ModelError("op %d FULLY_CONNECTED: shuffled weights format is not supported" % op.index)
    units, depth = w.shape
    xi = x.astype(np.int64).reshape(-1, depth) - ti.zero_point
    acc = (xi.astype(np.float64) @ (w.astype(np.int64) - tw.zero_point).T.astype(np.float64)).astype(np.int64)
    if b is not None:
        acc = acc + b.astype(np.int64)
    acc = wrap32(acc)
    if len(tw.scales) > 1:
        mult, shift = per_channel_multipliers(ti.scale, tw.scales, to.scale, units)
    else:
        # Per-tensor: TFLite's GetQuantizedConvolutionMultipler multiplies the two scales in float32 before
        # widening (static_cast<double>(input->params.scale * filter->params.scale)); only then divides in
        # double. Conv and per-channel FC compute the whole product in double.
        product = float(np.float32(ti.scale) * np.float32(tw.scale))
        mult, shift = quantize_multiplier(product / float(to.scale))
    lo, hi = act_range(act, to.scale, to.zero_point)
    return requant_out(acc, mult, shift, to.zero_point, lo, hi).reshape(to.shape)


def _pool_params(model, op, x):
    o = op.opt
    pad, sw, sh, fw, fh, act = (o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "i"),
                                o.scalar(4, "i"), o.scalar(5, "b"))
    n, h, w, c = x.shape
    oh, ph = padding(pad, h, fh, sh)
    ow, pw = padding(pad, w, fw, sw)
    return fh, fw, sh, sw, oh, ow, ph, pw, act


def k_average_pool(model, op, values):
    x = _inputs(model, op, values)[0]
    to = model.tensors[op.outputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    fh, fw, sh, sw, oh, ow, ph, pw, act = _pool_params(model, op, x)
    n, h, w, c = x.shape
    valid = windows(np.ones((1, h, w, 1), dtype=np.int64), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, 0)
    count = valid.sum(axis=(3, 4))                              # [1,OH,OW,1]
    s = windows(x.astype(np.int64), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, 0).sum(axis=(3, 4))
    half = count // 2
    avg = np.where(s > 0, (s + half) // count, -((-(s - half)) // count))   # C division toward zero
    lo, hi = act_range(act, to.scale, to.zero_point)
    return np.clip(avg, lo, hi).astype(np.int8)


def k_max_pool(model, op, values):
    x = _inputs(model, op, values)[0]
    to = model.tensors[op.outputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    fh, fw, sh, sw, oh, ow, ph, pw, act = _pool_params(model, op, x)
    m = windows(x.astype(np.int64), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, -(1 << 40)).max(axis=(3, 4))
    lo, hi = act_range(act, to.scale, to.zero_point)
    return np.clip(m, lo, hi).astype(np.int8)


def k_add(model, op, values):
    a, b = _inputs(model, op, values)[:2]
    ta, tb, to = (model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]])
    _require_int8(model, op, op.inputs[0], op.inputs[1], op.outputs[0])
    act = op.opt.scalar(0, "b") if op.opt else 0
    left_shift = 20
    twice_max = 2.0 * float(max(np.float32(ta.scale), np.float32(tb.scale)))
    m1, s1 = quantize_multiplier(float(ta.scale) / twice_max)
    m2, s2 = quantize_multiplier(float(tb.scale) / twice_max)
    mo, so = quantize_multiplier(twice_max / ((1 << left_shift) * float(to.scale)))
    x1 = (a.astype(np.int64) - ta.zero_point) * (1 << left_shift)
    x2 = (b.astype(np.int64) - tb.zero_point) * (1 << left_shift)
    r = mbqm(x1, m1, s1) + mbqm(x2, m2, s2)
    lo, hi = act_range(act, to.scale, to.zero_point)
    return np.clip(mbqm(r, mo, so) + to.zero_point, lo, hi).astype(np.int8).reshape(to.shape)


def k_mul(model, op, values):
    a, b = _inputs(model, op, values)[:2]
    ta, tb, to = (model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]])
    _require_int8(model, op, op.inputs[0], op.inputs[1], op.outputs[0])
    act = op.opt.scalar(0, "b") if op.opt else 0
    m, s = quantize_multiplier(float(ta.scale) * float(tb.scale) / float(to.scale))
    prod = (a.astype(np.int64) - ta.zero_point) * (b.astype(np.int64) - tb.zero_point)
    lo, hi = act_range(act, to.scale, to.zero_point)
    return np.clip(mbqm(prod, m, s) + to.zero_point, lo, hi).astype(np.int8).reshape(to.shape)


def k_reshape(model, op, values):
    x = _inputs(model, op, values)[0]
    to = model.tensors[op.outputs[0]]
    return x.reshape(to.shape).copy()


def k_softmax(model, op, values):
    x = _inputs(model, op, values)[0]
    ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    beta = op.opt.scalar(0, "f", 1.0) if op.opt else 1.0
    scaled_diff_int_bits = 5
    real = min(float(beta) * float(ti.scale) * (1 << (31 - scaled_diff_int_bits)), (1 << 31) - 1.0)
    in_mult, in_shift = quantize_multiplier(real)
    if in_shift < 0:
        raise ModelError("op %d SOFTMAX: input multiplier below one" % op.index)
    diff_min = -calculate_input_radius(scaled_diff_int_bits, in_shift)
    depth = x.shape[-1]
    rows = x.astype(np.int64).reshape(-1, depth)
    diff = rows - rows.max(axis=1, keepdims=True)
    use = diff >= diff_min
    rescaled = srdhm(diff * (1 << in_shift), in_mult)     # MultiplyByQuantizedMultiplierGreaterThanOne
    e = exp_on_negative_values(rescaled, scaled_diff_int_bits)      # F0
    acc_bits = 12
    sum_exps = np.where(use, sat_mul_pot(e, -acc_bits), 0).sum(axis=1)   # F12, wraps as int32 would
    sum_exps = wrap32(sum_exps)
    headroom_plus_one = clz32(sum_exps)
    num_bits_over_unit = acc_bits - headroom_plus_one
    shifted_sum_minus_one = wrap32(((sum_exps & 0xFFFFFFFF) << headroom_plus_one) - (1 << 31))
    shifted_scale = one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one)
    prod = fx_mul(shifted_scale[:, None], e)
    out = rdbpot(prod, (num_bits_over_unit + 31 - 8)[:, None]) - 128
    out = np.where(use, np.clip(out, -128, 127), -128)
    return out.astype(np.int8).reshape(to.shape)


def _tanh_logistic_prep(ti, int_bits):
    real = float(ti.scale) * float(1 << (31 - int_bits))
    q, shift = math.frexp(real)
    mult = int(round_away(q * (1 << 31)))
    return mult, shift, calculate_input_radius(int_bits, shift, 31)


def k_logistic(model, op, values):
    x = _inputs(model, op, values)[0]
    ti = model.tensors[op.inputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    mult, shift, radius = _tanh_logistic_prep(ti, 4)
    xi = x.astype(np.int64) - ti.zero_point
    a = mbqm(xi, mult, shift)                                    # F4
    abs_a = np.where(a > 0, a, -a)
    pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-abs_a, 4))
    neg = I32_MAX - pos
    r = np.where(a == 0, 1 << 30, np.where(a > 0, pos, neg))
    out = np.clip(rdbpot(r, 31 - 8) - 128, -128, 127)
    out = np.where(xi <= -radius, -128, np.where(xi >= radius, 127, out))
    return out.astype(np.int8)


def k_tanh(model, op, values):
    x = _inputs(model, op, values)[0]
    ti = model.tensors[op.inputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    mult, shift, radius = _tanh_logistic_prep(ti, 4)            # TFLite's int8 TANH: 4 integer bits, as LOGISTIC
    xi = x.astype(np.int64) - ti.zero_point
    a = mbqm(xi, mult, shift)                                    # F4
    n = np.where(a < 0, a, -a)                                   # -|a|
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, 5))   # ExactMulByPot<1>: F4 -> F5
    r = np.where(a == 0, 0, np.where(a < 0, -t, t))
    out = np.clip(rdbpot(r, 31 - 7), -128, 127)
    out = np.where(xi <= -radius, -128, np.where(xi >= radius, 127, out))
    return out.astype(np.int8)


def k_quantize(model, op, values):
    x = _inputs(model, op, values)[0]
    ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
    _require_int8(model, op, op.outputs[0])
    if ti.type == 0:   # float32 -> int8: round(x / scale) + zp in float32
        q = np.float32(x) / np.float32(to.scale)
        r = np.sign(q) * np.floor(np.abs(q.astype(np.float64)) + 0.5)
        return np.clip(r.astype(np.int64) + to.zero_point, -128, 127).astype(np.int8)
    _require_int8(model, op, op.inputs[0])
    m, s = quantize_multiplier(float(ti.scale) / float(to.scale))
    return np.clip(mbqm(x.astype(np.int64) - ti.zero_point, m, s) + to.zero_point, -128, 127).astype(np.int8)


def k_dequantize(model, op, values):
    x = _inputs(model, op, values)[0]
    ti = model.tensors[op.inputs[0]]
    _require_int8(model, op, op.inputs[0])
    return (float(ti.scale) * (x.astype(np.float64) - ti.zero_point)).astype(np.float32)


def k_concatenation(model, op, values):
    xs = _inputs(model, op, values)
    to = model.tensors[op.outputs[0]]
    _require_int8(model, op, op.outputs[0], *op.inputs)
    for t in op.inputs:
        ti = model.tensors[t]
        if np.float32(ti.scale) != np.float32(to.scale) or ti.zero_point != to.zero_point:
            raise ModelError("op %d CONCATENATION: input %d is quantized unlike the output" % (op.index, t))
    axis = op.opt.scalar(0, "i") if op.opt else 0
    if axis < 0:
        axis += len(to.shape)
    return np.concatenate(xs, axis=axis)


def k_pad(model, op, values):
    ins = _inputs(model, op, values)
    x, pads = ins[0], ins[1]
    to = model.tensors[op.outputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    fill = int(ins[2].reshape(-1)[0]) if len(ins) > 2 and ins[2] is not None else to.zero_point
    p = np.asarray(pads, dtype=np.int64).reshape(-1, 2)
    return np.pad(x, [tuple(r) for r in p], mode="constant", constant_values=fill).astype(np.int8)


def k_relu(model, op, values, six=False):
    x = _inputs(model, op, values)[0]
    ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
    _require_int8(model, op, op.inputs[0], op.outputs[0])
    if six:   # TFLite Micro's RELU6: clamp in the input's quantization, six = round(6.0f / scale) in float
        zero = ti.zero_point
        six_q = int(round_away(float(np.float32(6.0) / np.float32(ti.scale)))) + ti.zero_point
        six_q = max(-128, min(127, six_q))
        return np.clip(x.astype(np.int64), zero, six_q).astype(np.int8)
    m, s = quantize_multiplier(float(ti.scale) / float(to.scale))
    lo = max(-128, to.zero_point + int(round_away(float(np.float32(0.0) / np.float32(to.scale)))))
    return np.clip(mbqm(x.astype(np.int64) - ti.zero_point, m, s) + to.zero_point, lo, 127).astype(np.int8)


def float_model_of(model, op, values):
    """Float semantics of the operators no TFLite-produced vector checks (UNVALIDATED_OPS), requantized to the
    output's int8 grid: (expected int8 array, tolerance in LSB), or None when there is no such check. The fixed
    point paths of TFLite approximate these within the tolerance; a larger error means a wrong kernel."""
    ins = _inputs(model, op, values)
    ts = [model.tensors[t] if t >= 0 else None for t in op.inputs]
    to = model.tensors[op.outputs[0]]

    def deq(i):
        return (ins[i].astype(np.float64) - ts[i].zero_point) * float(ts[i].scale)

    def req(f, act=ACT_NONE):
        if act == ACT_RELU:
            f = np.maximum(f, 0.0)
        elif act == ACT_RELU6:
            f = np.clip(f, 0.0, 6.0)
        return np.clip(np.rint(f / float(to.scale)) + to.zero_point, -128, 127)

    act = op.opt.scalar(0, "b") if op.opt and op.name in ("ADD", "MUL") else ACT_NONE
    if op.name == "ADD":
        return req(deq(0) + deq(1), act), 1
    if op.name == "MUL":
        return req(deq(0) * deq(1), act), 1
    if op.name == "SOFTMAX":
        beta = op.opt.scalar(0, "f", 1.0) if op.opt else 1.0
        z = beta * deq(0)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return req(e / e.sum(axis=-1, keepdims=True)), 1
    if op.name == "LOGISTIC":
        return req(1.0 / (1.0 + np.exp(-deq(0)))), 1
    if op.name == "TANH":
        return req(np.tanh(deq(0))), 1
    if op.name in ("QUANTIZE", "RELU", "RELU6"):
        return req(deq(0), {"QUANTIZE": ACT_NONE, "RELU": ACT_RELU, "RELU6": ACT_RELU6}[op.name]), 1
    if op.name == "MAX_POOL_2D":
        fh, fw, sh, sw, oh, ow, ph, pw, pact = _pool_params(model, op, ins[0])
        m = windows(deq(0), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, -np.inf).max(axis=(3, 4))
        return req(m, pact), 0
    if op.name in ("PAD", "CONCATENATION", "RESHAPE"):
        return None   # pure data movement: checked exactly by the differential comparison
    return None


KERNELS = {
    "CONV_2D": k_conv2d, "DEPTHWISE_CONV_2D": k_depthwise, "FULLY_CONNECTED": k_fully_connected,
    "AVERAGE_POOL_2D": k_average_pool, "MAX_POOL_2D": k_max_pool, "ADD": k_add, "MUL": k_mul,
    "RESHAPE": k_reshape, "SOFTMAX": k_softmax, "LOGISTIC": k_logistic, "TANH": k_tanh,
    "QUANTIZE": k_quantize, "DEQUANTIZE": k_dequantize, "CONCATENATION": k_concatenation, "PAD": k_pad,
    "RELU": k_relu, "RELU6": lambda m, o, v: k_relu(m, o, v, six=True),
}




def _load_family_kernels():
    """Kernels of the operator families in ref_<family>.py beside this file: each module's register(ref) gets this
    module (its primitives) and returns {OPERATOR_NAME: kernel(model, op, values)}. A kernel returns the output
    array, or a list of arrays for an operator with several outputs."""
    import glob
    import importlib
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "ref_*.py"))):
        mod = importlib.import_module(os.path.basename(path)[:-3])
        for name, fn in mod.register(sys.modules[__name__]).items():
            if name in KERNELS:
                raise RuntimeError("%s: operator %s is registered twice" % (path, name))
            KERNELS[name] = fn


_load_family_kernels()


# ----------------------------------------------------------------------------------------------------------
# Running a model
# ----------------------------------------------------------------------------------------------------------


def load(path):
    with open(path, "rb") as f:
        return Model(f.read())


def initial_state(model):
    """Variable tensors at their initial value, as TFLite Micro sets them at allocation: int8 to the zero point,
    other types to zero. Kernels update them in `values` (SVDF, LSTM state)."""
    state = {}
    for t in model.tensors:
        if t.is_variable:
            fill = t.zero_point if t.type == 9 else 0
            state[t.index] = np.full(t.shape, fill, dtype=TYPE_NP[t.type])
    return state


CF_KEY = "control_flow"   # the values entry (a dict) with the state of control flow: resource variables,
                          # CALL_ONCE flags, called subgraphs' variable tensors (see ref_control_flow.py)
MAX_CALL_DEPTH = 8        # subgraph calls nested below subgraph 0, as the engine allows


def _run_ops(graph, values, results):
    """Runs every operator of `graph` (the model or one of its subgraphs) in order on `values`; appends
    (op, output tensor id, output array) to `results` when it is a list."""
    for op in graph.ops:
        k = KERNELS.get(op.name)
        if k is None:
            raise ModelError("op %d: operator %s is not implemented" % (op.index, op.name))
        outs = k(graph, op, values)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        if len(outs) != len(op.outputs):
            raise ModelError("op %d %s: computed %d outputs, the model has %d" % (op.index, op.name, len(outs),
                                                                                 len(op.outputs)))
        for t, out in zip(op.outputs, outs):
            to = graph.tensors[t]
            if int(np.prod(out.shape)) != int(np.prod(to.shape)):
                raise ModelError("op %d %s: computed %s, tensor %d is %s" % (op.index, op.name, out.shape,
                                                                             to.index, to.shape))
            out = np.ascontiguousarray(out.reshape(to.shape).astype(TYPE_NP[to.type]))
            values[t] = out
            if results is not None:
                results.append((op, t, out))


def run_subgraph(graph, index, args, values):
    """Runs subgraph `index` of graph's model once, its inputs set to `args` (arrays, one per input, copied as
    TFLite Micro copies them); returns its outputs (arrays). `values` are the caller's (its CF_KEY entry carries
    the control-flow state and the called subgraphs' variable tensors)."""
    root = graph.root
    g = root.subgraphs[index]
    cf = values[CF_KEY]
    depth = cf.get("depth", 0)
    if depth >= MAX_CALL_DEPTH:
        raise ModelError("subgraph calls nest deeper than %d (or recurse)" % MAX_CALL_DEPTH)
    if len(args) != len(g.inputs):
        raise ModelError("subgraph %d takes %d inputs, %d given" % (index, len(g.inputs), len(args)))
    variables = cf.setdefault("variables", {}).setdefault(index, initial_state(g))
    sub = dict(variables)
    sub[CF_KEY] = cf
    for t, a in zip(g.inputs, args):
        tt = g.tensors[t]
        sub[t] = np.array(a, dtype=TYPE_NP[tt.type]).reshape(tt.shape)
    cf["depth"] = depth + 1
    try:
        _run_ops(g, sub, None)
    finally:
        cf["depth"] = depth
    for t in variables:
        variables[t] = sub[t]
    return [sub[t] if sub.get(t) is not None else g.tensors[t].data for t in g.outputs]


def run(model, input_bytes_list, state=None):
    """Runs every operator in order; returns [(op, output tensor id, output array)] (one entry per output of
    every operator of subgraph 0) and the values map. `state` (from initial_state, updated in place) carries
    variable tensors and resource variables from one run to the next; None starts from the initial state."""
    values = initial_state(model) if state is None else state
    values.setdefault(CF_KEY, {})
    if len(input_bytes_list) != len(model.inputs):
        raise ModelError("model has %d inputs, %d given" % (len(model.inputs), len(input_bytes_list)))
    for t, raw in zip(model.inputs, input_bytes_list):
        tt = model.tensors[t]
        dt = np.dtype(TYPE_NP[tt.type]).newbyteorder("<")
        need = int(np.prod(tt.shape)) * dt.itemsize
        if len(raw) != need:
            raise ModelError("input tensor %d needs %d bytes, got %d" % (t, need, len(raw)))
        values[t] = np.frombuffer(raw, dtype=dt).reshape(tt.shape).astype(TYPE_NP[tt.type])
    results = []
    _run_ops(model, values, results)
    return results, values


def tensor_bytes(a):
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def dump(model, results, values, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for op, t, out in results:
        with open(os.path.join(out_dir, "op%03d_%s_t%d.bin" % (op.index, op.name, t)), "wb") as f:
            f.write(tensor_bytes(out))
    with open(os.path.join(out_dir, "final_output.bin"), "wb") as f:
        for t in model.outputs:
            f.write(tensor_bytes(values[t]))


def reference_input(model):
    return [bytes(((i * 7 + 3) & 255) for i in range(int(np.prod(model.tensors[t].shape)) *
                                                    np.dtype(TYPE_NP[model.tensors[t].type]).itemsize))
            for t in model.inputs]


def selftest():
    """Known values of the integer primitives (from their definitions, not from any implementation). Returns a
    list of failures; empty when all hold."""
    checks = [
        ("SRDHM(min, min) saturates", int(srdhm(I32_MIN, I32_MIN)), I32_MAX),
        ("SRDHM(2^30, 2^30) = 2^29", int(srdhm(1 << 30, 1 << 30)), 1 << 29),
        ("SRDHM rounds -x.4997 toward zero", int(srdhm(-88337, 1462485049)), -60159),
        ("SRDHM(-1, 2^30) = -0.5 -> 0 (nudge 1 - 2^30)", int(srdhm(-1, 1 << 30)), 0),
        ("SRDHM(1, 2^30) = 0.5 -> 1", int(srdhm(1, 1 << 30)), 1),
        ("RDBPOT(-3, 1) = -1.5 -> -2", int(rdbpot(-3, 1)), -2),
        ("RDBPOT(3, 1) = 1.5 -> 2", int(rdbpot(3, 1)), 2),
        ("RDBPOT(-5, 2) = -1.25 -> -1", int(rdbpot(-5, 2)), -1),
        ("RDBPOT(-60159, 9) -> -117", int(rdbpot(-60159, 9)), -117),
        ("QuantizeMultiplier(0.5)", quantize_multiplier(0.5), (1 << 30, 0)),
        ("QuantizeMultiplier(1.0)", quantize_multiplier(1.0), (1 << 30, 1)),
        ("QuantizeMultiplier(2^-40) flushes", quantize_multiplier(2.0 ** -40), (0, 0)),
        ("QuantizeMultiplier rounds q up to 1", quantize_multiplier(1.0 - 2.0 ** -33), (1 << 30, 1)),
        ("MBQM(1000, 0.75, shift 1) = 1500", int(mbqm(1000, 3 << 29, 1)), 1500),
        ("exp(0) = One", int(exp_on_negative_values(np.int64(0), 5)), I32_MAX),
        ("clz32(1) = 31", int(clz32(1)), 31),
        ("clz32(2^31) = 0", int(clz32(1 << 31)), 0),
    ]
    fails = ["%s: got %s, want %s" % (name, got, want) for name, got, want in checks if got != want]
    # exp and 1/(1+x) against float, on a grid
    a = -np.arange(0, 1 << 31, 1 << 22, dtype=np.int64)            # F5 values in (-32, 0]
    e = exp_on_negative_values(a, 5).astype(np.float64) / 2 ** 31
    err = np.abs(e - np.exp(a.astype(np.float64) / 2 ** 26)).max()
    if err > 1e-6:
        fails.append("exp_on_negative_values is %.3g from exp()" % err)
    x = np.arange(0, 1 << 31, 1 << 22, dtype=np.int64)
    r = one_over_one_plus_x_for_x_in_0_1(x).astype(np.float64) / 2 ** 31
    err = np.abs(r - 1.0 / (1.0 + x.astype(np.float64) / 2 ** 31)).max()
    if err > 1e-6:
        fails.append("one_over_one_plus_x_for_x_in_0_1 is %.3g from 1/(1+x)" % err)
    return fails


def validate(shared):
    """Every operator of every shared model on the reference input vs TFLite Micro's bytes."""
    ref_root = os.path.join(shared, "reference")
    all_ok = True
    ops_seen = set()
    for name in sorted(os.listdir(ref_root)):
        d = os.path.join(ref_root, name)
        if not os.path.isdir(d):
            continue
        model = load(os.path.join(shared, "models", name + ".tflite"))
        results, _ = run(model, reference_input(model))
        rows = [line.split() for line in open(os.path.join(d, "index.txt")) if line.strip() and line[0] != "#"]
        matched, notes = 0, []
        if len(rows) != len(results):
            notes.append("%d operators, reference lists %d" % (len(results), len(rows)))
        for row, (op, t, out) in zip(rows, results):
            ops_seen.add(op.name)
            want = open(os.path.join(d, row[7]), "rb").read()
            got = tensor_bytes(out)
            if row[1] != op.name or int(row[2]) != t:
                notes.append("op %d is %s t%d, reference says %s t%s" % (op.index, op.name, t, row[1], row[2]))
            elif got == want:
                matched += 1
            else:
                diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
                if diff is None:
                    notes.append("op %d %s: %d bytes vs %d" % (op.index, op.name, len(got), len(want)))
                else:
                    notes.append("op %d %s: first diff at byte %d: got %d want %d" % (
                        op.index, op.name, diff, struct.unpack("b", got[diff:diff + 1])[0],
                        struct.unpack("b", want[diff:diff + 1])[0]))
        ok = matched == len(rows) == len(results)
        all_ok &= ok
        print("%-22s %d/%d ops match TFLite Micro%s" % (name, matched, len(rows), "" if ok else "  MISMATCH"))
        for n in notes[:5]:
            print("    " + n)
    print("validated operators: " + ", ".join(sorted(ops_seen)))
    return 0 if all_ok else 1


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run a model, dump every operator's output")
    r.add_argument("model")
    r.add_argument("--input", required=True, help="raw input tensor bytes (several inputs: concatenated)")
    r.add_argument("--dump-dir", required=True)
    v = sub.add_parser("validate", help="compare every op with the TFLite Micro reference outputs")
    v.add_argument("shared_dir")
    sub.add_parser("selftest", help="known values of the integer primitives")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "selftest":
            fails = selftest()
            for f in fails:
                print("selftest: " + f)
            print("selftest: %s" % ("FAIL" if fails else "ok"))
            return 1 if fails else 0
        if args.cmd == "validate":
            return validate(args.shared_dir)
        model = load(args.model)
        raw = open(args.input, "rb").read()
        parts, pos = [], 0
        for t in model.inputs:
            tt = model.tensors[t]
            n = int(np.prod(tt.shape)) * np.dtype(TYPE_NP[tt.type]).itemsize
            parts.append(raw[pos:pos + n])
            pos += n
        if pos != len(raw):
            raise ModelError("input file has %d bytes, the model's inputs need %d" % (len(raw), pos))
        results, values = run(model, parts)
        dump(model, results, values, args.dump_dir)
        return 0
    except (ModelError, OSError, ValueError, IndexError) as e:   # numpy reports malformed shapes as ValueError
        print("tflite_ref: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
