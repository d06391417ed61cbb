#!/usr/bin/python3
"""Differential test: every operator's output of our engine (hil-engine-dump) against the independent numpy
reference (tflite_ref.py) on random inputs.

  differential_test.py --engine-dump PATH --modelgen PATH [--shared-dir DIR] [--work-dir DIR]
                       [--inputs 3] [--seed 20251126]

Before it is trusted, the reference must reproduce TFLite Micro's bytes for every operator of every shared model
(SHARED_DIR/reference). Then, for every zoo model (seed 1), a few single-operator models and every shared
model, K random int8 inputs from a fixed seed go through both; each operator's output must match byte for byte.
Prints "MODEL: N/N ops match on K inputs" per model; on a mismatch exits 1 naming the first model, input,
operator and byte (the input is kept in the work dir to reproduce it). Runs with Debian's /usr/bin/python3 and
fails, naming python3-numpy, if numpy is missing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    sys.exit("differential_test: FAIL: numpy is missing: install the Debian package python3-numpy "
             "(apt-get install -y python3-numpy; it is listed in packages/debian.txt) and run with /usr/bin/python3")

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_ref  # noqa: E402
import tflite_writer  # noqa: E402

ZOO = ["tiny", "kws", "ic", "vww", "ad", "sww"]
SPECS = [
    "conv2d:32x32x16,oc=32,k=3x3,s=2,pad=same,act=relu",
    "conv2d:13x11x5,oc=7,k=5x3,s=1x2,pad=valid,act=relu6",
    "conv2d:49x10x1,oc=64,k=10x4,s=2,pad=same",
    "depthwise:16x16x8,dm=2,k=3x3",
    "depthwise:15x17x6,k=5x3,s=2x1,pad=same,act=relu6,dm=3",
    "depthwise:30x1x40,k=3x1,s=1,pad=valid,dm=2",
    "fc:640,units=128",
    "fc:64,units=10,batch=4,act=relu",
]


def input_bytes(model, rng, k):
    """Input k, every input tensor concatenated: k % 3 == 0 uniform over all values of the type, 1 near the
    tensor's zero point (normal, sigma 12 for int8, 3000 for int16: small real values, unsaturated activations),
    2 only the type's extremes. float32 inputs: real values around the range the tensor's consumer expects
    (normal, sigma 4; k % 3 == 2 adds values far out of range)."""
    parts = []
    for t in model.inputs:
        tt = model.tensors[t]
        n = int(np.prod(tt.shape))
        if tt.type in (9, 7):   # int8, int16
            info = np.iinfo(np.int8 if tt.type == 9 else np.int16)
            sigma = 12.0 if tt.type == 9 else 3000.0
            if k % 3 == 0:
                v = rng.integers(info.min, info.max + 1, size=n)
            elif k % 3 == 1:
                v = np.clip(np.rint(rng.normal(tt.zero_point, sigma, size=n)), info.min, info.max)
            else:
                v = np.where(rng.integers(0, 2, size=n) == 1, info.max, info.min)
            parts.append(v.astype(np.int8 if tt.type == 9 else "<i2").tobytes())
        elif tt.type == 0:      # float32
            v = rng.normal(0.0, 4.0, size=n)
            if k % 3 == 2:
                v = v * 1000.0
            parts.append(v.astype("<f4").tobytes())
        elif tt.type == 2:      # int32 (indices, shapes): small non-negative values
            parts.append(rng.integers(0, 4, size=n).astype("<i4").tobytes())
        else:
            raise tflite_ref.ModelError("input tensor %d is %s; no inputs are generated for that type"
                                        % (t, tflite_ref.TYPE_NAME.get(tt.type, tt.type)))
    return b"".join(parts)


PLAUSIBILITY = {}   # operator -> largest LSB distance of the reference from float math


TFLM_COMPARED = {"files": 0, "refused": 0}


def compare_with_tflm(model, in_path, out_dir, tflm_dump, work):
    """TensorFlow Lite Micro's own reference kernels (hil-tflm-dump, built from a checkout) on the same input:
    every operator output it writes and the final output must equal the engine's. Returns a mismatch text or
    None."""
    tflm_dir = os.path.join(work, "tflm")
    shutil.rmtree(tflm_dir, ignore_errors=True)
    proc = subprocess.run([tflm_dump, model.path, in_path, tflm_dir], capture_output=True, text=True)
    if proc.returncode != 0:
        return "TFLite Micro refuses the model (hil-tflm-dump exit %d): %s" % (proc.returncode, proc.stderr.strip()[-400:])
    names = sorted(f for f in os.listdir(tflm_dir) if f.endswith(".bin") and f != "input.bin")
    for name in names:
        with open(os.path.join(tflm_dir, name), "rb") as f:
            want = f.read()
        try:
            with open(os.path.join(out_dir, name), "rb") as f:
                got = f.read()
        except OSError:
            return "the engine wrote no %s (TFLite Micro did)" % name
        if got != want:
            diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
            return "%s differs from TFLite Micro's: %d bytes vs %d, first differing byte %d" % (name, len(got), len(want),
                                                                                             diff)
        TFLM_COMPARED["files"] += 1
    return None


def compare(label, model, raw, engine_dump, work, tflm_dump=""):
    """Returns (ops matched, ops total, first mismatch text or None)."""
    in_path = os.path.join(work, "input.bin")
    out_dir = os.path.join(work, "engine")
    shutil.rmtree(out_dir, ignore_errors=True)
    with open(in_path, "wb") as f:
        f.write(raw)
    proc = subprocess.run([engine_dump, model.path, in_path, out_dir], capture_output=True, text=True)
    if proc.returncode != 0:
        return 0, len(model.ops), "hil-engine-dump failed (exit %d): %s" % (proc.returncode, proc.stderr.strip())
    if tflm_dump:
        bad = compare_with_tflm(model, in_path, out_dir, tflm_dump, work)
        # Cases labelled "beyond-tflm" exercise what the engine runs and TFLite Micro refuses (int16 where
        # TFLM stops at int8, rank 5, ...): TFLM must refuse them, and the numpy reference judges them.
        if "beyond-tflm" in label:
            if bad is None or not bad.startswith("TFLite Micro refuses"):
                return 0, len(model.ops), ("a beyond-tflm case that TFLite Micro runs: label it as an ordinary case"
                                           if bad is None else bad)
            TFLM_COMPARED["refused"] += 1
        elif bad is not None:
            return 0, len(model.ops), bad
    parts, pos = [], 0
    for t in model.inputs:
        tt = model.tensors[t]
        n = int(np.prod(tt.shape)) * np.dtype(tflite_ref.TYPE_NP[tt.type]).itemsize
        parts.append(raw[pos:pos + n])
        pos += n
    results, values = tflite_ref.run(model, parts)
    for op, t, out in results:   # the reference's own plausibility where no TFLite vector vouches for it
        if op.name in tflite_ref.UNVALIDATED_OPS:
            fm = tflite_ref.float_model_of(model, op, values)
            if fm is not None:
                err = int(np.abs(fm[0].astype(np.int64) - out.astype(np.int64)).max())
                PLAUSIBILITY[op.name] = max(PLAUSIBILITY.get(op.name, 0), err)
                if err > fm[1]:
                    return 0, len(results), ("the reference's %s (operator %d) is %d LSB from float math "
                                             "(tolerance %d): tflite_ref.py is wrong" % (op.name, op.index, err,
                                                                                         fm[1]))
    matched, first = 0, None
    for op, t, out in results:
        name = "op%03d_%s_t%d.bin" % (op.index, op.name, t)
        want = tflite_ref.tensor_bytes(out)
        try:
            with open(os.path.join(out_dir, name), "rb") as f:
                got = f.read()
        except OSError:
            got = None
        if got == want:
            matched += 1
            continue
        if first is None:
            if got is None:
                first = "operator %d %s: the engine wrote no %s" % (op.index, op.name, name)
            elif len(got) != len(want):
                first = "operator %d %s (tensor %d): %d bytes, reference %d" % (op.index, op.name, t, len(got),
                                                                                len(want))
            else:
                dt = out.dtype.newbyteorder("<")
                g_arr, w_arr = np.frombuffer(got, dtype=dt), np.frombuffer(want, dtype=dt)
                i = int(np.flatnonzero(g_arr != w_arr)[0]) if len(g_arr) else 0
                first = ("operator %d %s (tensor %d, %s %s): first differing element %d: engine %s, reference %s "
                         "(%d of %d elements differ)" % (op.index, op.name, t, out.dtype, "x".join(map(str, out.shape)),
                                                         i, g_arr[i], w_arr[i], int(np.sum(g_arr != w_arr)),
                                                         len(g_arr)))
    return matched, len(results), first


def all_op_cases(seed):
    """The single-operator cases of tflite_writer.op_cases() and of every cases_<family>.py beside this file (each
    with op_cases(seed) -> [(label, model bytes)])."""
    import glob
    import importlib
    cases = list(tflite_writer.op_cases(seed=seed))
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "cases_*.py"))):
        module = importlib.import_module(os.path.basename(path)[:-3])
        cases += module.op_cases(seed=seed)
        # Models whose state lives from one Invoke to the next: the first Invoke is compared here (the
        # dump tools run one); several Invokes are the gtests' business.
        if hasattr(module, "stateful_cases"):
            cases += [(label, blob) for label, blob, _ in module.stateful_cases(seed=seed)]
    labels = [c[0] for c in cases]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise RuntimeError("case labels used twice: " + ", ".join(dup))
    return cases


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine-dump", required=True)
    ap.add_argument("--modelgen", required=True)
    ap.add_argument("--tflm-dump", default="", help="hil-tflm-dump: TensorFlow Lite Micro must agree with the engine too")
    ap.add_argument("--shared-dir", default="")
    ap.add_argument("--work-dir", default="")
    ap.add_argument("--inputs", type=int, default=3, help="random inputs per model")
    ap.add_argument("--seed", type=int, default=20251126)
    ap.add_argument("--only", action="append", default=[], help="run only this model label (repeatable)")
    args = ap.parse_args(argv)
    for tool in (args.engine_dump, args.modelgen):
        if not os.access(tool, os.X_OK):
            print("differential_test: FAIL: %s is not an executable (build hil-engine-dump and hil-modelgen)" % tool)
            return 1
    work = args.work_dir or tempfile.mkdtemp(prefix="hil-differential-")
    os.makedirs(work, exist_ok=True)
    start = time.time()

    fails = tflite_ref.selftest()
    if fails:
        print("differential_test: FAIL: tflite_ref.py selftest: " + "; ".join(fails))
        return 1
    shared = args.shared_dir
    if shared:
        print("== the reference against TFLite Micro (%s/reference)" % shared)
        if tflite_ref.validate(shared) != 0:
            print("differential_test: FAIL: tflite_ref.py does not reproduce TFLite Micro's reference outputs; "
                  "it cannot judge the engine")
            return 1
    else:
        print("== no shared dir: the reference is not re-validated against TFLite Micro here")

    cases = []   # (label, model path)
    models_dir = os.path.join(work, "models")
    os.makedirs(models_dir, exist_ok=True)
    for i, name in enumerate(ZOO + SPECS):
        label = name if name in ZOO else "spec%d[%s]" % (i - len(ZOO), name)
        path = os.path.join(models_dir, (name if name in ZOO else "spec%d" % (i - len(ZOO))) + ".tflite")
        proc = subprocess.run([args.modelgen, name, "--seed", "1", "-o", path], capture_output=True, text=True)
        if proc.returncode != 0:
            print("differential_test: FAIL: hil-modelgen %s: %s" % (name, proc.stderr.strip()))
            return 1
        cases.append((label, path))
    for label, blob in all_op_cases(seed=1):
        path = os.path.join(models_dir, "op_" + "".join(c if c.isalnum() else "_" for c in label) + ".tflite")
        with open(path, "wb") as f:
            f.write(blob)
        cases.append(("op[%s]" % label, path))
    if shared:
        mdir = os.path.join(shared, "models")
        for f in sorted(os.listdir(mdir)):
            if f.endswith(".tflite"):
                cases.append(("shared/" + f[:-len(".tflite")], os.path.join(mdir, f)))
    if args.only:
        keep = set(args.only)
        cases = [c for c in cases if c[0] in keep]

    print("== engine vs reference, %d random inputs per model (seed %d)" % (args.inputs, args.seed))
    failures = []
    for label, path in cases:
        model = tflite_ref.load(path)
        model.path = path
        case_work = os.path.join(work, "".join(c if c.isalnum() else "_" for c in label))
        os.makedirs(case_work, exist_ok=True)
        ok_ops, total_ops, bad = len(model.ops), len(model.ops), None
        t0 = time.time()
        for k in range(args.inputs):
            rng = np.random.default_rng([args.seed, k])
            raw = input_bytes(model, rng, k)
            matched, total, first = compare(label, model, raw, args.engine_dump, case_work, args.tflm_dump)
            ok_ops = min(ok_ops, matched)
            if first is not None and bad is None:
                bad = "model %s, input %d (numpy default_rng([%d, %d]), kept as %s/input.bin): %s" % (
                    label, k, args.seed, k, case_work, first)
                break   # keep this input on disk for reproduction
        ran = k + 1
        line = "%-58s %d/%d ops match on %d input%s  (%.1f s)" % (
            label + ":", ok_ops, total_ops, ran, "" if ran == 1 else "s", time.time() - t0)
        print(line + ("" if bad is None else "  MISMATCH"), flush=True)
        if bad is not None:
            failures.append(bad)
    print("== reference vs float math, largest error in LSB (unvalidated kernels): " +
          ", ".join("%s %d" % kv for kv in sorted(PLAUSIBILITY.items())))
    if args.tflm_dump:
        print("== TensorFlow Lite Micro (%s) agreed on %d operator outputs; refused the %d runs of beyond-tflm cases, "
              "as it should" % (args.tflm_dump, TFLM_COMPARED["files"], TFLM_COMPARED["refused"]))
    else:
        print("== no --tflm-dump: the engine is not compared with TensorFlow Lite Micro here")
    print("== %d models in %.1f s" % (len(cases), time.time() - start))
    if failures:
        print("differential_test: FAIL: %d model(s) differ; first: %s" % (len(failures), failures[0]))
        for f in failures[1:]:
            print("  also: " + f)
        return 1
    print("differential_test: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
