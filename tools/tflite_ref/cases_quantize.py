"""Single-operator test models of QUANTIZE and DEQUANTIZE for differential_test.py: every type pair TFLite Micro
runs. Pairs whose input type the differential test does not generate (uint8, and int32 beyond small indices)
are fed by a first conversion in the same model: int8 -> uint8 -> int8, int16 -> int32 -> int8, ..."""
import numpy as np

import tflite_writer


def _act(name, shape, scale, zp, dtype):
    return {"name": name, "shape": list(shape), "dtype": dtype, "scales": [scale], "zero_points": [zp]}


def _scale(rng, lo, hi):
    return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))


# Scale ranges and zero points per type, as converters write them: int16 and int32 symmetric.
def _quant(rng, dtype):
    if dtype == np.int8:
        return _scale(rng, 0.005, 0.2), int(rng.integers(-128, 128))
    if dtype == np.uint8:
        return _scale(rng, 0.005, 0.2), int(rng.integers(0, 256))
    if dtype == np.int16:
        return _scale(rng, 5e-5, 1e-3), 0
    return _scale(rng, 1e-8, 1e-6), 0   # int32: accumulator-like scales


def op_cases(seed=1):
    rng = np.random.default_rng([seed, 114])
    cases = []

    def chain(label, steps, shape=(1, 2, 40, 3)):
        """steps: [(op, tensor)] where tensor is the output of the op; the first tensor is the model input."""
        tensors = [steps[0]]
        ops = []
        for op, t in steps[1:]:
            tensors.append(t)
            ops.append({"op": op, "inputs": [len(tensors) - 2], "outputs": [len(tensors) - 1]})
        for i, t in enumerate(tensors):
            t["shape"] = list(shape)
            t["name"] = "t%d" % i
        cases.append((label, tflite_writer.build_model(tensors, ops, [0], [len(tensors) - 1])))

    def q(dtype, scale=None, zp=None):
        s, z = _quant(rng, dtype)
        return _act("t", [], s if scale is None else scale, z if zp is None else zp, dtype)

    f32 = {"name": "f", "shape": [], "dtype": np.float32}
    # float32 -> int8 / int16 (inputs: normal, sigma 4, sometimes x1000: saturation)
    chain("quantize:f32-s8", [dict(f32), ("QUANTIZE", q(np.int8, 0.05, -3))])
    chain("quantize:f32-s8,fine", [dict(f32), ("QUANTIZE", q(np.int8, 0.0423, 17))])
    chain("quantize:f32-s16", [dict(f32), ("QUANTIZE", q(np.int16, 4e-4, 0))])
    chain("quantize:f32-s16,zp", [dict(f32), ("QUANTIZE", q(np.int16, 1.7e-3, -300))])
    # integer pairs
    chain("quantize:s8-s8,up", [q(np.int8, 0.02, 5), ("QUANTIZE", q(np.int8, 0.05, -20))])
    chain("quantize:s8-s8,down", [q(np.int8, 0.05, -7), ("QUANTIZE", q(np.int8, 0.02, 30))])
    chain("quantize:s8-s16", [q(np.int8), ("QUANTIZE", q(np.int16))])
    chain("quantize:s8-s32", [q(np.int8), ("QUANTIZE", q(np.int32))])
    chain("quantize:s16-s8", [q(np.int16, 3e-4), ("QUANTIZE", q(np.int8, 0.07))])
    chain("quantize:s16-s16", [q(np.int16), ("QUANTIZE", q(np.int16))])
    chain("quantize:s16-s16,zp", [q(np.int16, 3e-4, 100), ("QUANTIZE", q(np.int16, 5e-4, -2000))])
    chain("quantize:s16-s32", [q(np.int16), ("QUANTIZE", q(np.int32))])
    # int32 -> int8 / int16, fed from int16 / int8
    chain("quantize:s16-s32-s8", [q(np.int16, 2e-4), ("QUANTIZE", q(np.int32)), ("QUANTIZE", q(np.int8, 0.05))])
    chain("quantize:s8-s32-s16", [q(np.int8, 0.03), ("QUANTIZE", q(np.int32)), ("QUANTIZE", q(np.int16, 2e-4))])
    # int8 <-> uint8: equal scales and zero points 128 apart (TFLite's XOR 0x80 shortcut), and general
    s, zp = _quant(rng, np.int8)
    chain("quantize:s8-u8-s8,shift128", [q(np.int8, s, zp), ("QUANTIZE", q(np.uint8, s, zp + 128)),
                                         ("QUANTIZE", q(np.int8, s, zp))])
    chain("quantize:s8-u8-s8", [q(np.int8), ("QUANTIZE", q(np.uint8)), ("QUANTIZE", q(np.int8))])
    # DEQUANTIZE int16, uint8 (int8 is tflite_writer's "dequantize")
    chain("dequantize:s16", [q(np.int16), ("DEQUANTIZE", dict(f32))])
    chain("dequantize:s16,zp", [q(np.int16, 2e-4, -1500), ("DEQUANTIZE", dict(f32))])
    chain("dequantize:s8-u8", [q(np.int8), ("QUANTIZE", q(np.uint8)), ("DEQUANTIZE", dict(f32))])
    # a round trip through float
    chain("quantize:s8-f32-s16", [q(np.int8), ("DEQUANTIZE", dict(f32)), ("QUANTIZE", q(np.int16))])
    return cases
