"""Reference kernels of the resize family (the engine's ops/resize.cc): RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR,
from TensorFlow Lite Micro's resize_nearest_neighbor.cc, resize_bilinear.cc and reference/resize_nearest_neighbor.h,
resize_bilinear.h. Neither requantizes: values (or interpolations of the raw values) keep the input's scale.

- Nearest neighbour (any type): per axis, in float32, scale = in/out (align_corners with out > 1: (in-1)/(out-1)),
  source = floor((i + offset) * scale) (offset 0.5 with half_pixel_centers), rounded half away from zero instead
  of floored with align_corners, then at most in-1 (and at least 0).
- Bilinear int8 (integer, Q10): scale = (1024*in + out/2) // out (align_corners: (1024*(in-1) + (out-1)/2) //
  (out-1)); source s = i*scale (half_pixel_centers: i*scale + scale/2 - 512); lower index max(s/1024 truncated
  toward zero, 0), upper min(ceil-ish (s + 1023)/1024, in-1); weights (1024 - (s - 1024*lower)) and
  (s - 1024*lower) per axis; the four products summed in int64 (Q20), then (sum + 2^19 * sign) / 2^20 truncated
  toward zero (a zero sum takes the negative nudge).
- Bilinear float32: the same in float32 (source (i + 0.5) * scale - 0.5 with half_pixel_centers, floor / ceil),
  each product and sum rounded to float32 in TFLite's order, then + 0.
"""
import numpy as np

INT8, FLOAT32 = 9, 0


def register(ref):
    def err(op, text):
        return ref.ModelError("op %d %s: %s" % (op.index, op.name, text))

    def flags(op, first):
        if not op.opt:
            return False, False
        return bool(op.opt.scalar(first, "B", 0)), bool(op.opt.scalar(first + 1, "B", 0))

    def nearest_indices(n_in, n_out, align, half):
        f = np.float32
        if align and n_out > 1:
            scale = f(n_in - 1) / f(n_out - 1)
        else:
            scale = f(n_in) / f(n_out)
        pos = (np.arange(n_out, dtype=np.float32) + f(0.5 if half else 0.0)) * scale
        if align:
            fl = np.floor(pos)
            src = fl + (pos - fl >= f(0.5))   # half away from zero (pos >= 0); pos - floor is exact
        else:
            src = np.floor(pos)
        return np.clip(src.astype(np.int64), 0, n_in - 1)

    def resize_nearest(model, op, values):
        x = ref._inputs(model, op, values)[0]
        to = model.tensors[op.outputs[0]]
        align, half = flags(op, 0)
        ys = nearest_indices(x.shape[1], to.shape[1], align, half)
        xs = nearest_indices(x.shape[2], to.shape[2], align, half)
        return x[:, ys][:, :, xs]

    def c_div(a, b):   # C integer division: truncates toward zero
        q = np.abs(a) // b
        return np.where(a < 0, -q, q)

    def q10_axis(op, n_in, n_out, align, half):
        if align and n_out > 1:
            scale = (1024 * (n_in - 1) + (n_out - 1) // 2) // (n_out - 1)
        else:
            scale = (1024 * n_in + n_out // 2) // n_out
        i = np.arange(n_out, dtype=np.int64)
        s = i * scale + (scale // 2 - 512 if half else 0)
        lo = np.maximum(c_div(s, 1024), 0)
        hi = np.minimum(c_div(s + 1023, 1024), n_in - 1)
        if np.any(lo >= n_in):
            raise err(op, "source index past the input")
        w_hi = s - 1024 * lo
        return lo, hi, 1024 - w_hi, w_hi

    def float_axis(n_in, n_out, align, half):
        f = np.float32
        scale = f(n_in - 1) / f(n_out - 1) if align and n_out > 1 else f(n_in) / f(n_out)
        i = np.arange(n_out, dtype=np.float32)
        s = (i + f(0.5)) * scale - f(0.5) if half else i * scale
        lo = np.maximum(np.floor(s).astype(np.int64), 0)
        hi = np.minimum(np.ceil(s).astype(np.int64), n_in - 1)
        return lo, hi, s

    def resize_bilinear(model, op, values):
        x = ref._inputs(model, op, values)[0]
        ti, to = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
        align, half = flags(op, 2)
        if align and half:
            raise err(op, "align_corners with half_pixel_centers")
        oh, ow = to.shape[1], to.shape[2]
        if ti.type == INT8:
            y0, y1, wy0, wy1 = q10_axis(op, x.shape[1], oh, align, half)
            x0, x1, wx0, wx1 = q10_axis(op, x.shape[2], ow, align, half)
            v = x.astype(np.int64)

            def corner(ys, xs, wy, wx):
                return v[:, ys][:, :, xs] * wy[None, :, None, None] * wx[None, None, :, None]

            acc = corner(y0, x0, wy0, wx0) + corner(y1, x0, wy1, wx0) + corner(y0, x1, wy0, wx1) + \
                corner(y1, x1, wy1, wx1)
            r = c_div(acc + np.where(acc > 0, 1 << 19, -(1 << 19)), 1 << 20)
            return r.astype(np.int8)
        if ti.type != FLOAT32:
            raise err(op, "only int8 and float32")
        y0, y1, sy = float_axis(x.shape[1], oh, align, half)
        x0, x1, sx = float_axis(x.shape[2], ow, align, half)
        f = np.float32
        dy = (sy - y0.astype(np.float32))[None, :, None, None]
        dx = (sx - x0.astype(np.float32))[None, None, :, None]
        ny, nx = f(1) - dy, f(1) - dx

        def at(ys, xs):
            return x[:, ys][:, :, xs]

        out = at(y0, x0) * ny * nx + at(y1, x0) * dy * nx
        out = out + at(y0, x1) * ny * dx
        out = out + at(y1, x1) * dy * dx
        return (out + f(0)).astype(np.float32)

    return {"RESIZE_NEAREST_NEIGHBOR": resize_nearest, "RESIZE_BILINEAR": resize_bilinear}
