"""Reference kernels of the convolution, fully-connected and pooling family beyond the int8 ones of tflite_ref.py:
CONV_2D and DEPTHWISE_CONV_2D with int16 activations ("16x8"), grouped int8 CONV_2D, TRANSPOSE_CONV (int8 and
16x8), FULLY_CONNECTED 16x8 (per-tensor and per-channel weights, int64 or int32 bias), BATCH_MATMUL (int8 and
int16) and AVERAGE_POOL_2D / MAX_POOL_2D on int16.

Written from TensorFlow Lite's reference arithmetic (tensorflow/lite/kernels/internal/reference/integer_ops and
common.cc), not from the engine's C++:
- 16x8 with an int64 accumulator requantizes with the int64 MultiplyByQuantizedMultiplier: the Q31 multiplier is
  first reduced to 15 bits, (m + 2^15) >> 16 (0x7FFF from 0x7FFF0000 up), then (acc * m15 + 2^(14 - shift)) >>
  (15 - shift), i.e. rounding half up, keeping the low 32 bits;
- 16x8 with an int32 accumulator (an int32 bias, or none with quantized_bias_type INT32, for CONV_2D and
  FULLY_CONNECTED) wraps the sum to 32 bits and uses the ordinary MultiplyByQuantizedMultiplier;
- int16 zero points are not applied by the conv kernels (they are 0);
- TRANSPOSE_CONV scatters input x filter into the output, pads as a forward convolution of the output size would,
  and (16x8) widens an int16 bias to int64;
- BATCH_MATMUL and per-tensor FULLY_CONNECTED multiply the two float32 scales in float32 before the division in
  double; the conv-like per-channel multipliers are products in double.

register(ref) returns TRANSPOSE_CONV and BATCH_MATMUL, and wraps tflite_ref's CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, AVERAGE_POOL_2D and MAX_POOL_2D so int16 operands (and grouped int8 convolutions) come here while
the int8 paths, validated against TFLite Micro's outputs, stay as they are.
"""
import numpy as np

I16 = (-32768, 32767)
I8 = (-128, 127)
SCHEMA_INT32 = 2     # TensorType INT32, as quantized_bias_type holds it


