#!/usr/bin/python3
"""A minimal .tflite writer for single-operator int8 test models, written from the TFLite schema (schema.fbs
field ids). It covers the operators hil-modelgen cannot make yet (pools, ADD/MUL with broadcast, SOFTMAX,
LOGISTIC, TANH, QUANTIZE, DEQUANTIZE, CONCATENATION, PAD, RELU, RELU6, RESHAPE) so differential_test.py can
compare the engine and tflite_ref.py on them with varied quantization parameters.

Layout: a front-to-back FlatBuffer (every uoffset points forward, vtables precede their tables), constant
buffer contents 16-byte aligned, file identifier TFL3, schema version 3, buffer 0 empty.
"""
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_ids  # noqa: E402

OPCODES = schema_ids.OP_CODES
# BuiltinOptions union type ids, by options table name ("Conv2DOptions")
OPTIONS_TYPE = schema_ids.OPTIONS_TAG
TYPES = {np.dtype(np.float32): 0, np.dtype(np.int32): 2, np.dtype(np.uint8): 3, np.dtype(np.int64): 4,
         np.dtype(np.bool_): 6, np.dtype(np.int16): 7, np.dtype(np.int8): 9}


# Object tree: Tbl(fields) with fields = [(id, kind, value)], kind one of the struct formats ("b", "i", "f",
# "B", "I", "q", "Q") or "tbl" / "vec_tbl" / "vec:<fmt>" / "str" / "data" (16-aligned ubyte vector).
class Tbl:
    def __init__(self, *fields):
        self.fields = [f for f in fields if f[2] is not None]


class _Writer:
    def __init__(self):
        self.buf = bytearray()
        self.patches = []   # (position of uoffset, object) to place later

    def align(self, n, extra=0):
        while (len(self.buf) + extra) % n:
            self.buf.append(0)

    def place(self, obj, kind):
        """Appends obj; returns its absolute position (the table / vector length word / string length)."""
        if kind == "tbl":
            return self._table(obj)
        if kind == "str":
            data = obj.encode() + b"\0"
            self.align(4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(data) - 1) + data
            return pos
        if kind == "data":
            self.align(16, 4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(obj)) + bytes(obj)
            return pos
        if kind == "vec_tbl":
            self.align(4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(obj))
            slots = []
            for _ in obj:
                slots.append(len(self.buf))
                self.buf += b"\0\0\0\0"
            for slot, child in zip(slots, obj):
                self.patches.append((slot, child, "tbl"))
            return pos
        if kind.startswith("vec:"):
            fmt = kind[4:]
            size = struct.calcsize(fmt)
            self.align(max(size, 4), 4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(obj)) + struct.pack("<%d%s" % (len(obj), fmt), *obj)
            return pos
        raise ValueError(kind)

    def _table(self, t):
        # field layout: each scalar at its natural alignment within an 8-aligned table
        layout, off = [], 4
        for fid, kind, value in t.fields:
            size = 4 if kind in ("tbl", "vec_tbl", "str", "data") or kind.startswith("vec:") else \
                struct.calcsize(kind)
            while off % size:
                off += 1
            layout.append((fid, kind, value, off))
            off += size
        tbl_size = off
        nfields = max([f[0] for f in t.fields] + [-1]) + 1
        vt = [0] * nfields
        for fid, _, _, o in layout:
            vt[fid] = o
        vt_bytes = struct.pack("<HH", 4 + 2 * nfields, tbl_size) + struct.pack("<%dH" % nfields, *vt)
        self.align(2)
        # the table must start 8-aligned right after the vtable: pad before the vtable
        while (len(self.buf) + len(vt_bytes)) % 8:
            self.buf += b"\0\0"
        vt_pos = len(self.buf)
        self.buf += vt_bytes
        pos = len(self.buf)
        body = bytearray(tbl_size)
        struct.pack_into("<i", body, 0, pos - vt_pos)
        children = []
        for fid, kind, value, o in layout:
            if kind in ("tbl", "vec_tbl", "str", "data") or kind.startswith("vec:"):
                children.append((pos + o, value, kind))
            else:
                struct.pack_into("<" + kind, body, o, value)
        self.buf += body
        self.patches.extend(children)
        return pos

    def finish(self, root):
        self.buf += b"\0\0\0\0TFL3"
        self.patches.append((0, root, "tbl"))
        while self.patches:
            slot, obj, kind = self.patches.pop(0)
            pos = self.place(obj, kind)
            struct.pack_into("<I", self.buf, slot, pos - slot)
        self.align(16)
        return bytes(self.buf)


RESOURCE = "resource"   # the "dtype" of a RESOURCE tensor (type 13: a resource variable's handle)


