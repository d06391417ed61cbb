#!/usr/bin/python3
"""Which operators and type combinations the project's own single-operator test models cover.

  coverage.py [--markdown]

Reads every case of tflite_writer.op_cases() and tools/tflite_ref/cases_*.py (the models
differential_test.py runs through the engine, the numpy reference and TensorFlow Lite Micro) and prints,
per operator, the number of case models and the distinct input -> output type signatures they have.
"""
import argparse
import collections
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential_test  # noqa: E402
import tflite_ref  # noqa: E402


def signature(model, op):
    name = lambda t: "-" if t < 0 else tflite_ref.TYPE_NAME.get(model.tensors[t].type, "?")  # noqa: E731
    return ",".join(name(t) for t in op.inputs) + "->" + ",".join(name(t) for t in op.outputs)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--markdown", action="store_true", help="a markdown table")
    args = ap.parse_args(argv)
    models = collections.Counter()
    signatures = collections.defaultdict(collections.Counter)
    beyond = collections.Counter()
    cases = differential_test.all_op_cases(seed=1)
    for label, blob in cases:
        model = tflite_ref.Model(blob)
        for op in model.ops:
            models[op.name] += 1
            signatures[op.name][signature(model, op)] += 1
            if "beyond-tflm" in label:
                beyond[op.name] += 1
    if args.markdown:
        print("| operator | case models | type signatures (inputs -> outputs: models) |")
        print("|---|---|---|")
    for name in sorted(models):
        sigs = "; ".join("%s: %d" % kv for kv in sorted(signatures[name].items()))
        extra = " (%d beyond TFLM)" % beyond[name] if beyond[name] else ""
        if args.markdown:
            print("| %s | %d%s | %s |" % (name, models[name], extra, sigs))
        else:
            print("%-28s %4d%s  %s" % (name, models[name], extra, sigs))
    print("%d case models, %d operators, %d type signatures" % (len(cases), len(models),
                                                               sum(len(v) for v in signatures.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