def register(ref):
    def inputs(model, op, values):
        return [None if t < 0 else (values[t] if values.get(t) is not None else model.tensors[t].data)
                for t in op.inputs]

    def tensor(model, op, i):
        t = op.inputs[i] if i < len(op.inputs) else -1
        return model.tensors[t] if t >= 0 else None

    def err(op, what):
        return ref.ModelError("op %d %s: %s" % (op.index, op.name, what))

    def mbqm64(x, mult, shift):
        x = np.asarray(x, dtype=np.int64)
        mult = np.asarray(mult, dtype=np.int64)
        shift = np.asarray(shift, dtype=np.int64)
        if np.any(shift > 7):
            raise ref.ModelError("int64 MultiplyByQuantizedMultiplier needs shifts <= 7")
        m15 = np.where(mult < 0x7FFF0000, (mult + (1 << 15)) >> 16, 0x7FFF)
        total = 15 - shift
        with np.errstate(over="ignore"):
            r = (x * m15 + (np.int64(1) << (total - 1))) >> total
        return ref.wrap32(r)

    def requant16(acc, mult, shift, acc32, lo, hi):
        """The 16x8 requantization: int32 accumulator (wrapped) or int64; int16 output (zero point 0)."""
        if acc32:
            v = ref.mbqm(ref.wrap32(acc), mult, shift)
        else:
            v = mbqm64(acc, mult, shift)
        return np.clip(v, lo, hi).astype(np.int16)

    def channel_multipliers(ti, tw, to, channels):
        return ref.per_channel_multipliers(ti.scale, tw.scales, to.scale, channels)

    def bias_acc32(model, op, b_index, opt_field):
        """16x8: int32 accumulator when the bias is int32, or absent and quantized_bias_type is INT32."""
        tb = tensor(model, op, b_index)
        if tb is not None:
            if tb.type not in (2, 4):
                raise err(op, "16x8 bias must be int32 or int64")
            return tb.type == 2
        return opt_field is not None and op.opt is not None and op.opt.scalar(opt_field, "b") == SCHEMA_INT32

    def is16(model, op):
        return model.tensors[op.inputs[0]].type == 7 or model.tensors[op.outputs[0]].type == 7

    def check16(model, op, *ts):
        for t in ts:
            if t.type != 7 or t.zero_point != 0:
                raise err(op, "int16 tensors with zero point 0 only")

    # ---- CONV_2D: int16, and grouped int8 ----
    def conv2d(model, op, values):
        x, w, b = (inputs(model, op, values) + [None])[:3]
        ti, tw, to = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
        o = op.opt
        pad, sw, sh, act = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "b")
        dw, dh = o.scalar(4, "i", 1), o.scalar(5, "i", 1)
        n, h, wd, c = x.shape
        oc, kh, kw, kc = w.shape
        if c % kc or oc % (c // kc):
            raise err(op, "bad channel groups")
        groups = c // kc
        per_group = oc // groups
        oh, ph = ref.padding(pad, h, kh, sh, dh)
        ow, pw = ref.padding(pad, wd, kw, sw, dw)
        int16 = ti.type == 7
        if int16:
            check16(model, op, ti, to)
        xi = x.astype(np.int64) - (0 if int16 else ti.zero_point)
        patches = ref.windows(xi, kh, kw, sh, sw, dh, dw, oh, ow, ph, pw, 0)     # [N,OH,OW,KH,KW,C]
        acc = np.zeros((n, oh, ow, oc), dtype=np.int64)
        for g in range(groups):
            pg = patches[..., g * kc:(g + 1) * kc].reshape(n * oh * ow, kh * kw * kc)
            wg = w[g * per_group:(g + 1) * per_group].astype(np.int64).reshape(per_group, -1)
            acc[..., g * per_group:(g + 1) * per_group] = (pg @ wg.T).reshape(n, oh, ow, per_group)
        if b is not None:
            acc = acc + b.astype(np.int64)
        mult, shift = channel_multipliers(ti, tw, to, oc)
        if int16:
            lo, hi = ref.act_range(act, to.scale, 0, *I16)
            return requant16(acc, mult, shift, bias_acc32(model, op, 2, 6), lo, hi)
        lo, hi = ref.act_range(act, to.scale, to.zero_point)
        return ref.requant_out(ref.wrap32(acc), mult, shift, to.zero_point, lo, hi)

    def depthwise16(model, op, values):
        x, w, b = (inputs(model, op, values) + [None])[:3]
        ti, tw, to = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
        check16(model, op, ti, to)
        o = op.opt
        pad, sw, sh, act = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(4, "b")
        dw, dh = o.scalar(5, "i", 1), o.scalar(6, "i", 1)
        n, h, wd, c = x.shape
        _, kh, kw, oc = w.shape
        if oc % c:
            raise err(op, "output channels are not a multiple of input channels")
        dm = oc // c
        oh, ph = ref.padding(pad, h, kh, sh, dh)
        ow, pw = ref.padding(pad, wd, kw, sw, dw)
        patches = ref.windows(x.astype(np.int64), kh, kw, sh, sw, dh, dw, oh, ow, ph, pw, 0)
        acc = np.einsum("nhwijc,ijcm->nhwcm", patches, w.astype(np.int64).reshape(kh, kw, c, dm)).reshape(n, oh, ow, oc)
        if b is not None:
            if tensor(model, op, 2).type != 4:
                raise err(op, "16x8 depthwise bias must be int64")
            acc = acc + b.astype(np.int64)
        mult, shift = channel_multipliers(ti, tw, to, oc)
        lo, hi = ref.act_range(act, to.scale, 0, *I16)
        return requant16(acc, mult, shift, False, lo, hi)

    # ---- TRANSPOSE_CONV ----
    def tconv_padding(pad, out_size, k, stride):
        """The padding of a forward convolution over the output size; None when TFLite's size check fails."""
        if pad == ref.PAD_SAME:
            n = (out_size + stride - 1) // stride
        else:
            v = out_size + stride - k
            n = v // stride if v >= 0 else -((-v) // stride)    # C division
        if n < 0:
            return None
        return max((n - 1) * stride + k - out_size, 0) // 2

    def transpose_conv(model, op, values):
        ins = inputs(model, op, values)
        w, x = ins[1], ins[2]
        b = ins[3] if len(ins) > 3 else None
        tw, ti, to = model.tensors[op.inputs[1]], model.tensors[op.inputs[2]], model.tensors[op.outputs[0]]
        o = op.opt
        pad, sw, sh, act = o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "b")
        n, h, wd, c = x.shape
        oc, kh, kw, kc = w.shape
        _, oh, ow, occ = to.shape
        if kc != c or occ != oc:
            raise err(op, "filter does not match input and output")
        ph, pw = tconv_padding(pad, oh, kh, sh), tconv_padding(pad, ow, kw, sw)
        if ph is None or pw is None:
            ph = pw = 0
        int16 = ti.type == 7
        if int16:
            check16(model, op, ti, to)
        xi = x.astype(np.int64) - (0 if int16 else ti.zero_point)
        acc = np.zeros((n, oh, ow, oc), dtype=np.int64)
        ys = np.arange(h) * sh - ph
        xs = np.arange(wd) * sw - pw
        for fy in range(kh):
            for fx in range(kw):
                contrib = np.einsum("nhwc,oc->nhwo", xi, w[:, fy, fx, :].astype(np.int64))
                oy, ox = ys + fy, xs + fx
                vy, vx = (oy >= 0) & (oy < oh), (ox >= 0) & (ox < ow)
                acc[:, oy[vy][:, None], ox[vx][None, :], :] += contrib[:, vy][:, :, vx]
        if b is not None:
            acc = acc + b.astype(np.int64)
        mult, shift = channel_multipliers(ti, tw, to, oc)
        if int16:
            tb = tensor(model, op, 3)
            if tb is not None and tb.type not in (4, 7):
                raise err(op, "16x8 bias must be int64 or int16")
            lo, hi = ref.act_range(act, to.scale, 0, *I16)
            return requant16(acc, mult, shift, False, lo, hi)
        lo, hi = ref.act_range(act, to.scale, to.zero_point)
        return ref.requant_out(ref.wrap32(acc), mult, shift, to.zero_point, lo, hi)

    # ---- FULLY_CONNECTED 16x8 ----
    def fully_connected16(model, op, values):
        x, w, b = (inputs(model, op, values) + [None])[:3]
        ti, tw, to = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
        check16(model, op, ti, to)
        act = op.opt.scalar(0, "b") if op.opt else 0
        units, depth = w.shape
        per_channel = len(tw.scales) > 1
        wi = w.astype(np.int64) - (0 if per_channel else tw.zero_point)
        acc = x.astype(np.int64).reshape(-1, depth) @ wi.T
        if b is not None:
            acc = acc + b.astype(np.int64)
        if per_channel:
            mult, shift = ref.per_channel_multipliers(ti.scale, tw.scales, to.scale, units)
        else:
            product = float(np.float32(ti.scale) * np.float32(tw.scale))
            mult, shift = ref.quantize_multiplier(product / float(to.scale))
        lo, hi = ref.act_range(act, to.scale, 0, *I16)
        return requant16(acc, mult, shift, bias_acc32(model, op, 2, 4), lo, hi).reshape(to.shape)

    # ---- BATCH_MATMUL ----
    def batch_matmul(model, op, values):
        a, bm = inputs(model, op, values)[:2]
        ta, tb, to = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
        if not (ta.type == tb.type == to.type) or ta.type not in (7, 9):
            raise err(op, "int8 or int16 operands and output of one type")
        int16 = ta.type == 7
        if int16:
            check16(model, op, ta, tb, to)
        adj_x = bool(op.opt.scalar(0, "B")) if op.opt else False
        adj_y = bool(op.opt.scalar(1, "B")) if op.opt else False
        l = a.astype(np.int64) - ta.zero_point
        r = bm.astype(np.int64) - tb.zero_point
        if adj_x:
            l = np.swapaxes(l, -1, -2)
        if adj_y:
            r = np.swapaxes(r, -1, -2)
        acc = np.matmul(l, r)                 # broadcasts the batch dimensions
        product = float(np.float32(ta.scale) * np.float32(tb.scale))
        mult, shift = ref.quantize_multiplier(product / float(to.scale))
        if int16:
            return np.clip(mbqm64(acc, mult, shift), *I16).astype(np.int16)
        return np.clip(ref.mbqm(ref.wrap32(acc), mult, shift) + to.zero_point, *I8).astype(np.int8)

    # ---- pools on int16: raw values, no rescale ----
    def pool16(model, op, values, average):
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        if ti.type != 7 or to.type != 7:
            raise err(op, "int16 input and output")
        if abs(np.float32(ti.scale) - np.float32(to.scale)) > 1e-6 or ti.zero_point != to.zero_point:
            raise err(op, "input and output quantization differ")
        o = op.opt
        pad, sw, sh, fw, fh, act = (o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "i"),
                                    o.scalar(4, "i"), o.scalar(5, "b"))
        n, h, w, c = x.shape
        oh, ph = ref.padding(pad, h, fh, sh)
        ow, pw = ref.padding(pad, w, fw, sw)
        lo, hi = ref.act_range(act, to.scale, to.zero_point, *I16)
        if average:
            ones = np.ones((1, h, w, 1), dtype=np.int64)
            count = ref.windows(ones, fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, 0).sum(axis=(3, 4))
            if np.any(count == 0):
                raise err(op, "a window holds no input element")
            s = ref.windows(x.astype(np.int64), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, 0).sum(axis=(3, 4))
            half = count // 2
            v = np.where(s > 0, (s + half) // count, -((-(s - half)) // count))   # C division toward zero
        else:
            v = ref.windows(x.astype(np.int64), fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, -(1 << 40)).max(axis=(3, 4))
            v = np.maximum(v, -32768)
        return np.clip(v, lo, hi).astype(np.int16)

    # Route int16 (and grouped int8 convolutions) here, int8 to the validated kernels of tflite_ref.py.
    def routed(name, mine, when):
        base = ref.KERNELS[name]

        def kernel(model, op, values):
            return mine(model, op, values) if when(model, op) else base(model, op, values)
        ref.KERNELS[name] = kernel

    def grouped_or_16(model, op):
        ti, tw = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]]
        return is16(model, op) or (len(tw.shape) == 4 and len(ti.shape) == 4 and tw.shape[3] != ti.shape[3])

    # tflite_ref.float_model_of judges MAX_POOL_2D (an unvalidated operator) on the int8 grid; on int16 the float
    # check is the maximum of the dequantized window requantized to the int16 grid (exact: tolerance 0).
    base_float_model_of = ref.float_model_of

    def float_model_of(model, op, values):
        if op.name != "MAX_POOL_2D" or not is16(model, op):
            return base_float_model_of(model, op, values)
        x = inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        o = op.opt
        pad, sw, sh, fw, fh, act = (o.scalar(0, "b"), o.scalar(1, "i"), o.scalar(2, "i"), o.scalar(3, "i"),
                                    o.scalar(4, "i"), o.scalar(5, "b"))
        oh, ph = ref.padding(pad, x.shape[1], fh, sh)
        ow, pw = ref.padding(pad, x.shape[2], fw, sw)
        f = (x.astype(np.float64) - ti.zero_point) * float(ti.scale)
        m = ref.windows(f, fh, fw, sh, sw, 1, 1, oh, ow, ph, pw, -np.inf).max(axis=(3, 4))
        lo, hi = ref.act_range(act, to.scale, to.zero_point, *I16)
        return np.clip(np.rint(m / float(to.scale)) + to.zero_point, lo, hi), 0
    ref.float_model_of = float_model_of

    routed("CONV_2D", conv2d, grouped_or_16)
    routed("DEPTHWISE_CONV_2D", depthwise16, is16)
    routed("FULLY_CONNECTED", fully_connected16, is16)
    routed("AVERAGE_POOL_2D", lambda m, o, v: pool16(m, o, v, True), is16)
    routed("MAX_POOL_2D", lambda m, o, v: pool16(m, o, v, False), is16)
    return {"TRANSPOSE_CONV": transpose_conv, "BATCH_MATMUL": batch_matmul}
