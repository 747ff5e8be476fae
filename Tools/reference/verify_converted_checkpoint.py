#!/usr/bin/env python3
"""Checks a folder written by `bert convert` from a Google TensorFlow checkpoint against the checkpoint itself.

1. transformers loads the folder as BertForPreTraining with no missing or unexpected weights, and its
   config says hidden_act "gelu_new" (Google's "gelu" is the tanh approximation);
2. every TensorFlow variable (kernels transposed to [out, in]) equals the loaded PyTorch tensor bit for bit,
   the tied MLM decoder equals the word embeddings, and no parameter of the model is left unchecked;
3. with --bert BINARY: converting the converted folder again gives byte-identical files.

Usage:
  bert convert --from Tests/BERTTests/Fixtures/tf-tiny --to /tmp/converted
  python3 Tools/reference/verify_converted_checkpoint.py /tmp/converted Tests/BERTTests/Fixtures/tf-tiny \
      [--bert .build/debug/bert]
Needs tensorflow-cpu, torch, transformers, numpy. Not run by the Swift tests (they must not need Python).
"""
import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from transformers import BertForPreTraining  # noqa: E402

from checkpoint_common import google_to_canonical  # noqa: E402

SKIP_SUFFIXES = ("/adam_m", "/adam_v", "/Adam", "/Adam_1")
SKIP_NAMES = {"global_step", "beta1_power", "beta2_power"}


def hf_name(tf_name):
    """Google variable name → transformers BertForPreTraining state_dict key, and whether it is transposed."""
    canonical, transpose = google_to_canonical(tf_name)
    return (canonical if canonical.startswith("cls.") else "bert." + canonical), transpose


def bits(array):
    return np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("converted")
    parser.add_argument("tf_checkpoint", help="folder with bert_model.ckpt.*, or the checkpoint prefix")
    parser.add_argument("--bert", help="the bert binary, to check that converting again is byte-identical")
    args = parser.parse_args()

    prefix = args.tf_checkpoint
    if os.path.isdir(prefix):
        prefix = os.path.join(prefix, "bert_model.ckpt")
    failures = []

    model, info = BertForPreTraining.from_pretrained(args.converted, output_loading_info=True)
    for key in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"):
        if info.get(key):
            failures.append(f"transformers reports {key}: {info[key]}")
    if model.config.hidden_act != "gelu_new":
        failures.append(f"config.json hidden_act is {model.config.hidden_act!r}, expected 'gelu_new'")
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}

    reader = tf.train.load_checkpoint(prefix)
    checked = set()
    compared = 0
    for name in sorted(reader.get_variable_to_shape_map()):
        if name in SKIP_NAMES or name.endswith(SKIP_SUFFIXES):
            continue
        key, transpose = hf_name(name)
        if key not in state:
            failures.append(f"TF variable {name} → {key}: not in the loaded model")
            continue
        expected = reader.get_tensor(name)
        if transpose:
            expected = expected.T
        actual = state[key]
        if expected.shape != actual.shape:
            failures.append(f"{name} → {key}: shape {actual.shape}, expected {expected.shape}")
        elif not np.array_equal(bits(expected), bits(actual)):
            diff = np.abs(expected.astype(np.float64) - actual.astype(np.float64)).max()
            failures.append(f"{name} → {key}: values differ (max |diff| {diff:g})")
        checked.add(key)
        compared += 1

    # Tied copies: the decoder is the word-embedding matrix, its bias the output bias.
    tied = {"cls.predictions.decoder.weight": "bert.embeddings.word_embeddings.weight",
            "cls.predictions.decoder.bias": "cls.predictions.bias"}
    for copy, original in tied.items():
        if copy in state:
            if not np.array_equal(bits(state[copy]), bits(state[original])):
                failures.append(f"{copy} is not tied to {original}")
            checked.add(copy)
    unchecked = sorted(k for k in state if k not in checked and not k.endswith("position_ids"))
    if unchecked:
        failures.append(f"model tensors not compared with the TF checkpoint: {unchecked}")

    if args.bert:
        with tempfile.TemporaryDirectory() as scratch:
            again = os.path.join(scratch, "again")
            subprocess.run([args.bert, "convert", "--from", args.converted, "--to", again], check=True,
                           stdout=subprocess.DEVNULL)
            for file in ("model.safetensors", "config.json", "vocab.txt", "tokenizer_config.json"):
                if not filecmp.cmp(os.path.join(args.converted, file), os.path.join(again, file), shallow=False):
                    failures.append(f"converting again changed {file}")
            print("round trip: convert → convert again gives byte-identical files" if not failures else "")

    if failures:
        print("FAILED:")
        for failure in failures:
            print("  " + failure)
        sys.exit(1)
    print(f"OK: transformers loads {args.converted} as BertForPreTraining (hidden_act gelu_new); "
          f"{compared} TF variables equal the loaded tensors bit for bit; tied decoder checked")


if __name__ == "__main__":
    main()
