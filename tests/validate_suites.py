#!/usr/bin/env python3
"""Validates suite files against docs/suite.schema.json (python3-jsonschema, python3-yaml).

    validate_suites.py SCHEMA SUITE.yaml...     exit 0 when every suite is valid
    validate_suites.py --self-test SCHEMA       the schema refuses known-bad suites
"""
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    sys.exit(f"validate_suites.py: {e}: apt-get install python3-jsonschema python3-yaml")
import json


def validator(schema_path):
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(v, doc):
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top level)'}: {e.message}" for e in v.iter_errors(doc)]


BAD = {
    "unknown top-level field": "name: s\nmodels: [a.tflite]\nboards: [b]\nsetting: {iterations: 3}\n",
    "missing boards": "name: s\nmodels: [a.tflite]\n",
    "generated model without seed": "name: s\nmodels: [{generate: kws}]\nboards: [b]\n",
    "iterations out of range": "name: s\nmodels: [a.tflite]\nboards: [b]\nsettings: {iterations: 0}\n",
    "bad link": "name: s\nmodels: [a.tflite]\nboards: [b]\nsettings: {link: swd}\n",
    "bad regressions": "name: s\nmodels: [a.tflite]\nboards: [b]\nregressions: {against: yesterday}\n",
    "two input sources": "name: s\nmodels: [a.tflite]\nboards: [b]\ninputs: {files: [a.bin], random: {seed: 1}}\n",
    "folder without labels": "name: s\nmodels: [a.tflite]\nboards: [b]\ninputs: {folder: x}\n",
    "top1 above 1": "name: s\nmodels: [a.tflite]\nboards: [b]\nchecks: {top1: 2}\n",
    "bad budget field": "name: s\nmodels: [a.tflite]\nboards: [b]\nbudgets: {b: {ram_kb: 3}}\n",
}


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        v = validator(argv[2])
        failed = [name for name, text in BAD.items() if not errors(v, yaml.safe_load(text))]
        for name in failed:
            print(f"schema accepts a bad suite: {name}")
        print(f"{len(BAD) - len(failed)} of {len(BAD)} bad suites refused")
        return 1 if failed else 0
    if len(argv) < 3:
        print(__doc__)
        return 2
    v = validator(argv[1])
    bad = 0
    for path in argv[2:]:
        with open(path) as f:
            doc = yaml.safe_load(f)
        errs = errors(v, doc)
        for e in errs:
            print(f"{path}: {e}")
        bad += bool(errs)
        if not errs:
            print(f"{path}: valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
