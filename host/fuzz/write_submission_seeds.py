#!/usr/bin/env python3
"""Writes corpus/submission/'s seed request bodies: suites with tiny models (from hil-modelgen) and inputs
uploaded as base64, and broken bodies. regression_*.json files are kept by hand.
Usage: write_submission_seeds.py HIL_MODELGEN OUT_DIR"""
import base64
import json
import os
import subprocess
import sys
import tempfile


def model(modelgen, spec, seed):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.tflite")
        subprocess.run([modelgen, spec, "--seed", str(seed), "-o", out], check=True, capture_output=True)
        with open(out, "rb") as f:
            return f.read()


def b64(data):
    return base64.b64encode(data).decode()


def main():
    modelgen, out_dir = sys.argv[1], sys.argv[2]
    fc = model(modelgen, "fc:8,units=4", 1)
    conv = model(modelgen, "conv2d:4x4x1,oc=2,k=3x3,s=1,pad=same,act=relu", 2)
    head = "name: s\nboards: [posix-host]\n"
    bodies = {
        "generated_only": {"suite": "name: g\nmodels:\n  - {generate: tiny, seed: 1}\nboards: [posix-host]\n"},
        "uploaded_model": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": b64(fc)}},
        "uploaded_models_nested": {
            "suite": head + "models:\n  - {name: a, path: models/fc.tflite}\n  - models/conv.tflite\n"
                     "settings: [{warmup: 1, iterations: 2}, {kernel: ref, link: uart}]\n",
            "files": {"models/fc.tflite": b64(fc), "models/conv.tflite": b64(conv)}},
        "input_files": {"suite": head + "models: [m.tflite]\ninputs: {files: [in/a.bin, in/b.bin]}\n",
                        "files": {"m.tflite": b64(fc), "in/a.bin": b64(bytes(range(8))), "in/b.bin": b64(b"\x80" * 8)}},
        "input_folder_labels": {
            "suite": head + "models: [m.tflite]\ninputs: {folder: samples, labels: labels.txt}\nchecks: {top1: 0.5}\n",
            "files": {"m.tflite": b64(fc), "labels.txt": b64(b"a.bin 0\nb.bin 3\n"),
                      "samples/a.bin": b64(bytes(8)), "samples/b.bin": b64(bytes([1] * 8))}},
        "wrong_input_size": {"suite": head + "models: [m.tflite]\ninputs: {files: [x.bin]}\n",
                             "files": {"m.tflite": b64(fc), "x.bin": b64(b"abc")}},
        "budgets_regressions": {
            "suite": head + "models: [m.tflite]\nbudgets: {all: {latency_us: 100}, posix-host: {ram_peak_bytes: 4096}}\n"
                     "regressions: {against: last-run, threshold_pct: 5}\n",
            "files": {"m.tflite": b64(fc)}},
        "not_a_model": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": b64(b"TFL3 not really a model")}},
        "truncated_model": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": b64(fc[:300])}},
        "empty_upload": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": ""}},
        "unknown_board": {"suite": "name: s\nmodels: [m.tflite]\nboards: [no-such-board]\n", "files": {"m.tflite": b64(fc)}},
        "missing_upload": {"suite": head + "models: [missing.tflite]\n", "files": {}},
        "escape_dotdot_path": {"suite": head + "models: [m.tflite]\n", "files": {"../m.tflite": b64(fc)}},
        "escape_absolute_path": {"suite": head + "models: [/tmp/m.tflite]\n", "files": {"/tmp/m.tflite": b64(fc)}},
        "suite_names_outside": {"suite": head + "models: [../model.tflite]\ninputs: {folder: ., labels: ../labels.txt}\n"},
        "labels_escape": {"suite": head + "models: [m.tflite]\ninputs: {folder: ., labels: l.txt}\n",
                          "files": {"m.tflite": b64(fc), "l.txt": b64(b"../in.bin 0\n")}},
        "file_and_folder": {"suite": head + "models: [a]\n", "files": {"a": b64(fc), "a/b": b64(fc)}},
        "dot_path": {"suite": head + "models: [m.tflite]\n", "files": {"./m.tflite": b64(fc)}},
        "bad_base64": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": "abc=def="}},
        "bad_base64_padding": {"suite": head + "models: [m.tflite]\n", "files": {"m.tflite": "ab=="[:3] + "="}},
        "unknown_field": {"suite": head + "models: [m.tflite]\n", "extra": 1},
        "suite_not_string": {"suite": {"name": "s"}},
        "files_not_object": {"suite": head, "files": ["m.tflite"]},
        "file_not_string": {"suite": head, "files": {"m.tflite": 3}},
        "suite_bad_yaml": {"suite": "name: [unclosed\n"},
    }
    for name, body in bodies.items():
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(body, f, indent=1)
            f.write("\n")
    raw = {"not_json": "{\"suite\": ", "json_array": "[1, 2, 3]\n", "json_string": "\"suite\"\n",
           "deep_json": "[" * 2000 + "]" * 2000 + "\n", "empty": "", "duplicate_keys": "{\"suite\": \"a\", \"suite\": 3}\n",
           "unicode_escapes": "{\"suite\": \"name: \\u0073\\nmodels: [\\u002e\\u002e/model.tflite]\\nboards: [b]\\n\"}\n",
           "nul_in_path": "{\"suite\": \"name: s\", \"files\": {\"a\\u0000b\": \"\"}}\n",
           "invalid_utf8": "{\"suite\": \"name: \xff\xfe\"}\n"}
    for name, text in raw.items():
        with open(os.path.join(out_dir, name + ".json"), "wb") as f:
            f.write(text.encode("latin-1"))


if __name__ == "__main__":
    main()
