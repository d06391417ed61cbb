"""Single-operator test models of the convolution / fully-connected / pooling family beyond int8: 16x8 CONV_2D and
DEPTHWISE_CONV_2D (int64 and int32 biases, none, grouped), grouped int8 CONV_2D, TRANSPOSE_CONV (int8, 16x8 with
int64 / int16 / no bias), FULLY_CONNECTED (16x8 per-tensor and per-channel, int8 per-channel, keep_num_dims),
BATCH_MATMUL (int8 and int16, adj_x / adj_y, broadcast batches, constant operands) and int16 pools.

op_cases(seed) -> [(label, model bytes)], built with tflite_writer.build_model; quantization parameters are drawn
from the seed so outputs land mostly inside the int16 range for the generated inputs."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_writer  # noqa: E402

SCHEMA_INT32 = 2


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 7301])
    cases = []

    def scale(lo, hi):
        return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))

    def act(name, shape, sc, zp=0, dtype=np.int16):
        return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [sc], "zero_points": [zp]}

    def weights(name, shape, n_scales, axis):
        w = rng.integers(-127, 128, size=shape).astype(np.int8)
        ws = [scale(0.002, 0.02) for _ in range(n_scales)]
        return w, {"name": name, "shape": list(shape), "dtype": np.int8, "data": w, "scales": ws,
                   "zero_points": [0] * n_scales, "quant_dim": axis}

    def bias(n, dtype, magnitude, in_scale, w_scales):
        b = rng.integers(-magnitude, magnitude + 1, size=[n]).astype(dtype)
        bs = [float(np.float32(in_scale) * np.float32(w_scales[i if len(w_scales) > 1 else 0])) for i in range(n)]
        return {"name": "bias", "shape": [n], "dtype": dtype, "data": b, "scales": bs, "zero_points": [0] * n}

    def out_scale(in_scale, w_scales, depth, int16=True):
        # typical |acc| for uniform random inputs over the type's range and int8 weights, mapped to a few
        # thousand output steps (int16) or tens (int8): some saturation, mostly in range
        typical = (16384.0 if int16 else 64.0) * 64.0 * np.sqrt(depth)
        target = 6000.0 if int16 else 40.0
        return float(np.float32(in_scale * float(np.mean(w_scales)) * typical / target * rng.uniform(0.7, 1.4)))

    def single(label, op, tensors, inputs, outputs, op_inputs, options_type=None, options=()):
        ops = [{"op": op, "inputs": op_inputs, "outputs": outputs, "options_type": options_type,
                "options": list(options)}]
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, outputs)))

    def conv(label, in_shape, w_shape, out_shape, stride=(1, 1), dilation=(1, 1), pad=0, fused=0,
             bias_type=np.int64, per_channel=True, bias_option=None, int16=True):
        sc_in = scale(1e-4, 1e-3) if int16 else scale(0.01, 0.1)
        zp_in = 0 if int16 else int(rng.integers(-128, 128))
        w, wt = weights("w", w_shape, w_shape[0] if per_channel else 1, 0)
        t = [act("in", in_shape, sc_in, zp_in, np.int16 if int16 else np.int8), wt]
        op_in = [0, 1]
        if bias_type is not None:
            mag = 1 << 20 if bias_type == np.int64 else (1 << 16 if int16 else 3000)
            t.append(bias(w_shape[0], bias_type, mag, sc_in, wt["scales"]))
            op_in.append(2)
        sc_out = out_scale(sc_in, wt["scales"], w_shape[1] * w_shape[2] * w_shape[3], int16)
        t.append(act("out", out_shape, sc_out, 0 if int16 else int(rng.integers(-128, 128)),
                     np.int16 if int16 else np.int8))
        opts = [(0, "b", pad), (1, "i", stride[1]), (2, "i", stride[0]), (3, "b", fused), (4, "i", dilation[1]),
                (5, "i", dilation[0])]
        if bias_option is not None:
            opts.append((6, "b", bias_option))
        single(label, "CONV_2D", t, [0], [len(t) - 1], op_in, "Conv2DOptions", opts)

    conv("conv16:3x3,same,int64-bias,relu", [1, 9, 10, 8], [6, 3, 3, 8], [1, 9, 10, 6], fused=1)
    conv("conv16:3x2,s=2x1,valid,dilation=2,relu6", [2, 11, 9, 5], [4, 3, 2, 5], [2, 4, 7, 4], stride=(2, 1),
         dilation=(2, 2), pad=1, fused=3)
    conv("conv16:int32-bias", [1, 7, 7, 6], [5, 3, 3, 6], [1, 7, 7, 5], bias_type=np.int32)
    conv("conv16:no-bias,int32-accumulator", [1, 6, 6, 4], [3, 3, 3, 4], [1, 6, 6, 3], bias_type=None,
         bias_option=SCHEMA_INT32)
    conv("conv16:no-bias,int64-accumulator", [1, 6, 6, 4], [3, 3, 3, 4], [1, 3, 3, 3], stride=(2, 2),
         bias_type=None)
    conv("conv16:grouped,2-groups", [1, 8, 8, 8], [6, 3, 3, 4], [1, 8, 8, 6])
    conv("conv16:per-tensor,1x1", [1, 5, 5, 16], [8, 1, 1, 16], [1, 5, 5, 8], per_channel=False)
    conv("conv8:grouped,3-groups", [1, 7, 6, 6], [9, 3, 3, 2], [1, 7, 6, 9], bias_type=np.int32, int16=False,
         fused=1)

    def depthwise(label, in_shape, w_shape, out_shape, stride=(1, 1), dilation=(1, 1), pad=0, fused=0):
        sc_in = scale(1e-4, 1e-3)
        w, wt = weights("w", w_shape, w_shape[3], 3)
        t = [act("in", in_shape, sc_in), wt, bias(w_shape[3], np.int64, 1 << 20, sc_in, wt["scales"])]
        op_in = [0, 1, 2]
        t.append(act("out", out_shape, out_scale(sc_in, wt["scales"], w_shape[1] * w_shape[2])))
        single(label, "DEPTHWISE_CONV_2D", t, [0], [len(t) - 1], op_in, "DepthwiseConv2DOptions",
               [(0, "b", pad), (1, "i", stride[1]), (2, "i", stride[0]), (3, "i", w_shape[3] // in_shape[3]),
                (4, "b", fused), (5, "i", dilation[1]), (6, "i", dilation[0])])

    depthwise("depthwise16:3x3,dm=2,same", [1, 9, 8, 3], [1, 3, 3, 6], [1, 9, 8, 6])
    # (no bias-less 16x8 depthwise case: TFLite Micro's kernel checks the bias size unconditionally, so its debug
    # build aborts on one; ops/conv_test.cc covers it)
    depthwise("depthwise16:s=2,dilation=2,valid,relu", [1, 12, 11, 4], [1, 3, 3, 4], [1, 4, 4, 4],
              stride=(2, 2), dilation=(2, 2), pad=1, fused=1)

    def tconv(label, in_shape, w_shape, out_shape, stride, pad, fused=0, int16=True, bias_type=None,
              per_channel=True):
        sc_in = scale(1e-4, 1e-3) if int16 else scale(0.01, 0.1)
        zp_in = 0 if int16 else int(rng.integers(-128, 128))
        w, wt = weights("w", w_shape, w_shape[0] if per_channel else 1, 0)
        shape = {"name": "output_shape", "shape": [4], "dtype": np.int32, "data": np.array(out_shape, np.int32)}
        t = [shape, wt, act("in", in_shape, sc_in, zp_in, np.int16 if int16 else np.int8)]
        op_in = [0, 1, 2]
        if bias_type is not None:
            mag = {np.int64: 1 << 20, np.int16: 20000, np.int32: 3000}[bias_type]
            t.append(bias(w_shape[0], bias_type, mag, sc_in, wt["scales"]))
            op_in.append(3)
        depth = w_shape[1] * w_shape[2] * w_shape[3] / (stride[0] * stride[1])
        t.append(act("out", out_shape, out_scale(sc_in, wt["scales"], depth, int16),
                     0 if int16 else int(rng.integers(-128, 128)), np.int16 if int16 else np.int8))
        single(label, "TRANSPOSE_CONV", t, [2], [len(t) - 1], op_in, "TransposeConvOptions",
               [(0, "b", pad), (1, "i", stride[1]), (2, "i", stride[0]), (3, "b", fused)])

    tconv("tconv8:3x3,s=2,same,bias,relu", [1, 4, 5, 6], [5, 3, 3, 6], [1, 8, 10, 5], (2, 2), 0, fused=1,
          int16=False, bias_type=np.int32)
    tconv("tconv8:2x3,s=2x1,valid,per-tensor,no-bias", [2, 3, 4, 4], [3, 2, 3, 4], [2, 6, 6, 3], (2, 1), 1,
          int16=False, per_channel=False)
    tconv("tconv16:3x4,s=1x2,valid,int64-bias", [1, 2, 5, 8], [6, 3, 4, 8], [1, 4, 12, 6], (1, 2), 1,
          bias_type=np.int64)
    tconv("tconv16:4x4,s=2,same,int16-bias,relu", [1, 3, 4, 5], [4, 4, 4, 5], [1, 6, 8, 4], (2, 2), 0, fused=1,
          bias_type=np.int16)
    tconv("tconv16:3x3,s=3,same,no-bias", [1, 3, 3, 3], [2, 3, 3, 3], [1, 9, 9, 2], (3, 3), 0)

    def fc(label, in_shape, units, out_shape, int16=True, bias_type=np.int64, per_channel=False, fused=0,
           bias_option=None, keep_dims=False):
        depth = in_shape[-1] if keep_dims else int(np.prod(in_shape)) // (out_shape[0] if len(out_shape) == 2 else 1)
        sc_in = scale(1e-4, 1e-3) if int16 else scale(0.01, 0.1)
        zp_in = 0 if int16 else int(rng.integers(-128, 128))
        w, wt = weights("w", [units, depth], units if per_channel else 1, 0)
        t = [act("in", in_shape, sc_in, zp_in, np.int16 if int16 else np.int8), wt]
        op_in = [0, 1]
        if bias_type is not None:
            mag = 1 << 20 if bias_type == np.int64 else (1 << 16 if int16 else 3000)
            t.append(bias(units, bias_type, mag, sc_in, wt["scales"]))
            op_in.append(2)
        t.append(act("out", out_shape, out_scale(sc_in, wt["scales"], depth, int16),
                     0 if int16 else int(rng.integers(-128, 128)), np.int16 if int16 else np.int8))
        opts = [(0, "b", fused), (2, "B", 1 if keep_dims else 0)]
        if bias_option is not None:
            opts.append((4, "b", bias_option))
        single(label, "FULLY_CONNECTED", t, [0], [len(t) - 1], op_in, "FullyConnectedOptions", opts)

    fc("fc16:int64-bias,relu", [1, 40], 12, [1, 12], fused=1)
    fc("fc16:int32-bias,batch=3", [3, 24], 7, [3, 7], bias_type=np.int32)
    fc("fc16:per-channel,int64-bias", [2, 32], 10, [2, 10], per_channel=True)
    fc("fc16:per-channel,int32-bias,relu6", [1, 20], 6, [1, 6], per_channel=True, bias_type=np.int32, fused=3)
    fc("fc16:no-bias,int32-accumulator", [1, 30], 9, [1, 9], bias_type=None, bias_option=SCHEMA_INT32)
    fc("fc16:no-bias,int64-accumulator", [1, 30], 9, [1, 9], bias_type=None)
    fc("fc16:keep-num-dims", [2, 3, 16], 5, [2, 3, 5], keep_dims=True)
    fc("fc8:per-channel", [2, 48], 11, [2, 11], int16=False, bias_type=np.int32, per_channel=True)

    def bmm(label, lhs_shape, rhs_shape, out_shape, adj_x=False, adj_y=False, int16=False, const_rhs=False,
            const_lhs=False):
        dt = np.int16 if int16 else np.int8
        depth = lhs_shape[-2] if adj_x else lhs_shape[-1]
        sc_l, sc_r = scale(1e-4, 1e-3) if int16 else scale(0.01, 0.1), scale(1e-4, 1e-3) if int16 else scale(0.01, 0.1)
        zl, zr, zo = (0, 0, 0) if int16 else tuple(int(v) for v in rng.integers(-128, 128, size=3))
        typical = (16384.0 if int16 else 64.0) ** 2 * np.sqrt(depth)
        sc_o = float(np.float32(sc_l * sc_r * typical / (6000.0 if int16 else 40.0) * rng.uniform(0.7, 1.4)))
        info = np.iinfo(dt)

        def operand(name, shape, sc, zp, const):
            t = act(name, shape, sc, zp, dt)
            if const:
                t["data"] = rng.integers(info.min, info.max + 1, size=shape).astype(dt)
            return t
        t = [operand("lhs", lhs_shape, sc_l, zl, const_lhs), operand("rhs", rhs_shape, sc_r, zr, const_rhs),
             act("out", out_shape, sc_o, zo, dt)]
        inputs = [i for i, c in ((0, const_lhs), (1, const_rhs)) if not c]
        single(label, "BATCH_MATMUL", t, inputs, [2], [0, 1], "BatchMatMulOptions",
               [(0, "B", 1 if adj_x else 0), (1, "B", 1 if adj_y else 0)])

    bmm("bmm8:2x3x4*2x4x5", [2, 3, 4], [2, 4, 5], [2, 3, 5])
    bmm("bmm8:adj_x,adj_y,broadcast", [1, 2, 6, 3], [3, 1, 4, 6], [3, 2, 3, 4], adj_x=True, adj_y=True)
    bmm("bmm8:const-rhs,rank2", [2, 3, 3, 8], [8, 5], [2, 3, 3, 5], const_rhs=True)
    bmm("bmm16:2x3x8*2x8x6", [2, 3, 8], [2, 8, 6], [2, 3, 6], int16=True)
    bmm("bmm16:adj_y,broadcast", [2, 1, 3, 8], [1, 4, 6, 8], [2, 4, 3, 6], adj_y=True, int16=True)
    bmm("bmm16:adj_x,const-lhs", [5, 4], [3, 5, 7], [3, 4, 7], adj_x=True, int16=True, const_lhs=True)

    def pool(label, op, in_shape, f, s, pad, fused, zp=0):
        sc = scale(1e-4, 1e-3)
        out = lambda n, k, st: (n + st - 1) // st if pad == 0 else (n - k + st) // st  # noqa: E731
        out_shape = [in_shape[0], out(in_shape[1], f[0], s[0]), out(in_shape[2], f[1], s[1]), in_shape[3]]
        single(label, op, [act("in", in_shape, sc, zp), act("out", out_shape, sc, zp)], [0], [1], [0],
               "Pool2DOptions", [(0, "b", pad), (1, "i", s[1]), (2, "i", s[0]), (3, "i", f[1]), (4, "i", f[0]),
                                 (5, "b", fused)])

    pool("avgpool16:3x3,s=2,same,relu", "AVERAGE_POOL_2D", [1, 9, 11, 4], (3, 3), (2, 2), 0, 1)
    pool("avgpool16:global,valid", "AVERAGE_POOL_2D", [2, 5, 7, 3], (5, 7), (1, 1), 1, 0)
    pool("maxpool16:2x2,s=2,valid,relu6", "MAX_POOL_2D", [1, 8, 9, 5], (2, 2), (2, 2), 1, 3)
    pool("maxpool16:3x2,s=1x2,same", "MAX_POOL_2D", [1, 6, 7, 2], (3, 2), (1, 2), 0, 0)
    return cases
