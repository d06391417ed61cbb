"""Reference kernels of the axis-permutation family (the engine's ops/transpose.cc): TRANSPOSE, DEPTH_TO_SPACE,
SPACE_TO_DEPTH, BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND, from TensorFlow Lite Micro's transpose*.cc,
depth_to_space.cc, space_to_depth.cc, batch_to_space_nd.cc, space_to_batch_nd.cc and the reference headers of
the same names.

Pure data movement, written as numpy reshapes and transposes (the TensorFlow definitions):
- DEPTH_TO_SPACE: [n, h, w, (b, b, d)] -> [n, (h, b), (w, b), d]; SPACE_TO_DEPTH the inverse.
- BATCH_TO_SPACE_ND: [(bh, bw, n), h, w, c] -> [n, (h, bh), (w, bw), c], then the crops (top/left first) are cut.
  3-D [n, h, c] tensors are [n, h, 1, c] with block width 1.
- SPACE_TO_BATCH_ND: the padding first, then [n, (h, bh), (w, bw), c] -> [(bh, bw, n), h, w, c]. TFLite Micro
  fills the padding from SpaceToBatchParams::output_offset, a field its Prepare never sets; in a fresh (zeroed)
  arena that is 0, so padded elements are 0 whatever the zero point (TFLite itself pads with the zero point).
"""
import numpy as np


def register(ref):
    def err(op, text):
        return ref.ModelError("op %d %s: %s" % (op.index, op.name, text))

    def block_size(op):
        b = op.opt.scalar(0, "i", 0) if op.opt else 0
        if b < 1:
            raise err(op, "block_size %d" % b)
        return b

    def transpose(model, op, values):
        x, perm = ref._inputs(model, op, values)[:2]
        perm = [int(p) for p in np.asarray(perm).reshape(-1)]
        if sorted(perm) != list(range(x.ndim)):
            raise err(op, "perm %s is not a permutation" % perm)
        return np.transpose(x, perm)

    def depth_to_space(model, op, values):
        x = ref._inputs(model, op, values)[0]
        b = block_size(op)
        n, h, w, c = x.shape
        return x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, -1)

    def space_to_depth(model, op, values):
        x = ref._inputs(model, op, values)[0]
        b = block_size(op)
        n, h, w, c = x.shape
        return x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, -1)

    def as_4d(x):
        return x if x.ndim == 4 else x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])

    def spatial_params(x, block, pads):
        block = [int(v) for v in np.asarray(block).reshape(-1)] + [1]
        pads = np.asarray(pads, dtype=np.int64).reshape(-1, 2).tolist() + [[0, 0]]
        return block[:2], pads[:2]

    def batch_to_space(model, op, values):
        x, block, crops = ref._inputs(model, op, values)[:3]
        to = model.tensors[op.outputs[0]]
        (bh, bw), ((ct, cb), (cl, cr)) = spatial_params(x, block, crops)
        y = as_4d(x)
        nb, h, w, c = y.shape
        n = nb // (bh * bw)
        y = y.reshape(bh, bw, n, h, w, c).transpose(2, 3, 0, 4, 1, 5).reshape(n, h * bh, w * bw, c)
        y = y[:, ct:h * bh - cb, cl:w * bw - cr, :]
        return y.reshape(to.shape)

    def space_to_batch(model, op, values):
        x, block, pads = ref._inputs(model, op, values)[:3]
        to = model.tensors[op.outputs[0]]
        (bh, bw), ((pt, pb), (pl, pr)) = spatial_params(x, block, pads)
        y = np.pad(as_4d(x), [(0, 0), (pt, pb), (pl, pr), (0, 0)], mode="constant", constant_values=0)
        n, h, w, c = y.shape
        y = y.reshape(n, h // bh, bh, w // bw, bw, c).transpose(2, 4, 0, 1, 3, 5).reshape(bh * bw * n, h // bh,
                                                                                         w // bw, c)
        return y.reshape(to.shape)

    return {"TRANSPOSE": transpose, "DEPTH_TO_SPACE": depth_to_space, "SPACE_TO_DEPTH": space_to_depth,
            "BATCH_TO_SPACE_ND": batch_to_space, "SPACE_TO_BATCH_ND": space_to_batch}
