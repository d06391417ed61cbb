"""Single-operator test models of the resize family for differential_test.py: RESIZE_NEAREST_NEIGHBOR (int8,
int16, float32) and RESIZE_BILINEAR (int8 with the integer Q10 path, float32), up and down, with align_corners,
half_pixel_centers and (nearest neighbour only, as TensorFlow Lite refuses it for bilinear) both.
"""
import numpy as np

import tflite_writer


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 97])
    cases = []

    def act(name, shape, dtype):
        t = {"name": name, "shape": list(shape), "dtype": dtype}
        if dtype == np.int8:
            t.update(scales=[0.02], zero_points=[int(rng.integers(-128, 128))])
        elif dtype == np.int16:
            t.update(scales=[0.0005], zero_points=[0])
        return t

    def model(label, op, dt, shape, out_hw, align, half):
        x = act("in", shape, dt)
        out = dict(x, name="out", shape=[shape[0], out_hw[0], out_hw[1], shape[3]])
        size = {"name": "size", "shape": [2], "dtype": np.int32, "data": np.asarray(out_hw, dtype=np.int32)}
        if op == "RESIZE_BILINEAR":   # new_height, new_width (deprecated), align_corners, half_pixel_centers
            opts, otype = [(2, "B", int(align)), (3, "B", int(half))], "ResizeBilinearOptions"
        else:
            opts, otype = [(0, "B", int(align)), (1, "B", int(half))], "ResizeNearestNeighborOptions"
        ops = [{"op": op, "inputs": [0, 1], "outputs": [2], "options_type": otype, "options": opts}]
        flags = ("align" if align else "") + ("," if align and half else "") + ("half" if half else "")
        label = "%s:%s,%dx%d->%dx%d%s" % (op.lower(), label, shape[1], shape[2], out_hw[0], out_hw[1],
                                          "," + flags if flags else "")
        cases.append((label, tflite_writer.build_model([x, size, out], ops, [0], [2])))

    for dt, label, shape, out_hw, align, half in [
            (np.int8, "int8", [1, 4, 5, 3], [8, 10], False, False),
            (np.int16, "int16", [2, 5, 3, 2], [3, 7], True, False),
            (np.int8, "int8", [1, 3, 3, 4], [7, 5], False, True),
            (np.int8, "int8", [1, 4, 4, 1], [9, 6], True, True),
            (np.float32, "float32", [1, 6, 4, 2], [3, 9], False, True),
            (np.int16, "int16", [1, 7, 9, 2], [3, 4], False, False),
            (np.int8, "int8", [1, 5, 4, 2], [1, 1], True, False)]:
        model(label, "RESIZE_NEAREST_NEIGHBOR", dt, shape, out_hw, align, half)
    for dt, shape, out_hw, align, half in [
            (np.int8, [1, 4, 5, 3], [8, 10], False, False),
            (np.int8, [1, 3, 4, 2], [7, 9], True, False),
            (np.int8, [2, 5, 3, 3], [4, 8], False, True),
            (np.int8, [1, 2, 2, 1], [9, 11], False, True),
            (np.int8, [1, 9, 7, 2], [4, 3], False, False),
            (np.int8, [1, 6, 6, 2], [1, 1], True, False),
            (np.float32, [1, 4, 4, 2], [7, 5], False, True),
            (np.float32, [1, 3, 3, 1], [5, 8], True, False),
            (np.float32, [2, 5, 6, 2], [3, 13], False, False)]:
        model({np.int8: "int8", np.float32: "float32"}[dt], "RESIZE_BILINEAR", dt, shape, out_hw, align, half)
    return cases