def build_model(tensors, ops, inputs, outputs, subgraphs=None):
    """tensors: dicts with shape, dtype, scale(s), zero_point(s), quant_dim, data (np array or None), name,
    variable (True for state tensors); dtype RESOURCE for a resource-variable handle.
    ops: dicts with op (name), inputs, outputs, options_type (name or None), options (list of fields).
    subgraphs: optional further subgraphs (1, 2, ...: bodies of IF, WHILE, CALL_ONCE), each a dict with its own
    tensors, ops, inputs and outputs (tensor indices local to it); buffers and operator codes are shared."""
    graphs = [{"tensors": tensors, "ops": ops, "inputs": inputs, "outputs": outputs, "name": "main"}]
    graphs += [dict(g, name=g.get("name", "subgraph%d" % (k + 1))) for k, g in enumerate(subgraphs or [])]
    op_names = sorted({o["op"] for g in graphs for o in g["ops"]}, key=lambda n: OPCODES[n])
    buffers = [Tbl()]
    sg_tables = []
    for g in graphs:
        t_tables = []
        for i, t in enumerate(g["tensors"]):
            bi = 0
            resource = isinstance(t["dtype"], str) and t["dtype"] == RESOURCE
            if t.get("data") is not None:
                buffers.append(Tbl((0, "data", np.ascontiguousarray(t["data"]).astype(t["dtype"]).tobytes())))
                bi = len(buffers) - 1
            q = None
            if t.get("scales") is not None:
                q = Tbl((2, "vec:f", list(map(float, t["scales"]))), (3, "vec:q", list(map(int, t["zero_points"]))),
                        (6, "i", int(t.get("quant_dim", 0))))
            t_tables.append(Tbl((0, "vec:i", list(t["shape"])), (1, "b", 13 if resource else TYPES[np.dtype(t["dtype"])]),
                                (2, "I", bi), (3, "str", t.get("name", "t%d" % i)), (4, "tbl", q),
                                (5, "B", 1 if t.get("variable") else None)))
        op_tables = []
        for o in g["ops"]:
            ot = o.get("options_type")
            op_tables.append(Tbl((0, "I", op_names.index(o["op"])), (1, "vec:i", list(o["inputs"])),
                                 (2, "vec:i", list(o["outputs"])),
                                 (3, "B", OPTIONS_TYPE[ot] if ot else None),
                                 (4, "tbl", Tbl(*o.get("options", [])) if ot else None)))
        sg_tables.append(Tbl((0, "vec_tbl", t_tables), (1, "vec:i", list(g["inputs"])),
                             (2, "vec:i", list(g["outputs"])), (3, "vec_tbl", op_tables), (4, "str", g["name"])))
    codes = [Tbl((0, "b", min(OPCODES[n], 127)), (2, "i", 1), (3, "i", OPCODES[n])) for n in op_names]
    root = Tbl((0, "I", 3), (1, "vec_tbl", codes), (2, "vec_tbl", sg_tables), (3, "str", "tinyhil tflite_writer"),
               (4, "vec_tbl", buffers))
    return _Writer().finish(root)


# ----------------------------------------------------------------------------------------------------------
# Single-operator cases with seeded quantization parameters
# ----------------------------------------------------------------------------------------------------------


def _act(name, shape, scale, zp, dtype=np.int8):
    return {"name": name, "shape": shape, "dtype": dtype, "scales": [scale], "zero_points": [zp]}


def _const(name, arr, scale=None, zp=0):
    t = {"name": name, "shape": list(arr.shape), "dtype": arr.dtype, "data": arr}
    if scale is not None:
        t["scales"], t["zero_points"] = [scale], [zp]
    return t


def _scale(rng, lo=0.005, hi=0.2):
    return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))


def _zp(rng):
    return int(rng.integers(-128, 128))


