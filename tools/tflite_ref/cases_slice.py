"""Single-operator test models of the slicing family for differential_test.py: STRIDED_SLICE, SLICE,
DYNAMIC_UPDATE_SLICE, REVERSE_V2, GATHER, GATHER_ND and EMBEDDING_LOOKUP over the element types TensorFlow Lite
Micro moves with them (int8, int16, int32, float32) and the option variants (masks, negative and clamped indices,
negative strides, shrunk axes, batch_dims, negative axes, int64 index vectors, hybrid lookups).

Index tensors are constant, or model inputs: the differential test fills int32 inputs with 0..3, so the shapes of
those cases keep every such index in range. Labels marked "beyond-tflm" use what TensorFlow Lite Micro refuses but
TensorFlow Lite runs (5-D STRIDED_SLICE, int16 / int32 GATHER params, int64 GATHER indices).
"""
import numpy as np

import tflite_writer

INT8_RANGE = (-128, 128)


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 45])
    cases = []

    def q(name, shape, dtype):
        """A quantized activation (int8 / int16) or a plain one (int32, float32)."""
        t = {"name": name, "shape": list(shape), "dtype": dtype}
        if dtype == np.int8:
            t.update(scales=[float(np.float32(rng.uniform(0.01, 0.1)))], zero_points=[int(rng.integers(*INT8_RANGE))])
        elif dtype == np.int16:
            t.update(scales=[float(np.float32(rng.uniform(1e-4, 1e-3)))], zero_points=[0])
        return t

    def const(name, values, dtype, shape=None):
        arr = np.asarray(values, dtype=dtype)
        if shape is not None:
            arr = arr.reshape(shape)
        return {"name": name, "shape": list(arr.shape), "dtype": dtype, "data": arr}

    def same_quant(out, src):
        if "scales" in src:
            out = dict(out, scales=src["scales"], zero_points=src["zero_points"])
        return out

    def model(label, op, tensors, op_inputs, options_type=None, options=()):
        """Tensor 0.. as listed, the last one the output; tensors without data are model inputs."""
        out = len(tensors) - 1
        inputs = [i for i in op_inputs if tensors[i].get("data") is None]
        ops = [{"op": op, "inputs": op_inputs, "outputs": [out], "options_type": options_type,
                "options": list(options)}]
        cases.append((label, tflite_writer.build_model(tensors, ops, inputs, [out])))

    # ---- STRIDED_SLICE: (label, dtype, shape, begin, end, strides, begin_mask, end_mask, shrink, out shape) ----
    for label, dt, shape, b, e, s, bm, em, sm, out in [
            ("int8,strides", np.int8, [1, 8, 10, 6], [0, 1, 2, 0], [1, 7, 9, 6], [1, 2, 3, 1], 0, 0, 0, [1, 3, 3, 6]),
            ("int16,negative-strides,masks", np.int16, [2, 6, 7, 3], [0, -1, 5, 0], [2, 0, -8, 3], [1, -1, -2, 1],
             1, 4, 0, [2, 5, 3, 3]),
            ("int8,shrink", np.int8, [3, 4, 5], [1, 0, -2], [2, 4, 0], [1, 1, 1], 0, 0, 5, [4]),
            ("float32,clamped", np.float32, [5, 6], [-10, 2], [100, 50], [2, 1], 0, 0, 0, [3, 4]),
            ("int32,reverse", np.int32, [9], [0], [0], [-1], 1, 1, 0, [9]),
            ("int16,seanet-like", np.int16, [1, 8, 16, 2], [0, -6, 0, 0], [0, 0, 0, 2], [1, 1, 1, 1], 13, 15, 0,
             [1, 6, 16, 2]),
            ("int8,negative-stride-clamp", np.int8, [7, 4], [20, -1], [-20, 0], [-3, -1], 0, 2, 0, [3, 4]),
            ("int8,shrink-last,end-mask", np.int8, [2, 3, 6], [0, 1, -1], [0, 0, 0], [1, 1, 1], 1, 3, 4, [2, 2]),
            ("int8,5d,beyond-tflm", np.int8, [2, 3, 4, 5, 6], [0, 1, 0, 4, 1], [2, 3, 4, 0, 6], [1, 1, 2, -2, 2],
             0, 0, 0, [2, 2, 2, 2, 3])]:
        x = q("in", shape, dt)
        model("strided_slice:" + label, "STRIDED_SLICE",
              [x, const("begin", b, np.int32), const("end", e, np.int32), const("strides", s, np.int32),
               same_quant(q("out", out, dt), x)],
              [0, 1, 2, 3], "StridedSliceOptions",
              [(0, "i", bm), (1, "i", em), (2, "i", 0), (3, "i", 0), (4, "i", sm)])

    # ---- SLICE ----
    for label, dt, shape, b, s, idt, out in [
            ("int8", np.int8, [2, 5, 6, 4], [0, 1, 2, 1], [2, 3, -1, 2], np.int32, [2, 3, 4, 2]),
            ("int16,int64-begin", np.int16, [3, 7, 5], [1, 2, 0], [2, -1, 5], np.int64, [2, 5, 5]),
            ("float32", np.float32, [10], [3], [6], np.int32, [6]),
            ("int32,5d", np.int32, [2, 2, 3, 4, 3], [1, 0, 1, 2, 0], [1, 2, 2, 2, -1], np.int32, [1, 2, 2, 2, 3])]:
        x = q("in", shape, dt)
        model("slice:" + label, "SLICE", [x, const("begin", b, idt), const("size", s, idt),
                                          same_quant(q("out", out, dt), x)], [0, 1, 2], "SliceOptions")
    x = q("in", [6, 7], np.int8)
    model("slice:int8,runtime-begin", "SLICE",
          [x, {"name": "begin", "shape": [2], "dtype": np.int32}, const("size", [3, 4], np.int32),
           same_quant(q("out", [3, 4], np.int8), x)], [0, 1, 2], "SliceOptions")

    # ---- DYNAMIC_UPDATE_SLICE: operand, update, start indices ----
    x = q("operand", [4, 6], np.int8)
    model("dynamic_update_slice:int8,runtime-indices", "DYNAMIC_UPDATE_SLICE",
          [x, same_quant(q("update", [2, 3], np.int8), x), {"name": "starts", "shape": [2], "dtype": np.int32},
           same_quant(q("out", [4, 6], np.int8), x)], [0, 1, 2], "DynamicUpdateSliceOptions")
    x = q("operand", [3, 5, 4], np.int16)
    model("dynamic_update_slice:int16,int64-clamped", "DYNAMIC_UPDATE_SLICE",
          [x, same_quant(q("update", [2, 2, 4], np.int16), x), const("starts", [-1, 5, 2], np.int64),
           same_quant(q("out", [3, 5, 4], np.int16), x)], [0, 1, 2], "DynamicUpdateSliceOptions")
    model("dynamic_update_slice:float32,const-update", "DYNAMIC_UPDATE_SLICE",
          [q("operand", [5, 3], np.float32), const("update", rng.normal(size=(1, 3)), np.float32),
           const("starts", [2, 0], np.int32), q("out", [5, 3], np.float32)], [0, 1, 2], "DynamicUpdateSliceOptions")
    model("dynamic_update_slice:int32,whole", "DYNAMIC_UPDATE_SLICE",
          [q("operand", [2, 3], np.int32), q("update", [2, 3], np.int32), const("starts", [1, 1], np.int32),
           q("out", [2, 3], np.int32)], [0, 1, 2], "DynamicUpdateSliceOptions")

    # ---- REVERSE_V2 ----
    for label, dt, shape, axes in [("int8,axis1", np.int8, [2, 3, 4], [1]),
                                   ("int16,axes-1,1", np.int16, [3, 4, 5], [-1, 1]),
                                   ("float32,all", np.float32, [4, 5], [0, 1]),
                                   ("int32,1d", np.int32, [6], [0]),
                                   ("int8,leading", np.int8, [3, 2, 5, 2], [0, 1])]:
        x = q("in", shape, dt)
        model("reverse_v2:" + label, "REVERSE_V2", [x, const("axis", axes, np.int32),
                                                    same_quant(q("out", shape, dt), x)], [0, 1], "ReverseV2Options")

    # ---- GATHER: (label, params dtype, params shape, indices (array or runtime shape), idx dtype, axis,
    #      batch_dims, out shape) ----
    for label, dt, shape, idx, idt, axis, bd, out in [
            ("int8,axis0", np.int8, [5, 4], [4, 0, 2], np.int32, 0, 0, [3, 4]),
            ("float32,axis1,runtime", np.float32, [3, 6, 2], ("runtime", [2, 3]), np.int32, 1, 0, [3, 2, 3, 2]),
            ("int8,batch_dims1", np.int8, [2, 5, 3], [[4, 1, 1, 0], [2, 3, 0, 4]], np.int32, 1, 1, [2, 4, 3]),
            ("int8,axis-1,batch_dims-1", np.int8, [2, 3, 5], [[1, 4], [0, 0]], np.int32, -1, -1, [2, 3, 2]),
            ("int8,scalar-index", np.int8, [4, 3], 2, np.int32, 0, 0, [3]),
            ("int16,int64-indices,beyond-tflm", np.int16, [3, 7], [[6, 0], [3, 3]], np.int64, -1, 0, [3, 2, 2]),
            ("int32,beyond-tflm", np.int32, [6, 2], ("runtime", [5]), np.int32, 0, 0, [5, 2])]:
        x = q("params", shape, dt)
        it = ({"name": "indices", "shape": idx[1], "dtype": idt} if isinstance(idx, tuple)
              else const("indices", idx, idt))
        model("gather:" + label, "GATHER", [x, it, same_quant(q("out", out, dt), x)], [0, 1], "GatherOptions",
              [(0, "i", axis), (1, "i", bd)])

    # ---- GATHER_ND ----
    for label, dt, shape, idx, out in [
            ("int8,depth2", np.int8, [4, 5, 3], [[3, 1], [0, 4]], [2, 3]),
            ("float32,runtime", np.float32, [4, 5], ("runtime", [3, 1]), [3, 5]),
            ("int8,full-depth", np.int8, [3, 4], [[2, 3], [0, 1], [1, 0]], [3]),
            ("int16,batched,beyond-tflm", np.int16, [3, 4, 2], [[[1], [2]], [[0], [0]]], [2, 2, 4, 2])]:
        x = q("params", shape, dt)
        it = ({"name": "indices", "shape": idx[1], "dtype": np.int32} if isinstance(idx, tuple)
              else const("indices", idx, np.int32))
        model("gather_nd:" + label, "GATHER_ND", [x, it, same_quant(q("out", out, dt), x)], [0, 1],
              "GatherNdOptions")

    # ---- EMBEDDING_LOOKUP: ids (input 0), value table (input 1) ----
    table = {"name": "value", "shape": [5, 4], "dtype": np.int8, "data": rng.integers(-128, 128, size=(5, 4)),
             "scales": [0.05], "zero_points": [3]}
    model("embedding_lookup:int8", "EMBEDDING_LOOKUP",
          [{"name": "ids", "shape": [3], "dtype": np.int32}, table,
           {"name": "out", "shape": [3, 4], "dtype": np.int8, "scales": [0.05], "zero_points": [3]}], [0, 1])
    table = {"name": "value", "shape": [6, 2, 3], "dtype": np.int8, "data": rng.integers(-128, 128, size=(6, 2, 3)),
             "scales": [float(np.float32(0.037))], "zero_points": [0]}
    model("embedding_lookup:hybrid-int8-to-float32", "EMBEDDING_LOOKUP",
          [{"name": "ids", "shape": [4], "dtype": np.int32}, table, {"name": "out", "shape": [4, 2, 3], "dtype": np.float32}],
          [0, 1])
    model("embedding_lookup:float32", "EMBEDDING_LOOKUP",
          [{"name": "ids", "shape": [2], "dtype": np.int32}, const("value", rng.normal(size=(4, 3)), np.float32),
           {"name": "out", "shape": [2, 3], "dtype": np.float32}], [0, 1])
    return cases
