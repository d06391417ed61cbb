"""Single-operator test models of the axis-permutation family for differential_test.py: TRANSPOSE, DEPTH_TO_SPACE,
SPACE_TO_DEPTH, BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND over int8, int16, int32 and float32, 3-D and 4-D forms,
crops and paddings (including an int8 zero point away from 0, where TensorFlow Lite Micro's padding value shows).
Labels marked "beyond-tflm" use types TensorFlow Lite Micro refuses for the operator (it has int8 and float32 only
for the block moves).
"""
import numpy as np

import tflite_writer


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 39])
    cases = []

    def act(name, shape, dtype, zp=None):
        t = {"name": name, "shape": list(shape), "dtype": dtype}
        if dtype == np.int8:
            t.update(scales=[0.05], zero_points=[int(rng.integers(-128, 128)) if zp is None else zp])
        elif dtype == np.int16:
            t.update(scales=[0.0005], zero_points=[0])
        return t

    def like(t, name, shape):
        return dict(t, name=name, shape=list(shape))

    def const(name, values):
        arr = np.asarray(values, dtype=np.int32)
        return {"name": name, "shape": list(arr.shape), "dtype": np.int32, "data": arr}

    def model(label, op, tensors, options_type=None, options=()):
        out = len(tensors) - 1
        ins = list(range(out))
        ops = [{"op": op, "inputs": ins, "outputs": [out], "options_type": options_type, "options": list(options)}]
        cases.append((label, tflite_writer.build_model(tensors, ops, [0], [out])))

    for label, dt, shape, perm in [("int8,3d", np.int8, [2, 3, 4], [2, 0, 1]),
                                   ("int16,nhwc-to-nchw", np.int16, [1, 4, 5, 3], [0, 3, 1, 2]),
                                   ("float32,5d", np.float32, [2, 3, 4, 5, 2], [4, 2, 0, 3, 1]),
                                   ("int32,2d,beyond-tflm", np.int32, [3, 5], [1, 0]),
                                   ("int8,identity", np.int8, [2, 3, 4], [0, 1, 2])]:
        x = act("in", shape, dt)
        model("transpose:" + label, "TRANSPOSE", [x, const("perm", perm), like(x, "out", [shape[p] for p in perm])],
              "TransposeOptions")

    for label, dt, shape, b in [("int8,b2", np.int8, [1, 3, 4, 8], 2), ("float32,b3", np.float32, [2, 2, 3, 9], 3),
                                ("int16,b2,beyond-tflm", np.int16, [1, 2, 2, 12], 2)]:
        x = act("in", shape, dt)
        n, h, w, c = shape
        model("depth_to_space:" + label, "DEPTH_TO_SPACE", [x, like(x, "out", [n, h * b, w * b, c // (b * b)])],
              "DepthToSpaceOptions", [(0, "i", b)])
    for label, dt, shape, b in [("int8,b2", np.int8, [1, 6, 8, 3], 2), ("float32,b3", np.float32, [2, 6, 9, 2], 3),
                                ("int16,b2,beyond-tflm", np.int16, [1, 4, 2, 3], 2)]:
        x = act("in", shape, dt)
        n, h, w, c = shape
        model("space_to_depth:" + label, "SPACE_TO_DEPTH", [x, like(x, "out", [n, h // b, w // b, c * b * b])],
              "SpaceToDepthOptions", [(0, "i", b)])

    # BATCH_TO_SPACE_ND: (label, dtype, input shape, block, crops, output shape)
    for label, dt, shape, block, crops, out in [
            ("int8,4d,crops", np.int8, [8, 3, 4, 2], [2, 2], [[0, 1], [1, 0]], [2, 5, 7, 2]),
            ("float32,3d", np.float32, [6, 4, 3], [3], [[1, 2]], [2, 9, 3]),
            ("int8,4d,2x3", np.int8, [6, 2, 2, 3], [2, 3], [[0, 0], [0, 0]], [1, 4, 6, 3])]:
        x = act("in", shape, dt)
        model("batch_to_space_nd:" + label, "BATCH_TO_SPACE_ND",
              [x, const("block", block), const("crops", crops), like(x, "out", out)], "BatchToSpaceNDOptions")
    # SPACE_TO_BATCH_ND: padded elements show TensorFlow Lite Micro's padding value (see ref_transpose.py)
    for label, dt, shape, block, pads, out, zp in [
            ("int8,4d,pads,zp", np.int8, [2, 5, 7, 3], [2, 3], [[1, 0], [1, 1]], [12, 3, 3, 3], 37),
            ("float32,3d", np.float32, [2, 5, 2], [2], [[0, 1]], [4, 3, 2], None),
            ("int8,4d,no-pad", np.int8, [1, 4, 6, 2], [2, 2], [[0, 0], [0, 0]], [4, 2, 3, 2], None)]:
        x = act("in", shape, dt, zp)
        model("space_to_batch_nd:" + label, "SPACE_TO_BATCH_ND",
              [x, const("block", block), const("paddings", pads), like(x, "out", out)], "SpaceToBatchNDOptions")
    return cases