def op_cases(seed=1):
    """[(label, model bytes)] of single-operator models."""
    rng = np.random.default_rng(seed)
    cases = []

    def single(label, op, tensors, inputs, outputs, op_inputs, options_type=None, options=()):
        ops = [{"op": op, "inputs": op_inputs, "outputs": outputs, "options_type": options_type,
                "options": list(options)}]
        cases.append((label, build_model(tensors, ops, inputs, outputs)))

    # pools: same quantization in and out (TFLite requires it)
    for label, op, shape, f, s, pad, act in [
            ("avgpool:3x3,s=2,same", "AVERAGE_POOL_2D", [1, 15, 13, 8], (3, 3), (2, 2), 0, 0),
            ("avgpool:global,valid,relu", "AVERAGE_POOL_2D", [1, 7, 5, 16], (7, 5), (1, 1), 1, 1),
            ("avgpool:2x3,s=1x2,same,relu6", "AVERAGE_POOL_2D", [1, 9, 10, 4], (2, 3), (1, 2), 0, 3),
            ("maxpool:2x2,s=2,valid", "MAX_POOL_2D", [1, 16, 16, 8], (2, 2), (2, 2), 1, 0),
            ("maxpool:3x3,s=2,same,relu", "MAX_POOL_2D", [1, 11, 9, 6], (3, 3), (2, 2), 0, 1)]:
        sc, zp = _scale(rng), _zp(rng)
        pad_out = lambda n, k, st: (n + st - 1) // st if pad == 0 else (n - k + st) // st  # noqa: E731
        out_shape = [1, pad_out(shape[1], f[0], s[0]), pad_out(shape[2], f[1], s[1]), shape[3]]
        single(label, op, [_act("in", shape, sc, zp), _act("out", out_shape, sc, zp)], [0], [1], [0],
               "Pool2DOptions", [(0, "b", pad), (1, "i", s[1]), (2, "i", s[0]), (3, "i", f[1]), (4, "i", f[0]),
                                 (5, "b", act)])

    # ADD / MUL: two inputs, and a broadcast constant
    for op, opt in (("ADD", "AddOptions"), ("MUL", "MulOptions")):
        for act in (0, 1, 3):
            shape = [1, 6, 7, 5]
            t = [_act("a", shape, _scale(rng), _zp(rng)), _act("b", shape, _scale(rng), _zp(rng)),
                 _act("out", shape, _scale(rng, 0.01, 0.4), _zp(rng))]
            single("%s:2in,act=%d" % (op.lower(), act), op, t, [0, 1], [2], [0, 1], opt, [(0, "b", act)])
        c = rng.integers(-128, 128, size=(1, 1, 1, 5)).astype(np.int8)
        t = [_act("a", [1, 6, 7, 5], _scale(rng), _zp(rng)), _const("c", c, _scale(rng), _zp(rng)),
             _act("out", [1, 6, 7, 5], _scale(rng, 0.01, 0.4), _zp(rng))]
        single("%s:broadcast" % op.lower(), op, t, [0], [2], [0, 1], opt, [(0, "b", 0)])

    # SOFTMAX: output scale 1/256, zero point -128; a few input scales and betas
    for i, (n, beta) in enumerate([(10, 1.0), (12, 1.0), (64, 1.0), (7, 0.5)]):
        sc = _scale(rng, 0.02, 0.5)
        t = [_act("in", [2, n], sc, _zp(rng)), _act("out", [2, n], 1.0 / 256, -128)]
        single("softmax:%dx%d,beta=%g" % (2, n, beta), "SOFTMAX", t, [0], [1], [0], "SoftmaxOptions",
               [(0, "f", beta)])

    for i, (lo, hi) in enumerate([(0.01, 0.2), (0.01, 0.2), (0.1, 0.6), (0.001, 0.01)]):
        sc = _scale(rng, lo, hi)
        single("logistic:%d" % i, "LOGISTIC", [_act("in", [1, 300], sc, _zp(rng)),
                                               _act("out", [1, 300], 1.0 / 256, -128)], [0], [1], [0])
        single("tanh:%d" % i, "TANH", [_act("in", [1, 300], sc, _zp(rng)),
                                       _act("out", [1, 300], 1.0 / 128, 0)], [0], [1], [0])

    single("quantize:requant", "QUANTIZE", [_act("in", [1, 256], _scale(rng), _zp(rng)),
                                            _act("out", [1, 256], _scale(rng), _zp(rng))], [0], [1], [0])
    single("dequantize", "DEQUANTIZE", [_act("in", [1, 256], _scale(rng), _zp(rng)),
                                        {"name": "out", "shape": [1, 256], "dtype": np.float32}], [0], [1], [0])
    sc, zp = _scale(rng), _zp(rng)
    single("concatenation:axis3", "CONCATENATION", [_act("a", [1, 4, 4, 3], sc, zp), _act("b", [1, 4, 4, 5], sc, zp),
                                                    _act("out", [1, 4, 4, 8], sc, zp)], [0, 1], [2], [0, 1],
           "ConcatenationOptions", [(0, "i", 3), (1, "b", 0)])
    pads = np.array([[0, 0], [1, 2], [2, 0], [0, 0]], dtype=np.int32)
    sc, zp = _scale(rng), _zp(rng)
    single("pad:1,2,2,0", "PAD", [_act("in", [1, 5, 6, 3], sc, zp), _const("pads", pads),
                                   _act("out", [1, 8, 8, 3], sc, zp)], [0], [2], [0, 1], "PadOptions", [])
    sc, zp = _scale(rng), _zp(rng)
    single("relu:same-quant", "RELU", [_act("in", [1, 200], sc, zp), _act("out", [1, 200], sc, zp)], [0], [1], [0])
    single("relu:requant", "RELU", [_act("in", [1, 200], _scale(rng), _zp(rng)),
                                    _act("out", [1, 200], _scale(rng), _zp(rng))], [0], [1], [0])
    sc, zp = _scale(rng, 0.01, 0.05), _zp(rng)
    single("relu6", "RELU6", [_act("in", [1, 200], sc, zp), _act("out", [1, 200], sc, zp)], [0], [1], [0])
    sc, zp = _scale(rng), _zp(rng)
    single("reshape", "RESHAPE", [_act("in", [1, 4, 6, 2], sc, zp), _const("shape", np.array([1, 48], np.int32)),
                                  _act("out", [1, 48], sc, zp)], [0], [2], [0, 1], "ReshapeOptions",
           [(0, "vec:i", [1, 48])])
    # weighted operators in forms hil-modelgen does not emit: dilation, per-tensor filter scales, no bias
    def weights(shape, per_axis=None):
        w = rng.integers(-127, 128, size=shape).astype(np.int8)
        n = shape[per_axis] if per_axis is not None else 1
        return w, [_scale(rng, 0.002, 0.02) for _ in range(n)]

    def conv_case(label, op, in_shape, w_shape, axis, out_shape, opt_type, options, bias=True):
        sc_in, zp_in = _scale(rng, 0.01, 0.1), _zp(rng)
        w, ws = weights(w_shape, axis)
        t = [_act("in", in_shape, sc_in, zp_in),
             {"name": "w", "shape": w_shape, "dtype": np.int8, "data": w, "scales": ws,
              "zero_points": [0] * len(ws), "quant_dim": axis or 0}]
        op_in = [0, 1]
        if bias:
            n = w_shape[axis] if axis is not None else (w_shape[0] if op != "DEPTHWISE_CONV_2D" else w_shape[3])
            b = rng.integers(-3000, 3000, size=[n]).astype(np.int32)
            bs = [np.float32(sc_in) * np.float32(x) for x in (ws if len(ws) == n else ws * n)]
            t.append({"name": "b", "shape": [n], "dtype": np.int32, "data": b, "scales": bs,
                      "zero_points": [0] * n, "quant_dim": 0})
            op_in.append(2)
        else:
            op_in.append(-1)
        t.append(_act("out", out_shape, _scale(rng, 0.02, 0.3), _zp(rng)))
        single(label, op, t, [0], [len(t) - 1], op_in, opt_type, options)

    conv_case("conv2d:dilation=2,same", "CONV_2D", [1, 12, 11, 3], [6, 3, 3, 3], 0, [1, 12, 11, 6],
              "Conv2DOptions", [(0, "b", 0), (1, "i", 1), (2, "i", 1), (3, "b", 1), (4, "i", 2), (5, "i", 2)])
    conv_case("conv2d:per-tensor,no-bias", "CONV_2D", [1, 8, 8, 4], [5, 3, 3, 4], None, [1, 4, 4, 5],
              "Conv2DOptions", [(0, "b", 0), (1, "i", 2), (2, "i", 2), (3, "b", 0)], bias=False)
    conv_case("depthwise:per-tensor,valid", "DEPTHWISE_CONV_2D", [1, 9, 9, 4], [1, 3, 3, 4], None, [1, 7, 7, 4],
              "DepthwiseConv2DOptions", [(0, "b", 1), (1, "i", 1), (2, "i", 1), (3, "i", 1), (4, "b", 3)])
    conv_case("depthwise:dilation=2,dm=2", "DEPTHWISE_CONV_2D", [1, 10, 10, 3], [1, 3, 3, 6], 3, [1, 10, 10, 6],
              "DepthwiseConv2DOptions", [(0, "b", 0), (1, "i", 1), (2, "i", 1), (3, "i", 2), (4, "b", 0),
                                         (5, "i", 2), (6, "i", 2)])
    conv_case("fc:no-bias,relu6", "FULLY_CONNECTED", [1, 48], [16, 48], None, [1, 16],
              "FullyConnectedOptions", [(0, "b", 3)], bias=False)
    conv_case("fc:4d-input", "FULLY_CONNECTED", [1, 2, 3, 8], [10, 48], None, [1, 10],
              "FullyConnectedOptions", [(0, "b", 1)])
    return cases
