#!/usr/bin/python3
"""Writes fuzz seeds: every single-operator case model of tools/tflite_ref (tflite_writer.op_cases and each
cases_<family>.py's op_cases(seed=1), one model per operator family, type combination and option variant) as
op_<label>.tflite into OUT_DIR. With --shared-dir, also copies the shared third-party models (MLPerf Tiny,
TFLM's SEANet layers) into --shared-out: those are not ours to commit, so keep that folder outside the tree.

  /usr/bin/python3 target-agent/engine/fuzz/write_op_seeds.py target-agent/engine/fuzz/corpus
  /usr/bin/python3 target-agent/engine/fuzz/write_op_seeds.py /tmp/seeds_ops \\
      --shared-dir /work/shared --shared-out /tmp/seeds_shared
"""
import argparse
import glob
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tools", "tflite_ref"))

import differential_test  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--shared-dir", help="the shared folder (models/*.tflite, models/tflm-seanet/*/*.tflite)")
    ap.add_argument("--shared-out", help="where the shared models go (not inside the repository)")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    names, total = set(), 0
    for label, blob in differential_test.all_op_cases(seed=1):
        name = "op_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", label)[:100] + ".tflite"
        if name in names:
            sys.exit("two case labels map to %s: make the labels differ in letters or digits" % name)
        names.add(name)
        with open(os.path.join(args.out_dir, name), "wb") as f:
            f.write(blob)
        total += len(blob)
    print("%d operator seeds, %d bytes, in %s" % (len(names), total, args.out_dir))
    if args.shared_dir:
        if not args.shared_out:
            sys.exit("--shared-dir needs --shared-out (a folder outside the repository)")
        os.makedirs(args.shared_out, exist_ok=True)
        models = os.path.join(args.shared_dir, "models")
        paths = sorted(glob.glob(os.path.join(models, "*.tflite")) +
                       glob.glob(os.path.join(models, "tflm-seanet", "*", "*.tflite")))
        for p in paths:
            rel = os.path.relpath(p, models).replace(os.sep, "_")
            shutil.copyfile(p, os.path.join(args.shared_out, rel))
        print("%d shared models in %s" % (len(paths), args.shared_out))


if __name__ == "__main__":
    main()
